#include "emulator/dynamodb/persist.h"

#include <algorithm>

#include <nlohmann/json.hpp>

#include "emulator/core/durable_state.h"

namespace emu::dynamodb {

namespace {

using nlohmann::json;

json persisted_key_schema(const std::vector<KeySchemaElement>& keys) {
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
                       {"keys", persisted_key_schema(g.key_schema)},
                       {"projection", static_cast<int>(g.projection_type)},
                       {"non_key", g.non_key_attributes},
                       {"throughput", pt},
                       {"local", i.local}});
  }
  json stream = nullptr;
  if (s.stream_specification) {
    stream = static_cast<int>(
        s.stream_specification->stream_view_type.value_or(StreamViewType::kNewImage));
  }
  return {{"arn", s.arn},
          {"id", s.id},
          {"number", s.number},
          {"created", s.created},
          {"attributes", attrs},
          {"keys", persisted_key_schema(s.key_schema)},
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
  s.number = j.at("number").get<std::int64_t>();
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
    // Schemas saved before local indexes existed have no "local" member.
    IndexSchema is{
        g, attribute_of(s, g.key_schema.at(0).attribute_name), {}, i.value("local", false)};
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

ItemPtr image_from(const SQLite::Column& column) {
  if (column.isNull()) return nullptr;
  auto item = std::make_shared<Item>();
  if (!decode_item(std::string_view(static_cast<const char*>(column.getBlob()),
                                    static_cast<std::size_t>(column.getBytes())),
                   *item)) {
    throw DataDirError("ddb_stream_records holds an image that cannot be decoded");
  }
  return item;
}

}  // namespace

constexpr int kSequenceBits = 40;

std::int64_t record_id(std::int64_t stream_number, std::uint64_t sequence) {
  return (stream_number << kSequenceBits) | static_cast<std::int64_t>(sequence);
}

