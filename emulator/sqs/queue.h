// One SQS standard queue (aws-fidelity section 4): per-message delay, visibility timeout,
// receive count, retention, redrive to a dead-letter queue, and the in-flight limit.
//
// Delivery order: messages become receivable in order of (visible_at, send sequence), which makes
// every run reproducible. DEVIATION: a real standard queue samples servers and may reorder or
// (rarely) duplicate; ours is "best-effort FIFO" and never duplicates on its own.
//
// Thread rules: simulation thread only. Memory is bounded by `max_messages` (SendMessage past it
// answers OverLimit; DEVIATION: AWS has no documented cap on stored messages in a standard queue,
// but an emulator must not grow without bound).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "emulator/core/result.h"
#include "emulator/core/time.h"

namespace emu::sqs {

struct MessageAttributeValue {
  std::string data_type;     // "String", "Number", "Binary", or with a ".custom" suffix
  std::string string_value;  // String/Number
  std::string binary_value;  // Binary (raw bytes)
};
using MessageAttributes = std::map<std::string, MessageAttributeValue>;

struct QueueAttributes {
  std::int64_t visibility_timeout = 30;
  std::int64_t message_retention_period = 345600;
  std::int64_t delay_seconds = 0;
  std::int64_t receive_message_wait_time_seconds = 0;
  std::int64_t maximum_message_size = 1048576;
  std::string redrive_target_arn;  // "" = no redrive
  std::int64_t max_receive_count = 0;
};

struct Message {
  std::string id;
  std::string body;
  MessageAttributes attributes;
  Micros sent_at = 0;
  Micros visible_at = 0;
  Micros first_received_at = 0;
  std::int64_t receive_count = 0;
  std::uint64_t sequence = 0;
  std::string receipt_handle;  // the latest one; "" before the first receive
};

struct ReceivedMessage {
  const Message* message;
  std::string receipt_handle;
};

class Queue {
 public:
  Queue(std::string name, std::string arn, QueueAttributes attributes, Micros created_at);

  const std::string& name() const { return name_; }
  const std::string& arn() const { return arn_; }
  const QueueAttributes& attributes() const { return attributes_; }
  void set_attributes(const QueueAttributes& attributes, Micros now);
  Micros created_at() const { return created_at_; }
  Micros modified_at() const { return modified_at_; }

  // Adds a message (validated by the caller). Returns it, or nullptr when the queue already
  // holds a message with its id.
  const Message* add(Message message);
  bool contains(const std::string& id) const { return messages_.count(id) > 0; }
  // Up to `max` receivable messages at `now`, each made invisible for `visibility_seconds` and
  // given a new receipt handle. Messages whose receive would pass the redrive limit are removed
  // and returned in `redriven` instead (the service moves them).
  std::vector<ReceivedMessage> receive(std::int64_t max, std::int64_t visibility_seconds,
                                       Micros now, std::vector<Message>* redriven);
  // Deletes the message whose latest handle is `handle`. Returns false when no message has it
  // (an old handle of a live message also "succeeds" on AWS: handled by the caller).
  std::optional<Message> remove_by_handle(const std::string& handle);
  // The message whose latest handle is `handle`, now invisible until now + timeout.
  Result<const Message*> change_visibility(const std::string& handle, std::int64_t timeout_seconds,
                                           Micros now);
  // Drops messages past the retention period. Returns how many.
  std::int64_t expire(Micros now);
  std::int64_t purge();

  // Approximate counts as GetQueueAttributes reports them.
  std::int64_t visible(Micros now) const;
  std::int64_t in_flight(Micros now) const;
  std::int64_t delayed(Micros now) const;
  std::int64_t size() const { return static_cast<std::int64_t>(messages_.size()); }
  // When the next message becomes receivable (for long polling and pollers); nullopt if empty.
  std::optional<Micros> next_visible_at() const;
  std::uint64_t next_sequence() const { return next_sequence_; }
  void restore_sequence(std::uint64_t next) { next_sequence_ = std::max(next_sequence_, next); }

  template <class F>
  void for_each(F&& f) const {
    for (const auto& [id, m] : messages_) f(m);
  }

 private:
  using OrderKey = std::pair<Micros, std::uint64_t>;  // (visible_at, sequence)
  void reindex(Message& m, Micros new_visible_at);

  std::string name_;
  std::string arn_;
  QueueAttributes attributes_;
  Micros created_at_;
  Micros modified_at_;
  std::uint64_t next_sequence_ = 1;
  std::unordered_map<std::string, Message> messages_;
  std::map<OrderKey, std::string> order_;                     // -> message id
  std::unordered_map<std::string, std::string> by_handle_;    // latest handle -> id
  std::set<std::pair<Micros, std::string>> by_sent_;          // retention order
};

}  // namespace emu::sqs
