// Persistence of the DynamoDB model's schemas and streams in the emulator's SQLite store (items
// are in item_store.h). Every write goes into the caller's transaction
// (Storage::ensure_transaction(); the simulation loop commits). Simulation thread only.
//
// Stream records use rowid = stream number << 40 | sequence, so appends go to the end and
// trimming is a rowid range delete. An INSERT record whose new image is an item as it is stored
// is a pointer to the item's row (column `item`) instead of a copy of the image: one small row
// per PutItem of a new item instead of the whole body twice. Before such a row changes, the
// model copies its content into the record (materialize()).
#pragma once

#include <functional>
#include <utility>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

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

class Persistence final : public RecordSource {
 public:
  explicit Persistence(Storage& storage);
  ~Persistence() override;

  // Schemas with the table's counts (item count, sizes), which change with every write.
  void save_schema(const TableSchema& schema, const nlohmann::json& stats);
  void delete_schema(const std::string& name);
  // (schema, stats) of every saved table.
  std::vector<std::pair<TableSchema, nlohmann::json>> load_schemas();

  void save_stream(const StreamMeta& meta);
  void delete_stream(std::int64_t number);
  std::vector<StreamMeta> load_streams();
  // Removes records (and streams) of stream numbers no saved stream has (left by tables that
  // were not persisted).
  void delete_orphans(const std::vector<std::int64_t>& streams);

  void append_record(std::int64_t stream_number, const StreamRecord& record);
  // An INSERT record whose new image is the content of item row `rowid`.
  void append_pointer(std::int64_t stream_number, const StreamRecord& record, std::int64_t rowid);
  // Copies row `rowid`'s content into record `sequence` if it points at the row.
  void materialize(std::int64_t stream_number, std::uint64_t sequence, std::int64_t rowid);
  // Copies every pointer record's row content into the record (the stream is retired).
  void materialize_all(std::int64_t stream_number);
  void trim_records(std::int64_t stream_number, std::uint64_t up_to_sequence);

  // RecordSource
  void load_records(std::int64_t number, std::uint64_t first, std::uint64_t last,
                    std::vector<StreamRecord>& out) override;
  std::uint64_t first_created_since(std::int64_t number, std::uint64_t first, std::uint64_t last,
                                    Micros cutoff) override;

 private:
  Storage& storage_;
  std::unique_ptr<SQLite::Statement> append_record_, materialize_, load_records_, created_since_,
      save_schema_, save_stream_;
  std::string keys_buffer_, image_buffer_, old_buffer_;
};

}  // namespace emu::dynamodb
