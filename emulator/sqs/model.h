// The SQS service model: the account's standard queues, their attributes, messages and redrive,
// persisted in SQLite so queued messages survive a restart (the seed's DLQ must never lose an
// update that was sent to it). The JSON and query wire layers (wire.h) and the pipeline's DLQ
// adapter use the same model.
//
// Errors carry the JSON protocol's short codes ("QueueDoesNotExist", "InvalidParameterValue",
// ...); the wire layer maps them to query codes (aws-fidelity section 4.1).
//
// Thread rules: simulation thread only.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "emulator/core/faults.h"
#include "emulator/core/random.h"
#include "emulator/core/storage.h"
#include "emulator/sqs/queue.h"

namespace emu::sqs {

struct SqsLimits {
  std::int64_t max_in_flight_per_queue = 120000;  // AWS: OverLimit past ~120,000 in flight
  std::int64_t max_messages_per_queue = 1000000;  // DEVIATION: a bound AWS does not have
};

struct SentMessage {
  std::string message_id;
  std::string md5_of_body;
  std::string md5_of_attributes;  // "" when the message has no attributes
};

class SqsModel {
 public:
  // `endpoint` is the URL queue URLs start with ("http://127.0.0.1:4566").
  SqsModel(Storage* storage, std::string account_id, std::string region, std::string endpoint,
           SqsLimits limits, Random random);
  ~SqsModel();

  // --- queues ---
  Result<Queue*> create_queue(const std::string& name,
                              const std::map<std::string, std::string>& attributes, Micros now);
  Status delete_queue(const std::string& queue_url);
  // The queue a URL (or a bare name, or an ARN) names; QueueDoesNotExist otherwise.
  Result<Queue*> queue(const std::string& url_or_name);
  std::string url_of(const Queue& queue) const;
  std::vector<const Queue*> list_queues(const std::string& prefix) const;
  Result<std::map<std::string, std::string>> get_attributes(Queue& queue,
                                                            const std::vector<std::string>& names,
                                                            Micros now);
  Status set_attributes(Queue& queue, const std::map<std::string, std::string>& attributes,
                        Micros now);
  std::int64_t purge(Queue& queue);

  // --- messages ---
  // `delay_seconds` < 0 means "the queue's default".
  Result<SentMessage> send(Queue& queue, const std::string& body, std::int64_t delay_seconds,
                           const MessageAttributes& attributes, Micros now);
  // `visibility_seconds` < 0 means "the queue's VisibilityTimeout".
  Result<std::vector<ReceivedMessage>> receive(Queue& queue, std::int64_t max,
                                               std::int64_t visibility_seconds, Micros now);
  Status delete_message(Queue& queue, const std::string& receipt_handle);
  Status change_visibility(Queue& queue, const std::string& receipt_handle,
                           std::int64_t timeout_seconds, Micros now);

  // Called on the simulation thread after every message added to a queue, however it came
  // (SendMessage over the wire, a function's send, a redrive), with the time it becomes
  // receivable: in-process pollers (the DLQ's event source mapping) wake up from it.
  using SendListener = std::function<void(const Queue& queue, Micros visible_at)>;
  void on_send(SendListener listener) { send_listeners_.push_back(std::move(listener)); }

  // Fault rules for the message operations (service "sqs", resource the queue name); each
  // of them also asks the storage seam (Storage::disk_faults) before it writes.
  void set_faults(FaultHook faults) { faults_ = faults; }
  // The latency fault rules added since the last call (the wire layer delays its reply by it).
  Micros take_fault_latency();

  const std::string& endpoint() const { return endpoint_; }
  void set_endpoint(std::string endpoint) { endpoint_ = std::move(endpoint); }
  nlohmann::json state(Micros now) const;

 private:
  class Persistence;
  Result<QueueAttributes> parse_attributes(const std::map<std::string, std::string>& attributes,
                                           QueueAttributes base) const;
  void expire(Queue& queue, Micros now);
  void notify_send(const Queue& queue, Micros visible_at);
  // The error a fault rule or the storage seam gives `operation` on `queue`, if any.
  std::optional<AwsError> fault(std::string_view operation, const Queue& queue);

  std::string account_id_;
  std::string region_;
  std::string endpoint_;
  SqsLimits limits_;
  Random random_;
  std::map<std::string, std::unique_ptr<Queue>> queues_;
  std::unique_ptr<Persistence> persistence_;
  std::vector<SendListener> send_listeners_;
  Storage* storage_ = nullptr;
  FaultHook faults_;
  Micros fault_latency_ = 0;
};

// MD5 of message attributes as SQS computes MD5OfMessageAttributes (sorted names, each with
// length-prefixed name, type, a transport byte and the value).
std::string md5_of_attributes(const MessageAttributes& attributes);

// A queue name of 1-80 letters, digits, hyphens and underscores (CreateQueue's rule).
bool valid_queue_name(const std::string& name);
// Message text of the characters SQS accepts: #x9 | #xA | #xD | #x20-#xD7FF | #xE000-#xFFFD |
// #x10000-#x10FFFF, in UTF-8.
bool valid_message_text(const std::string& text);

}  // namespace emu::sqs
