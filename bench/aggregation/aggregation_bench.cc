// Aggregation throughput: payload entries per second through the raw_metrics stream ->
// aggregate_metrics handler -> UpdateItem on aggregate_metrics, in virtual time, on one core.
//
//   build/bench/aggregation/bench_aggregation [--requests 20000] [--entries 20] [--warm N]
//                                             [--memory-only 1]
//
// Phase 1 posts the requests in process (WAF, API Gateway, create_metrics, PutItem; not
// timed). Phase 2 runs the virtual clock until the stream mapping has delivered every record,
// and is timed. The baseline, measured in the same run over the same bodies, is only
// JSON.parse of every raw body: the least any aggregator must do.
//
// The table starts empty, so most updates create their row (the costlier case: an insert into
// the table, its index and SQLite). --warm N first aggregates N other requests from the same
// population (not timed), as a table that has been receiving traffic for a while has most of
// its rows already; the timed phase then mostly updates existing rows. --memory-only 1 keeps
// both tables out of SQLite (dynamodb.tables.*.persist = false): what write-through costs.
#include <chrono>
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

}  // namespace

int main(int argc, char** argv) {
  int requests = 20000, entries = 20, warm = 0, memory_only = 0;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!std::strcmp(argv[i], "--requests")) requests = std::atoi(argv[i + 1]);
    if (!std::strcmp(argv[i], "--entries")) entries = std::atoi(argv[i + 1]);
    if (!std::strcmp(argv[i], "--warm")) warm = std::atoi(argv[i + 1]);
    if (!std::strcmp(argv[i], "--memory-only")) memory_only = std::atoi(argv[i + 1]);
  }
  // Production defaults, with API Gateway and DynamoDB limits raised: the figure is the
  // emulator's cost, not the seed's capacity.
  nlohmann::json overrides = {
      {"apigateway", {{"throttle", {{"account", {{"rate", 1e9}, {"burst", 1e9}}},
                                    {"method", {{"rate", 1e9}, {"burst", 1e9}}}}}}},
      {"waf", {{"rate_limit", {{"limit", 1000000000}}}}},
      // create_metrics takes no virtual time, so phase 1 posts everything at one instant and
      // the stream is not polled until phase 2.
      {"lambda", {{"functions", {{"create_metrics", {{"duration_ms", {{"type", "constant"}, {"value", 0}}},
                                                    {"init_ms", {{"type", "constant"}, {"value", 0}}}}}}}}},
      {"dynamodb", {{"on_demand", {{"initial_write_units_per_second", 1e9},
                                   {"table_max_write_units_per_second", 1e9}}}}}};
  if (memory_only != 0) {
    for (const char* table : {"raw_metrics", "aggregate_metrics"}) {
      overrides["dynamodb"]["tables"][table]["persist"] = false;
    }
  }
  testing::InProcess p(overrides);
  Random r(1);
  const std::int64_t day_ms = 1624665600000;
  auto post_all = [&](const std::vector<std::string>& all) {
    for (std::size_t i = 0; i < all.size(); ++i) {
      if (p.post(all[i], "10.0." + std::to_string(i % 250) + ".1").status != 200) {
        std::fprintf(stderr, "request %zu was refused\n", i);
        std::exit(1);
      }
      if (i % 100 == 99) p.advance(0);  // release finished environments; no stream poll is due
    }
  };
  if (warm > 0) {
    std::vector<std::string> earlier;
    for (int i = 0; i < warm; ++i) earlier.push_back(make_body(r, entries, day_ms));
    post_all(earlier);
    while (p.pipeline.stream_mapping().lag() > 0) p.advance(1);
  }
  const std::size_t rows_before = p.pipeline.dynamodb().table("aggregate_metrics")->rows().size();
  std::vector<std::string> bodies;
  for (int i = 0; i < requests; ++i) bodies.push_back(make_body(r, entries, day_ms));
  post_all(bodies);
  const auto lag_before = p.pipeline.stream_mapping().lag();
  auto t0 = WallClock::now();
  while (p.pipeline.stream_mapping().lag() > 0) p.advance(1);
  const double aggregate_s = since(t0);

  t0 = WallClock::now();
  std::size_t parsed = 0;
  for (const auto& b : bodies) parsed += nlohmann::json::parse(b)["payload"].size();
  const double parse_s = since(t0);

  const auto report = p.pipeline.ledger_report();
  const double total = static_cast<double>(requests) * entries;
  std::printf("entries aggregated: %lld of %.0f (invariant holds: %s)\n",
              static_cast<long long>(report["entries"]["aggregated"].get<std::int64_t>()) -
                  static_cast<long long>(warm) * entries,
              total, report["invariant_holds"].get<bool>() ? "yes" : "NO");
  if (warm > 0) {
    std::printf("table rows before the timed phase: %zu (after %d warm-up requests)\n",
                rows_before, warm);
  }
  std::printf("stream records waiting when the timed phase started: %llu\n",
              static_cast<unsigned long long>(lag_before));
  std::printf("aggregation: %.0f entries/s (%.3f s)\n", total / aggregate_s, aggregate_s);
  std::printf("baseline (JSON.parse only): %.0f entries/s (%.3f s, %zu entries)\n",
              total / parse_s, parse_s, parsed);
  const std::size_t rows_after = p.pipeline.dynamodb().table("aggregate_metrics")->rows().size();
  std::printf("distinct aggregate rows: %zu (%zu created in the timed phase)\n", rows_after,
              rows_after - rows_before);
  std::printf("ratio aggregation/baseline: %.2f\n", parse_s / aggregate_s);
  return 0;
}
