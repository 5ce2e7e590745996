#!/usr/bin/env bash
# The whole suite, its SQLite and PostgreSQL halves at the same time: each half is one
# Python process, so on two cores the pair takes about as long as the longer half alone.
# Each half writes to var/test-<half>.log; a log is printed whole when its half ends, so the
# two never interleave. Exits non-zero when either half fails.
# LOUYU_TEST_SERIAL=1 runs the halves one after the other, printing as they go.
set -uo pipefail
cd "$(dirname "$0")/.."
PG_URL="$1"
if [ "${LOUYU_TEST_SERIAL:-}" = "1" ]; then
  env -u DATABASE_URL LOUYU_REQUIRE_BROWSER=1 .venv/bin/pytest || exit $?
  exec bash scripts/test-postgres.sh "$PG_URL"
fi
mkdir -p var
started=$(date +%s)
# The halves share Redis: the SQLite half queues on database 1, so neither half's RQ worker
# takes the other's jobs; and pytest's cache gets a directory per half.
env -u DATABASE_URL LOUYU_REQUIRE_BROWSER=1 LOUYU_REDIS_URL=redis://127.0.0.1:6379/1 \
  .venv/bin/pytest -o cache_dir=.pytest_cache/sqlite >var/test-sqlite.log 2>&1 &
sqlite_pid=$!
bash scripts/test-postgres.sh "$PG_URL" >var/test-postgres.log 2>&1 &
postgres_pid=$!
echo "Running the suite on SQLite and on PostgreSQL at the same time (var/test-sqlite.log, var/test-postgres.log) …"
wait "$sqlite_pid"; sqlite_rc=$?
echo "===== SQLite: exit $sqlite_rc after $(($(date +%s) - started)) s ====="
cat var/test-sqlite.log
wait "$postgres_pid"; postgres_rc=$?
echo "===== PostgreSQL: exit $postgres_rc after $(($(date +%s) - started)) s ====="
cat var/test-postgres.log
[ "$sqlite_rc" = 0 ] && [ "$postgres_rc" = 0 ]
