// Write-through persistence of the DynamoDB model in the emulator's SQLite store.
//
// Every mutation is written inside the caller's transaction (Storage::ensure_transaction());
// the simulation loop commits in groups. On start the model reloads schemas, items, TTL
// settings, streams and their retained records. Tables created with persist = false are never
// written here. Statements are prepared once. Simulation thread only.
//
// Layout: everything is loaded into memory at start, so SQLite needs no key index. Items are
// rows addressed by an integer rowid the model remembers (appends and in-place replaces, not
// random B-tree inserts keyed by UUID); stream records use rowid = stream number << 40 |
// sequence, so appends go to the end and trimming is a rowid range delete.
//
// An INSERT stream record is fully determined by the item it created (keys and new image are
// the item; there is no old image), so it is stored implicitly: the item row carries the
// record's (stream, sequence, time). One SQLite write per PutItem of a new item instead of
// two. When such a row is about to change or disappear while its record is still retained,
// the model first writes the record out explicitly (Ops::commit).
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "emulator/core/storage.h"
#include "emulator/dynamodb/streams.h"
#include "emulator/dynamodb/table.h"

namespace emu::dynamodb {

struct StreamMeta {
  std::string arn;
  std::string table_name;
  std::string label;
  StreamViewType view_type = StreamViewType::kNewImage;
  Micros created = 0;
  bool enabled = true;
  Micros disabled_at = 0;
  std::uint64_t next_sequence = 1;
  std::int64_t number = 0;           // stream number: its records' rowid range
  std::uint64_t first_sequence = 1;  // records before this one were trimmed
};

// The implicit INSERT record an item row carries (stream 0 = none).
struct ImplicitRecord {
  std::int64_t stream = 0;
  std::uint64_t sequence = 0;
  Micros created = 0;
};

class Persistence {
 public:
  explicit Persistence(Storage& storage);
  ~Persistence();

  void save_schema(const TableSchema& schema);
  // Removes the table's schema and items (its stream stays, disabled, until it expires).
  void delete_table(const std::string& name);
  // Removes the table's stored items only (its schema stays).
  void delete_items(const std::string& table);
  // A fresh rowid for a new item.
  std::int64_t next_item_rowid() { return next_item_rowid_++; }
  // `replace` = the row exists (an in-place UPDATE is cheaper than INSERT OR REPLACE).
  void put_item(std::int64_t rowid, const std::string& table, const Item& item,
                const ImplicitRecord& record = {}, bool replace = false);
  void delete_item(std::int64_t rowid);

  void save_stream(const StreamMeta& meta);
  void delete_stream(std::int64_t number);
  // `image_just_written`: the record's new image is the item put_item wrote last, whose
  // encoding is then reused.
  void append_record(std::int64_t stream_number, const StreamRecord& record,
                     bool image_just_written = false);
  void trim_records(std::int64_t stream_number, std::uint64_t up_to_sequence);

  std::vector<TableSchema> load_schemas();
  // Calls visit(rowid, item, implicit record) for each stored item of `table`.
  void load_items(const std::string& table,
                  const std::function<void(std::int64_t, Item, ImplicitRecord)>& visit);
  std::vector<StreamMeta> load_streams();
  void load_records(std::int64_t stream_number, const std::function<void(StreamRecord)>& visit);

 private:
  Storage& storage_;
  std::unique_ptr<SQLite::Statement> put_item_, update_item_, delete_item_, append_record_;
  std::int64_t next_item_rowid_ = 1;
  // The encoding of the item last written, reused for a stream record of that image.
  std::string buffer_;
  std::string record_buffer_;
};

}  // namespace emu::dynamodb
