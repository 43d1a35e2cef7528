#include "emulator/dynamodb/persist.h"

#include <nlohmann/json.hpp>

namespace emu::dynamodb {

namespace {

using nlohmann::json;

json key_schema_json(const std::vector<KeySchemaElement>& keys) {
  json out = json::array();
  for (const auto& k : keys) out.push_back({k.attribute_name, k.key_type});
  return out;
}

std::vector<KeySchemaElement> key_schema_from(const json& j) {
  std::vector<KeySchemaElement> out;
  for (const auto& k : j) out.push_back({k[0].get<std::string>(), k[1].get<std::string>()});
  return out;
}

json schema_json(const TableSchema& s) {
  json attrs = json::array();
  for (const auto& d : s.attribute_definitions) {
    attrs.push_back({d.attribute_name, static_cast<int>(d.attribute_type)});
  }
  json indexes = json::array();
  for (const auto& i : s.indexes) {
    const auto& g = i.definition;
    json pt = nullptr;
    if (g.provisioned_throughput) {
      pt = {g.provisioned_throughput->read_capacity_units,
            g.provisioned_throughput->write_capacity_units};
    }
    indexes.push_back({{"name", g.index_name},
                       {"keys", key_schema_json(g.key_schema)},
                       {"projection", static_cast<int>(g.projection_type)},
                       {"non_key", g.non_key_attributes},
                       {"throughput", pt}});
  }
  json stream = nullptr;
  if (s.stream_specification) {
    stream = static_cast<int>(
        s.stream_specification->stream_view_type.value_or(StreamViewType::kNewImage));
  }
  return {{"arn", s.arn},
          {"id", s.id},
          {"created", s.created},
          {"attributes", attrs},
          {"keys", key_schema_json(s.key_schema)},
          {"indexes", indexes},
          {"billing", static_cast<int>(s.billing_mode)},
          {"rcu", s.provisioned_throughput.read_capacity_units},
          {"wcu", s.provisioned_throughput.write_capacity_units},
          {"stream", stream},
          {"ttl_enabled", s.ttl_enabled},
          {"ttl_attribute", s.ttl_attribute},
          {"ttl_changed", s.ttl_changed ? json(*s.ttl_changed) : json(nullptr)}};
}

KeyAttribute attribute_of(const TableSchema& s, const std::string& name) {
  for (const auto& d : s.attribute_definitions) {
    if (d.attribute_name == name) return {name, d.attribute_type};
  }
  return {name, Type::kS};
}

TableSchema schema_from(const std::string& name, const json& j) {
  TableSchema s;
  s.name = name;
  s.arn = j.at("arn");
  s.id = j.at("id");
  s.created = j.at("created");
  for (const auto& a : j.at("attributes")) {
    s.attribute_definitions.push_back(
        {a[0].get<std::string>(), static_cast<Type>(a[1].get<int>())});
  }
  s.key_schema = key_schema_from(j.at("keys"));
  s.hash = attribute_of(s, s.key_schema.at(0).attribute_name);
  if (s.key_schema.size() > 1) s.range = attribute_of(s, s.key_schema[1].attribute_name);
  for (const auto& i : j.at("indexes")) {
    GlobalSecondaryIndex g;
    g.index_name = i.at("name");
    g.key_schema = key_schema_from(i.at("keys"));
    g.projection_type = static_cast<ProjectionType>(i.at("projection").get<int>());
    g.non_key_attributes = i.at("non_key").get<std::vector<std::string>>();
    if (!i.at("throughput").is_null()) {
      g.provisioned_throughput = ProvisionedThroughput{i["throughput"][0], i["throughput"][1]};
    }
    IndexSchema is{g, attribute_of(s, g.key_schema.at(0).attribute_name), {}};
    if (g.key_schema.size() > 1) is.range = attribute_of(s, g.key_schema[1].attribute_name);
    s.indexes.push_back(std::move(is));
  }
  s.billing_mode = static_cast<BillingMode>(j.at("billing").get<int>());
  s.provisioned_throughput = {j.at("rcu"), j.at("wcu")};
  if (!j.at("stream").is_null()) {
    s.stream_specification =
        StreamSpecification{true, static_cast<StreamViewType>(j["stream"].get<int>())};
  }
  s.ttl_enabled = j.at("ttl_enabled");
  s.ttl_attribute = j.at("ttl_attribute");
  if (!j.at("ttl_changed").is_null()) s.ttl_changed = j["ttl_changed"].get<Micros>();
  return s;
}

std::string image_blob(const ItemPtr& item) {
  std::string out;
  if (item) encode_item(*item, out);
  return out;
}

ItemPtr image_from(const SQLite::Column& column) {
  if (column.isNull()) return nullptr;
  Item item;
  if (!decode_item(std::string_view(static_cast<const char*>(column.getBlob()),
                                    static_cast<std::size_t>(column.getBytes())),
                   item)) {
    return nullptr;
  }
  return std::make_shared<Item>(std::move(item));
}

}  // namespace

Persistence::Persistence(Storage& storage) : storage_(storage) {
  auto& db = storage_.db();
  db.exec(
      "CREATE TABLE IF NOT EXISTS ddb_tables (name TEXT PRIMARY KEY, schema TEXT NOT NULL);"
      "CREATE TABLE IF NOT EXISTS ddb_items (id INTEGER PRIMARY KEY, tbl TEXT NOT NULL, "
      "  item BLOB NOT NULL, rec_stream INTEGER NOT NULL, rec_seq INTEGER NOT NULL, "
      "  rec_created INTEGER NOT NULL);"
      "CREATE TABLE IF NOT EXISTS ddb_streams (arn TEXT PRIMARY KEY, meta TEXT NOT NULL);"
      "CREATE TABLE IF NOT EXISTS ddb_stream_records (id INTEGER PRIMARY KEY, "
      "  event INTEGER NOT NULL, created INTEGER NOT NULL, ttl INTEGER NOT NULL, "
      "  size INTEGER NOT NULL, keys BLOB NOT NULL, new_image BLOB, old_image BLOB);");
  put_item_ = std::make_unique<SQLite::Statement>(
      db, "INSERT OR REPLACE INTO ddb_items VALUES (?, ?, ?, ?, ?, ?)");
  update_item_ = std::make_unique<SQLite::Statement>(
      db,
      "UPDATE ddb_items SET item = ?3, rec_stream = ?4, rec_seq = ?5, rec_created = ?6 "
      "WHERE id = ?1 AND tbl = ?2");
  delete_item_ = std::make_unique<SQLite::Statement>(db, "DELETE FROM ddb_items WHERE id = ?");
  append_record_ = std::make_unique<SQLite::Statement>(
      db, "INSERT OR REPLACE INTO ddb_stream_records VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
  SQLite::Statement max_id(db, "SELECT COALESCE(MAX(id), 0) FROM ddb_items");
  if (max_id.executeStep()) next_item_rowid_ = max_id.getColumn(0).getInt64() + 1;
}

Persistence::~Persistence() = default;

void Persistence::save_schema(const TableSchema& schema) {
  if (!schema.persist) return;
  SQLite::Statement st(storage_.db(), "INSERT OR REPLACE INTO ddb_tables VALUES (?, ?)");
  st.bind(1, schema.name);
  st.bind(2, schema_json(schema).dump());
  st.exec();
}

constexpr int kSequenceBits = 40;

std::int64_t record_id(std::int64_t stream_number, std::uint64_t sequence) {
  return (stream_number << kSequenceBits) | static_cast<std::int64_t>(sequence);
}

void Persistence::delete_table(const std::string& name) {
  SQLite::Statement a(storage_.db(), "DELETE FROM ddb_tables WHERE name = ?");
  a.bind(1, name);
  a.exec();
  delete_items(name);
}

void Persistence::delete_items(const std::string& table) {
  SQLite::Statement st(storage_.db(), "DELETE FROM ddb_items WHERE tbl = ?");
  st.bind(1, table);
  st.exec();
}

void Persistence::put_item(std::int64_t rowid, const std::string& table, const Item& item,
                           const ImplicitRecord& record, bool replace) {
  buffer_.clear();
  encode_item(item, buffer_);
  auto& st = replace ? *update_item_ : *put_item_;
  st.bind(1, rowid);
  st.bindNoCopy(2, table);
  st.bindNoCopy(3, buffer_.data(), static_cast<int>(buffer_.size()));
  st.bind(4, record.stream);
  st.bind(5, static_cast<std::int64_t>(record.sequence));
  st.bind(6, static_cast<std::int64_t>(record.created));
  st.exec();
  st.reset();
}

void Persistence::delete_item(std::int64_t rowid) {
  auto& st = *delete_item_;
  st.bind(1, rowid);
  st.exec();
  st.reset();
}

void Persistence::save_stream(const StreamMeta& m) {
  SQLite::Statement st(storage_.db(), "INSERT OR REPLACE INTO ddb_streams VALUES (?, ?)");
  st.bind(1, m.arn);
  st.bind(2, json{{"table", m.table_name},
                  {"label", m.label},
                  {"view", static_cast<int>(m.view_type)},
                  {"created", m.created},
                  {"enabled", m.enabled},
                  {"disabled_at", m.disabled_at},
                  {"next", m.next_sequence},
                  {"no", m.number},
                  {"first", m.first_sequence}}
                 .dump());
  st.exec();
}

void Persistence::delete_stream(std::int64_t number) {
  SQLite::Statement st(storage_.db(), "DELETE FROM ddb_stream_records WHERE id BETWEEN ? AND ?");
  st.bind(1, record_id(number, 0));
  st.bind(2, record_id(number + 1, 0) - 1);
  st.exec();
}

void Persistence::append_record(std::int64_t stream_number, const StreamRecord& r,
                                bool image_just_written) {
  auto& st = *append_record_;
  st.bind(1, record_id(stream_number, r.sequence));
  st.bind(2, static_cast<int>(r.event));
  st.bind(3, static_cast<std::int64_t>(r.created));
  st.bind(4, r.ttl_delete ? 1 : 0);
  st.bind(5, static_cast<std::int64_t>(r.size_bytes));
  record_buffer_.clear();
  encode_item(*r.keys, record_buffer_);
  st.bindNoCopy(6, record_buffer_.data(), static_cast<int>(record_buffer_.size()));
  std::string new_image, old_image;
  if (r.new_image && image_just_written) {
    st.bindNoCopy(7, buffer_.data(), static_cast<int>(buffer_.size()));
  } else if (r.new_image) {
    new_image = image_blob(r.new_image);
    st.bindNoCopy(7, new_image.data(), static_cast<int>(new_image.size()));
  } else {
    st.bind(7);
  }
  if (r.old_image) {
    old_image = image_blob(r.old_image);
    st.bindNoCopy(8, old_image.data(), static_cast<int>(old_image.size()));
  } else {
    st.bind(8);
  }
  st.exec();
  st.reset();
}

void Persistence::trim_records(std::int64_t stream_number, std::uint64_t up_to_sequence) {
  SQLite::Statement st(storage_.db(), "DELETE FROM ddb_stream_records WHERE id BETWEEN ? AND ?");
  st.bind(1, record_id(stream_number, 0));
  st.bind(2, record_id(stream_number, up_to_sequence));
  st.exec();
}

std::vector<TableSchema> Persistence::load_schemas() {
  std::vector<TableSchema> out;
  SQLite::Statement st(storage_.db(), "SELECT name, schema FROM ddb_tables ORDER BY name");
  while (st.executeStep()) {
    out.push_back(
        schema_from(st.getColumn(0).getString(), json::parse(st.getColumn(1).getString())));
  }
  return out;
}

void Persistence::load_items(const std::string& table,
                             const std::function<void(std::int64_t, Item, ImplicitRecord)>& visit) {
  SQLite::Statement st(storage_.db(),
                       "SELECT id, item, rec_stream, rec_seq, rec_created FROM ddb_items "
                       "WHERE tbl = ? ORDER BY id");
  st.bind(1, table);
  while (st.executeStep()) {
    const auto column = st.getColumn(1);
    Item item;
    if (decode_item(std::string_view(static_cast<const char*>(column.getBlob()),
                                     static_cast<std::size_t>(column.getBytes())),
                    item)) {
      const ImplicitRecord record{st.getColumn(2).getInt64(),
                                  static_cast<std::uint64_t>(st.getColumn(3).getInt64()),
                                  st.getColumn(4).getInt64()};
      visit(st.getColumn(0).getInt64(), std::move(item), record);
    }
  }
}

std::vector<StreamMeta> Persistence::load_streams() {
  std::vector<StreamMeta> out;
  SQLite::Statement st(storage_.db(), "SELECT arn, meta FROM ddb_streams ORDER BY arn");
  while (st.executeStep()) {
    const json m = json::parse(st.getColumn(1).getString());
    out.push_back(StreamMeta{st.getColumn(0).getString(), m.at("table"), m.at("label"),
                             static_cast<StreamViewType>(m.at("view").get<int>()), m.at("created"),
                             m.at("enabled"), m.at("disabled_at"), m.at("next"), m.at("no"),
                             m.at("first")});
  }
  return out;
}

void Persistence::load_records(std::int64_t stream_number,
                               const std::function<void(StreamRecord)>& visit) {
  SQLite::Statement st(storage_.db(),
                       "SELECT id, event, created, ttl, size, keys, new_image, old_image FROM "
                       "ddb_stream_records WHERE id BETWEEN ? AND ? ORDER BY id");
  st.bind(1, record_id(stream_number, 0));
  st.bind(2, record_id(stream_number + 1, 0) - 1);
  while (st.executeStep()) {
    StreamRecord r;
    r.sequence =
        static_cast<std::uint64_t>(st.getColumn(0).getInt64() - record_id(stream_number, 0));
    r.event = static_cast<EventName>(st.getColumn(1).getInt());
    r.created = st.getColumn(2).getInt64();
    r.ttl_delete = st.getColumn(3).getInt() != 0;
    r.size_bytes = static_cast<std::uint32_t>(st.getColumn(4).getInt64());
    r.keys = image_from(st.getColumn(5));
    r.new_image = image_from(st.getColumn(6));
    r.old_image = image_from(st.getColumn(7));
    if (!r.keys) r.keys = std::make_shared<Item>();
    visit(std::move(r));
  }
}

}  // namespace emu::dynamodb
