// One minute's (or one period's) statistics of a metric: SampleCount, Sum, Minimum, Maximum and
// a log-bucketed histogram for percentiles, as the metric store keeps them and queries merge
// them.
//
// DEVIATION: percentiles come from histogram buckets 1% wide, so p95/p99 are within ~1% of the
// exact value (CloudWatch's own percentiles are approximations too).
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace emu::cloudwatch {

struct Stats {
  double sample_count = 0, sum = 0, minimum = 0, maximum = 0;
  // (bucket, samples), sorted by bucket (see bucket_of in stats.cc). A sorted vector rather than
  // a map: a minute of latencies holds up to a few hundred buckets, 16 bytes each here against
  // some 64 for a tree node, and the store keeps thousands of minutes.
  std::vector<std::pair<int, double>> histogram;

  void add(double value, double count = 1);
  void merge(const Stats& other);
  bool empty() const { return sample_count <= 0; }
  // "SampleCount" | "Sum" | "Average" | "Minimum" | "Maximum" | "pNN(.N)"; nullopt if unknown
  // or there is no data.
  std::optional<double> statistic(const std::string& name) const;

  // The stored form (cw_minutes.stats): [count, sum, min, max, [[bucket, samples], ...]].
  // Doubles round-trip exactly, so a minute read back answers as it did in memory.
  nlohmann::json to_json() const;
  static std::optional<Stats> from_json(const nlohmann::json& j);

 private:
  void add_to_bucket(int bucket, double count);
};

}  // namespace emu::cloudwatch
