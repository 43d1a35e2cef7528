// One table's schema and contents: items ordered by primary key, each global secondary index
// maintained incrementally, a TTL index (expiry second -> key) and the table's stream.
//
// Keys are encoded with sort_key() so that std::map order equals DynamoDB's range-key order
// within a partition. ASSUMPTION: Scan returns partitions in the order of their encoded hash
// key (AWS uses the order of the key's internal hash); callers must not rely on either.
#pragma once

#include <compare>
#include <functional>
#include <map>
#include <unordered_map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "emulator/dynamodb/streams.h"
#include "emulator/dynamodb/types.h"
#include "emulator/dynamodb/value.h"

namespace emu::dynamodb {

struct KeyAttribute {
  std::string name;
  Type type = Type::kS;
};

struct IndexSchema {
  GlobalSecondaryIndex definition;
  KeyAttribute hash;
  std::optional<KeyAttribute> range;
};

struct TableSchema {
  std::string name;
  std::string arn;
  std::string id;
  Micros created = 0;
  std::vector<AttributeDefinition> attribute_definitions;
  std::vector<KeySchemaElement> key_schema;
  KeyAttribute hash;
  std::optional<KeyAttribute> range;
  std::vector<IndexSchema> indexes;
  BillingMode billing_mode = BillingMode::kPayPerRequest;
  ProvisionedThroughput provisioned_throughput;
  std::optional<StreamSpecification> stream_specification;
  bool ttl_enabled = false;
  std::string ttl_attribute;
  std::optional<Micros> ttl_changed;
  bool persist = true;
};

struct KeyEnc {
  std::string hash;
  std::string range;
  // hash_bytes of both parts, computed on first use and kept (0: not yet). Keys are not
  // changed once used; the digest serves the row lookup and the order of index entries.
  mutable std::uint64_t cached_digest = 0;

  std::uint64_t digest() const;
  friend bool operator==(const KeyEnc& a, const KeyEnc& b) {
    if (a.cached_digest != 0 && b.cached_digest != 0 && a.cached_digest != b.cached_digest) {
      return false;
    }
    return a.hash == b.hash && a.range == b.range;
  }
  friend std::strong_ordering operator<=>(const KeyEnc& a, const KeyEnc& b) {
    if (const auto c = a.hash <=> b.hash; c != 0) return c;
    return a.range <=> b.range;
  }
};

struct KeyEncHash {
  std::size_t operator()(const KeyEnc& k) const noexcept { return k.digest(); }
};

// An index entry's place: the index key, then a hash of the table key, then the table key.
// ASSUMPTION: items with equal index keys come back from Query and Scan in an order fixed by
// a hash of their table key (AWS leaves that order unspecified). Ordering by the hash first
// keeps inserts into a large index from comparing long table keys at every level (the seed's
// sort keys share prefixes of 40+ bytes); the table key only breaks hash ties.
struct IndexKeyEnc {
  std::string hash;
  std::string range;
  std::uint64_t table_hash = 0;
  KeyEnc table;
  auto operator<=>(const IndexKeyEnc&) const = default;
};

struct Row {
  ItemPtr item;
  std::uint32_t size = 0;
  std::int64_t rowid = 0;  // the item's row in SQLite (0 when the table is not persisted)
  // Sequence of the stream INSERT record whose image is this row's content and which is stored
  // only implicitly, as this row (see persist.h); 0 if none.
  std::uint64_t insert_seq = 0;
};

struct Index {
  IndexSchema schema;
  std::map<IndexKeyEnc, Row> entries;
  std::int64_t size_bytes = 0;
};

class Table {
 public:
  explicit Table(TableSchema schema);

  TableSchema& schema() { return schema_; }
  const TableSchema& schema() const { return schema_; }

  // Encodes the primary key of `item` (which must hold the key attributes with the right types).
  KeyEnc key_of(const Item& item) const;
  // The key attributes of `item` only.
  Item key_item(const Item& item) const;
  // The index key of `item` in `index`, or nullopt if the item is not in that index (missing
  // key attribute or wrong type: such items are simply not indexed, as in AWS).
  std::optional<IndexKeyEnc> index_key(const IndexSchema& index, const Item& item,
                                       const KeyEnc& table_key) const;
  // True if `item` is in `index` (its key attributes are there with the index's types).
  static bool in_index(const IndexSchema& index, const Item& item);
  // True if both items are in `index` under the same index key (compares the attribute values;
  // no key encoding).
  static bool same_index_key(const IndexSchema& index, const Item& a, const Item& b);

