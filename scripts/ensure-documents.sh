#!/usr/bin/env bash
# Official documents (louyu.core.documents) are rendered to PDF by WeasyPrint, which loads
# Pango, PangoFT2 and HarfBuzz with its subsetter (so that only the glyphs used are embedded)
# at run time; the tests read the PDFs back with poppler's pdffonts and pdftotext (poppler-data
# gives them the CMaps for Chinese text). Install them when missing.
# Fonts: fonts-noto-cjk, because it is the one Debian package with both a Song-style serif
# (Noto Serif CJK SC, for titles and body text as GB/T 9704 asks) and a matching sans (Noto
# Sans CJK SC, for tables) covering simplified and traditional Chinese, under a licence (SIL OFL)
# that allows embedding them in published PDFs. WenQuanYi, the browser tests' font, has no serif.
set -euo pipefail
packages=(libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-noto-cjk poppler-utils poppler-data)
need=()
for package in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${db:Status-Status}' "$package" 2>/dev/null || true)
  [ "$status" = "installed" ] || need+=("$package")
done
if [ ${#need[@]} -eq 0 ]; then exit 0; fi
if [ "$(id -u)" != "0" ]; then
  echo "Missing for PDF documents: run 'sudo apt-get install -y ${need[*]}'." >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
