// Aggregation throughput: payload entries per second through the raw_metrics stream ->
// aggregate_metrics handler -> UpdateItem on aggregate_metrics, in virtual time, on one core.
//
//   build/bench/aggregation/bench_aggregation [--requests 20000] [--entries 20] [--warm N]
//                                             [--mode all|virtual|write-through|memory]
//                                             [--repeat N]
//
// Phase 1 posts the requests in process (WAF, API Gateway, create_metrics, PutItem; not
// timed). Phase 2 runs the virtual clock until the stream mapping has delivered every record,
// and is timed. The baseline, measured in the same run over the same bodies, is only
// JSON.parse of every raw body: the least any aggregator must do. Each figure comes with the
// process's CPU time over the timed phase (all threads): no more than the wall time, the phase
// ran on one core.
//
// The table starts empty, so most updates create their row (the costlier case: an insert into
// the table, its index and SQLite). --warm N first aggregates N other requests from the same
// population (not timed), as a table that has been receiving traffic for a while has most of
// its rows already; the timed phase then mostly updates existing rows.
//
// Modes (all three by default, each on a fresh pipeline with the same bodies):
//   virtual        as in-process loadgen runs are: tables written to SQLite once, at the end
//                  (dynamodb.write_through = false; the final save_snapshot is timed too)
//   write-through  as `emulator serve` persists: every update written to SQLite as it happens
//   memory         tables never written (persist = false): the model and handler alone
//
// --repeat N measures each mode N times (modes interleaved, a fresh pipeline each time) and
// reports the fastest run with the median and the slowest: on a shared machine a single run
// can lose 15 % to its neighbours.
#include <algorithm>
#include <chrono>
#include <ctime>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "tests/pipeline/in_process.h"

using namespace emu;
using WallClock = std::chrono::steady_clock;

