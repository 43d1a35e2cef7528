#include "emulator/sqs/model.h"

#include <charconv>
#include <utility>

#include "emulator/core/errors.h"
#include "emulator/http/aws_wire.h"
#include "emulator/sqs/persist.h"

namespace emu::sqs {

namespace {

AwsError no_queue() {
  return errors::sqs::kQueueDoesNotExist("The specified queue does not exist.");
}

std::optional<std::int64_t> parse_int(const std::string& text) {
  std::int64_t v = 0;
  const auto* end = text.data() + text.size();
  const auto r = std::from_chars(text.data(), end, v);
  if (r.ec != std::errc() || r.ptr != end || text.empty()) return std::nullopt;
  return v;
}

struct IntAttribute {
  const char* name;
  std::int64_t QueueAttributes::*field;
  std::int64_t min, max;
};
constexpr IntAttribute kIntAttributes[] = {
    {"VisibilityTimeout", &QueueAttributes::visibility_timeout, 0, 43200},
    {"MessageRetentionPeriod", &QueueAttributes::message_retention_period, 60, 1209600},
    {"DelaySeconds", &QueueAttributes::delay_seconds, 0, 900},
    {"ReceiveMessageWaitTimeSeconds", &QueueAttributes::receive_message_wait_time_seconds, 0, 20},
    {"MaximumMessageSize", &QueueAttributes::maximum_message_size, 1024, 1048576},
};

AwsError invalid_attribute(const std::string& name) {
  return errors::sqs::kInvalidAttributeValue("Invalid value for the parameter " + name + ".");
}

}  // namespace

bool valid_queue_name(const std::string& name) {
  if (name.empty() || name.size() > 80) return false;
  for (char c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_') return false;
  }
  return true;
}

// SQS accepts #x9 | #xA | #xD | #x20-#xD7FF | #xE000-#xFFFD | #x10000-#x10FFFF in UTF-8.
bool valid_message_text(const std::string& text) {
  std::size_t i = 0;
  while (i < text.size()) {
    const auto c = static_cast<unsigned char>(text[i]);
    std::uint32_t cp = 0;
    int extra = 0;
    if (c < 0x80) cp = c;
    else if ((c & 0xE0) == 0xC0) { cp = c & 0x1F; extra = 1; }
    else if ((c & 0xF0) == 0xE0) { cp = c & 0x0F; extra = 2; }
    else if ((c & 0xF8) == 0xF0) { cp = c & 0x07; extra = 3; }
    else return false;
    for (int k = 1; k <= extra; ++k) {
      if (i + k >= text.size()) return false;
      const auto cc = static_cast<unsigned char>(text[i + k]);
      if ((cc & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3F);
    }
    i += 1 + extra;
    const bool ok = cp == 0x9 || cp == 0xA || cp == 0xD || (cp >= 0x20 && cp <= 0xD7FF) ||
                    (cp >= 0xE000 && cp <= 0xFFFD) || (cp >= 0x10000 && cp <= 0x10FFFF);
    if (!ok) return false;
  }
  return true;
}

SqsModel::SqsModel(Storage* storage, std::string account_id, std::string region,
                   std::string endpoint, SqsLimits limits, Random random)
    : account_id_(std::move(account_id)),
      region_(std::move(region)),
      endpoint_(std::move(endpoint)),
      limits_(limits),
      random_(std::move(random)),
      storage_(storage) {
  if (storage != nullptr) {
    persistence_ = std::make_unique<Persistence>(*storage);
    for (auto& q : persistence_->load_queues()) {
      Queue& queue = *queues_.emplace(q->name(), std::move(q)).first->second;
      persistence_->load_messages(queue);
    }
  }
}

SqsModel::~SqsModel() = default;

std::optional<AwsError> SqsModel::fault(std::string_view operation, const Queue& queue) {
  FaultDecision d = faults_.check(operation, queue.name());
  // Every message operation changes what emulator.db holds: it asks the storage seam too.
  if (storage_ != nullptr) {
    FaultDecision disk = storage_->disk_faults().before_write("sqs");
    if (disk.error) {
      disk.error = errors::sqs::kInternalFailure(
          "The request processing has failed because of an unknown "
          "error, exception or failure.");
    }
    d.merge(disk);
  }
  fault_latency_ += d.extra_latency;
  return d.error;
}

Micros SqsModel::take_fault_latency() { return std::exchange(fault_latency_, 0); }

void SqsModel::notify_send(const Queue& queue, Micros visible_at) {
  for (const auto& listener : send_listeners_) listener(queue, visible_at);
}

Result<QueueAttributes> SqsModel::parse_attributes(
    const std::map<std::string, std::string>& attributes, QueueAttributes base) const {
  for (const auto& [name, value] : attributes) {
    bool known = false;
    for (const auto& a : kIntAttributes) {
      if (name != a.name) continue;
      known = true;
      const auto v = parse_int(value);
      if (!v || *v < a.min || *v > a.max) return invalid_attribute(name);
      base.*a.field = *v;
    }
    if (name == "RedrivePolicy") {
      known = true;
      if (value.empty()) {
        base.redrive_target_arn.clear();
        base.max_receive_count = 0;
        continue;
      }
      const auto policy = nlohmann::json::parse(value, nullptr, false);
      if (!policy.is_object() || !policy.contains("deadLetterTargetArn") ||
          !policy["deadLetterTargetArn"].is_string() || !policy.contains("maxReceiveCount")) {
        return invalid_attribute(name);
      }
      const auto& count = policy["maxReceiveCount"];
      const auto n = count.is_string() ? parse_int(count.get<std::string>())
                     : count.is_number_integer() ? std::optional(count.get<std::int64_t>())
                                                 : std::nullopt;
      if (!n || *n < 1 || *n > 1000) return invalid_attribute(name);
      base.redrive_target_arn = policy["deadLetterTargetArn"].get<std::string>();
      base.max_receive_count = *n;
    }
    // Accepted and ignored (policies and encryption have no effect locally).
    if (name == "Policy" || name == "KmsMasterKeyId" || name == "KmsDataKeyReusePeriodSeconds" ||
        name == "SqsManagedSseEnabled" || name == "RedriveAllowPolicy") {
      known = true;
    }
    if (!known) return errors::sqs::kInvalidAttributeName("Unknown Attribute " + name + ".");
  }
  return base;
}

Result<Queue*> SqsModel::create_queue(const std::string& name,
                                      const std::map<std::string, std::string>& attributes,
                                      Micros now) {
  if (name.size() > 5 && name.ends_with(".fifo")) {
    // DEVIATION: FIFO queues are not modelled (the seed uses a standard queue).
    return errors::sqs::kInvalidParameterValue("FIFO queues are not supported by this emulator.");
  }
  if (!valid_queue_name(name)) {
    return errors::sqs::kInvalidParameterValue(
        "Can only include alphanumeric characters, hyphens, or underscores. "
        "1 to 80 in length");
  }
  const auto parsed = parse_attributes(attributes, QueueAttributes{});
  if (!parsed) return parsed.error();
  if (const auto it = queues_.find(name); it != queues_.end()) {
    // Same name with the same attributes is idempotent; different ones is an error.
    const auto& a = it->second->attributes();
    const auto& b = *parsed;
    if (a.visibility_timeout != b.visibility_timeout || a.delay_seconds != b.delay_seconds ||
        a.message_retention_period != b.message_retention_period ||
        a.maximum_message_size != b.maximum_message_size ||
        a.receive_message_wait_time_seconds != b.receive_message_wait_time_seconds ||
        a.redrive_target_arn != b.redrive_target_arn) {
      if (attributes.empty()) return it->second.get();
      return errors::sqs::kQueueNameExists(
          "A queue already exists with the same name and a different value "
          "for attribute(s) " +
          attributes.begin()->first);
    }
    return it->second.get();
  }
  const std::string arn = "arn:aws:sqs:" + region_ + ":" + account_id_ + ":" + name;
  auto queue = std::make_unique<Queue>(name, arn, *parsed, now);
  Queue* raw = queue.get();
  queues_.emplace(name, std::move(queue));
  if (persistence_) persistence_->save_queue(*raw);
  return raw;
}

Status SqsModel::delete_queue(const std::string& queue_url) {
  auto q = queue(queue_url);
  if (!q) return q.error();
  if (persistence_) persistence_->delete_queue((*q)->name());
  queues_.erase((*q)->name());
  return ok_status();
}

Result<Queue*> SqsModel::queue(const std::string& url_or_name) {
  // URLs look like http://host:port/<account>/<name>; ARNs end with :<name>. Only the name
  // matters: clients build URLs with whatever host they were given.
  std::string name = url_or_name;
  if (const auto slash = name.find_last_of('/'); slash != std::string::npos) {
    name = name.substr(slash + 1);
  } else if (name.rfind("arn:", 0) == 0) {
    name = name.substr(name.find_last_of(':') + 1);
  }
  const auto it = queues_.find(name);
  if (it == queues_.end()) return no_queue();
  return it->second.get();
}

std::string SqsModel::url_of(const Queue& queue) const {
  return endpoint_ + "/" + account_id_ + "/" + queue.name();
}

std::vector<const Queue*> SqsModel::list_queues(const std::string& prefix) const {
  std::vector<const Queue*> out;
  for (const auto& [name, q] : queues_) {
    if (name.rfind(prefix, 0) == 0) out.push_back(q.get());
  }
  return out;
}

Result<std::map<std::string, std::string>> SqsModel::get_attributes(
    Queue& queue, const std::vector<std::string>& names, Micros now) {
  expire(queue, now);
  const auto& a = queue.attributes();
  std::map<std::string, std::string> all = {
      {"ApproximateNumberOfMessages", std::to_string(queue.visible(now))},
      {"ApproximateNumberOfMessagesNotVisible", std::to_string(queue.in_flight(now))},
      {"ApproximateNumberOfMessagesDelayed", std::to_string(queue.delayed(now))},
      {"CreatedTimestamp", std::to_string(queue.created_at() / kMicrosPerSecond)},
      {"LastModifiedTimestamp", std::to_string(queue.modified_at() / kMicrosPerSecond)},
      {"QueueArn", queue.arn()},
      {"SqsManagedSseEnabled", "false"}};
  for (const auto& ia : kIntAttributes) all[ia.name] = std::to_string(a.*ia.field);
  if (!a.redrive_target_arn.empty()) {
    all["RedrivePolicy"] = nlohmann::json{{"deadLetterTargetArn", a.redrive_target_arn},
                                          {"maxReceiveCount", a.max_receive_count}}
                               .dump();
  }
  std::map<std::string, std::string> out;
  for (const auto& name : names) {
    if (name == "All") return all;
    const auto it = all.find(name);
    if (it != all.end()) {
      out.insert(*it);
    } else if (name != "RedrivePolicy" && name != "Policy" && name != "KmsMasterKeyId") {
      return errors::sqs::kInvalidAttributeName("Unknown Attribute " + name + ".");
    }
  }
  return out;
}

Status SqsModel::set_attributes(Queue& queue, const std::map<std::string, std::string>& attributes,
                                Micros now) {
  const auto parsed = parse_attributes(attributes, queue.attributes());
  if (!parsed) return parsed.error();
  queue.set_attributes(*parsed, now);
  if (persistence_) persistence_->save_queue(queue);
  return ok_status();
}

std::int64_t SqsModel::purge(Queue& queue) {
  if (persistence_) persistence_->delete_messages(queue.name());
  return queue.purge();
}

Result<SentMessage> SqsModel::send(Queue& queue, const std::string& body,
                                   std::int64_t delay_seconds,
                                   const MessageAttributes& attributes, Micros now) {
  if (body.empty()) {
    return errors::sqs::kMissingRequiredParameter(
        "The request must contain the parameter MessageBody.");
  }
  std::size_t size = body.size();
  for (const auto& [name, v] : attributes) {
    size += name.size() + v.data_type.size() + v.string_value.size() + v.binary_value.size();
    if (v.data_type.empty() || (v.string_value.empty() && v.binary_value.empty())) {
      return errors::sqs::kInvalidParameterValue(
          "The message attribute '" + name +
          "' must contain non-empty "
          "message attribute value for message attribute type '" +
          v.data_type + "'.");
    }
  }
  if (static_cast<std::int64_t>(size) > queue.attributes().maximum_message_size) {
    return errors::sqs::kInvalidParameterValue(
        "One or more parameters are invalid. Reason: Message must be shorter "
        "than " +
        std::to_string(queue.attributes().maximum_message_size) + " bytes.");
  }
  if (!valid_message_text(body)) {
    return errors::sqs::kInvalidMessageContents(
        "Invalid characters found. Valid unicode characters are #x9 | #xA | "
        "#xD | #x20 to #xD7FF | #xE000 to #xFFFD | #x10000 to #x10FFFF");
  }
  if (delay_seconds > 900) {
    return errors::sqs::kInvalidParameterValue(
        "Value " + std::to_string(delay_seconds) +
        " for parameter DelaySeconds is invalid. Reason: DelaySeconds "
        "must be >= 0 and <= 900.");
  }
  if (auto error = fault("SendMessage", queue)) return *error;
  expire(queue, now);
  if (queue.size() >= limits_.max_messages_per_queue) {
    return errors::sqs::kOverLimit("The queue holds the emulator's maximum of " +
                                   std::to_string(limits_.max_messages_per_queue) + " messages.");
  }
  Message m;
  m.body = body;
  m.attributes = attributes;
  m.sent_at = now;
  const std::int64_t delay = delay_seconds < 0 ? queue.attributes().delay_seconds : delay_seconds;
  m.visible_at = now + seconds(static_cast<double>(delay));
  const Message* added = nullptr;
  while (added == nullptr) {  // a repeated random id is drawn again (2^-122 per message)
    m.id = random_.uuid_v4();
    added = queue.add(m);
  }
  const Message& stored = *added;
  if (persistence_) persistence_->save_message(queue.name(), stored);
  notify_send(queue, stored.visible_at);
  return SentMessage{stored.id, http::md5_hex(body),
                     attributes.empty() ? "" : md5_of_attributes(attributes)};
}

Result<std::vector<ReceivedMessage>> SqsModel::receive(Queue& queue, std::int64_t max,
                                                       std::int64_t visibility_seconds,
                                                       Micros now) {
  if (max < 1 || max > 10) {
    return errors::sqs::kInvalidParameterValue(
        "Value " + std::to_string(max) +
        " for parameter MaxNumberOfMessages "
        "is invalid. Reason: Must be between 1 and 10, if provided.");
  }
  if (visibility_seconds > 43200) {
    return errors::sqs::kInvalidParameterValue(
        "Value " + std::to_string(visibility_seconds) +
        " for parameter VisibilityTimeout is invalid. Reason: Must be "
        "between 0 and 43200, if provided.");
  }
  if (auto error = fault("ReceiveMessage", queue)) return *error;
  expire(queue, now);
  if (queue.size() >= limits_.max_in_flight_per_queue &&
      queue.in_flight(now) >= limits_.max_in_flight_per_queue) {
    return errors::sqs::kOverLimit("Too many messages in flight.");
  }
  std::vector<Message> redriven;
  const std::int64_t visibility =
      visibility_seconds < 0 ? queue.attributes().visibility_timeout : visibility_seconds;
  auto received = queue.receive(max, visibility, now, &redriven);
  for (auto& m : redriven) {
    if (persistence_) persistence_->delete_message(queue.name(), m.id);
    auto target = this->queue(queue.attributes().redrive_target_arn);
    if (!target) continue;  // DLQ deleted: the message is dropped, as on AWS
    // The original enqueue time is kept for standard queues (section 4.4).
    m.visible_at = now;
    m.receipt_handle.clear();
    m.receive_count = 0;
    m.first_received_at = 0;
    m.sequence = 0;
    const Message* moved = (*target)->add(std::move(m));
    if (moved == nullptr) continue;  // the target already holds this very message
    if (persistence_) persistence_->save_message((*target)->name(), *moved);
    notify_send(**target, moved->visible_at);
  }
  if (persistence_) {
    for (const auto& r : received) persistence_->save_message(queue.name(), *r.message);
  }
  return received;
}

Status SqsModel::delete_message(Queue& queue, const std::string& receipt_handle) {
  if (auto error = fault("DeleteMessage", queue)) return *error;
  const auto removed = queue.remove_by_handle(receipt_handle);
  if (removed) {
    if (persistence_) persistence_->delete_message(queue.name(), removed->id);
    return ok_status();
  }
  // An old handle of this queue "succeeds" without deleting (section 4.3); garbage does not.
  const auto decoded = http::base64_decode(receipt_handle);
  if (decoded && decoded->rfind(queue.name() + ":", 0) == 0) return ok_status();
  return errors::sqs::kReceiptHandleIsInvalid("The input receipt handle \"" + receipt_handle +
                                              "\" is not a valid receipt handle.");
}

Status SqsModel::change_visibility(Queue& queue, const std::string& receipt_handle,
                                   std::int64_t timeout_seconds, Micros now) {
  if (timeout_seconds < 0 || timeout_seconds > 43200) {
    return errors::sqs::kInvalidParameterValue(
        "Value " + std::to_string(timeout_seconds) +
        " for parameter VisibilityTimeout is invalid. Reason: Must be "
        "between 0 and 43200.");
  }
  if (auto error = fault("ChangeMessageVisibility", queue)) return *error;
  const auto changed = queue.change_visibility(receipt_handle, timeout_seconds, now);
  if (!changed) return changed.error();
  if (persistence_) persistence_->save_message(queue.name(), **changed);
  return ok_status();
}

void SqsModel::expire(Queue& queue, Micros now) {
  if (queue.expire(now) > 0 && persistence_) persistence_->delete_expired(queue, now);
}

nlohmann::json SqsModel::state(Micros now) const {
  nlohmann::json out = nlohmann::json::object();
  for (const auto& [name, q] : queues_) {
    out[name] = {{"visible", q->visible(now)},
                 {"in_flight", q->in_flight(now)},
                 {"delayed", q->delayed(now)}};
  }
  return out;
}

std::string md5_of_attributes(const MessageAttributes& attributes) {
  std::string buffer;
  const auto put = [&buffer](std::string_view s) {
    const auto n = static_cast<std::uint32_t>(s.size());
    for (int shift = 24; shift >= 0; shift -= 8) buffer.push_back(static_cast<char>(n >> shift));
    buffer.append(s);
  };
  for (const auto& [name, v] : attributes) {  // std::map: sorted by name, as SQS requires
    put(name);
    put(v.data_type);
    const bool binary = v.data_type.rfind("Binary", 0) == 0;
    buffer.push_back(binary ? 2 : 1);
    put(binary ? v.binary_value : v.string_value);
  }
  return http::md5_hex(buffer);
}

}  // namespace emu::sqs
