#!/usr/bin/env bash
# The whole check that `make test` runs: system tools, a throwaway PostgreSQL, lint, Django checks,
# translations, then pytest (unit and browser tests). Extra arguments go to pytest; with arguments the
# lint and translation steps are skipped (for running a few tests while working).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
.ci/install-system
.ci/venv requirements-dev.txt
PY=.venv/bin/python

pgdir=$(mktemp -d /tmp/portal-pg.XXXXXX)
redisdir=$(mktemp -d /tmp/portal-redis.XXXXXX)
cleanup() {
  .ci/pg stop "$pgdir"
  [ -f "$redisdir/pid" ] && kill "$(cat "$redisdir/pid")" 2>/dev/null || true
  rm -rf "$pgdir" "$redisdir"
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

if [ $# -eq 0 ]; then
  echo "== ruff"; $PY -m ruff check .; $PY -m ruff format --check . >/dev/null || { $PY -m ruff format --diff . | head -50; exit 1; }
  echo "== manage.py check"; $PY manage.py check --fail-level WARNING
  echo "== makemigrations --check"; $PY manage.py makemigrations --check --dry-run
  echo "== compilemessages"; $PY manage.py compilemessages --ignore=.venv --ignore=.ci >/dev/null
fi
echo "== pytest"
set +e
$PY -m pytest --durations=15 "$@"
status=$?
set -e
[ $status -eq 5 ] && { echo "pytest collected no tests" >&2; exit 1; }
exit $status
