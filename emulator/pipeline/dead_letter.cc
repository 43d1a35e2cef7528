#include "emulator/pipeline/dead_letter.h"

#include <cmath>

#include "emulator/core/errors.h"
#include "emulator/core/json_util.h"

namespace emu {

Status SqsQueuePort::send_message(const functions::OutgoingMessage& message, Micros now) {
  const double d = message.delay_seconds;
  if (!std::isfinite(d) || d != std::floor(d) || d < 0 || d > 900) {
    const std::string shown = std::isnan(d) ? "NaN" : std::to_string(d);
    return errors::common::kInvalidParameterValue("Value " + shown +
                                                  " for parameter DelaySeconds is invalid. Reason: "
                                                  "DelaySeconds must be >= 0 and <= 900.");
  }
  auto queue = sqs_.queue(message.queue_url);
  if (!queue) return queue.error();
  sqs::MessageAttributes attributes;
  for (const auto& [name, a] : message.attributes) {
    attributes[name] = sqs::MessageAttributeValue{a.data_type, a.string_value, ""};
  }
  auto sent = sqs_.send(**queue, message.body, static_cast<std::int64_t>(d), attributes, now);
  if (!sent) return sent.error();
  return ok_status();
}

std::int64_t RetryHandler::entries_in(const std::string& body) {
  const auto params = parse_json(body);
  if (!params || !params->is_object()) return 0;
  const auto values = params->find("ExpressionAttributeValues");
  if (values == params->end() || !values->is_object()) return 0;
  const auto count = values->find(":metricCount");
  return count != values->end() && count->is_number_integer() ? count->get<std::int64_t>() : 0;
}

lambda::HandlerOutcome RetryHandler::operator()(const std::vector<sqs::ReceivedMessage>& batch,
                                                Micros now) {
  std::vector<functions::SqsRecordView> records;
  records.reserve(batch.size());
  for (const auto& r : batch) {
    functions::SqsRecordView view;
    view.message_id = r.message->id;
    view.body = r.message->body;
    const auto delay = r.message->attributes.find("DelaySeconds");
    if (delay != r.message->attributes.end()) view.delay_seconds_attribute = delay->second.string_value;
    records.push_back(std::move(view));
  }
  const functions::BackoffReport report = function_.handle(records, now);
  using Kind = functions::BackoffReport::Outcome::Kind;
  for (std::size_t i = 0; i < batch.size(); ++i) {
    const auto& outcome = report.outcomes[i];
    const std::string& id = batch[i].message->id;
    const std::int64_t entries = entries_in(batch[i].message->body);
    switch (outcome.kind) {
      case Kind::kApplied:
        if (applied_before_.count(id) > 0) {
          ledger_.retry_applied_again(entries);
        } else {
          ledger_.retry_applied(entries);
          if (report.function_error) applied_before_.insert(id);
        }
        break;
      case Kind::kRequeued:
        if (report.function_error) {
          // The invocation fails, so SQS keeps the original as well: one more copy.
          ledger_.retry_requeued_again(entries);
        } else {
          applied_before_.erase(id);
          ledger_.retry_requeued(entries);
        }
        break;
      case Kind::kLost:
        ledger_.entries_lost("dlq: " + outcome.reason, entries);
        break;
      case Kind::kNotProcessed:
        break;
    }
  }
  if (!report.function_error) {
    for (const auto& r : batch) applied_before_.erase(r.message->id);
  }
  ++version_;
  forget_gone_messages();
  lambda::HandlerOutcome handled{report.function_error, 0, {}};
  for (const auto& outcome : report.outcomes) {
    if (outcome.kind == Kind::kLost) handled.console.push_back("ERROR\tFailed sending to dead letter queue: " + outcome.reason);
  }
  if (report.function_error) {
    // The Node.js runtime's line for an error escaping the handler.
    const auto colon = report.error.find(':');
    handled.console.push_back(
        "ERROR\tInvoke Error \t" +
        dump_compact(nlohmann::json{{"errorType", report.error.substr(0, colon)},
                                    {"errorMessage", colon == std::string::npos
                                                         ? report.error
                                                         : report.error.substr(colon + 2)}}));
  }
  return handled;
}

void RetryHandler::forget_gone_messages() {
  // A message can leave the queue without a successful invocation (retention, purge): its id
  // is dropped once the set has doubled since the last pass, so the set stays within twice
  // the queue's in-flight messages.
  if (applied_before_.size() < 2 * size_after_last_pass_ + 64) return;
  for (auto it = applied_before_.begin(); it != applied_before_.end();) {
    it = still_queued_(*it) ? std::next(it) : applied_before_.erase(it);
  }
  size_after_last_pass_ = applied_before_.size();
}

nlohmann::json RetryHandler::save() const {
  return {{"applied_before", std::vector<std::string>(applied_before_.begin(), applied_before_.end())}};
}

void RetryHandler::restore(const nlohmann::json& saved) {
  try {
    applied_before_.clear();
    for (const auto& id : saved.at("applied_before")) applied_before_.insert(id.get<std::string>());
  } catch (const std::exception& e) {
    throw std::invalid_argument(std::string("the saved retry state is damaged: ") + e.what());
  }
  ++version_;
}

}  // namespace emu