  const Row* find(const KeyEnc& key) const;
  // Stores `item` (or deletes when null) under `key`; maintains indexes, sizes and the TTL
  // index. `size` is item_size(*item); `rowid` the item's SQLite row.
  void write(const KeyEnc& key, ItemPtr item, std::uint32_t size, std::int64_t rowid = 0,
             std::uint64_t insert_seq = 0);
  // The item stored under `key`, writable, if the table holds the only references to it (its
  // row and index entries: no stream record or copy held elsewhere shares it) and the row
  // carries no implicit INSERT record; else nullptr. Such an item may be changed in place,
  // provided its index keys and TTL stay as they are, followed by resized_in_place().
  Item* exclusive_item(const KeyEnc& key);
  // True if attribute `name` decides where an item sits beyond its row: an index key or the
  // TTL attribute (changing it moves the item, so it cannot be changed in place).
  bool places_item_by(std::string_view name) const;
  // Records the new item_size of the item at `key` after it was changed in place.
  void resized_in_place(const KeyEnc& key, std::uint32_t size);
  // Forgets every implicit INSERT record (after they were written out explicitly).
  void clear_insert_seqs();
  // Sets each row's SQLite rowid to row_of(key, row) (after the rows were written anew).
  void assign_rowids(const std::function<std::int64_t(const KeyEnc&, const Row&)>& row_of);

  const std::map<KeyEnc, Row>& rows() const { return rows_; }
  const std::vector<Index>& indexes() const { return indexes_; }
  const Index* index(std::string_view name) const;
  std::int64_t size_bytes() const { return size_bytes_; }

  // TTL: expiry epoch-seconds of `item`, if it has a Number TTL attribute and TTL is on.
  std::optional<std::int64_t> ttl_of(const Item& item) const;
  void rebuild_ttl_index();
  const std::set<std::pair<std::int64_t, KeyEnc>>& ttl_index() const { return ttl_index_; }
  void drop_ttl_entry(const std::pair<std::int64_t, KeyEnc>& entry) { ttl_index_.erase(entry); }

  Stream* stream() { return stream_.get(); }
  const Stream* stream() const { return stream_.get(); }
  void set_stream(std::shared_ptr<Stream> stream) { stream_ = std::move(stream); }
  std::shared_ptr<Stream> stream_ptr() const { return stream_; }

 private:

  using IndexEntry = std::map<IndexKeyEnc, Row>::iterator;
  // A row and where it sits in each index (entries.end() when it is not in that index), so an
  // update that keeps an item's index keys rewrites its index entries without searching the
  // index (whose keys compare long strings). Map iterators stay valid.
  struct RowPlace {
    std::map<KeyEnc, Row>::iterator row;
    std::vector<IndexEntry> entries;
  };
  void index_remove(const KeyEnc& key, const Item& item, RowPlace& place);
  void index_replace(const KeyEnc& key, const Item& old_item, const ItemPtr& item,
                     std::uint32_t size, RowPlace& place);
  void index_add(const KeyEnc& key, const ItemPtr& item, std::uint32_t size, RowPlace& place);
  void ttl_replace(const KeyEnc& key, const Item* old_item, const Item* item);

  TableSchema schema_;
  std::map<KeyEnc, Row> rows_;
  // Point lookups by the whole key (GetItem, PutItem, UpdateItem) skip the ordered map's long
  // string comparisons; rows_ keeps the order Query and Scan need.
  std::unordered_map<KeyEnc, RowPlace, KeyEncHash> lookup_;
  // The key find() looked up last and what it found: the write that follows a find (every
  // PutItem, UpdateItem and DeleteItem) then skips hashing the key again. Comparing two keys
  // is cheaper than hashing one. Cleared when a row goes away.
  mutable const KeyEnc* found_key_ = nullptr;
  mutable RowPlace* found_place_ = nullptr;
  RowPlace* place_of(const KeyEnc& key);
  std::vector<Index> indexes_;
  std::int64_t size_bytes_ = 0;
  std::set<std::pair<std::int64_t, KeyEnc>> ttl_index_;
  std::shared_ptr<Stream> stream_;
};

}  // namespace emu::dynamodb
