#!/usr/bin/env bash
# Issue 24's "no regressions", judged side by side: the same workloads on two builds in the same
# run on the same machine, alternating old/new (the order flips each round: ABBA...), so the
# machine's noise falls on both alike. Prints each build's median per workload, new/old, and a
# verdict against the issue's bound. Exit 0: every bound met; 1: one is not; 2: bad arguments.
#
#   bench/compare_builds.sh OLD_BUILD_DIR NEW_BUILD_DIR [rounds (3)]
#   WORKLOADS="aggregation ingest" bench/compare_builds.sh ...     only some of them
#
# Each build dir needs loadgen/loadgen, emulator/emulator and bench/aggregation/bench_aggregation.
# Both builds run this tree's scenarios, ingest config and wrk script (their files were the same
# at 185da35, the build before the bounded-memory store). Workloads:
#   day        loadgen run scenarios/everyday/normal-day.json (in process): CPU s (user+sys), peak RSS
#   midnight   loadgen run scenarios/incidents/2021-06-27-midnight-throttle.json: CPU s
#   aggregation  bench_aggregation --mode virtual: entries/s, and entries per CPU second of the timed
#              phase (the old build's "tables saved once, at the end" against the new build's
#              write-behind default: each build's virtual-time mode, final write included)
#   ingest     emulator serve with bench/ingest/bench_config.json on a fresh data dir,
#              wrk -t2 -c50 -d${WRK_SECONDS:-15}s posting the seed's small payload: durable req/s
set -euo pipefail
usage() { echo "usage: $0 OLD_BUILD_DIR NEW_BUILD_DIR [rounds>=1]" >&2; exit 2; }
[ $# -ge 2 ] && [ $# -le 3 ] || usage
ROUNDS="${3:-3}"
[[ "$ROUNDS" =~ ^[1-9][0-9]*$ ]] || usage
OLD="$(cd "$1" 2>/dev/null && pwd)" || usage
NEW="$(cd "$2" 2>/dev/null && pwd)" || usage
cd "$(dirname "$0")/.."
for b in "$OLD" "$NEW"; do
  for exe in loadgen/loadgen emulator/emulator bench/aggregation/bench_aggregation; do
    [ -x "$b/$exe" ] || { echo "$b/$exe: not built" >&2; exit 2; }
  done
done
for w in ${WORKLOADS:-}; do
  case "$w" in day|midnight|aggregation|ingest) ;;
    *) echo "WORKLOADS: unknown workload $w (day midnight aggregation ingest)" >&2; exit 2 ;; esac
done
command -v wrk > /dev/null || { echo "wrk is not installed (apt-get install wrk)" >&2; exit 2; }

# On the new build's disk (not /tmp, which may be a tmpfs): both builds write their SQLite there.
TMP="$(mktemp -d "$NEW/compare.XXXXXX")"
SERVER=""
cleanup() { [ -n "$SERVER" ] && kill -TERM "$SERVER" 2>/dev/null; rm -rf "$TMP"; }
trap cleanup EXIT
RESULTS="$TMP/results"  # lines: workload build value

in_process() {  # name label build scenario: one in-process run under /usr/bin/time
  local out="$TMP/run-$2" user sys kb
  /usr/bin/time -f "%U %S %M" -o "$TMP/time" "$3/loadgen/loadgen" run "$4" --out "$out" \
      > "$TMP/log" 2>&1 || { echo "loadgen failed ($3, $4):" >&2; tail -5 "$TMP/log" >&2; exit 1; }
  read -r user sys kb < <(tail -1 "$TMP/time")
  awk -v w="$1" -v b="$2" -v u="$user" -v s="$sys" -v kb="$kb" \
      'BEGIN { print w "-cpu", b, u + s; if (w == "day") print w "-rss", b, int(kb / 1024) }' >> "$RESULTS"
  rm -rf "$out"
}

aggregation() {  # label build: virtual-time entries/s of one run
  "$2/bench/aggregation/bench_aggregation" --requests "${AGG_REQUESTS:-20000}" --mode virtual \
      > "$TMP/log" 2>&1 || { echo "bench_aggregation failed ($2):" >&2; cat "$TMP/log" >&2; exit 1; }
  # Wall-clock entries/s as the benchmark prints it, and entries per CPU second of the timed phase
  # (steadier on a loaded machine, where the wall time includes waiting for a core).
  awk -v b="$1" '/^virtual-time runs/ { for (i = 1; i < NF; i++) if ($(i+1) == "entries/s") print "aggregation", b, $i
                                        match($0, /CPU [0-9.]+ s/); cpu = substr($0, RSTART + 4, RLENGTH - 6) }
                 /entries aggregated/ { print "aggregation-cpu", b, int($3 / cpu) }' "$TMP/log" >> "$RESULTS"
}

