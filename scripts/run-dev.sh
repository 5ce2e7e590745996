#!/usr/bin/env bash
# Migrate, load reference and demo data, then run web server, task worker and scheduler
# together; Ctrl-C stops all three.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
$BIN/louyu migrate --noinput
$BIN/louyu seed_demo
$BIN/louyu db_worker &
WORKER=$!
$BIN/louyu scheduler &
SCHEDULER=$!
trap 'kill $WORKER $SCHEDULER 2>/dev/null || true' EXIT INT TERM
echo
echo "Louyu: http://127.0.0.1:8000   (API docs: http://127.0.0.1:8000/api/docs/)"
echo "Debug pages: ${LOUYU_DEBUG:-false}   (LOUYU_DEBUG=true make run for development)"
$BIN/louyu runserver 127.0.0.1:8000 --noreload
