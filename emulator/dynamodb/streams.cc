#include "emulator/dynamodb/streams.h"

#include <algorithm>
#include <cstdio>

#include "emulator/core/random.h"

namespace emu::dynamodb {

std::string_view event_name_text(EventName e) {
  switch (e) {
    case EventName::kInsert:
      return "INSERT";
    case EventName::kModify:
      return "MODIFY";
    default:
      return "REMOVE";
  }
}

std::string_view stream_view_type_text(StreamViewType v) {
  switch (v) {
    case StreamViewType::kKeysOnly:
      return "KEYS_ONLY";
    case StreamViewType::kNewImage:
      return "NEW_IMAGE";
    case StreamViewType::kOldImage:
      return "OLD_IMAGE";
    default:
      return "NEW_AND_OLD_IMAGES";
  }
}

std::string sequence_number_text(std::uint64_t sequence) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "1%020llu", static_cast<unsigned long long>(sequence));
  return buf;
}

std::optional<std::uint64_t> parse_sequence_number(std::string_view text) {
  if (text.size() != 21 || text[0] != '1') return std::nullopt;
  std::uint64_t v = 0;
  for (std::size_t i = 1; i < text.size(); ++i) {
    if (text[i] < '0' || text[i] > '9') return std::nullopt;
    if (v > (UINT64_MAX - 9) / 10) return std::nullopt;
    v = v * 10 + static_cast<std::uint64_t>(text[i] - '0');
  }
  return v;
}

Stream::Stream(std::string table_name, std::string arn, std::string label, StreamViewType view_type,
               Micros created, std::uint64_t next_sequence, std::int64_t number)
    : table_name_(std::move(table_name)),
      arn_(std::move(arn)),
      label_(std::move(label)),
      view_type_(view_type),
      created_(created),
      number_(number),
      next_sequence_(next_sequence) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "shardId-%020lld-%08llx",
                static_cast<long long>(created_ / kMicrosPerMilli),
                static_cast<unsigned long long>(fnv1a64(arn_) & 0xffffffffULL));
  shard_id_ = buf;
}

void Stream::disable(Micros now) {
  if (!enabled_) return;
  enabled_ = false;
  disabled_at_ = now;
}

const StreamRecord& Stream::append(StreamRecord record) {
  record.sequence = next_sequence_++;
  records_.push_back(std::move(record));
  const StreamRecord& stored = records_.back();
  for (const auto& listener : listeners_) listener(stored);
  return stored;
}

void Stream::restore(StreamRecord record) {
  if (!records_.empty() && record.sequence != records_.back().sequence + 1) {
    records_.clear();  // a gap means older records were trimmed; keep the contiguous tail
  }
  next_sequence_ = std::max(next_sequence_, record.sequence + 1);
  records_.push_back(std::move(record));
}

std::vector<const StreamRecord*> Stream::read(std::uint64_t after_sequence,
                                              std::size_t max_records) const {
  std::vector<const StreamRecord*> out;
  if (records_.empty()) return out;
  const std::uint64_t first = records_.front().sequence;
  std::size_t index =
      after_sequence < first ? 0 : static_cast<std::size_t>(after_sequence - first + 1);
  for (; index < records_.size() && out.size() < max_records; ++index) {
    out.push_back(&records_[index]);
  }
  return out;
}

std::uint64_t Stream::first_sequence() const {
  return records_.empty() ? next_sequence_ : records_.front().sequence;
}

void Stream::subscribe(std::function<void(const StreamRecord&)> listener) {
  listeners_.push_back(std::move(listener));
}

Stream::ConsumerId Stream::register_consumer() {
  checkpoints_.push_back(latest_sequence());
  return static_cast<ConsumerId>(checkpoints_.size() - 1);
}

void Stream::checkpoint(ConsumerId id, std::uint64_t sequence) {
  if (id < 0 || static_cast<std::size_t>(id) >= checkpoints_.size()) return;
  checkpoints_[id] = std::max(checkpoints_[id], sequence);
}

std::pair<std::uint64_t, std::uint64_t> Stream::trim(Micros cutoff) {
  std::uint64_t consumed_up_to = 0;
  if (drop_consumed_ && !checkpoints_.empty()) {
    consumed_up_to = *std::min_element(checkpoints_.begin(), checkpoints_.end());
  }
  const std::uint64_t first = first_sequence();
  std::uint64_t last = first - 1;
  while (!records_.empty() &&
         (records_.front().created < cutoff || records_.front().sequence <= consumed_up_to)) {
    last = records_.front().sequence;
    records_.pop_front();
    ++trimmed_;
  }
  return {first, last};
}

}  // namespace emu::dynamodb
