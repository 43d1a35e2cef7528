// One table: its schema, and its items kept in the data dir's SQLite database (item_store.h)
// behind a bounded cache of rows (row_cache.h). The database is the store of record; memory
// holds the rows that are hot or not yet written (dirty), never a copy of everything.
//
// Writes change the cached row and are written to SQLite by flush(): at every group commit of
// `emulator serve` (before the answer is released) or, in virtual-time runs, when the cache's
// dirty bound is reached (write-behind in large transactions). Reads see the cache first; a
// miss loads the row from SQLite. Range reads (Query, Scan, TTL expiry, the ETL) flush first
// and read SQLite in key order, taking a row from the cache when it is there (the same
// content). So every answer is the same whether a row is cached or not, and whatever the
// cache size.
//
// Keys are encoded with sort_key() so that byte order equals DynamoDB's range-key order
// within a partition. ASSUMPTION: Scan returns partitions in the order of their encoded hash
// key (AWS uses the order of the key's internal hash); callers must not rely on either.
//
// Row pointers returned by find() stay valid until the next find(), write() or the cache's
// trim (RowCache::trim, run only between operations).
#pragma once

#include <compare>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include <nlohmann/json.hpp>

#include "emulator/dynamodb/item_store.h"
#include "emulator/dynamodb/key_filter.h"
#include "emulator/dynamodb/streams.h"
#include "emulator/dynamodb/types.h"
#include "emulator/dynamodb/value.h"

namespace emu::dynamodb {

struct KeyAttribute {
  std::string name;
  Type type = Type::kS;
};

// A global or local secondary index. Both keep their entries the same way (item_store.h's
// ddb_index_entries, by their place in TableSchema::indexes); a local one has the table's hash
// key, shares the table's capacity and may fetch attributes it does not project from the table.
struct IndexSchema {
  GlobalSecondaryIndex definition;
  KeyAttribute hash;
  std::optional<KeyAttribute> range;
  bool local = false;
};

struct TableSchema {
  std::string name;
  std::string arn;
  std::string id;
  // The table's number in the store (item_store.h): a recreated table gets a new one.
  std::int64_t number = 0;
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
  // false: the schema is not saved, so the table (and its rows) is gone after a restart.
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
  std::int64_t rowid = 0;  // the row's id in the store
  // Sequence of the table's stream INSERT record whose new image is this very content (stored
  // as a pointer to this row, see streams.h); 0 if none.
  std::uint64_t insert_seq = 0;
};

struct IndexStats {
  std::int64_t items = 0;
  std::int64_t bytes = 0;
};

struct Index {
  IndexSchema schema;
  IndexStats stats;
};

class RowCache;
class Table;

// A row's item held encoded, as the store keeps it (Table::pack): a fifth of the memory of the
// decoded item for the aggregates' rows.
struct PackedItem {
  std::string blob;                 // encode_item()
  std::optional<std::int64_t> ttl;  // ttl_of() the item, for the flush
};

// A row held in memory (row_cache.h): clean (the same as the store's) or dirty (changed since
// the last flush; a null item and no packed one is a deletion not yet written).
struct CacheEntry {
  Table* table = nullptr;
  const KeyEnc* key = nullptr;  // the table's map key
  Row row;
  // While packed, the item is here and row.item is null; any lookup unpacks it first.
  std::unique_ptr<PackedItem> packed;
  std::uint32_t charge = 0;     // estimated bytes of memory (row_cache.h)
  bool dirty = false;
  bool stored = false;          // the store has a row with this id (update, not insert)
  bool referenced = false;      // CLOCK: used since the hand last passed
  std::uint64_t stored_insert_seq = 0;  // the stored row's rec_seq
  CacheEntry* prev = nullptr;   // the cache's ring
  CacheEntry* next = nullptr;
};

class Table {
 public:
  // `store` holds the rows; `cache` bounds the rows kept in memory (shared by every table).
  Table(TableSchema schema, ItemStore& store, RowCache& cache);
  ~Table();
  Table(const Table&) = delete;
  Table& operator=(const Table&) = delete;

  TableSchema& schema() { return schema_; }
  const TableSchema& schema() const { return schema_; }
  std::int64_t number() const { return schema_.number; }

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

  // The row stored under `key` (from the cache, or loaded from the store into it), or nullptr.
  const Row* find(const KeyEnc& key);
  // The row under `key` if the cache holds it decoded, else nullptr: no read from the store, no
  // change to the cache.
  const Row* peek(const KeyEnc& key) const;
  // Stores `item` (or deletes when null) under `key`: the cached row changes now, the store at
  // the next flush(). `size` is item_size(*item); `insert_seq` as in Row.
  void write(const KeyEnc& key, ItemPtr item, std::uint32_t size, std::uint64_t insert_seq = 0);
  // The item stored under `key`, writable, if the cache holds the only reference to it (no
  // stream record or copy held elsewhere shares it) and the row carries no INSERT record
  // pointer; else nullptr. Such an item may be changed in place, provided its index keys and
  // TTL stay as they are, followed by changed_in_place().
  Item* exclusive_item(const KeyEnc& key);
  // True if attribute `name` decides where an item sits beyond its row: an index key or the
  // TTL attribute (changing it moves the item, so it cannot be changed in place).
  bool places_item_by(std::string_view name) const;
  // Records that the item at `key` was changed in place and now has item_size `size`.
  void changed_in_place(const KeyEnc& key, std::uint32_t size);

  std::int64_t item_count() const { return item_count_; }
  std::int64_t size_bytes() const { return size_bytes_; }
  const std::vector<Index>& indexes() const { return indexes_; }
  const Index* index(std::string_view name) const;
  std::size_t index_number(const IndexSchema& index) const;

