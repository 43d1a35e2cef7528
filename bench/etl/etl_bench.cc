// ETL throughput at the seed's scale: one task run over a year of aggregate rows, generated on
// the fly (nothing stored), through every in-app CSV of the three periods.
//
//   build/bench/etl/bench_etl [--days 365] [--rows-per-day 400000] [--threads 2]
//
// Rows per day: the distinct sort keys the aggregator writes for ~4.2 M active devices. The
// key has region (14) x OS (2) x app version (~20 live) x OS version x manufacturer x model x
// Android release, plus per-identifier fields. iOS collapses to about 14 x 20 x 40 = 11 k keys
// per identifier; Android spreads 1.9 M devices over ~2,000 models, 60 makers and 12 releases,
// so most devices share a key with others but the long tail is wide: we estimate ~100 k keys
// for active-user, ~150 k for background-check (5 count buckets), ~60 k each for the two
// scheduled-check identifiers and a few thousand for the rest: ~400 k rows per day.
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "emulator/core/clock.h"
#include "emulator/core/random.h"
#include "emulator/etl/etl.h"

using namespace emu;
using namespace emu::etl;

namespace {

// Distinct values are stored once; a combination is a handful of pointers to them, so the
// benchmark measures the ETL, not the generator's memory traffic.
struct Combo {
  const std::string *identifier, *region, *appos, *appversion, *count, *push, *framework,
      *with_date, *exposed;
};

const std::string& intern(const std::string& s) {
  static std::set<std::string> pool;
  return *pool.insert(s).first;
}

std::vector<Combo> make_combos(Random& r, std::size_t n) {
  static const char* kRegions[] = {"AB", "BC", "MB", "NB", "NL", "NT", "NS", "NU",
                                   "ON", "PE", "QC", "SK", "YT", "None"};
  static const char* kCounts[] = {"0", "1-6", "7-12", "13-30", "30+"};
  struct Mix {
    const char* id;
    double share;
  };
  static const Mix kMix[] = {{"active-user", 0.25}, {"background-check", 0.37},
                             {"scheduled-check-started-today", 0.15},
                             {"scheduled-check-successful-today", 0.15}, {"exposed", 0.02},
                             {"onboarded", 0.02}, {"installed", 0.01}, {"otk-entered-v2", 0.01},
                             {"error-400-keys-download", 0.01}, {"exposed-clear", 0.005},
                             {"qr-code-successfully-scanned", 0.005}};
  std::vector<Combo> out;
  out.reserve(n);
  for (std::size_t i = 0; i < n; ++i) {
    double pick = r.uniform01();
    const char* id = kMix[0].id;
    for (const auto& m : kMix) {
      if (pick < m.share) {
        id = m.id;
        break;
      }
      pick -= m.share;
    }
    const std::string identifier = id;
    auto pick_if = [&](bool cond, const char* a, const char* b, double p) {
      return &intern(cond ? (r.bernoulli(p) ? a : b) : "");
    };
    Combo c;
    c.identifier = &intern(identifier);
    c.region = &intern(kRegions[r.below(14)]);
    c.appos = &intern(r.bernoulli(0.45) ? "android" : "ios");
    c.appversion = &intern("1." + std::to_string(2 + r.below(4)) + "." + std::to_string(r.below(11)));
    c.count = &intern(identifier == "background-check" ? kCounts[r.below(5)] : "");
    c.push = pick_if(identifier == "onboarded", "granted", "denied", 0.8);
    c.framework = pick_if(identifier == "onboarded", "true", "false", 0.7);
    c.with_date = pick_if(identifier == "otk-entered-v2", "true", "false", 0.5);
    c.exposed = pick_if(identifier == "exposed", "true", "false", 0.3);
    out.push_back(c);
  }
  return out;
}

struct YearOfRows : RowSource {
  std::vector<Combo> combos;
  std::vector<std::string> dates;
  Status scan(const std::function<void(const AggregateRow&)>& visit) override {
    return scan_segment(0, 1, visit);
  }
  int max_segments() const override { return 8; }
  // Segment s of n: the combinations s, s+n, s+2n, ... of every day.
  Status scan_segment(int segment, int total,
                      const std::function<void(const AggregateRow&)>& visit) override {
    Random counts(7 + static_cast<std::uint64_t>(segment));
    for (const auto& date : dates) {
      for (std::size_t i = static_cast<std::size_t>(segment); i < combos.size();
           i += static_cast<std::size_t>(total)) {
        const Combo& c = combos[i];
        visit(AggregateRow{*c.identifier, *c.region, date, *c.appos, *c.appversion, *c.count,
                           *c.push, *c.framework, *c.with_date, *c.exposed,
                           static_cast<std::int64_t>(1 + counts.below(40))});
      }
    }
    return ok_status();
  }
};

struct CountingSink : ObjectSink {
  std::size_t objects = 0, bytes = 0;
  Status put_object(const std::string&, const std::string&, const std::string& body,
                    const std::string&, Micros) override {
    ++objects;
    bytes += body.size();
    return ok_status();
  }
};

}  // namespace

int main(int argc, char** argv) {
  long days = 365, rows_per_day = 400000, threads = 2;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (std::strcmp(argv[i], "--days") == 0) days = std::atol(argv[i + 1]);
    if (std::strcmp(argv[i], "--rows-per-day") == 0) rows_per_day = std::atol(argv[i + 1]);
    if (std::strcmp(argv[i], "--threads") == 0) threads = std::atol(argv[i + 1]);
  }
  Random r(20210627);
  YearOfRows source;
  source.combos = make_combos(r, static_cast<std::size_t>(rows_per_day));
  const std::int64_t first = days_from_civil({2021, 2, 25});
  for (long d = 0; d < days; ++d) source.dates.push_back(format_date(civil_from_days(first + d)));
  CountingSink sink;
  EtlSettings settings = EtlSettings::from_config(Config::defaults());
  settings.scan_threads = static_cast<int>(threads);
  Etl etl(settings, source, sink, nullptr);
  const Micros start = wall::monotonic_now();
  const RunReport report = etl.run("masked_inapp_metrics", first + days - 1, 0);
  const double seconds = to_seconds(wall::monotonic_now() - start);
  std::printf("etl (%ld scan threads): %ld days x %ld rows/day = %llu aggregate rows in %.2f s (%.1f M rows/s); "
              "%zu files, %zu CSV rows, %.1f MB; ok=%d\n",
              threads, days, rows_per_day, static_cast<unsigned long long>(report.aggregate_rows_scanned),
              seconds, report.aggregate_rows_scanned / seconds / 1e6, sink.objects,
              report.csv_rows, sink.bytes / 1e6, report.ok ? 1 : 0);
  // Baseline in the same run: the same scan, on as many threads, with a visitor that only sums
  // the counts: the floor any ETL over these rows pays.
  const Micros base_start = wall::monotonic_now();
  std::vector<std::thread> workers;
  std::vector<std::int64_t> sums(static_cast<std::size_t>(threads), 0);
  for (long t = 0; t < threads; ++t) {
    workers.emplace_back([&, t] {
      (void)source.scan_segment(static_cast<int>(t), static_cast<int>(threads),
                                [&](const AggregateRow& row) { sums[static_cast<std::size_t>(t)] += row.metric_count; });
    });
  }
  for (auto& w : workers) w.join();
  const double base_seconds = to_seconds(wall::monotonic_now() - base_start);
  std::printf("baseline (scan only, %ld threads): %.2f s; ETL / baseline = %.2f\n", threads,
              base_seconds, seconds / base_seconds);
  return report.ok ? 0 : 1;
}
