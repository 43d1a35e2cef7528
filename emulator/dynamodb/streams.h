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
// Memory holds only a tail of the retained records: those not yet written to the store
// (flushed by the model with the tables) and, within a bound, those an in-process consumer has
// not read yet. Older records are read back from the store (RecordSource) when a consumer or
// GetRecords asks for them, so a lagging consumer or a day of retention costs disk, not memory.
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

// Where records that left memory are read back from (persist.h).
class RecordSource {
 public:
  virtual ~RecordSource() = default;
  // Appends records [first, last] of stream `number` to `out`, in order.
  virtual void load_records(std::int64_t number, std::uint64_t first, std::uint64_t last,
                            std::vector<StreamRecord>& out) = 0;
  // The first sequence in [first, last] whose record was created at or after `cutoff`, or
  // last + 1 when there is none.
  virtual std::uint64_t first_created_since(std::int64_t number, std::uint64_t first,
                                            std::uint64_t last, Micros cutoff) = 0;
};

class Stream {
 public:
  using ConsumerId = int;

  // `number` identifies the stream in the store (see persist.h). A stream with a `source`
  // keeps only a tail in memory; records [retained_first, next_sequence) are retained, those
  // before next_sequence on the store.
  Stream(std::string table_name, std::string arn, std::string label, StreamViewType view_type,
         Micros created, std::uint64_t next_sequence = 1, std::int64_t number = 0,
         RecordSource* source = nullptr, std::uint64_t retained_first = 0);

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

  // Up to `max_records` retained records with sequence > `after_sequence`, oldest first. The
  // pointers stay valid until the next read() of this stream.
  std::vector<const StreamRecord*> read(std::uint64_t after_sequence, std::size_t max_records);
  // Sequence of the newest record ever appended (0 if none): a LATEST iterator starts after it.
  std::uint64_t latest_sequence() const { return next_sequence_ - 1; }
  // Sequence of the oldest record still retained (next_sequence if none): TRIM_HORIZON.
  std::uint64_t first_sequence() const { return retained_first_; }
  std::uint64_t next_sequence() const { return next_sequence_; }
  // Records retained (in memory or in the store).
  std::size_t size() const { return static_cast<std::size_t>(next_sequence_ - retained_first_); }
  std::uint64_t trimmed_records() const { return trimmed_; }

  // ---- the memory tail (for the model) ----
  // Records appended since the last mark_flushed(), oldest first.
  std::vector<const StreamRecord*> unflushed() const;
  std::uint64_t flushed_up_to() const { return flushed_up_to_; }
  void mark_flushed() { flushed_up_to_ = next_sequence_ - 1; }
  // Drops written records from memory: those every in-process consumer has read, and the
  // oldest others while the tail holds more than `bound_bytes`.
  void release(std::size_t bound_bytes);
  std::size_t memory_records() const { return records_.size(); }
  std::size_t memory_bytes() const { return memory_bytes_; }

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
  static std::size_t memory_of(const StreamRecord& record);
  std::uint64_t memory_first() const {
    return records_.empty() ? next_sequence_ : records_.front().sequence;
  }
  void pop_front();

  std::uint64_t next_sequence_;
  RecordSource* source_;
  std::uint64_t retained_first_;
  std::uint64_t flushed_up_to_;
  std::deque<StreamRecord> records_;  // the tail: contiguous sequences up to next_sequence_
  std::size_t memory_bytes_ = 0;
  std::vector<StreamRecord> read_buffer_;  // the last read's records
  std::uint64_t trimmed_ = 0;
  std::vector<std::function<void(const StreamRecord&)>> listeners_;
  std::vector<std::uint64_t> checkpoints_;
  bool drop_consumed_ = false;
};

}  // namespace emu::dynamodb
