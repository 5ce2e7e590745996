#!/usr/bin/env bash
# Run the whole suite on PostgreSQL. In CI (CI=true) an unreachable server is an error;
# on a developer machine without PostgreSQL the run is skipped with a warning.
set -euo pipefail
cd "$(dirname "$0")/.."
URL="$1"
if ! .venv/bin/python - "$URL" <<'PY'
import sys, psycopg
from urllib.parse import urlsplit
u = urlsplit(sys.argv[1])
psycopg.connect(host=u.hostname, port=u.port or 5432, user=u.username, password=u.password,
                dbname="postgres", connect_timeout=5).close()
PY
then
  if [ "${CI:-}" = "true" ]; then
    echo "PostgreSQL is not reachable at $URL" >&2
    exit 1
  fi
  echo "WARNING: PostgreSQL not reachable at $URL; the PostgreSQL run is skipped." >&2
  exit 0
fi
DATABASE_URL="$URL" LOUYU_REQUIRE_BROWSER=1 .venv/bin/pytest --create-db
