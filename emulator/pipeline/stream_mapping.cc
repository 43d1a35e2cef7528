#include "emulator/pipeline/stream_mapping.h"

#include <algorithm>

namespace emu {

StreamMappingSettings StreamMappingSettings::from_config(const Config& c, const std::string& name) {
  const std::string base = "/lambda/event_source_mappings/" + name;
  StreamMappingSettings s;
  s.function = c.string(base + "/function");
  const std::int64_t batch = c.integer(base + "/batch_size");
  if (batch < 1 || batch > 10000) throw ConfigError(base + "/batch_size", "1..10000");
  s.batch_size = static_cast<std::size_t>(batch);
  const std::string start = c.string(base + "/starting_position");
  if (start != "LATEST" && start != "TRIM_HORIZON") {
    throw ConfigError(base + "/starting_position", "LATEST or TRIM_HORIZON");
  }
  s.start_at_latest = start == "LATEST";
  const std::int64_t poll_ms = c.integer(base + "/poll_interval_ms");
  if (poll_ms < 1) throw ConfigError(base + "/poll_interval_ms", "a positive integer");
  s.poll_interval = poll_ms * kMicrosPerMilli;
  s.maximum_retry_attempts = c.integer(base + "/maximum_retry_attempts");
  if (s.maximum_retry_attempts < -1) {
    throw ConfigError(base + "/maximum_retry_attempts", "-1 (until success) or more");
  }
  const double per_record_ms = c.number(base + "/per_record_ms");
  if (per_record_ms < 0) throw ConfigError(base + "/per_record_ms", "a non-negative number");
  s.per_record_cost = millis(per_record_ms);
  return s;
}

StreamMapping::StreamMapping(StreamMappingSettings settings, dynamodb::Stream& stream,
                             lambda::LambdaService& lambda, Scheduler& scheduler,
                             Handler handler, MetricSink* metrics)
    : settings_(std::move(settings)),
      stream_(stream),
      lambda_(lambda),
      scheduler_(scheduler),
      handler_(std::move(handler)),
      metrics_(metrics),
      consumer_(stream.register_consumer()) {
  position_ = settings_.start_at_latest ? stream.latest_sequence() : stream.first_sequence() - 1;
  delivered_up_to_ = position_;
  stream_.checkpoint(consumer_, position_);
  if (metrics_ != nullptr) {
    iterator_age_ = metrics_->metric(
        {"AWS/Lambda", "IteratorAge", {{"FunctionName", settings_.function}}, "Milliseconds"});
  }
  stream_.subscribe([this](const dynamodb::StreamRecord&) { on_append(); });
  if (lag() > 0) on_append();
}

void StreamMapping::on_append() {
  if (in_flight_ || poll_scheduled_) return;
  // The next of the poller's ticks (every poll_interval since the epoch).
  const Micros now = scheduler_.now();
  schedule_poll(floor_to(now, settings_.poll_interval) + settings_.poll_interval);
}

void StreamMapping::schedule_poll(Micros at) {
  poll_scheduled_ = true;
  scheduler_.at(at, [this] {
    poll_scheduled_ = false;
    poll();
  });
}

void StreamMapping::poll() {
  const Micros now = scheduler_.now();
  const auto records = stream_.read(position_, settings_.batch_size);
  if (records.empty()) return;  // idle until the next append
  // The poller's GetRecords: a failure is retried with the same backoff as a failed batch;
  // a slow one delays the batch's end (and so the next poll).
  FaultDecision read_fault;
  if (faults_ != nullptr) {
    read_fault = faults_->check("dynamodbstreams", "GetRecords", stream_.table_name(), now);
  }
  if (read_fault.error) {
    ++read_failures_;
    return retry_later();
  }
  const std::uint64_t last = records.back()->sequence;
  const bool redelivery = records.front()->sequence <= delivered_up_to_;
  ++invocations_;
  in_flight_ = true;
  const auto result = lambda_.invoke(settings_.function, now, [&] {
    delivered_up_to_ = std::max(delivered_up_to_, last);
    lambda::HandlerOutcome outcome = handler_(records, now, redelivery);
    outcome.extra_duration += settings_.per_record_cost * static_cast<Micros>(records.size());
    return outcome;
  });
  if (metrics_ != nullptr) {
    metrics_->put(iterator_age_, to_millis(std::max<Micros>(0, now - records.back()->created)),
                  now);
  }
  using Outcome = lambda::InvokeResult::Outcome;
  if (result.outcome == Outcome::kThrottled) {
    in_flight_ = false;
    ++throttles_;
    return retry_later();
  }
  if (result.outcome != Outcome::kOk) {
    ++failures_;
    ++attempts_on_batch_;
    const bool give_up = settings_.maximum_retry_attempts >= 0 &&
                         attempts_on_batch_ > settings_.maximum_retry_attempts;
    scheduler_.at(now + result.latency, [this, last, give_up] {
      in_flight_ = false;
      if (give_up) return finish(last, scheduler_.now());
      retry_later();
    });
    return;
  }
  scheduler_.at(now + result.latency + read_fault.extra_latency,
                [this, last] { finish(last, scheduler_.now()); });
}

void StreamMapping::finish(std::uint64_t last_sequence, Micros at) {
  in_flight_ = false;
  backoff_ = 0;
  attempts_on_batch_ = 0;
  ++batches_;
  position_ = last_sequence;
  stream_.checkpoint(consumer_, position_);
  if (lag() > 0) schedule_poll(at);  // the poller goes straight on while records wait
}

void StreamMapping::retry_later() {
  // ASSUMPTION: Lambda backs off 1 s, doubling to 60 s, while a shard's batch keeps failing.
  backoff_ = backoff_ == 0 ? kMicrosPerSecond : std::min<Micros>(backoff_ * 2, 60 * kMicrosPerSecond);
  schedule_poll(scheduler_.now() + backoff_);
}

nlohmann::json StreamMapping::save() const {
  return {{"stream", stream_.arn()}, {"position", position_}, {"delivered_up_to", delivered_up_to_}};
}

void StreamMapping::restore(const nlohmann::json& saved) {
  std::uint64_t position = 0, delivered = 0;
  try {
    if (saved.at("stream").get<std::string>() != stream_.arn()) return;
    position = saved.at("position").get<std::uint64_t>();
    delivered = saved.at("delivered_up_to").get<std::uint64_t>();
  } catch (const std::exception& e) {
    throw std::invalid_argument(std::string("the saved stream mapping is damaged: ") + e.what());
  }
  if (position > stream_.latest_sequence() || delivered > stream_.latest_sequence()) {
    throw std::invalid_argument("the saved stream mapping is past the stream's last record");
  }
  // Records trimmed while the emulator was down cannot be read any more: go on after them.
  position_ = std::max(position, stream_.first_sequence() - 1);
  delivered_up_to_ = std::max(delivered, position_);
  stream_.checkpoint(consumer_, position_);
  if (lag() > 0) on_append();
}

nlohmann::json StreamMapping::state() const {
  return {{"function", settings_.function},
          {"stream", stream_.arn()},
          {"position", position_},
          {"latest", stream_.latest_sequence()},
          {"lag_records", lag()},
          {"in_flight", in_flight_},
          {"invocations", invocations_},
          {"batches_done", batches_},
          {"throttled", throttles_},
          {"failed_invocations", failures_},
          {"failed_get_records", read_failures_}};
}

}  // namespace emu
