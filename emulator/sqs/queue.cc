#include "emulator/sqs/queue.h"

#include <algorithm>

#include "emulator/core/errors.h"
#include "emulator/http/aws_wire.h"

namespace emu::sqs {

Queue::Queue(std::string name, std::string arn, QueueAttributes attributes, Micros created_at)
    : name_(std::move(name)),
      arn_(std::move(arn)),
      attributes_(std::move(attributes)),
      created_at_(created_at),
      modified_at_(created_at) {}

void Queue::set_attributes(const QueueAttributes& attributes, Micros now) {
  attributes_ = attributes;
  modified_at_ = now;
}

const Message* Queue::add(Message message) {
  // Every index entry names a message the queue holds: an id already here is refused, never
  // overwritten (that would leave the old message's entries pointing at the new one).
  if (messages_.count(message.id) > 0) return nullptr;
  if (message.sequence == 0) message.sequence = next_sequence_;
  next_sequence_ = std::max(next_sequence_, message.sequence + 1);
  const std::string id = message.id;
  order_.emplace(OrderKey{message.visible_at, message.sequence}, id);
  by_sent_.emplace(message.sent_at, id);
  if (!message.receipt_handle.empty()) by_handle_[message.receipt_handle] = id;
  return &messages_.emplace(id, std::move(message)).first->second;
}

void Queue::reindex(Message& m, Micros new_visible_at) {
  order_.erase(OrderKey{m.visible_at, m.sequence});
  m.visible_at = new_visible_at;
  order_.emplace(OrderKey{m.visible_at, m.sequence}, m.id);
}

std::vector<ReceivedMessage> Queue::receive(std::int64_t max, std::int64_t visibility_seconds,
                                            Micros now, std::vector<Message>* redriven) {
  // Pick first, then update: updating moves entries inside `order_`.
  const bool redrive = !attributes_.redrive_target_arn.empty() &&
                       attributes_.max_receive_count > 0 && redriven != nullptr;
  std::vector<std::string> picked, moving;
  for (auto it = order_.begin(); it != order_.end() && it->first.first <= now &&
                                 static_cast<std::int64_t>(picked.size()) < max;
       ++it) {
    const Message& m = messages_.at(it->second);
    // The receive that would pass maxReceiveCount moves the message instead (section 4.4).
    (redrive && m.receive_count >= attributes_.max_receive_count ? moving : picked)
        .push_back(it->second);
  }
  for (const auto& id : moving) {
    auto moved = remove_by_handle(messages_.at(id).receipt_handle);
    if (moved) redriven->push_back(std::move(*moved));
  }
  std::vector<ReceivedMessage> out;
  for (const auto& id : picked) {
    Message& m = messages_.at(id);
    if (!m.receipt_handle.empty()) by_handle_.erase(m.receipt_handle);
    ++m.receive_count;
    if (m.first_received_at == 0) m.first_received_at = now;
    m.receipt_handle = http::base64_encode(name_ + ":" + m.id + ":" +
                                           std::to_string(m.receive_count) + ":" +
                                           std::to_string(now));
    by_handle_[m.receipt_handle] = m.id;
    reindex(m, now + seconds(static_cast<double>(visibility_seconds)));
    out.push_back(ReceivedMessage{&m, m.receipt_handle});
  }
  return out;
}

std::optional<Message> Queue::remove_by_handle(const std::string& handle) {
  const auto h = by_handle_.find(handle);
  if (h == by_handle_.end()) return std::nullopt;
  const auto it = messages_.find(h->second);
  by_handle_.erase(h);
  if (it == messages_.end()) return std::nullopt;
  Message m = std::move(it->second);
  messages_.erase(it);
  order_.erase(OrderKey{m.visible_at, m.sequence});
  by_sent_.erase({m.sent_at, m.id});
  return m;
}

Result<const Message*> Queue::change_visibility(const std::string& handle,
                                                std::int64_t timeout_seconds, Micros now) {
  const auto h = by_handle_.find(handle);
  if (h == by_handle_.end()) {
    return errors::sqs::kReceiptHandleIsInvalid("The input receipt handle \"" + handle +
                                                "\" is not a valid receipt handle.");
  }
  Message& m = messages_.at(h->second);
  if (m.visible_at <= now) {
    return errors::sqs::kMessageNotInflight("The message referred to is not in flight.");
  }
  reindex(m, now + seconds(static_cast<double>(timeout_seconds)));
  return &m;
}

std::int64_t Queue::expire(Micros now) {
  const Micros cutoff = now - seconds(static_cast<double>(attributes_.message_retention_period));
  std::int64_t n = 0;
  while (!by_sent_.empty() && by_sent_.begin()->first <= cutoff) {
    const std::string id = by_sent_.begin()->second;
    by_sent_.erase(by_sent_.begin());
    const auto it = messages_.find(id);
    if (it == messages_.end()) continue;
    order_.erase(OrderKey{it->second.visible_at, it->second.sequence});
    if (!it->second.receipt_handle.empty()) by_handle_.erase(it->second.receipt_handle);
    messages_.erase(it);
    ++n;
  }
  return n;
}

std::int64_t Queue::purge() {
  const auto n = size();
  messages_.clear();
  order_.clear();
  by_handle_.clear();
  by_sent_.clear();
  return n;
}

std::int64_t Queue::visible(Micros now) const {
  std::int64_t n = 0;
  for (auto it = order_.begin(); it != order_.end() && it->first.first <= now; ++it) ++n;
  return n;
}

std::int64_t Queue::in_flight(Micros now) const {
  std::int64_t n = 0;
  for (auto it = order_.upper_bound(OrderKey{now, UINT64_MAX}); it != order_.end(); ++it) {
    if (messages_.at(it->second).receive_count > 0) ++n;
  }
  return n;
}

std::int64_t Queue::delayed(Micros now) const {
  return size() - visible(now) - in_flight(now);
}

std::optional<Micros> Queue::next_visible_at() const {
  if (order_.empty()) return std::nullopt;
  return order_.begin()->first.first;
}

}  // namespace emu::sqs
