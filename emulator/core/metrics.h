// The port through which models emit CloudWatch metrics (AWS/ApiGateway, AWS/Lambda,
// AWS/DynamoDB, CovidAlertApp/Errors, CovidShieldMetrics/EcsTaskError-*). The CloudWatch metric
// store implements it; tests use RecordingMetricSink.
//
// Hot paths register a metric once (metric()) and then put() by id, which costs an index lookup
// instead of hashing names and dimensions on every request.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "emulator/core/time.h"

namespace emu {

using Dimensions = std::vector<std::pair<std::string, std::string>>;  // (name, value), in order
using MetricId = std::uint32_t;

struct MetricKey {
  std::string name_space;  // "AWS/ApiGateway"
  std::string name;        // "5XXError"
  Dimensions dimensions;   // {{"ApiName", "save-metrics"}}
  std::string unit;        // "Count", "Milliseconds", "None"
  friend bool operator==(const MetricKey&, const MetricKey&) = default;
};

class MetricSink {
 public:
  virtual ~MetricSink() = default;
  // The id of a metric, registering it on first use. Dimensions are compared as given (callers
  // keep a fixed order). Idempotent.
  virtual MetricId metric(const MetricKey& key) = 0;
  // Records one sample `value` at `timestamp` (the event time: for Lambda the invocation start,
  // for API Gateway the request's arrival, as AWS does).
  virtual void put(MetricId id, double value, Micros timestamp) = 0;

  void put(const MetricKey& key, double value, Micros timestamp) {
    put(metric(key), value, timestamp);
  }
};

// Keeps every sample in memory, for tests.
class RecordingMetricSink final : public MetricSink {
 public:
  struct Sample {
    MetricId id;
    double value;
    Micros timestamp;
  };
  MetricId metric(const MetricKey& key) override {
    for (MetricId i = 0; i < keys_.size(); ++i) {
      if (keys_[i] == key) return i;
    }
    keys_.push_back(key);
    return static_cast<MetricId>(keys_.size() - 1);
  }
  void put(MetricId id, double value, Micros timestamp) override {
    samples_.push_back({id, value, timestamp});
  }
  using MetricSink::put;

  // Sum of samples of metric `name` whose dimensions include all of `dims`, in [from, to).
  double sum(std::string_view name, const Dimensions& dims = {}, Micros from = INT64_MIN,
             Micros to = INT64_MAX) const {
    double total = 0;
    for (const auto& s : samples_) {
      if (matches(s.id, name, dims) && s.timestamp >= from && s.timestamp < to) total += s.value;
    }
    return total;
  }
  std::size_t count(std::string_view name, const Dimensions& dims = {}) const {
    std::size_t n = 0;
    for (const auto& s : samples_) n += matches(s.id, name, dims) ? 1 : 0;
    return n;
  }
  const std::vector<MetricKey>& keys() const { return keys_; }
  const std::vector<Sample>& samples() const { return samples_; }

 private:
  bool matches(MetricId id, std::string_view name, const Dimensions& dims) const {
    const MetricKey& k = keys_[id];
    if (k.name != name) return false;
    for (const auto& d : dims) {
      bool found = false;
      for (const auto& kd : k.dimensions) found = found || kd == d;
      if (!found) return false;
    }
    return true;
  }
  std::vector<MetricKey> keys_;
  std::vector<Sample> samples_;
};

}  // namespace emu
