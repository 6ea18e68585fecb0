# Quick start: `make run` serves the site on http://127.0.0.1:8000/ (`PORT=8001 make run` on another port),
# `make test` runs every check: lint, Django's checks, migrations and translations, the unit and browser tests on
# every core, then the fault tests on their own (what CI runs).
# `make check` is the quick loop (under three minutes): the same lint and checks, then the unit tests on every core,
# without the browser and fault tests.
.PHONY: run test check messages lint format bench

PORT ?= 8000

run:
	@.ci/venv requirements.txt
	@if command -v msgfmt >/dev/null; then DJANGO_DEBUG=1 .venv/bin/python manage.py compilemessages --ignore=.venv --ignore=.ci >/dev/null; fi
	@DJANGO_DEBUG=1 .venv/bin/python manage.py migrate --no-input -v0
	@DJANGO_DEBUG=1 PORT=$(PORT) .venv/bin/python manage.py load_demo --with-admin
	@echo "Serving on http://127.0.0.1:$(PORT)/ (English at /en/), with the background worker and the periodic jobs. Stop with Ctrl-C."
	@echo "The worker's output shows below: each text message it sends (\"SMS to 138****5678: ...\") and each e-mail."
	@DJANGO_DEBUG=1 PYTHONUNBUFFERED=1 .venv/bin/python manage.py db_worker & worker=$$!; \
	  DJANGO_DEBUG=1 .venv/bin/python manage.py run_periodic --every 300 >/dev/null 2>&1 & periodic=$$!; \
	  trap 'kill $$worker $$periodic 2>/dev/null' EXIT INT TERM; \
	  DJANGO_DEBUG=1 .venv/bin/python manage.py runserver 127.0.0.1:$(PORT)

test:
	@.ci/test.sh

check:
	@.ci/test.sh --check

# Extract UI strings into both catalogs (then translate the new entries in locale/*/LC_MESSAGES/django.po).
messages:
	@DJANGO_DEBUG=1 .venv/bin/python manage.py makemessages -l zh_Hans -l en --ignore=.venv --ignore=.ci --ignore=bench --no-obsolete

lint:
	@.venv/bin/python -m ruff check . && .venv/bin/python -m ruff format --check .

format:
	@.venv/bin/python -m ruff format . && .venv/bin/python -m ruff check --fix .

# Every benchmark in one run (10 to 20 minutes; see bench/RESULTS.md). Not part of `make test`.
bench:
	@.ci/venv requirements-dev.txt
	@bench/all.sh
