// Write-through persistence of the DynamoDB model in the emulator's SQLite store.
//
// Every mutation is written inside the caller's transaction (Storage::ensure_transaction());
// the simulation loop commits in groups. On start the model reloads schemas, items, TTL
// settings, streams and their retained records. Tables created with persist = false are never
// written here. Statements are prepared once. Simulation thread only.
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
};

class Persistence {
 public:
  explicit Persistence(Storage& storage);
  ~Persistence();

  void save_schema(const TableSchema& schema);
  // Removes the table's schema and items (its stream stays, disabled, until it expires).
  void delete_table(const std::string& name);
  void put_item(const std::string& table, const KeyEnc& key, const Item& item);
  void delete_item(const std::string& table, const KeyEnc& key);

  void save_stream(const StreamMeta& meta);
  void delete_stream(const std::string& arn);
  void append_record(const std::string& arn, const StreamRecord& record);
  void trim_records(const std::string& arn, std::uint64_t up_to_sequence);

  std::vector<TableSchema> load_schemas();
  void load_items(const std::string& table, const std::function<void(Item)>& visit);
  std::vector<StreamMeta> load_streams();
  void load_records(const std::string& arn, const std::function<void(StreamRecord)>& visit);

 private:
  Storage& storage_;
  std::unique_ptr<SQLite::Statement> put_item_, delete_item_, append_record_;
  std::string buffer_;
};

}  // namespace emu::dynamodb
