#!/usr/bin/env bash
# Smoke check of the HTML run report in a real browser: renders it offline in headless Chromium and
# writes a PNG next to it. Needs Debian's chromium (apt-get install chromium); not part of make test.
#   scripts/report_screenshot.sh data/demo/reports/periode=2026-11.html
set -euo pipefail
report=$(realpath "$1")
out="${2:-${report%.html}.png}"
profile=$(mktemp -d)
chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking \
  --disable-component-update --disable-sync --user-data-dir="$profile" --window-size=1100,2400 \
  --screenshot="$out" "file://$report" >/dev/null 2>&1
rm -rf "$profile"
test -s "$out" && echo "screenshot: $out"
