// What a run measured, with constant memory per request: overall histograms of latency (from
// the planned send time, so a stalled target shows: no coordinated omission) and service time
// (from the actual send), status counts, and a per-second series (planned, sent, answers by
// class, late sends, latency percentiles, and in-process samples such as Lambda concurrency).
// Nothing is kept per request. A running digest of every answer identifies the run.
#pragma once

#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "emulator/core/time.h"
#include "loadgen/histogram.h"

namespace loadgen {

using emu::Micros;

struct Second {
  std::uint64_t planned = 0, sent = 0, late = 0, ok2xx = 0, c3xx = 0, c4xx = 0, c5xx = 0,
                errors = 0;
  std::int64_t p50_us = 0, p99_us = 0, max_us = 0;
  // In-process runs: create_metrics' concurrent executions (the most seen in the second: after
  // every invocation and at the second's start), its throttled invocations, and the 2021
  // scaling regime's ceiling on execution environments at the second's start (0: not known).
  double lambda_concurrency = 0;
  std::uint64_t lambda_throttles = 0;
  double scaling_ceiling = 0;
};

class Recorder {
 public:
  explicit Recorder(Micros start);
  void planned(Micros at);
  // One answer: `status` 0 for a transport error; `latency` from the planned time, `service`
  // from the actual send; `late` when the send left after its planned time (HTTP runs).
  void answered(Micros planned_at, int status, Micros latency, Micros service, bool late);
  void sample_concurrency(Micros at, double value);  // keeps the second's maximum
  void lambda_throttled(Micros at, std::uint64_t count);
  void sample_scaling_ceiling(Micros at, double value);  // keeps the second's maximum
  // Closes the per-second latency rows up to `now` (answers arrive roughly in time order).
  void close_seconds(Micros now);
  void finish();

  const Histogram& latency() const { return latency_; }
  const Histogram& service() const { return service_; }
  const std::map<int, std::uint64_t>& statuses() const { return statuses_; }
  const std::vector<Second>& seconds() const { return seconds_; }
  std::uint64_t total_planned() const { return planned_; }
  std::uint64_t total_answered() const { return answered_; }
  std::uint64_t total_late() const { return late_; }
  std::uint64_t digest() const { return digest_; }
  Micros start() const { return start_; }

  nlohmann::json to_json() const;
  static Recorder from_json(const nlohmann::json& j);
  void merge(const Recorder& other);

 private:
  Second& at(Micros t);
  Micros start_;
  Histogram latency_, service_;
  std::map<int, std::uint64_t> statuses_;
  std::vector<Second> seconds_;
  std::map<std::int64_t, Histogram> open_;  // second -> its latency histogram until closed
  std::uint64_t planned_ = 0, answered_ = 0, late_ = 0;
  std::uint64_t digest_ = 0xcbf29ce484222325ULL;
};

}  // namespace loadgen
