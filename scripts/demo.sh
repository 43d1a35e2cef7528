#!/usr/bin/env bash
# The README's main job (until the scenario runner lands): start the emulator on a free port,
# show its health, stop it.
set -euo pipefail
BUILD_DIR="${1:-build}"
DATA_DIR="$(mktemp -d)"
"$BUILD_DIR/emulator/emulator" serve --port 0 --data-dir "$DATA_DIR" > "$DATA_DIR/ready.txt" &
PID=$!
trap 'kill -TERM $PID 2>/dev/null; wait $PID 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do grep -q "ready" "$DATA_DIR/ready.txt" 2>/dev/null && break; sleep 0.05; done
cat "$DATA_DIR/ready.txt"
URL="$(sed -n 's/.*url=\([^ ]*\).*/\1/p' "$DATA_DIR/ready.txt")"
curl -s "$URL/_emulator/health"
