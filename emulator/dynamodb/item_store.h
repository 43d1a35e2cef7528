// The store of record for DynamoDB items: rows of the data dir's SQLite database, with the
// indexes that Query, Scan, TTL expiry and global secondary indexes read. Memory holds only a
// bounded cache of rows in front of it (row_cache.h); everything below is on disk.
//
// Layout (one set of SQLite tables for all DynamoDB tables, told apart by the table's number):
//   ddb_items          id (rowid, from the table's own range: next_id()), tbl, hk, rk (the
//                      encoded key: sort_key() of each part),
//                      ttl (expiry second when the table's TTL attribute holds one), the
//                      encoded item, its DynamoDB size, and rec_seq: the sequence of the stream
//                      INSERT record whose new image is this very content (0 if none; see
//                      streams.h) — that record is stored as a pointer to this row.
//                      Unique index (tbl, hk, rk): point lookups and Query/Scan order.
//                      Partial index (tbl, ttl): the TTL sweep reads expired rows in order.
//   ddb_index_entries  one row per item in each global secondary index: (tbl, idx, ih, ir, th,
//                      hk, rk) -> the item's id, without rowid, in index order (the index key,
//                      then the table key's digest, then the table key; see table.h).
// Keys compare as SQLite BLOBs (memcmp, then length), the same order as std::string.
//
// Thread rules: simulation thread only; every write goes into the caller's transaction
// (Storage::ensure_transaction(); the simulation loop commits).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <SQLiteCpp/Statement.h>

#include "emulator/core/storage.h"
#include "emulator/dynamodb/value.h"

namespace emu::dynamodb {

struct KeyEnc;
struct IndexKeyEnc;

// One row as stored.
struct StoredRow {
  std::int64_t id = 0;
  std::string hk, rk;
  ItemPtr item;
  std::uint32_t size = 0;
  std::uint64_t rec_seq = 0;
};

// A bound of a range read over an ordered space (table rows, or one index's entries): the
// leading `values.size()` columns of the space's order compared with `values` (a row-value
// comparison). Integers (the index's table-key digest) are given as 8-byte big-endian text.
struct RangeBound {
  std::vector<std::string> values;
  bool inclusive = true;
};

struct RangeRead {
  std::optional<RangeBound> lower, upper;
  bool forward = true;
};

class ItemStore {
 public:
  explicit ItemStore(Storage& storage);
  ~ItemStore();
  ItemStore(const ItemStore&) = delete;
  ItemStore& operator=(const ItemStore&) = delete;

  Storage& storage() { return storage_; }

  // Removes the rows and index entries of table numbers not in `kept` (tables that were not
  // persisted), in time independent of the rows kept.
  void delete_tables_not_in(const std::vector<std::int64_t>& kept);

  // A fresh id for a new row of table `tbl`. Each table's ids are a range of their own
  // (kIdsPerTable from tbl * kIdsPerTable), so a table's rows sit together in the store's table
  // b-tree: the national day's 61 k aggregates (435 bytes each encoded) fill about 27 MB of
  // pages instead of being spread one by one among 4.5 M raw items' pages (2.7 GB). Rows stored
  // by builds before the ranges (ids below kIdsPerTable) keep their ids.
  std::int64_t next_id(std::int64_t tbl);
  static constexpr std::int64_t kIdsPerTable = std::int64_t{1} << 40;

  // Point lookup by key; nullopt when absent. Throws DataDirError for an undecodable item.
  std::optional<StoredRow> get(std::int64_t tbl, std::string_view hk, std::string_view rk);
  // Reads the item of row `id` (for index entries); nullptr when absent.
  ItemPtr get_by_id(std::int64_t id, std::uint32_t* size = nullptr);

  // Writes a row (`exists`: the row is there already, so it is updated in place).
  void put(std::int64_t tbl, std::int64_t id, const KeyEnc& key, const Item& item,
           std::uint32_t size, std::optional<std::int64_t> ttl, std::uint64_t rec_seq,
           bool exists);
  // The same with the item already encoded (encode_item()).
  void put_encoded(std::int64_t tbl, std::int64_t id, const KeyEnc& key, std::string_view encoded,
                   std::uint32_t size, std::optional<std::int64_t> ttl, std::uint64_t rec_seq,
                   bool exists);
  void remove(std::int64_t id);
  void put_index_entry(std::int64_t tbl, std::int64_t idx, const IndexKeyEnc& key,
                       std::int64_t item_id);
  void remove_index_entry(std::int64_t tbl, std::int64_t idx, const IndexKeyEnc& key);
  // Every row and index entry of table `tbl`.
  void remove_table(std::int64_t tbl);
  // Sets rec_seq = 0 on every row of `tbl` (its stream's pointer records were made explicit).
  void clear_rec_seqs(std::int64_t tbl);
  // Rewrites the ttl column of every row of `tbl` with ttl_of(item) (the TTL setting changed).
  void recompute_ttls(std::int64_t tbl,
                      const std::function<std::optional<std::int64_t>(const Item&)>& ttl_of);

  // Rows with `from` <= ttl <= `up_to` in (expiry, id) order, at most `limit`: each as stored
  // (its item still encoded: the caller decodes only the rows its cache does not hold).
  struct Expired {
    std::int64_t ttl;
    std::int64_t id;
    std::string hk, rk, encoded;
    std::uint32_t size;
    std::uint64_t rec_seq;
  };
  std::vector<Expired> expired(std::int64_t tbl, std::int64_t from, std::int64_t up_to,
                               std::size_t limit);

  // A forward-only reader over a range of table rows or index entries, in the range's order.
  class Cursor {
   public:
    // Advances to the next row; false at the end.
    bool next();
    std::int64_t id() const;
    std::string_view hk() const;
    std::string_view rk() const;
    // The row's item and size (the index entry's item, for index cursors).
    ItemPtr item() const;
    std::uint32_t size() const;
    // Index cursors: the entry's index key parts and table-key digest.
    std::string_view ih() const;
    std::string_view ir() const;
    std::uint64_t th() const;

   private:
    friend class ItemStore;
    explicit Cursor(std::unique_ptr<SQLite::Statement> statement, bool index)
        : statement_(std::move(statement)), index_(index) {}
    std::unique_ptr<SQLite::Statement> statement_;
    bool index_;
  };
  Cursor rows(std::int64_t tbl, const RangeRead& range);
  Cursor index_entries(std::int64_t tbl, std::int64_t idx, const RangeRead& range);

  // The digest of an index entry as stored: order-preserving in a signed integer column.
  static std::string digest_bound(std::uint64_t digest);

 private:
  Storage& storage_;
  std::unique_ptr<SQLite::Statement> get_, get_by_id_, insert_, update_, remove_, put_entry_,
      remove_entry_;
  std::unordered_map<std::int64_t, std::int64_t> next_ids_;  // by table number, once asked
};

// Decodes an item blob; throws DataDirError naming the row when it is damaged.
ItemPtr decode_stored_item(std::string_view blob, std::int64_t id);

}  // namespace emu::dynamodb