namespace {

const char* const kIdentifiers[] = {"active-user", "installed", "onboarded", "exposed",
                                    "background-check", "qr-code-successfully-scanned",
                                    "otk-entered-v2", "scheduled-check-started-today",
                                    "error-500-qr-parse", "exposed-clear"};
const char* const kRegions[] = {"ON", "QC", "BC", "AB", "MB", "SK", "NS", "NB", "NL", "PE",
                                "YT", "NT", "NU", ""};

// Device cardinality: a day's traffic concentrates on few app versions and popular models
// (the seed's ETL sees ~400 k distinct keys for ~80 M entries a day).
constexpr std::uint64_t kAppVersions = 4, kMakers = 6, kModels = 8;

std::string make_body(Random& r, int entries, std::int64_t day_ms) {
  nlohmann::json payload = nlohmann::json::array();
  for (int i = 0; i < entries; ++i) {
    const char* identifier = kIdentifiers[r.below(10)];
    nlohmann::json entry = {{"identifier", identifier},
                            {"region", kRegions[r.below(14)]},
                            {"timestamp", day_ms + static_cast<std::int64_t>(r.below(86400000))}};
    if (std::strcmp(identifier, "background-check") == 0) entry["count"] = std::to_string(r.below(8));
    payload.push_back(std::move(entry));
  }
  const bool ios = r.bernoulli(0.45);
  return nlohmann::json{{"metricstimestamp", day_ms},
                        {"appversion", "1.2." + std::to_string(r.below(kAppVersions))},
                        {"appos", ios ? "ios" : "android"},
                        {"osversion", ios ? "14.4" : std::to_string(8 + r.below(4))},
                        {"manufacturer", ios ? "Apple" : "m" + std::to_string(r.below(kMakers))},
                        {"model", "p" + std::to_string(r.below(kModels))},
                        {"androidreleaseversion", ios ? "unavailable" : "11"},
                        {"payload", payload}}
      .dump();
}

double since(WallClock::time_point t0) {
  return std::chrono::duration<double>(WallClock::now() - t0).count();
}

// CPU seconds of the whole process (every thread): equal to the wall time when the timed phase
// runs on one core.
double process_cpu_seconds() {
  timespec t{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_nsec) * 1e-9;
}

// Production defaults, with API Gateway and DynamoDB limits raised: the figure is the
// emulator's cost, not the seed's capacity.
nlohmann::json overrides_for(const std::string& mode) {
  nlohmann::json o = {
      {"apigateway", {{"throttle", {{"account", {{"rate", 1e9}, {"burst", 1e9}}},
                                    {"method", {{"rate", 1e9}, {"burst", 1e9}}}}}}},
      {"waf", {{"rate_limit", {{"limit", 1000000000}}}}},
      // create_metrics takes no virtual time, so phase 1 posts everything at one instant and
      // the stream is not polled until phase 2.
      {"lambda", {{"functions", {{"create_metrics", {{"duration_ms", {{"type", "constant"}, {"value", 0}}},
                                                    {"init_ms", {{"type", "constant"}, {"value", 0}}}}}}}}},
      {"dynamodb", {{"on_demand", {{"initial_write_units_per_second", 1e9},
                                   {"table_max_write_units_per_second", 1e9}}}}}};
  // virtual: write-behind with the default cache, as in-process runs; memory: a cache large
  // enough that nothing is ever written (the model's own cost).
  if (mode != "write-through") o["dynamodb"]["write_through"] = false;
  if (mode == "virtual") {
    // What loadgen's in-process runs set (loadgen/run_virtual.cc, in_process_config).
    o["dynamodb"]["cache_mib"] = 128;
    o["dynamodb"]["stream_drop_consumed_records"] = true;
  }
  if (mode == "memory") o["dynamodb"]["cache_mib"] = 1024 * 1024;
  return o;
}

struct Run {
  double seconds = 0;
  double snapshot_seconds = 0;
  double cpu_seconds = 0;
  std::int64_t aggregated = 0;
  bool invariant = false;
  std::size_t rows_before = 0, rows_after = 0;
  std::uint64_t lag_before = 0;
};

// Posts `warm` then `bodies` (not timed), then times the stream draining through the handler.
Run measure(const std::string& mode, const std::vector<std::string>& warm,
            const std::vector<std::string>& bodies) {
  testing::InProcess p(overrides_for(mode));
  auto post_all = [&](const std::vector<std::string>& all) {
    for (std::size_t i = 0; i < all.size(); ++i) {
      if (p.post(all[i], "10.0." + std::to_string(i % 250) + ".1").status != 200) {
        std::fprintf(stderr, "request %zu was refused\n", i);
        std::exit(1);
      }
      if (i % 100 == 99) p.advance(0);  // release finished environments; no stream poll is due
    }
  };
  auto drain = [&] {
    while (p.pipeline.stream_mapping().lag() > 0) p.advance(1);
  };
  post_all(warm);
  drain();
  Run run;
  run.rows_before = static_cast<std::size_t>(
      p.pipeline.dynamodb().table("aggregate_metrics")->item_count());
  const std::int64_t aggregated_before = p.pipeline.ledger_report()["entries"]["aggregated"];
  post_all(bodies);
  run.lag_before = p.pipeline.stream_mapping().lag();
  const auto t0 = WallClock::now();
  const double cpu0 = process_cpu_seconds();
  drain();
  if (std::getenv("BENCH_MARKS") != nullptr) {  // for `perf record -k mono`: the timed window
    std::fprintf(stderr, "%s drain: %.6f .. %.6f (CLOCK_MONOTONIC)\n", mode.c_str(),
                 std::chrono::duration<double>(t0.time_since_epoch()).count(),
                 std::chrono::duration<double>(WallClock::now().time_since_epoch()).count());
  }
  if (mode == "virtual") {
    const auto t1 = WallClock::now();
    p.pipeline.dynamodb().flush();
    p.storage.commit();
    run.snapshot_seconds = since(t1);
  }
  run.seconds = since(t0);
  run.cpu_seconds = process_cpu_seconds() - cpu0;
  const auto report = p.pipeline.ledger_report();
  run.aggregated = report["entries"]["aggregated"].get<std::int64_t>() - aggregated_before;
  run.invariant = report["invariant_holds"].get<bool>();
  run.rows_after = static_cast<std::size_t>(
      p.pipeline.dynamodb().table("aggregate_metrics")->item_count());
  return run;
}

const char* describe(const std::string& mode) {
  if (mode == "virtual") return "virtual-time runs (write-behind, in-process defaults: 128 MiB cache, consumed records dropped; final flush timed)";
  if (mode == "write-through") return "write-through (every update to SQLite, as serve)";
  return "memory only (a cache that holds everything; nothing written)";
}

}  // namespace

