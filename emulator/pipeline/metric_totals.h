// A MetricSink that keeps running totals (sample count and sum) per metric, for the control
// API and tests. The CloudWatch metric store (per-minute datapoints, statistics, alarms) is
// fed through the same port.
#pragma once

#include <vector>

#include <nlohmann/json.hpp>

#include "emulator/core/metrics.h"

namespace emu {

class MetricTotals final : public MetricSink {
 public:
  // `next` (optional) also receives every registration and sample.
  explicit MetricTotals(MetricSink* next = nullptr) : next_(next) {}
  MetricId metric(const MetricKey& key) override;
  void put(MetricId id, double value, Micros timestamp) override;
  using MetricSink::put;

  // Sum of all samples of the metric with exactly these dimensions (0 if never seen).
  double sum(const std::string& name_space, const std::string& name,
             const Dimensions& dims) const;
  nlohmann::json to_json() const;

 private:
  struct Entry {
    MetricKey key;
    MetricId next_id = 0;
    double sum = 0;
    std::uint64_t samples = 0;
  };
  MetricSink* next_;
  std::vector<Entry> entries_;
};

}  // namespace emu
