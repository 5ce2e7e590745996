#!/usr/bin/env bash
# Browser tests drive Debian's Chromium through Playwright; install it when missing, with a
# CJK font so that screenshots of the Chinese interface show characters, not boxes.
set -euo pipefail
need=()
[ -x /usr/bin/chromium ] || need+=(chromium)
if ! command -v fc-list >/dev/null || [ -z "$(fc-list :lang=zh 2>/dev/null | head -1)" ]; then
  need+=(fonts-wqy-microhei)
fi
if [ ${#need[@]} -eq 0 ]; then exit 0; fi
if [ "$(id -u)" != "0" ]; then
  echo "Missing for browser tests: run 'sudo apt-get install -y ${need[*]}'." >&2
  [ -x /usr/bin/chromium ] && exit 0  # fonts only make screenshots legible
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq "${need[@]}" >/dev/null
