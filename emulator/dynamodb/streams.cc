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
               Micros created, std::uint64_t next_sequence, std::int64_t number,
               RecordSource* source, std::uint64_t retained_first)
    : table_name_(std::move(table_name)),
      arn_(std::move(arn)),
      label_(std::move(label)),
      view_type_(view_type),
      created_(created),
      number_(number),
      next_sequence_(next_sequence),
      source_(source),
      retained_first_(source != nullptr && retained_first != 0 ? retained_first : next_sequence),
      flushed_up_to_(next_sequence - 1) {
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

std::size_t Stream::memory_of(const StreamRecord& record) {
  // The record and its keys; images are shared with the table's cache, counted at their size.
  return sizeof(StreamRecord) + 96 + record.size_bytes;
}

const StreamRecord& Stream::append(StreamRecord record) {
  record.sequence = next_sequence_++;
  memory_bytes_ += memory_of(record);
  records_.push_back(std::move(record));
  const StreamRecord& stored = records_.back();
  for (const auto& listener : listeners_) listener(stored);
  return stored;
}

void Stream::pop_front() {
  memory_bytes_ -= memory_of(records_.front());
  records_.pop_front();
}

std::vector<const StreamRecord*> Stream::read(std::uint64_t after_sequence,
                                              std::size_t max_records) {
  // Copies (the images are shared, not copied): the memory tail may be released while the
  // caller still works on them (an in-process consumer's writes run the model's upkeep).
  read_buffer_.clear();
  std::uint64_t from = std::max(after_sequence + 1, retained_first_);
  const std::uint64_t in_memory = memory_first();
  if (from < in_memory && source_ != nullptr && max_records > 0) {
    const std::uint64_t last = std::min(in_memory - 1, from + max_records - 1);
    source_->load_records(number_, from, last, read_buffer_);
    from = last + 1;
  }
  if (!records_.empty() && from >= in_memory) {
    for (auto index = static_cast<std::size_t>(from - in_memory);
         index < records_.size() && read_buffer_.size() < max_records; ++index) {
      read_buffer_.push_back(records_[index]);
    }
  }
  std::vector<const StreamRecord*> out;
  out.reserve(read_buffer_.size());
  for (const auto& r : read_buffer_) out.push_back(&r);
  return out;
}

std::vector<const StreamRecord*> Stream::unflushed() const {
  std::vector<const StreamRecord*> out;
  const std::uint64_t from = std::max(flushed_up_to_ + 1, memory_first());
  for (auto index = static_cast<std::size_t>(from - memory_first()); index < records_.size();
       ++index) {
    out.push_back(&records_[index]);
  }
  return out;
}

void Stream::release(std::size_t bound_bytes) {
  if (source_ == nullptr) return;  // memory is the only copy
  std::uint64_t read_by_all = flushed_up_to_;
  for (const auto c : checkpoints_) read_by_all = std::min(read_by_all, c);
  while (!records_.empty() && records_.front().sequence <= flushed_up_to_ &&
         (records_.front().sequence <= read_by_all || memory_bytes_ > bound_bytes)) {
    pop_front();
  }
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
  const std::uint64_t first = retained_first_;
  std::uint64_t keep_from = first;
  const std::uint64_t in_memory = memory_first();
  // Records are created in sequence order: the expired ones are a prefix, on the store first.
  if (source_ != nullptr && keep_from < in_memory) {
    keep_from = source_->first_created_since(number_, keep_from, in_memory - 1, cutoff);
  }
  if (keep_from >= in_memory) {
    keep_from = in_memory;
    for (const auto& r : records_) {
      if (r.created >= cutoff) break;
      keep_from = r.sequence + 1;
    }
  }
  if (drop_consumed_ && !checkpoints_.empty()) {
    const std::uint64_t consumed = *std::min_element(checkpoints_.begin(), checkpoints_.end());
    keep_from = std::max(keep_from, std::min(consumed + 1, next_sequence_));
  }
  while (!records_.empty() && records_.front().sequence < keep_from) pop_front();
  retained_first_ = keep_from;
  // Trimmed records are never written: the store keeps nothing before retained_first_.
  flushed_up_to_ = std::max(flushed_up_to_, keep_from - 1);
  trimmed_ += keep_from - first;
  return {first, keep_from - 1};
}

}  // namespace emu::dynamodb
