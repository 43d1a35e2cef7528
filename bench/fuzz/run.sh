#!/usr/bin/env bash
# Builds the fuzz targets (clang, libFuzzer, ASan + UBSan: CMake preset "sanitize", build-asan)
# and runs each for SECONDS from its committed corpus (bench/fuzz/corpus/<target>), one after
# another, then prints the executions and crashes of each. Exit 1 if any target crashed; the
# input that did is under build-asan/fuzz-out/<target>/artifacts (replay it with
# `build-asan/bench/fuzz/fuzz_<target> FILE`).
#
#   bench/fuzz/run.sh SECONDS [--no-build] [target...]     FUZZ_SEED (default 1) seeds libFuzzer
set -euo pipefail
cd "$(dirname "$0")/../.."
usage="usage: bench/fuzz/run.sh SECONDS [--no-build] [target...]"
SECONDS_EACH="${1:?$usage}"
[[ "$SECONDS_EACH" =~ ^[0-9]+$ ]] || { echo "$usage" >&2; exit 2; }
shift
BUILD=1
if [ "${1:-}" = "--no-build" ]; then BUILD=0; shift; fi
ALL=(http_edge dynamodb expression sqs_query s3_key config scenario)
TARGETS=("$@")
[ ${#TARGETS[@]} -eq 0 ] && TARGETS=("${ALL[@]}")
for t in "${TARGETS[@]}"; do
  [ -d "bench/fuzz/corpus/$t" ] || { echo "no fuzz target $t (targets: ${ALL[*]})" >&2; exit 2; }
done

if [ "$BUILD" = 1 ]; then
  cmake --preset sanitize >/dev/null
  cmake --build build-asan -j "${JOBS:-$(nproc)}" --target "${TARGETS[@]/#/fuzz_}"
fi

# A crash, a leak, an undefined-behaviour report, a 10 s hang or 2 GiB of memory ends a run.
export ASAN_OPTIONS="${ASAN_OPTIONS:-halt_on_error=1:abort_on_error=1:detect_leaks=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}"
# The targets' scratch files (the config and scenario loaders read a file per input) go to
# memory when the machine has /dev/shm.
if [ -z "${TMPDIR:-}" ] && [ -d /dev/shm ] && [ -w /dev/shm ]; then export TMPDIR=/dev/shm; fi
OUT=build-asan/fuzz-out
printf '%-12s %12s %10s %8s\n' target executions "exec/s" crashes
total=0
crashed=0
for t in "${TARGETS[@]}"; do
  work="$OUT/$t"
  rm -rf "$work"
  mkdir -p "$work/corpus" "$work/artifacts"
  # New inputs go to the work folder; the committed corpus is only read.
  "build-asan/bench/fuzz/fuzz_$t" -max_total_time="$SECONDS_EACH" -seed="${FUZZ_SEED:-1}" \
      -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$work/artifacts/" \
      "$work/corpus" "bench/fuzz/corpus/$t" > "$work/log" 2>&1 || true
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/log" | tail -1)
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$work/log" | tail -1)
  crashes=$(find "$work/artifacts" -type f | wc -l)
  if [ -z "$execs" ]; then
    # No final statistics: the target died before libFuzzer could print them.
    crashes=$((crashes > 0 ? crashes : 1))
    execs=0 rate=0
  fi
  printf '%-12s %12s %10s %8s\n' "$t" "$execs" "$rate" "$crashes"
  total=$((total + execs))
  if [ "$crashes" -gt 0 ]; then
    crashed=1
    echo "  $t crashed: $work/log, input in $work/artifacts" >&2
    grep -m3 -E "ERROR|runtime error|SUMMARY" "$work/log" | sed 's/^/  /' >&2 || true
  fi
done
printf '%-12s %12s\n' total "$total"
exit "$crashed"
