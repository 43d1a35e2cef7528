#!/usr/bin/env bash
# Runs every benchmark with its default arguments and prints each one's report (`./dev bench`).
# Figures from these 2-core machines are noisy: compare the ratios each benchmark prints
# against its own in-run baseline rather than absolute numbers across machines.
#
#   bench/run.sh [build-dir] [name...]      names: startup ingest aggregation capacity dynamodb etl loadgen scenario day fixture crashloop two-doors demo-build calibration national-day no-slower
# (crashloop, two-doors, demo-build, national-day and no-slower run only when named: they take
# minutes. no-slower compares with the build dir in OLD_BUILD, ROUNDS rounds, default 3.)
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR="${1:-build}"
shift || true
WANT=("$@")
[ ${#WANT[@]} -eq 0 ] && WANT=(startup ingest aggregation capacity dynamodb etl loadgen scenario day fixture)

header() { printf '\n\033[1m== %s ==\033[0m\n' "$*"; }

for name in "${WANT[@]}"; do
  case "$name" in
    ingest)
      header "save-metrics over HTTP (wrk): ready time, idle RSS, durable req/s, p50/p99"
      python3 bench/ingest/bench_ingest.py "$BUILD_DIR" --duration 10 ;;
    aggregation)
      header "aggregation: entries/s through stream -> aggregate_metrics -> UpdateItem"
      "$BUILD_DIR/bench/aggregation/bench_aggregation" --requests 20000 --repeat 3 ;;
    capacity)
      header "capacity model: ns per request of the throttle, Lambda and DynamoDB checks"
      "$BUILD_DIR/bench/capacity/bench_capacity" --benchmark_min_time=0.5 ;;
    dynamodb)
      header "DynamoDB in process: PutItem / UpdateItem with persistence"
      "$BUILD_DIR/bench/dynamodb/bench_dynamodb_model" --ops 100000
      header "DynamoDB over HTTP (one-thread Asio client: 1,000 ops/s on an idle emulator, then 32 keep-alive connections; health ceiling; moto)"
      DATA="$(mktemp -d)"
      # The ingest benchmark's config raises the on-demand limits: the figure is the emulator's
      # own cost, not the throttling a new on-demand table would apply.
      "$BUILD_DIR/emulator/emulator" serve --port 0 --data-dir "$DATA" \
          --config bench/ingest/bench_config.json > "$DATA/ready.txt" &
      PID=$!
      for _ in $(seq 1 100); do grep -q ready "$DATA/ready.txt" 2>/dev/null && break; sleep 0.05; done
      URL="$(sed -n 's/.*url=\([^ ]*\).*/\1/p' "$DATA/ready.txt")"
      # moto's server for the same-run comparison: a source tree in MOTO_DIR (run by
      # MOTO_PYTHON, default python3) or moto_server on PATH; see bench/dynamodb/README.md.
      MOTO_PID="" MOTO_ARGS=()
      if [ -n "${MOTO_DIR:-}" ] && [ -f "$MOTO_DIR/moto/server.py" ]; then
        (cd "$MOTO_DIR" && exec "${MOTO_PYTHON:-python3}" -m moto.server -H 127.0.0.1 -p 0) > "$DATA/moto.log" 2>&1 &
        MOTO_PID=$!
        echo "moto: the source tree in MOTO_DIR, run by ${MOTO_PYTHON:-python3}"
      elif command -v moto_server > /dev/null; then
        moto_server -H 127.0.0.1 -p 0 > "$DATA/moto.log" 2>&1 &
        MOTO_PID=$!
        echo "moto: $(command -v moto_server)"
      else
        echo "moto comparison skipped: MOTO_DIR does not point at a moto source tree and moto_server is not on PATH"
      fi
      if [ -n "$MOTO_PID" ]; then
        # Port 0: moto's server prints the port it got ("Running on http://127.0.0.1:PORT").
        for _ in $(seq 1 200); do
          grep -q "Running on" "$DATA/moto.log" 2>/dev/null && break
          kill -0 "$MOTO_PID" 2>/dev/null || break
          sleep 0.05
        done
        MOTO_URL="$(sed -n 's/.*Running on \(http:[^ ]*\).*/\1/p' "$DATA/moto.log" | head -1)"
        if [ -n "$MOTO_URL" ]; then
          MOTO_ARGS=(--moto-url "$MOTO_URL")
        else
          echo "moto comparison skipped: moto's server did not start (last output: $(tail -n 1 "$DATA/moto.log" 2>/dev/null || true))"
        fi
      fi
      "$BUILD_DIR/bench/dynamodb/bench_dynamodb_http" --url "$URL" --connections 32 --seconds 3 \
          --baseline "${MOTO_ARGS[@]}" || true
      if [ -n "$MOTO_PID" ]; then kill -TERM "$MOTO_PID" 2>/dev/null || true; wait "$MOTO_PID" 2>/dev/null || true; fi
      kill -TERM "$PID"; wait "$PID" 2>/dev/null || true
      rm -rf "$DATA" ;;
    loadgen)
      header "loadgen vs wrk against nginx: closed-loop rate, open-model accuracy, memory"
      python3 bench/loadgen/bench_loadgen.py "$BUILD_DIR" --seconds 10 ;;
    scenario)
      header "in-process scenario speed: the midnight incident (simulated requests per wall second)"
      "$BUILD_DIR/loadgen/loadgen" run scenarios/incidents/2021-06-27-midnight-throttle.json \
          --out "$BUILD_DIR/bench-out/midnight" | head -3 ;;
    day)
      header "a whole day in process at 1/20 of the national scale (normal-day.json): wall time, peak RSS"
      /usr/bin/time -f "%e s of wall time, %M KB peak RSS" "$BUILD_DIR/loadgen/loadgen" run \
          scenarios/everyday/normal-day.json --out "$BUILD_DIR/bench-out/normal-day" | head -3 ;;
    startup)
      header "emulator serve: exec -> first answered request, idle RSS (baselines: spawning /bin/true, emulator --version)"
      /usr/bin/python3 bench/startup/bench_startup.py "$BUILD_DIR" ;;
    fixture)
      header "pytest fixture: a fresh emulator per test (start, stop, remove), direct and in a pytest session"
      /usr/bin/python3 bench/fixture/bench_fixture.py "$BUILD_DIR" ;;
    crashloop)
      header "crash loop: load -> kill -9 at a random moment -> restart -> every acknowledged body stored once"
      python3 bench/crashloop/crash_loop.py "$BUILD_DIR" --cycles 100 ;;
    etl)
      header "ETL: one task over a year of aggregates at the seed's scale"
      "$BUILD_DIR/bench/etl/bench_etl" --days 365 ;;
    two-doors)
      header "every scenario in process and over HTTP against a fresh virtual-clock emulator: same verdicts, wall times"
      python3 scripts/two_doors.py "$BUILD_DIR" --speed "${TWO_DOORS_SPEED:-100000}" ;;
    demo-build)
      # What `./dev demo` compiles on a first contact: the loadgen target in an empty build dir,
      # without ccache (the compiler time a fresh clone pays; package installs not included).
      header "first-contact demo build: cmake --build of the loadgen target in an empty build dir, no ccache"
      DEMO_DIR="$(mktemp -d)"
      CCACHE_DISABLE=1 cmake -S . -B "$DEMO_DIR" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo > /dev/null
      /usr/bin/time -f "%e s of wall time (%U s user, %S s sys) for the loadgen target, -j ${JOBS:-$(nproc)}" \
          env CCACHE_DISABLE=1 cmake --build "$DEMO_DIR" -j "${JOBS:-$(nproc)}" --target loadgen > "$DEMO_DIR/build.log"
      tail -n 1 "$DEMO_DIR/build.log"
      rm -rf "$DEMO_DIR" ;;
    national-day)
      # Issues 20 and 24: the calibrated national day at full scale (4.5 M devices), then its ETL's
      # files against what production published for 2021-06-20 (full-scale tolerances).
      header "the national day 2021-06-20 at full scale in process: wall, CPU, peak RSS; then compare"
      OUT="$BUILD_DIR/bench-out/national-day-2021-06-20"
      /usr/bin/time -f "%e s of wall time (%U s user, %S s sys), %M KB peak RSS" "$BUILD_DIR/loadgen/loadgen" \
          run scenarios/everyday/national-day-2021-06-20.json --out "$OUT" --no-progress | head -3
      "$BUILD_DIR/loadgen/loadgen" compare "$OUT" tests/data/published-2021-06-14-to-20 \
          --date 2021-06-20 --json "$OUT/compare.json" | grep -E "^(PASS|FAIL)" || true ;;
    calibration)
      header "the model fitted to 2021-06-20 moved to 2021-06-17 (date, start, devices only), 1/20 scale: compare's table"
      bench/calibration/another_day.sh "$BUILD_DIR" 2021-06-20 2021-06-17 || true ;;
    no-slower)
      # Issue 24: this build against an older one (OLD_BUILD), workloads alternating old/new.
      header "no regressions: OLD_BUILD against this build side by side (day, midnight, aggregation, ingest)"
      [ -n "${OLD_BUILD:-}" ] || { echo "no-slower: set OLD_BUILD to the build dir to compare with" >&2; exit 2; }
      bench/compare_builds.sh "$OLD_BUILD" "$BUILD_DIR" "${ROUNDS:-3}" || true ;;
    *) echo "unknown benchmark: $name (startup ingest aggregation capacity dynamodb etl loadgen scenario day fixture crashloop two-doors demo-build calibration national-day no-slower)" >&2; exit 2 ;;
  esac
done
