#!/usr/bin/env bash
# The README's main job: reproduce the 2021-06-27 midnight incident in virtual time and show
# its report (one-screen text summary here, charts in report.html).
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR="${1:-build}"
OUT="$BUILD_DIR/demo/2021-06-27-midnight-throttle"
echo "Replaying the 2021-06-27 midnight spike (4.2 M devices, 15 virtual minutes around 00:00 EDT)..."
"$BUILD_DIR/loadgen/loadgen" run scenarios/incidents/2021-06-27-midnight-throttle.json --out "$OUT"
echo "Open $OUT/report.html in a browser: the headline, then every per-second chart on one clock (offline)."
