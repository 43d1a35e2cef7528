// The CloudWatch metric store: every metric the models emit (through the MetricSink port) and
// every PutMetricData, kept as one-minute statistics (see stats.h), queried by period for
// GetMetricStatistics, GetMetricData and the alarm engine.
//
// Minutes are written to SQLite (cw_metrics, cw_minutes) when the alarm engine's minute tick
// calls flush(), so metrics survive a restart on the same data dir. Memory holds, per metric,
// only the minutes of a trailing window: what the alarms reading that metric evaluate (the
// engine passes it to keep_in_memory() each minute) and at least the last kRecentWindow for
// recent queries. Older minutes are read back from SQLite when a query reaches them, with the
// same answers (a minute round-trips exactly). Without storage nothing leaves memory.
//
// DEVIATION: one-minute resolution only (high-resolution 1 s data is folded into its minute).
// Data older than 15 days is dropped (CloudWatch keeps 1-minute data 15 days).
//
// Thread rules: simulation thread only.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "emulator/cloudwatch/stats.h"
#include "emulator/core/metrics.h"
#include "emulator/core/storage.h"

namespace emu::cloudwatch {

struct Datapoint {
  Micros timestamp = 0;  // period start
  Stats stats;
};

class MetricStore final : public MetricSink {
 public:
  // Minutes every metric keeps in memory, alarms or not: a recent hour answers from memory.
  static constexpr Micros kRecentWindow = 60 * kMicrosPerMinute;

  // `storage` may be null (nothing persisted, nothing leaves memory); otherwise the metrics of
  // an earlier run on the same database are known again, their minutes read as needed.
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
  // Keeps in memory, per metric, the minutes from `now - max(windows[id], kRecentWindow)` on
  // (kRecentWindow for ids past the end of `windows`): flushes, drops older minutes, and loads
  // from SQLite what a grown window now covers. No-op without storage.
  void keep_in_memory(Micros now, const std::vector<Micros>& windows);
  // Minutes held in memory, over all metrics (for tests and /_emulator/state).
  std::size_t minutes_in_memory() const;

 private:
  // The minute's stats in memory, read back from SQLite first when it is older than what
  // memory holds for the metric (a late put), so that nothing stored is overwritten.
  Stats& minute_stats(MetricId id, Micros minute);
  // Stored minutes of `id` in [from, to) not already in `into`.
  void read_minutes(MetricId id, Micros from, Micros to, std::map<Micros, Stats>& into) const;

  std::vector<MetricKey> keys_;
  std::unordered_map<std::string, MetricId> index_;
  std::vector<std::map<Micros, Stats>> minutes_;  // per metric: minute start -> stats
  // Per metric: every minute at or after it is in memory; earlier ones are in SQLite (and in
  // memory too when a late put brought them back, newer there). INT64_MIN: all in memory (a
  // metric new to this run, or no storage); INT64_MAX: none yet (known from an earlier run).
  std::vector<Micros> memory_from_;
  // Per metric, the minute put() wrote last and its stats (already marked dirty): most puts
  // land in the same minute as the one before, and then skip two tree searches. Map nodes stay
  // put; flush(), prune() and keep_in_memory() forget these.
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
