#!/usr/bin/env bash
# The README's main job: one virtual day of the pipeline end to end (scripts/demo.py).
set -euo pipefail
cd "$(dirname "$0")/.."
exec python3 scripts/demo.py "${1:-build}"
