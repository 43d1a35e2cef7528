#include "emulator/dynamodb/item_store.h"

#include <algorithm>
#include <limits>

#include "emulator/core/assert.h"
#include "emulator/core/durable_state.h"
#include "emulator/dynamodb/table.h"

namespace emu::dynamodb {

namespace {

std::string_view blob_of(const SQLite::Column& column) {
  return {static_cast<const char*>(column.getBlob()), static_cast<std::size_t>(column.getBytes())};
}

void bind_blob(SQLite::Statement& st, int index, std::string_view value) {
  st.bindNoCopy(index, value.data(), static_cast<int>(value.size()));
}

// "(a, b) >= (?, ?)" over the first values.size() of `columns`.
std::string bound_sql(const std::vector<const char*>& columns, const RangeBound& bound,
                      const char* strict, const char* loose) {
  std::string left = "(", right = "(";
  for (std::size_t i = 0; i < bound.values.size(); ++i) {
    if (i > 0) {
      left += ", ";
      right += ", ";
    }
    left += columns[i];
    right += "?";
  }
  return " AND " + left + ") " + (bound.inclusive ? loose : strict) + " " + right + ")";
}

std::string range_sql(const std::string& select, const std::vector<const char*>& columns,
                      const RangeRead& range) {
  std::string sql = select;
  if (range.lower) sql += bound_sql(columns, *range.lower, ">", ">=");
  if (range.upper) sql += bound_sql(columns, *range.upper, "<", "<=");
  sql += " ORDER BY ";
  for (std::size_t i = 0; i < columns.size(); ++i) {
    if (i > 0) sql += ", ";
    sql += columns[i];
    sql += range.forward ? " ASC" : " DESC";
  }
  return sql;
}

// Binds the bounds' values after the leading `first` parameters. The values must outlive the
// statement's execution (they live in the RangeRead the caller keeps).
void bind_bounds(SQLite::Statement& st, int first, const RangeRead& range) {
  int next = first;
  for (const auto* bound : {&range.lower, &range.upper}) {
    if (!*bound) continue;
    for (const auto& value : (*bound)->values) bind_blob(st, next++, value);
  }
}

}  // namespace

ItemPtr decode_stored_item(std::string_view blob, std::int64_t id) {
  auto item = std::make_shared<Item>();
  if (!decode_item(blob, *item)) {
    throw DataDirError("ddb_items row " + std::to_string(id) + " holds an item that cannot be decoded");
  }
  return item;
}

ItemStore::ItemStore(Storage& storage) : storage_(storage) {
  auto& db = storage_.db();
  db.exec(
      "CREATE TABLE IF NOT EXISTS ddb_items (id INTEGER PRIMARY KEY, tbl INTEGER NOT NULL, "
      "  hk BLOB NOT NULL, rk BLOB NOT NULL, ttl INTEGER, item BLOB NOT NULL, "
      "  size INTEGER NOT NULL, rec_seq INTEGER NOT NULL);"
      "CREATE UNIQUE INDEX IF NOT EXISTS ddb_items_key ON ddb_items (tbl, hk, rk);"
      "CREATE INDEX IF NOT EXISTS ddb_items_ttl ON ddb_items (tbl, ttl) WHERE ttl IS NOT NULL;"
      "CREATE TABLE IF NOT EXISTS ddb_index_entries (tbl INTEGER NOT NULL, idx INTEGER NOT NULL, "
      "  ih BLOB NOT NULL, ir BLOB NOT NULL, th BLOB NOT NULL, hk BLOB NOT NULL, "
      "  rk BLOB NOT NULL, item INTEGER NOT NULL, "
      "  PRIMARY KEY (tbl, idx, ih, ir, th, hk, rk)) WITHOUT ROWID;");
  get_ = std::make_unique<SQLite::Statement>(
      db, "SELECT id, item, size, rec_seq FROM ddb_items WHERE tbl = ? AND hk = ? AND rk = ?");
  get_by_id_ = std::make_unique<SQLite::Statement>(db, "SELECT item, size FROM ddb_items WHERE id = ?");
  insert_ = std::make_unique<SQLite::Statement>(
      db, "INSERT INTO ddb_items (id, tbl, hk, rk, ttl, item, size, rec_seq) "
          "VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
  update_ = std::make_unique<SQLite::Statement>(
      db, "UPDATE ddb_items SET ttl = ?5, item = ?6, size = ?7, rec_seq = ?8 WHERE id = ?1");
  remove_ = std::make_unique<SQLite::Statement>(db, "DELETE FROM ddb_items WHERE id = ?");
  put_entry_ = std::make_unique<SQLite::Statement>(
      db, "INSERT OR REPLACE INTO ddb_index_entries VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
  remove_entry_ = std::make_unique<SQLite::Statement>(
      db, "DELETE FROM ddb_index_entries WHERE tbl = ? AND idx = ? AND ih = ? AND ir = ? AND "
          "th = ? AND hk = ? AND rk = ?");
}

std::int64_t ItemStore::next_id(std::int64_t tbl) {
  // Table numbers are small (the lowest free one is given to a new table), far below the 2^23
  // that would overflow the ranges.
  EMU_ASSERT(tbl > 0 && tbl < std::numeric_limits<std::int64_t>::max() / kIdsPerTable);
  auto [it, first] = next_ids_.try_emplace(tbl, 0);
  if (first) {
    // The rowid b-tree answers the largest id in a range with one descent.
    SQLite::Statement max_id(
        storage_.db(), "SELECT COALESCE(MAX(id), ?1) FROM ddb_items WHERE id >= ?1 AND id < ?2");
    max_id.bind(1, tbl * kIdsPerTable);
    max_id.bind(2, (tbl + 1) * kIdsPerTable);
    max_id.executeStep();
    it->second = max_id.getColumn(0).getInt64() + 1;
  }
  return it->second++;
}

ItemStore::~ItemStore() = default;

void ItemStore::delete_tables_not_in(const std::vector<std::int64_t>& kept) {
  // Seeks from one table number to the next through the indexes that lead with it, so a start
  // costs a few lookups per table, not a scan of every stored row (restart time must not grow
  // with the items stored).
  for (const char* rows : {"ddb_items", "ddb_index_entries"}) {
    auto& db = storage_.db();
    SQLite::Statement next(db, std::string("SELECT tbl FROM ") + rows +
                                   " WHERE tbl > ? ORDER BY tbl LIMIT 1");
    std::vector<std::int64_t> gone;
    std::int64_t after = std::numeric_limits<std::int64_t>::min();
    for (;;) {
      next.bind(1, after);
      if (!next.executeStep()) break;
      after = next.getColumn(0).getInt64();
      next.reset();
      if (std::find(kept.begin(), kept.end(), after) == kept.end()) gone.push_back(after);
    }
    for (const auto tbl : gone) {
      db.exec(std::string("DELETE FROM ") + rows + " WHERE tbl = " + std::to_string(tbl));
    }
  }
}

std::string ItemStore::digest_bound(std::uint64_t digest) {
  std::string out(8, '\0');
  for (int i = 7; i >= 0; --i) {
    out[static_cast<std::size_t>(i)] = static_cast<char>(digest & 0xff);
    digest >>= 8;
  }
  return out;
}

std::optional<StoredRow> ItemStore::get(std::int64_t tbl, std::string_view hk,
                                        std::string_view rk) {
  auto& st = *get_;
  st.bind(1, tbl);
  bind_blob(st, 2, hk);
  bind_blob(st, 3, rk);
  std::optional<StoredRow> out;
  if (st.executeStep()) {
    StoredRow row;
    row.id = st.getColumn(0).getInt64();
    row.hk = hk;
    row.rk = rk;
    row.item = decode_stored_item(blob_of(st.getColumn(1)), row.id);
    row.size = static_cast<std::uint32_t>(st.getColumn(2).getInt64());
    row.rec_seq = static_cast<std::uint64_t>(st.getColumn(3).getInt64());
    out = std::move(row);
  }
  st.reset();
  return out;
}

ItemPtr ItemStore::get_by_id(std::int64_t id, std::uint32_t* size) {
  auto& st = *get_by_id_;
  st.bind(1, id);
  ItemPtr out;
  if (st.executeStep()) {
    out = decode_stored_item(blob_of(st.getColumn(0)), id);
    if (size != nullptr) *size = static_cast<std::uint32_t>(st.getColumn(1).getInt64());
  }
  st.reset();
  return out;
}

void ItemStore::put(std::int64_t tbl, std::int64_t id, const KeyEnc& key, const Item& item,
                    std::uint32_t size, std::optional<std::int64_t> ttl, std::uint64_t rec_seq,
                    bool exists) {
  thread_local std::string buffer;
  buffer.clear();
  encode_item(item, buffer);
  put_encoded(tbl, id, key, buffer, size, ttl, rec_seq, exists);
}

void ItemStore::put_encoded(std::int64_t tbl, std::int64_t id, const KeyEnc& key,
                            std::string_view encoded, std::uint32_t size,
                            std::optional<std::int64_t> ttl, std::uint64_t rec_seq, bool exists) {
  auto& st = exists ? *update_ : *insert_;
  st.bind(1, id);
  if (!exists) {
    st.bind(2, tbl);
    bind_blob(st, 3, key.hash);
    bind_blob(st, 4, key.range);
  }
  if (ttl) {
    st.bind(5, *ttl);
  } else {
    st.bind(5);
  }
  bind_blob(st, 6, encoded);
  st.bind(7, static_cast<std::int64_t>(size));
  st.bind(8, static_cast<std::int64_t>(rec_seq));
  st.exec();
  st.reset();
}

void ItemStore::remove(std::int64_t id) {
  remove_->bind(1, id);
  remove_->exec();
  remove_->reset();
}

void ItemStore::put_index_entry(std::int64_t tbl, std::int64_t idx, const IndexKeyEnc& key,
                                std::int64_t item_id) {
  const std::string th = digest_bound(key.table_hash);
  auto& st = *put_entry_;
  st.bind(1, tbl);
  st.bind(2, idx);
  bind_blob(st, 3, key.hash);
  bind_blob(st, 4, key.range);
  bind_blob(st, 5, th);
  bind_blob(st, 6, key.table.hash);
  bind_blob(st, 7, key.table.range);
  st.bind(8, item_id);
  st.exec();
  st.reset();
}

void ItemStore::remove_index_entry(std::int64_t tbl, std::int64_t idx, const IndexKeyEnc& key) {
  const std::string th = digest_bound(key.table_hash);
  auto& st = *remove_entry_;
  st.bind(1, tbl);
  st.bind(2, idx);
  bind_blob(st, 3, key.hash);
  bind_blob(st, 4, key.range);
  bind_blob(st, 5, th);
  bind_blob(st, 6, key.table.hash);
  bind_blob(st, 7, key.table.range);
  st.exec();
  st.reset();
}

void ItemStore::remove_table(std::int64_t tbl) {
  for (const char* sql : {"DELETE FROM ddb_items WHERE tbl = ?",
                          "DELETE FROM ddb_index_entries WHERE tbl = ?"}) {
    SQLite::Statement st(storage_.db(), sql);
    st.bind(1, tbl);
    st.exec();
  }
}

void ItemStore::clear_rec_seqs(std::int64_t tbl) {
  SQLite::Statement st(storage_.db(), "UPDATE ddb_items SET rec_seq = 0 WHERE tbl = ? AND rec_seq != 0");
  st.bind(1, tbl);
  st.exec();
}

void ItemStore::recompute_ttls(
    std::int64_t tbl, const std::function<std::optional<std::int64_t>(const Item&)>& ttl_of) {
  SQLite::Statement read(storage_.db(), "SELECT id, item FROM ddb_items WHERE tbl = ?");
  SQLite::Statement write(storage_.db(), "UPDATE ddb_items SET ttl = ? WHERE id = ?");
  read.bind(1, tbl);
  while (read.executeStep()) {
    const std::int64_t id = read.getColumn(0).getInt64();
    const auto ttl = ttl_of(*decode_stored_item(blob_of(read.getColumn(1)), id));
    if (ttl) {
      write.bind(1, *ttl);
    } else {
      write.bind(1);
    }
    write.bind(2, id);
    write.exec();
    write.reset();
  }
}

std::vector<ItemStore::Expired> ItemStore::expired(std::int64_t tbl, std::int64_t from,
                                                   std::int64_t up_to, std::size_t limit) {
  SQLite::Statement st(storage_.db(),
                       "SELECT ttl, hk, rk, id, item, size, rec_seq FROM ddb_items WHERE tbl = ? "
                       "AND ttl >= ? AND ttl <= ? ORDER BY ttl, id LIMIT ?");
  st.bind(1, tbl);
  st.bind(2, from);
  st.bind(3, up_to);
  st.bind(4, static_cast<std::int64_t>(limit));
  std::vector<Expired> out;
  while (st.executeStep()) {
    out.push_back({st.getColumn(0).getInt64(), st.getColumn(3).getInt64(),
                   std::string(blob_of(st.getColumn(1))), std::string(blob_of(st.getColumn(2))),
                   std::string(blob_of(st.getColumn(4))),
                   static_cast<std::uint32_t>(st.getColumn(5).getInt64()),
                   static_cast<std::uint64_t>(st.getColumn(6).getInt64())});
  }
  return out;
}

ItemStore::Cursor ItemStore::rows(std::int64_t tbl, const RangeRead& range) {
  const std::string sql = range_sql(
      "SELECT id, hk, rk, item, size FROM ddb_items WHERE tbl = ?", {"hk", "rk"}, range);
  auto st = std::make_unique<SQLite::Statement>(storage_.db(), sql);
  st->bind(1, tbl);
  bind_bounds(*st, 2, range);
  return Cursor(std::move(st), false);
}

ItemStore::Cursor ItemStore::index_entries(std::int64_t tbl, std::int64_t idx,
                                           const RangeRead& range) {
  const std::string sql = range_sql(
      "SELECT e.item, e.hk, e.rk, i.item, i.size, e.ih, e.ir, e.th FROM ddb_index_entries e "
      "JOIN ddb_items i ON i.id = e.item WHERE e.tbl = ? AND e.idx = ?",
      {"e.ih", "e.ir", "e.th", "e.hk", "e.rk"}, range);
  auto st = std::make_unique<SQLite::Statement>(storage_.db(), sql);
  st->bind(1, tbl);
  st->bind(2, idx);
  bind_bounds(*st, 3, range);
  return Cursor(std::move(st), true);
}

bool ItemStore::Cursor::next() { return statement_->executeStep(); }
std::int64_t ItemStore::Cursor::id() const { return statement_->getColumn(0).getInt64(); }
std::string_view ItemStore::Cursor::hk() const { return blob_of(statement_->getColumn(1)); }
std::string_view ItemStore::Cursor::rk() const { return blob_of(statement_->getColumn(2)); }
ItemPtr ItemStore::Cursor::item() const {
  return decode_stored_item(blob_of(statement_->getColumn(3)), id());
}
std::uint32_t ItemStore::Cursor::size() const {
  return static_cast<std::uint32_t>(statement_->getColumn(4).getInt64());
}
std::string_view ItemStore::Cursor::ih() const { return blob_of(statement_->getColumn(5)); }
std::string_view ItemStore::Cursor::ir() const { return blob_of(statement_->getColumn(6)); }
std::uint64_t ItemStore::Cursor::th() const {
  const std::string_view b = blob_of(statement_->getColumn(7));
  std::uint64_t v = 0;
  for (char c : b) v = (v << 8) | static_cast<unsigned char>(c);
  return v;
}

}  // namespace emu::dynamodb
