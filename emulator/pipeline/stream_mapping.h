// The event source mapping from the raw_metrics stream to aggregate_metrics (aws-fidelity
// 3.7), driven by the Scheduler:
//   - starting position LATEST (or TRIM_HORIZON), one shard, one batch in flight at a time;
//   - Lambda polls the shard 4 times a second: a new record is picked up at the next 250 ms
//     poll tick (no spinning while the shard is idle); batches of up to `batch_size` records;
//   - each batch is one synchronous invocation through the Lambda model (concurrency, cold
//     starts, duration, timeout). The next batch starts when that invocation returns;
//   - a throttled invocation is retried after a back-off (1 s doubling to 60 s; ASSUMPTION),
//     without counting as a retry; a failed or timed-out one is retried with the same records
//     (MaximumRetryAttempts -1: until it succeeds), and the handler knows it is a redelivery.
// The seed's function never reports failure, so in practice only timeouts cause retries.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "emulator/core/config.h"
#include "emulator/core/metrics.h"
#include "emulator/core/scheduler.h"
#include "emulator/dynamodb/streams.h"
#include "emulator/lambda/lambda_service.h"

namespace emu {

struct StreamMappingSettings {
  std::string function = "aggregate_metrics";
  std::size_t batch_size = 100;
  Micros poll_interval = 250 * kMicrosPerMilli;
  bool start_at_latest = true;
  std::int64_t maximum_retry_attempts = -1;
  Micros per_record_cost = 500;  // modelled handler time per record, added to the duration

  static StreamMappingSettings from_config(const Config& config, const std::string& name);
};

class StreamMapping {
 public:
  // Runs the function's code for a batch; `redelivery` is true when the same records were
  // delivered before (after a failed or timed-out invocation).
  using Handler = std::function<lambda::HandlerOutcome(
      const std::vector<const dynamodb::StreamRecord*>& records, Micros now, bool redelivery)>;

  StreamMapping(StreamMappingSettings settings, dynamodb::Stream& stream,
                lambda::LambdaService& lambda, Scheduler& scheduler, Handler handler,
                MetricSink* metrics);

  nlohmann::json state() const;
  // Fault rules for "dynamodbstreams" GetRecords (resource: the table name); may be null.
  void set_fault_injector(FaultInjector* faults) { faults_ = faults; }
  // Records appended to the stream and not yet processed successfully.
  std::uint64_t lag() const { return stream_.latest_sequence() - position_; }
  bool idle() const { return !in_flight_ && !poll_scheduled_ && lag() == 0; }

  // The position reached, to keep with the stream's records and the aggregates they produced
  // (durable_state.h): after a restart the mapping goes on from there, as Lambda's checkpoint
  // does, instead of from LATEST (which would skip what was stored and not yet aggregated).
  // restore() ignores a position saved for another stream (the table was recreated) and
  // throws std::invalid_argument when `saved` is damaged.
  nlohmann::json save() const;
  void restore(const nlohmann::json& saved);
  std::uint64_t version() const { return position_ + delivered_up_to_; }

 private:
  void on_append();
  void schedule_poll(Micros at);
  void poll();
  void finish(std::uint64_t last_sequence, Micros at);
  void retry_later();

  StreamMappingSettings settings_;
  dynamodb::Stream& stream_;
  lambda::LambdaService& lambda_;
  Scheduler& scheduler_;
  Handler handler_;
  MetricSink* metrics_;
  MetricId iterator_age_ = 0;
  dynamodb::Stream::ConsumerId consumer_;
  std::uint64_t position_ = 0;  // last sequence processed successfully
  std::uint64_t delivered_up_to_ = 0;  // highest sequence ever handed to the function
  bool in_flight_ = false;
  bool poll_scheduled_ = false;
  Micros backoff_ = 0;
  std::int64_t attempts_on_batch_ = 0;
  std::uint64_t invocations_ = 0, throttles_ = 0, failures_ = 0, batches_ = 0;
  std::uint64_t read_failures_ = 0;  // GetRecords failed by a fault rule
  FaultInjector* faults_ = nullptr;
};

}  // namespace emu
