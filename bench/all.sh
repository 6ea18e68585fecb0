#!/usr/bin/env bash
# Every benchmark in one run, on one database, recorded in bench/RESULTS.md (newest first):
#   bench/all.sh            a throwaway PostgreSQL filled with 10,000 notices and 1,000,000 complaints
#   DATABASE_URL=… bench/all.sh   a database already filled by generate_volume (the fill is skipped)
# Run it on a quiet machine: other work on the same cores changes every number.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
if ! command -v wrk >/dev/null && [ "$(id -u)" = 0 ]; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends wrk >/dev/null
fi
command -v wrk >/dev/null || { echo "bench needs wrk (apt-get install wrk)" >&2; exit 1; }
export DJANGO_SECRET_KEY=${DJANGO_SECRET_KEY:-bench-secret-key-not-for-production-0123456789abcdefghij}
export DJANGO_ALLOWED_HOSTS=${DJANGO_ALLOWED_HOSTS:-127.0.0.1,localhost}
if [ -z "${DATABASE_URL:-}" ]; then
  dir=$(mktemp -d /tmp/portal-bench-all.XXXXXX)
  trap '.ci/pg stop "$dir"; rm -rf "$dir"' EXIT
  DATABASE_URL=$(.ci/pg start "$dir"); export DATABASE_URL
  $PY manage.py migrate --no-input -v0
  $PY manage.py load_demo --demo-site >/dev/null
  /usr/bin/time -f "generate_volume: %e s wall, %M KB peak" $PY manage.py generate_volume \
    --notices 10000 --complaints 1000000 --reception-days 500 --seed 1
fi
$PY bench/exports.py --year "$(( $(date +%Y) - 1 ))" --record
$PY bench/web.py --record
$PY bench/render.py --record
$PY bench/admin.py --record
$PY bench/workers.py --record
# Last: the surge files complaints and decides some, which the others would then count.
$PY bench/surge.py --record