int main(int argc, char** argv) {
  int requests = 20000, entries = 20, warm = 0, repeat = 1;
  std::string mode = "all";
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!std::strcmp(argv[i], "--requests")) requests = std::atoi(argv[i + 1]);
    if (!std::strcmp(argv[i], "--entries")) entries = std::atoi(argv[i + 1]);
    if (!std::strcmp(argv[i], "--warm")) warm = std::atoi(argv[i + 1]);
    if (!std::strcmp(argv[i], "--mode")) mode = argv[i + 1];
    if (!std::strcmp(argv[i], "--repeat")) repeat = std::max(1, std::atoi(argv[i + 1]));
  }
  std::vector<std::string> modes = {"virtual", "write-through", "memory"};
  if (mode != "all") {
    if (std::find(modes.begin(), modes.end(), mode) == modes.end()) {
      std::fprintf(stderr, "--mode: expected all, virtual, write-through or memory\n");
      return 2;
    }
    modes = {mode};
  }
  Random r(1);
  const std::int64_t day_ms = 1624665600000;
  std::vector<std::string> earlier, bodies;
  for (int i = 0; i < warm; ++i) earlier.push_back(make_body(r, entries, day_ms));
  for (int i = 0; i < requests; ++i) bodies.push_back(make_body(r, entries, day_ms));

  const double total = static_cast<double>(requests) * entries;
  bool all_hold = true;
  std::vector<std::vector<Run>> runs(modes.size());
  for (int round = 0; round < repeat; ++round) {
    for (std::size_t m = 0; m < modes.size(); ++m) {
      runs[m].push_back(measure(modes[m], earlier, bodies));
    }
  }
  for (std::size_t m = 0; m < modes.size(); ++m) {
    auto& all = runs[m];
    std::sort(all.begin(), all.end(), [](const Run& a, const Run& b) { return a.seconds < b.seconds; });
    for (const Run& run : all) {
      all_hold = all_hold && run.invariant && run.aggregated == static_cast<std::int64_t>(total);
    }
    const Run& run = all.front();
    std::printf("%-52s %9.0f entries/s (%.3f s", describe(modes[m]), total / run.seconds,
                run.seconds);
    if (modes[m] == "virtual") {
      std::printf(", of which the final snapshot %.3f s", run.snapshot_seconds);
    }
    std::printf("; CPU %.3f s)\n", run.cpu_seconds);
    if (repeat > 1) {
      std::printf("  fastest of %d runs; median %.0f, slowest %.0f entries/s\n", repeat,
                  total / all[all.size() / 2].seconds, total / all.back().seconds);
    }
    std::printf("  entries aggregated %lld of %.0f, invariant holds: %s; rows %zu -> %zu; "
                "stream records waiting at the start: %llu\n",
                static_cast<long long>(run.aggregated), total, run.invariant ? "yes" : "NO",
                run.rows_before, run.rows_after, static_cast<unsigned long long>(run.lag_before));
  }

  const auto t0 = WallClock::now();
  std::size_t parsed = 0;
  for (const auto& b : bodies) parsed += nlohmann::json::parse(b)["payload"].size();
  const double parse_s = since(t0);
  std::printf("baseline (JSON.parse only): %.0f entries/s (%.3f s, %zu entries)\n",
              total / parse_s, parse_s, parsed);
  return all_hold ? 0 : 1;
}