Persistence::Persistence(Storage& storage) : storage_(storage) {
  auto& db = storage_.db();
  db.exec(
      "CREATE TABLE IF NOT EXISTS ddb_tables (name TEXT PRIMARY KEY, schema TEXT NOT NULL, "
      "  stats TEXT NOT NULL);"
      "CREATE TABLE IF NOT EXISTS ddb_streams (arn TEXT PRIMARY KEY, meta TEXT NOT NULL);"
      "CREATE TABLE IF NOT EXISTS ddb_stream_records (id INTEGER PRIMARY KEY, "
      "  event INTEGER NOT NULL, created INTEGER NOT NULL, ttl INTEGER NOT NULL, "
      "  size INTEGER NOT NULL, keys BLOB NOT NULL, new_image BLOB, old_image BLOB, "
      "  item INTEGER);");
  append_record_ = std::make_unique<SQLite::Statement>(
      db, "INSERT OR REPLACE INTO ddb_stream_records VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
  materialize_ = std::make_unique<SQLite::Statement>(
      db, "UPDATE ddb_stream_records SET new_image = (SELECT item FROM ddb_items WHERE id = ?1), "
          "item = NULL WHERE id = ?2 AND item = ?1");
  load_records_ = std::make_unique<SQLite::Statement>(
      db, "SELECT r.id, r.event, r.created, r.ttl, r.size, r.keys, "
          "COALESCE(r.new_image, i.item), r.old_image FROM ddb_stream_records r "
          "LEFT JOIN ddb_items i ON i.id = r.item WHERE r.id BETWEEN ? AND ? ORDER BY r.id");
  created_since_ = std::make_unique<SQLite::Statement>(
      db, "SELECT id FROM ddb_stream_records WHERE id BETWEEN ? AND ? AND created >= ? "
          "ORDER BY id LIMIT 1");
  // Prepared once: a table's stats and its stream's next sequence change with every commit.
  save_schema_ = std::make_unique<SQLite::Statement>(
      db,
      "INSERT INTO ddb_tables VALUES (?, ?, ?) ON CONFLICT (name) DO UPDATE SET "
      "schema = excluded.schema, stats = excluded.stats");
  save_stream_ = std::make_unique<SQLite::Statement>(
      db,
      "INSERT INTO ddb_streams VALUES (?, ?) ON CONFLICT (arn) DO UPDATE SET "
      "meta = excluded.meta");
}

Persistence::~Persistence() = default;

void Persistence::save_schema(const TableSchema& schema, const nlohmann::json& stats) {
  auto& st = *save_schema_;
  st.reset();
  st.bind(1, schema.name);
  st.bind(2, schema_json(schema).dump());
  st.bind(3, stats.dump());
  st.exec();
}

void Persistence::delete_schema(const std::string& name) {
  SQLite::Statement st(storage_.db(), "DELETE FROM ddb_tables WHERE name = ?");
  st.bind(1, name);
  st.exec();
}

std::vector<std::pair<TableSchema, nlohmann::json>> Persistence::load_schemas() {
  std::vector<std::pair<TableSchema, nlohmann::json>> out;
  SQLite::Statement st(storage_.db(), "SELECT name, schema, stats FROM ddb_tables ORDER BY name");
  while (st.executeStep()) {
    const std::string name = st.getColumn(0).getString();
    try {
      out.emplace_back(schema_from(name, json::parse(st.getColumn(1).getString())),
                       json::parse(st.getColumn(2).getString()));
    } catch (const std::exception& e) {
      throw DataDirError("ddb_tables: the saved table " + name + " is damaged: " + e.what());
    }
  }
  return out;
}

void Persistence::save_stream(const StreamMeta& m) {
  auto& st = *save_stream_;
  st.reset();
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

std::vector<StreamMeta> Persistence::load_streams() {
  std::vector<StreamMeta> out;
  SQLite::Statement st(storage_.db(), "SELECT arn, meta FROM ddb_streams ORDER BY arn");
  while (st.executeStep()) {
    const std::string arn = st.getColumn(0).getString();
    try {
      const json m = json::parse(st.getColumn(1).getString());
      out.push_back(StreamMeta{arn, m.at("table"), m.at("label"),
                               static_cast<StreamViewType>(m.at("view").get<int>()),
                               m.at("created"), m.at("enabled"), m.at("disabled_at"),
                               m.at("next"), m.at("no"), m.at("first")});
    } catch (const std::exception& e) {
      throw DataDirError("ddb_streams: the saved stream " + arn + " is damaged: " + e.what());
    }
  }
  return out;
}

void Persistence::delete_orphans(const std::vector<std::int64_t>& streams) {
  // Seeks from one stream's id range to the next (ids lead with the stream number), so a start
  // does not scan every stored record.
  auto& db = storage_.db();
  SQLite::Statement next(db, "SELECT id FROM ddb_stream_records WHERE id >= ? ORDER BY id LIMIT 1");
  std::vector<std::int64_t> gone;
  std::int64_t from = 0;
  for (;;) {
    next.bind(1, from);
    if (!next.executeStep()) break;
    const std::int64_t stream = next.getColumn(0).getInt64() >> kSequenceBits;
    next.reset();
    if (std::find(streams.begin(), streams.end(), stream) == streams.end()) gone.push_back(stream);
    from = (stream + 1) << kSequenceBits;
  }
  for (const auto stream : gone) {
    db.exec("DELETE FROM ddb_stream_records WHERE id BETWEEN " + std::to_string(stream << kSequenceBits) +
            " AND " + std::to_string(((stream + 1) << kSequenceBits) - 1));
  }
}

namespace {

void bind_optional_image(SQLite::Statement& st, int index, const ItemPtr& image,
                         std::string& buffer) {
  if (!image) {
    st.bind(index);
    return;
  }
  buffer.clear();
  encode_item(*image, buffer);
  st.bindNoCopy(index, buffer.data(), static_cast<int>(buffer.size()));
}

}  // namespace

void Persistence::append_record(std::int64_t stream_number, const StreamRecord& r) {
  append_pointer(stream_number, r, 0);
}

void Persistence::append_pointer(std::int64_t stream_number, const StreamRecord& r,
                                 std::int64_t rowid) {
  auto& st = *append_record_;
  st.bind(1, record_id(stream_number, r.sequence));
  st.bind(2, static_cast<int>(r.event));
  st.bind(3, static_cast<std::int64_t>(r.created));
  st.bind(4, r.ttl_delete ? 1 : 0);
  st.bind(5, static_cast<std::int64_t>(r.size_bytes));
  keys_buffer_.clear();
  encode_item(*r.keys, keys_buffer_);
  st.bindNoCopy(6, keys_buffer_.data(), static_cast<int>(keys_buffer_.size()));
  bind_optional_image(st, 7, rowid != 0 ? nullptr : r.new_image, image_buffer_);
  bind_optional_image(st, 8, r.old_image, old_buffer_);
  if (rowid != 0) {
    st.bind(9, rowid);
  } else {
    st.bind(9);
  }
  st.exec();
  st.reset();
}

void Persistence::materialize(std::int64_t stream_number, std::uint64_t sequence,
                              std::int64_t rowid) {
  auto& st = *materialize_;
  st.bind(1, rowid);
  st.bind(2, record_id(stream_number, sequence));
  st.exec();
  st.reset();
}

void Persistence::materialize_all(std::int64_t stream_number) {
  SQLite::Statement st(storage_.db(),
                       "UPDATE ddb_stream_records SET new_image = (SELECT item FROM ddb_items "
                       "WHERE ddb_items.id = ddb_stream_records.item), item = NULL "
                       "WHERE id BETWEEN ? AND ? AND item IS NOT NULL");
  st.bind(1, record_id(stream_number, 0));
  st.bind(2, record_id(stream_number + 1, 0) - 1);
  st.exec();
}

void Persistence::trim_records(std::int64_t stream_number, std::uint64_t up_to_sequence) {
  SQLite::Statement st(storage_.db(), "DELETE FROM ddb_stream_records WHERE id BETWEEN ? AND ?");
  st.bind(1, record_id(stream_number, 0));
  st.bind(2, record_id(stream_number, up_to_sequence));
  st.exec();
}

void Persistence::load_records(std::int64_t number, std::uint64_t first, std::uint64_t last,
                               std::vector<StreamRecord>& out) {
  auto& st = *load_records_;
  st.bind(1, record_id(number, first));
  st.bind(2, record_id(number, last));
  while (st.executeStep()) {
    StreamRecord r;
    r.sequence = static_cast<std::uint64_t>(st.getColumn(0).getInt64() - record_id(number, 0));
    r.event = static_cast<EventName>(st.getColumn(1).getInt());
    r.created = st.getColumn(2).getInt64();
    r.ttl_delete = st.getColumn(3).getInt() != 0;
    r.size_bytes = static_cast<std::uint32_t>(st.getColumn(4).getInt64());
    r.keys = image_from(st.getColumn(5));
    r.new_image = image_from(st.getColumn(6));
    r.old_image = image_from(st.getColumn(7));
    if (!r.keys) r.keys = std::make_shared<Item>();
    out.push_back(std::move(r));
  }
  st.reset();
}

std::uint64_t Persistence::first_created_since(std::int64_t number, std::uint64_t first,
                                               std::uint64_t last, Micros cutoff) {
  auto& st = *created_since_;
  st.bind(1, record_id(number, first));
  st.bind(2, record_id(number, last));
  st.bind(3, static_cast<std::int64_t>(cutoff));
  std::uint64_t found = last + 1;
  if (st.executeStep()) {
    found = static_cast<std::uint64_t>(st.getColumn(0).getInt64() - record_id(number, 0));
  }
  st.reset();
  return found;
}

}  // namespace emu::dynamodb
