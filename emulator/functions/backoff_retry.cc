#include "emulator/functions/backoff_retry.h"

#include <algorithm>
#include <cmath>

#include "emulator/functions/js.h"

namespace emu::functions {

BackoffSettings BackoffSettings::from_config(const Config& c, const std::string& dlq_url) {
  BackoffSettings s;
  const bool nan_bug = c.boolean("/backoff_retry/faithful_nan_bug");
  const bool event_shape = c.boolean("/backoff_retry/faithful_event_shape");
  if (nan_bug && event_shape) {
    throw ConfigError("/backoff_retry/faithful_event_shape",
                      "false when faithful_nan_bug is true (choose one bug)");
  }
  s.mode = nan_bug       ? Mode::kFaithfulNanBug
           : event_shape ? Mode::kFaithfulEventShape
                         : Mode::kIntended;
  s.max_delay_seconds = c.integer("/backoff_retry/max_delay_seconds");
  if (s.max_delay_seconds < 0 || s.max_delay_seconds > 900) {
    throw ConfigError("/backoff_retry/max_delay_seconds", "an integer 0..900 (SQS's maximum)");
  }
  s.dead_letter_queue_url = dlq_url;
  return s;
}

BackoffRetry::BackoffRetry(BackoffSettings settings, DocumentUpdatePort& table, QueuePort& queue)
    : settings_(std::move(settings)), table_(table), queue_(queue) {}

double BackoffRetry::intended_delay(double n) const {
  const double d = n == 1 ? 2 : n * n;
  return std::min(d, static_cast<double>(settings_.max_delay_seconds));
}

BackoffReport BackoffRetry::handle(const std::vector<SqsRecordView>& records, Micros now) {
  using Kind = BackoffReport::Outcome::Kind;
  using Mode = BackoffSettings::Mode;
  BackoffReport report;
  report.outcomes.resize(records.size());
  for (size_t i = 0; i < records.size(); ++i) {
    const SqsRecordView& record = records[i];
    auto& outcome = report.outcomes[i];
    const auto params = js::parse(record.body);
    if (!params) {  // JSON.parse throws outside the try: the invocation fails
      report.function_error = true;
      report.error = "SyntaxError: Unexpected token in JSON";
      return report;
    }
    const Status updated = table_.update(*params, now);
    if (updated.ok()) {
      outcome.kind = Kind::kApplied;
      continue;
    }
    if (settings_.mode == Mode::kFaithfulEventShape) {
      report.function_error = true;
      report.error = "TypeError: Cannot read property 'DelaySeconds' of undefined";
      return report;
    }
    double delay = NAN;
    if (settings_.mode == Mode::kIntended) {
      const js::Value attr = record.delay_seconds_attribute ? js::Value(*record.delay_seconds_attribute)
                                                            : js::Value();
      const double n = record.delay_seconds_attribute ? js::to_number(&attr) : NAN;
      delay = intended_delay(std::isnan(n) ? 1 : n);  // a message without the attribute starts the sequence
    }
    OutgoingMessage out;
    out.queue_url = settings_.dead_letter_queue_url;
    out.body = js::stringify(*params);
    out.delay_seconds = delay;
    out.attributes["ErrorMsg"] = {"String", updated.error().code + ": " + updated.error().message};
    out.attributes["DelaySeconds"] = {"Number", js::number_to_string(delay)};
    const Status sent = queue_.send_message(out, now);
    outcome.delay_seconds = delay;
    if (sent.ok()) {
      outcome.kind = Kind::kRequeued;
    } else {
      outcome.kind = Kind::kLost;
      outcome.reason = "re-enqueue failed: " + sent.error().code + ": " + sent.error().message;
    }
  }
  return report;
}

}  // namespace emu::functions