  // Range reads, in the range's order (flush first: they read the store).
  class Reader {
   public:
    // The next row (for index readers, the entry's item), or nullptr at the end. Valid until
    // the next call.
    const Row* next();
    // Moves to the next row without reading its item (then only key() is valid).
    bool next_key();
    // The current row's table key; for index readers, the entry's place.
    KeyEnc key() const;
    IndexKeyEnc index_key() const;

   private:
    friend class Table;
    Reader(Table& table, ItemStore::Cursor cursor, RangeRead range)
        : table_(table), range_(std::move(range)), cursor_(std::move(cursor)) {}
    Table& table_;
    RangeRead range_;  // the cursor's bound values point into it
    ItemStore::Cursor cursor_;
    Row current_;
  };
  Reader read_rows(RangeRead range);
  Reader read_index(std::size_t index, RangeRead range);
  // Visits every row in key order.
  void for_each_row(const std::function<void(const Row&)>& visit);

  // TTL: expiry epoch-seconds of `item`, if it has a Number TTL attribute and TTL is on.
  std::optional<std::int64_t> ttl_of(const Item& item) const;
  // After the TTL setting changed: recomputes every row's expiry in the store.
  void rebuild_ttl_index();
  // Stored rows whose expiry is in [from, up_to], oldest first, at most `limit`, as stored.
  std::vector<ItemStore::Expired> expired(std::int64_t from, std::int64_t up_to, std::size_t limit);
  // As find(key) for a row of expired(): taken into the cache from `stored` when the cache does
  // not hold it, without a second lookup by key (the store must hold what the cache does: the
  // table was flushed since).
  const Row* find_expired(const KeyEnc& key, const ItemStore::Expired& stored);

  Stream* stream() { return stream_.get(); }
  const Stream* stream() const { return stream_.get(); }
  void set_stream(std::shared_ptr<Stream> stream) { stream_ = std::move(stream); }
  std::shared_ptr<Stream> stream_ptr() const { return stream_; }
  // Every row stops carrying an INSERT record pointer (the stream's pointer records were made
  // explicit, see Database::retire_stream).
  void clear_insert_seqs();

  // Writes every dirty row and index change to the store (inside the caller's transaction).
  // `materialize(seq, rowid)` is called before a stored row that an INSERT record points at
  // (streams.h) is rewritten or deleted, so that the record keeps the content it points at.
  void flush(const std::function<void(std::uint64_t, std::int64_t)>& materialize);
  bool dirty() const { return !dirty_.empty() || !index_changes_.empty(); }
  // Estimated memory of the rows not yet written (row_cache.h's charges).
  std::size_t dirty_charge() const { return dirty_charge_; }
  // Holds every dirty row that nothing else shares encoded instead of decoded, until it is
  // next used (write-behind: rows that will change again wait in a fifth of the memory, so
  // fewer are written to the store twice). Between operations.
  void pack_dirty_rows();
  // Counts as saved with the schema (load restores them).
  nlohmann::json stats_json() const;
  void restore_stats(const nlohmann::json& stats);

  // The cache's view (row_cache.h).
  void evict(CacheEntry& entry);

  // Keeps the key filter (key_filter.h) going: starts one whose first link takes at most
  // `max_bytes`, reads `step` more stored keys into one being built, drops one grown past
  // `max_bytes` or worn by deletions (to start again). Between operations.
  void upkeep_filter(std::size_t max_bytes, std::size_t step);
  bool filter_ready() const { return filter_ && filter_scan_done_; }

 private:
  friend class RowCache;
  struct PendingIndexChange {
    std::size_t index;
    std::optional<IndexKeyEnc> old_key, new_key;
    std::int64_t rowid;
  };
  CacheEntry* load(const KeyEnc& key);
  // Caches `stored` (read from the store) under `key`.
  CacheEntry* adopt(const KeyEnc& key, StoredRow stored);
  // A lookup the cache answered: marks the entry used and counts the hit; its row, or nullptr for
  // a deleted one.
  const Row* hit(CacheEntry& entry);
  // The cached entry for `key`, or nullptr (no store lookup).
  CacheEntry* cached(const KeyEnc& key);
  void note_index_changes(const KeyEnc& key, const Item* old_item, const Item* new_item,
                          std::uint32_t old_size, std::uint32_t new_size, std::int64_t rowid);
  void mark_dirty(CacheEntry& entry);
  void pack(CacheEntry& entry);
  void unpack(CacheEntry& entry);

  void drop_filter();

  TableSchema schema_;
  ItemStore& store_;
  RowCache& cache_;
  // The key filter: answers "absent" only once its scan of the stored keys is done (keys
  // written meanwhile are added as they are written).
  std::unique_ptr<KeyFilter> filter_;
  bool filter_scan_done_ = false;
  std::optional<KeyEnc> filter_scan_after_;
  std::size_t filter_charge_ = 0;
  std::int64_t removed_since_filter_ = 0;
  std::unordered_map<KeyEnc, CacheEntry, KeyEncHash> entries_;
  // The key find() last learnt the store does not hold (and no entry has), until the next write.
  std::optional<KeyEnc> absent_;
  CacheEntry* last_ = nullptr;  // the entry cached() returned last (reset when it goes away)
  std::vector<CacheEntry*> dirty_;
  std::size_t dirty_charge_ = 0;  // kept by RowCache
  std::vector<PendingIndexChange> index_changes_;
  std::vector<Index> indexes_;
  std::int64_t item_count_ = 0;
  std::int64_t size_bytes_ = 0;
  std::shared_ptr<Stream> stream_;
};

}  // namespace emu::dynamodb
