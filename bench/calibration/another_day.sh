#!/usr/bin/env bash
# Is the model fitted to one published day usable for another? Fits 2021-06-20 at 1/20 scale,
# changes only the date, the start and the device count (the other day's active users, as
# `calibrate` counts them), runs it and compares the ETL's CSVs with the other day's files.
#
#   bench/calibration/another_day.sh [build-dir] [fitted-day] [other-day]
# Prints compare's per-file table and, for the files split by app version or province, how much
# the published split itself moved between the two days (what no fixed mix can follow).
set -euo pipefail
cd "$(dirname "$0")/../.."
BUILD_DIR="${1:-build}"
FITTED="${2:-2021-06-20}"
OTHER="${3:-2021-06-17}"
PUBLISHED=tests/data/published-2021-06-14-to-20
LOADGEN="$BUILD_DIR/loadgen/loadgen"
OUT="$(mktemp -d)"
trap 'rm -rf "$OUT"' EXIT

"$LOADGEN" calibrate --published "$PUBLISHED" --date "$FITTED" --scale 0.05 --out "$OUT/fitted.json" >/dev/null
"$LOADGEN" calibrate --published "$PUBLISHED" --date "$OTHER" --scale 0.05 --out "$OUT/other.json" >/dev/null
python3 - "$OUT" "$OTHER" <<'PY'
import datetime, json, sys
out, other = sys.argv[1], sys.argv[2]
model = json.load(open(f"{out}/fitted.json"))
devices = json.load(open(f"{out}/other.json"))["population"]["devices"]
next_day = datetime.date.fromisoformat(other) + datetime.timedelta(days=1)
model["start"] = f"{next_day.isoformat()}T00:00:00Z"
model["population"]["day"]["date"] = other
model["population"]["devices"] = devices
json.dump(model, open(f"{out}/moved.json", "w"))
print(f"model of the fitted day moved to {other}: {devices} devices (1/20 scale)")
PY
"$LOADGEN" run "$OUT/moved.json" --out "$OUT/run" >/dev/null
set +e
"$LOADGEN" compare "$OUT/run" "$PUBLISHED" --date "$OTHER" --scale 0.05
status=$?
set -e
python3 - "$PUBLISHED" "$FITTED" "$OTHER" <<'PY'
import csv, sys
published, fitted, other = sys.argv[1:]
def shares(name, day):
    rows = [r for r in csv.reader(open(f"{published}/{name}.daily-journalier.csv")) if r[0] == day]
    counts = {tuple(r[1:-1]): int(r[-1]) for r in rows if r[-1].isdigit()}
    total = sum(counts.values())
    return {k: v / total for k, v in counts.items()}
print(f"\nhow far the published split itself moved from {fitted} to {other} (largest change of a share):")
for name in ["active_users_os_av", "active_users_pt", "background_checks_nc_os_av", "installs_os_av"]:
    a, b = shares(name, fitted), shares(name, other)
    key = max(set(a) | set(b), key=lambda k: abs(a.get(k, 0) - b.get(k, 0)))
    print(f"  {name:28s} {','.join(key):24s} {100 * a.get(key, 0):6.2f} % -> {100 * b.get(key, 0):6.2f} %")
PY
exit $status
