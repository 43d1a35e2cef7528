// The CloudWatch metric store: every metric the models emit (through the MetricSink port) and
// every PutMetricData, kept as one-minute statistics (SampleCount, Sum, Minimum, Maximum and a
// log-bucketed histogram for percentiles), queried by period for GetMetricStatistics,
// GetMetricData and the alarm engine.
//
// Minutes are written to SQLite (cw_metrics, cw_minutes) when the alarm engine's minute tick
// calls flush(), so metrics survive a restart on the same data dir.
//
// DEVIATION: one-minute resolution only (high-resolution 1 s data is folded into its minute);
// percentiles come from histogram buckets 1% wide, so p95/p99 are within ~1% of the exact value
// (CloudWatch's own percentiles are approximations too). Data older than 15 days is dropped
// (CloudWatch keeps 1-minute data 15 days).
//
// Thread rules: simulation thread only.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "emulator/core/metrics.h"
#include "emulator/core/storage.h"

namespace emu::cloudwatch {

struct Stats {
  double sample_count = 0, sum = 0, minimum = 0, maximum = 0;
  std::map<int, double> histogram;  // bucket -> samples (see bucket_of)

  void add(double value, double count = 1);
  void merge(const Stats& other);
  bool empty() const { return sample_count <= 0; }
  // "SampleCount" | "Sum" | "Average" | "Minimum" | "Maximum" | "pNN(.N)"; nullopt if unknown
  // or there is no data.
  std::optional<double> statistic(const std::string& name) const;
};

struct Datapoint {
  Micros timestamp = 0;  // period start
  Stats stats;
};

class MetricStore final : public MetricSink {
 public:
  // `storage` may be null (nothing persisted); otherwise earlier minutes are loaded from it.
  explicit MetricStore(Storage* storage = nullptr);
  MetricId metric(const MetricKey& key) override;
  void put(MetricId id, double value, Micros timestamp) override;
  using MetricSink::put;
  // PutMetricData with StatisticValues / Values+Counts.
  void put_statistics(MetricId id, const Stats& stats, Micros timestamp);

  // The metric registered under exactly this namespace, name and dimension set (in any order);
  // the unit is ignored unless given. nullopt if never seen.
  std::optional<MetricId> find(const std::string& name_space, const std::string& name,
                               const Dimensions& dimensions, const std::string& unit = "") const;
  const MetricKey& key(MetricId id) const { return keys_[id]; }
  std::size_t size() const { return keys_.size(); }

  // Statistics of [start, end) in windows of `period`, aligned so that the last window ends at
  // `end`. Windows without samples are absent.
  std::vector<Datapoint> query(MetricId id, Micros start, Micros end, Micros period) const;
  // Drops minutes older than `before`.
  void prune(Micros before);
  // Writes every minute changed since the last flush.
  void flush();

 private:
  std::vector<MetricKey> keys_;
  std::unordered_map<std::string, MetricId> index_;
  std::vector<std::map<Micros, Stats>> minutes_;  // per metric: minute start -> stats
  // Per metric, the minute put() wrote last and its stats (already marked dirty): most puts
  // land in the same minute as the one before, and then skip two tree searches. Map nodes stay
  // put; flush() and prune() forget these.
  struct Current {
    Micros minute = -1;
    Stats* stats = nullptr;
  };
  std::vector<Current> current_;
  Storage* storage_ = nullptr;
  std::set<std::pair<MetricId, Micros>> dirty_;
  std::size_t saved_keys_ = 0;
};

// Canonical text of a key (namespace, name, sorted dimensions, unit) for lookups.
std::string canonical(const MetricKey& key, bool with_unit = true);

}  // namespace emu::cloudwatch