ingest() {  # label build: durable req/s with wrk -c50 against a fresh serve
  local data="$TMP/data" url key
  rm -rf "$data" && mkdir -p "$data"
  "$2/emulator/emulator" serve --port 0 --data-dir "$data" --config bench/ingest/bench_config.json \
      > "$TMP/ready" 2> "$TMP/serve.err" &
  SERVER=$!
  for _ in $(seq 1 200); do grep -q ready "$TMP/ready" 2>/dev/null && break; sleep 0.05; done
  url="$(sed -n 's/.*url=\([^ ]*\).*/\1/p' "$TMP/ready")"
  key="$(sed -n 's/.*api-key=\([^ ]*\).*/\1/p' "$TMP/ready")"
  [ -n "$url" ] || { echo "emulator serve did not start ($2):" >&2; cat "$TMP/serve.err" >&2; exit 1; }
  PAYLOAD="$PWD/tests/data/payloads/metrics-terraform-test_payload_small.json" API_KEY="$key" \
      wrk -t2 -c50 -d"${WRK_SECONDS:-15}s" -s bench/ingest/post_small.lua "$url" > "$TMP/wrk" 2>&1 || true
  kill -TERM "$SERVER"; wait "$SERVER" 2>/dev/null || true; SERVER=""
  grep -q "non_200_responses=0$" "$TMP/wrk" || { echo "wrk: answers other than 200 ($2):" >&2; cat "$TMP/wrk" >&2; exit 1; }
  awk -v b="$1" '/^Requests\/sec:/ { print "ingest", b, int($2) }' "$TMP/wrk" >> "$RESULTS"
}

one() {  # workload label build
  case "$1" in
    day) in_process day "$2" "$3" scenarios/everyday/normal-day.json ;;
    midnight) in_process midnight "$2" "$3" scenarios/incidents/2021-06-27-midnight-throttle.json ;;
    *) "$1" "$2" "$3" ;;
  esac
}

echo "old: $OLD"
echo "new: $NEW"
echo "$ROUNDS rounds; load average at the start: $(cut -d' ' -f1-3 /proc/loadavg)"
for round in $(seq 1 "$ROUNDS"); do
  for w in ${WORKLOADS:-day midnight aggregation ingest}; do
    if [ $((round % 2)) -eq 1 ]; then one "$w" old "$OLD"; one "$w" new "$NEW"
    else one "$w" new "$NEW"; one "$w" old "$OLD"; fi
  done
  echo "round $round done (load average $(cut -d' ' -f1 /proc/loadavg))"
done

# Per workload: each build's median (and range), new/old, and the bound. "lower" workloads are
# costs (new/old must stay <= limit), "higher" ones rates (new/old must stay >= limit).
awk '
  function median(s,   a, n, t, i, j) {
    n = split(s, a, " ")
    for (i = 2; i <= n; i++) { t = a[i]; for (j = i - 1; j >= 1 && a[j] > t; j--) a[j+1] = a[j]; a[j+1] = t }
    return n % 2 ? a[(n+1)/2] : (a[n/2] + a[n/2+1]) / 2
  }
  function range(s,   a, n, i, lo, hi) {
    n = split(s, a, " "); lo = hi = a[1]
    for (i = 2; i <= n; i++) { if (a[i] < lo) lo = a[i]; if (a[i] > hi) hi = a[i] }
    return sprintf("%g-%g", lo, hi)
  }
  { v[$1 " " $2] = v[$1 " " $2] " " $3 }
  END {
    n_order = split("day-cpu midnight-cpu aggregation aggregation-cpu ingest", order, " ")
    unit["day-cpu"] = "CPU s"; unit["midnight-cpu"] = "CPU s"
    unit["aggregation"] = "entries/s"; unit["aggregation-cpu"] = "per CPU s"; unit["ingest"] = "req/s"
    limit["day-cpu"] = 1.0; limit["midnight-cpu"] = 1.0; limit["aggregation"] = 0.9
    limit["aggregation-cpu"] = 0.9; limit["ingest"] = 0.9
    printf "%-15s %-9s %22s %22s %7s  %s\n", "workload", "unit", "old median (range)", "new median (range)", "new/old", "verdict"
    fail = 0
    for (k = 1; k <= n_order; k++) {
      w = order[k]
      if (!((w " old") in v)) continue  # not among WORKLOADS
      o = median(v[w " old"]); n = median(v[w " new"]); r = n / o
      cost = w ~ /-cpu$/ && w != "aggregation-cpu"
      ok = cost ? r <= limit[w] : r >= limit[w]
      bound = cost ? "no slower (<= 1.00)" : "within 10 % (>= 0.90)"
      # A cost a little above 1 whose median lies inside the old build range is not told
      # apart from noise by these rounds: said so, and not counted as a miss.
      split(range(v[w " old"]), lohi, "-")
      verdict = ok ? "met" : (cost && n <= lohi[2] ? "within the old range (noise)" : "NOT met")
      printf "%-15s %-9s %9g (%s) %9g (%s) %7.3f  %s: %s\n", w, unit[w], o, range(v[w " old"]),
             n, range(v[w " new"]), r, bound, verdict
      if (verdict == "NOT met") fail = 1
    }
    if (!("day-rss old" in v)) exit fail
    o = median(v["day-rss old"]); n = median(v["day-rss new"]); ok = n <= 300
    printf "%-15s %-9s %9g (%s) %9g (%s) %7.3f  new <= 300 MiB: %s\n", "day-peak-rss", "MiB", o,
           range(v["day-rss old"]), n, range(v["day-rss new"]), n / o, ok ? "met" : "NOT met"
    if (!ok) fail = 1
    exit fail
  }' "$RESULTS"
