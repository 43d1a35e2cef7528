// DynamoDB Streams: one stream per table with a StreamSpecification, one shard per stream.
//
// Records are appended by the model on every write that changes an item (never for a no-op
// write), in write order, so per-item order holds. Images are shared with the table
// (ItemPtr), never copied. Sequence numbers are 21-digit decimal strings that increase within
// the shard ("1" followed by a 20-digit counter); sequence() is the counter.
//
// In-process consumers (the integrator's event source mapping) use read()/latest_sequence()
// and subscribe() to be told when records arrive. Records expire after the retention period
// (24 h; trim() is called from the model's periodic tick). Optionally (drop_consumed) records
// every registered consumer has checkpointed past are dropped early.
//
// DEVIATION: one shard per stream, never split, because the emulator's single writer has no
// partitions to spread; ordering per item is the same as AWS's.
// DEVIATION: with drop_consumed enabled, records acknowledged by all in-process consumers
// disappear before 24 h (GetRecords over the wire then sees TrimmedDataAccessException for
// them) because day-long virtual runs would otherwise hold millions of images in memory.
//
// Thread rules: simulation thread only.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <string>
#include <vector>

#include "emulator/core/time.h"
#include "emulator/dynamodb/types.h"
#include "emulator/dynamodb/value.h"

namespace emu::dynamodb {

enum class EventName { kInsert, kModify, kRemove };
std::string_view event_name_text(EventName e);
std::string_view stream_view_type_text(StreamViewType v);

struct StreamRecord {
  std::uint64_t sequence = 0;
  EventName event = EventName::kInsert;
  Micros created = 0;
  ItemPtr keys;             // key attributes of the item
  ItemPtr new_image;        // set when the view type includes it and the item exists after
  ItemPtr old_image;        // set when the view type includes it and the item existed before
  bool ttl_delete = false;  // a TTL expiry: userIdentity Service/dynamodb.amazonaws.com
  std::uint32_t size_bytes = 0;
};

// "1" + 20-digit zero-padded sequence.
std::string sequence_number_text(std::uint64_t sequence);
// Inverse of sequence_number_text; nullopt if `text` is not a sequence number.
std::optional<std::uint64_t> parse_sequence_number(std::string_view text);

class Stream {
 public:
  using ConsumerId = int;

  // `number` identifies the stream in the store (see persist.h).
  Stream(std::string table_name, std::string arn, std::string label, StreamViewType view_type,
         Micros created, std::uint64_t next_sequence = 1, std::int64_t number = 0);

  const std::string& table_name() const { return table_name_; }
  const std::string& arn() const { return arn_; }
  const std::string& label() const { return label_; }
  const std::string& shard_id() const { return shard_id_; }
  StreamViewType view_type() const { return view_type_; }
  std::int64_t number() const { return number_; }
  Micros created() const { return created_; }
  bool enabled() const { return enabled_; }
  Micros disabled_at() const { return disabled_at_; }
  void disable(Micros now);

  // Appends a record (assigns its sequence number) and notifies subscribers.
  const StreamRecord& append(StreamRecord record);
  // Restores a persisted record (no notification).
  void restore(StreamRecord record);

  // Up to `max_records` records with sequence > `after_sequence`, oldest first.
  std::vector<const StreamRecord*> read(std::uint64_t after_sequence,
                                        std::size_t max_records) const;
  // Sequence of the newest record ever appended (0 if none): a LATEST iterator starts after it.
  std::uint64_t latest_sequence() const { return next_sequence_ - 1; }
  // Sequence of the oldest record still held (next_sequence if none): TRIM_HORIZON.
  std::uint64_t first_sequence() const;
  std::uint64_t next_sequence() const { return next_sequence_; }
  std::size_t size() const { return records_.size(); }
  std::uint64_t trimmed_records() const { return trimmed_; }

  // Called after every append with the new record, on the simulation thread. Subscribers
  // should schedule work rather than consume inline.
  void subscribe(std::function<void(const StreamRecord&)> listener);

  // Consumers that checkpoint (for drop_consumed).
  ConsumerId register_consumer();
  void checkpoint(ConsumerId id, std::uint64_t sequence);
  void set_drop_consumed(bool drop) { drop_consumed_ = drop; }

  // Drops records created before `cutoff` and, with drop_consumed, those every consumer has
  // passed. Returns the sequences dropped as [first, last] (first > last when none).
  std::pair<std::uint64_t, std::uint64_t> trim(Micros cutoff);

 private:
  std::string table_name_, arn_, label_, shard_id_;
  StreamViewType view_type_;
  Micros created_;
  std::int64_t number_;
  bool enabled_ = true;
  Micros disabled_at_ = 0;
  std::uint64_t next_sequence_;
  std::deque<StreamRecord> records_;  // contiguous sequences
  std::uint64_t trimmed_ = 0;
  std::vector<std::function<void(const StreamRecord&)>> listeners_;
  std::vector<std::uint64_t> checkpoints_;
  bool drop_consumed_ = false;
};

}  // namespace emu::dynamodb
