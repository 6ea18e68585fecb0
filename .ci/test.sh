#!/usr/bin/env bash
# The checks behind `make test` and `make check`: system tools, a throwaway PostgreSQL and Redis, then
#   .ci/test.sh           (make test)  lint, Django checks, migrations and translations, then pytest twice: every
#                         test but the fault tests on all cores (pytest-xdist, a database per process), then the fault
#                         tests (they start clusters and servers, restart PostgreSQL and kill processes) on their own,
#                         one after another. Ends with one line that counts both: "N passed, N failed".
#   .ci/test.sh --check   (make check) the same lint and checks, then the unit tests on all cores: no browser, no
#                         fault and no slow tests (tests/conftest.py names those).
#   .ci/test.sh ARGS...   one pytest run with these arguments, in one process, without lint (for a few tests while
#                         working; add `-n 2` for more).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
mode=args
if [ $# -eq 0 ]; then mode=test; elif [ "$1" = --check ]; then mode=check; shift; fi
step() { echo "== $1 ($((SECONDS - started))s)"; }
started=$SECONDS
.ci/install-system
.ci/venv requirements-dev.txt
PY=.venv/bin/python

pgdir=$(mktemp -d /tmp/portal-pg.XXXXXX)
redisdir=$(mktemp -d /tmp/portal-redis.XXXXXX)
results=$(mktemp -d /tmp/portal-results.XXXXXX)
cleanup() {
  for job in $(jobs -p); do kill "$job" 2>/dev/null || true; done
  .ci/pg stop "$pgdir/migrated"
  .ci/pg stop "$pgdir"
  [ -f "$redisdir/pid" ] && kill "$(cat "$redisdir/pid")" 2>/dev/null || true
  rm -rf "$pgdir" "$redisdir" "$results"
}
trap cleanup EXIT
DATABASE_URL=$(.ci/pg start "$pgdir")
redis_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
redis-server --port "$redis_port" --bind 127.0.0.1 --save "" --appendonly no --daemonize yes \
  --pidfile "$redisdir/pid" --dir "$redisdir" --logfile "$redisdir/redis.log"
export DATABASE_URL
export PORTAL_TEST_REDIS_URL="redis://127.0.0.1:$redis_port/0"
export PORTAL_TEST_PG_DIR="$pgdir"
export DJANGO_SECRET_KEY=test-secret-key-not-for-production-0123456789abcdef
export DJANGO_ALLOWED_HOSTS=testserver,localhost,127.0.0.1
export PORTAL_HTTPS=0
export DJANGO_ALLOW_ASYNC_UNSAFE=true
export PORTAL_MEDIA_ROOT="$pgdir/media"
# Compiled modules are kept (__pycache__, ignored by git): the test processes, and the servers and commands the
# tests start, each import the whole project.
unset PYTHONDONTWRITEBYTECODE

if [ "$mode" = args ]; then
  step pytest
  set +e
  $PY -m pytest --durations=15 "$@"
  status=$?
  set -e
  [ $status -eq 5 ] && { echo "pytest collected no tests" >&2; exit 1; }
  exit $status
fi

# Made beside the lint (each is one process on one core): one migrated database, which every test process's
# database copies (CREATE DATABASE ... TEMPLATE, see tests/conftest.py), and for `make test` one migrated cluster,
# which the fault tests copy for the servers they start (.ci/pg clone, see tests/reliability/conftest.py).
psql -q "$DATABASE_URL" -c "CREATE DATABASE portal_template"
DATABASE_URL="${DATABASE_URL%/*}/portal_template" $PY manage.py migrate --no-input -v0 >"$results/template.log" 2>&1 &
template_job=$!
export PORTAL_TEST_DB_TEMPLATE=portal_template
if [ "$mode" = test ]; then
  (
    url=$(.ci/pg start "$pgdir/migrated")
    status=0
    DATABASE_URL="$url" $PY manage.py migrate --no-input -v0 || status=$?
    .ci/pg stop "$pgdir/migrated"
    exit $status
  ) >"$results/migrated.log" 2>&1 &
  cluster_job=$!
  export PORTAL_TEST_MIGRATED_PG_DIR="$pgdir/migrated"
fi
# wait_for JOB LOG: the background job's exit, its log on failure.
wait_for() { wait "$1" || { cat "$2" >&2; echo "preparing the test databases failed" >&2; exit 1; }; }

step ruff; $PY -m ruff check .; $PY -m ruff format --check . >/dev/null || { $PY -m ruff format --diff . | head -50; exit 1; }
step "manage.py check"; $PY manage.py check --fail-level WARNING
step "makemigrations --check"; $PY manage.py makemigrations --check --dry-run
step compilemessages; $PY manage.py compilemessages --ignore=.venv --ignore=.ci >/dev/null

# Processes for the parallel run: one more than the cores, at most four (each has a database and a browser of its
# own). On two cores, three processes ran the suite in 580 s, two in 600 s and four in 618 s.
workers=$(( $(nproc) + 1 )); [ "$workers" -gt 4 ] && workers=4
failed=0
# run NAME PYTEST_ARGS...: one pytest run, its JUnit report kept for the closing count. "No tests collected"
# (exit 5) is not a failure of that run; a whole check that ran no test at all fails below.
run() {
  local name=$1; shift
  step "pytest: $name"
  set +e
  $PY -m pytest --durations=15 --junitxml="$results/$name.xml" "$@"
  local status=$?
  set -e
  if [ $status -eq 5 ]; then
    echo "($name: no tests collected)"
  elif [ $status -ne 0 ]; then
    failed=1
  fi
}
wait_for "$template_job" "$results/template.log"
if [ "$mode" = check ]; then
  run unit -n "$workers" --dist worksteal -m "not browser and not fault and not slow"
else
  run parallel -n "$workers" --dist worksteal -m "not fault"
  wait_for "$cluster_job" "$results/migrated.log"
  run fault -m fault
fi
step done
# The closing line counts every run: "N passed, N failed" (", N skipped" when some were).
$PY - "$results" "$failed" <<'EOF'
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

counts = {"passed": 0, "failed": 0, "skipped": 0}
for report in sorted(Path(sys.argv[1]).glob("*.xml")):
    for suite in ET.parse(report).getroot().iter("testsuite"):
        tests, skipped = int(suite.get("tests", 0)), int(suite.get("skipped", 0))
        failed = int(suite.get("failures", 0)) + int(suite.get("errors", 0))
        counts["passed"] += tests - skipped - failed
        counts["failed"] += failed
        counts["skipped"] += skipped
if sys.argv[2] != "0" and not counts["failed"]:
    counts["failed"] = 1  # a run that failed before its report counted anything (an internal error, say)
line = f"{counts['passed']} passed, {counts['failed']} failed"
print(line + (f", {counts['skipped']} skipped" if counts["skipped"] else ""))
if not counts["passed"] + counts["failed"]:
    print("no test ran", file=sys.stderr)
    sys.exit(1)
sys.exit(1 if counts["failed"] else 0)
EOF
