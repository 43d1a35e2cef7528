// A log-linear latency histogram with constant memory (HdrHistogram's layout): values in
// microseconds from 1 µs to ~71 minutes, mergeable exactly across threads, shards and machines.
// `sub_bits` sets the precision: 11 (the default) keeps 3 significant digits (relative error
// < 0.1%); the per-second series use 7 (< 1%) to stay small.
#pragma once

#include <cstdint>
#include <vector>

#include <nlohmann/json.hpp>

namespace loadgen {

class Histogram {
 public:
  explicit Histogram(int sub_bits = 11);
  void record(std::int64_t micros, std::uint64_t count = 1);
  void merge(const Histogram& other);

  std::uint64_t count() const { return total_; }
  std::int64_t min() const { return total_ ? min_ : 0; }
  std::int64_t max() const { return max_; }
  double mean() const { return total_ ? static_cast<double>(sum_) / static_cast<double>(total_) : 0; }
  // The value at percentile p (0..100): the highest value equivalent to the bucket holding the
  // p-th sample.
  std::int64_t percentile(double p) const;

  // Sparse form for summary.json: {"buckets": [[index, count], ...], "min", "max", "sum"}.
  nlohmann::json to_json() const;
  static Histogram from_json(const nlohmann::json& j);
  void reset();

 private:
  int index_of(std::int64_t v) const;
  std::int64_t highest_equivalent(int index) const;

  int sub_bits_;
  std::int64_t sub_count_;
  std::vector<std::uint64_t> counts_;
  std::uint64_t total_ = 0;
  std::int64_t min_ = INT64_MAX, max_ = 0;
  std::int64_t sum_ = 0;
};

}  // namespace loadgen
