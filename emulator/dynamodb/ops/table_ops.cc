// CreateTable, DeleteTable, DescribeTable, ListTables, UpdateTable, DescribeTimeToLive,
// UpdateTimeToLive.
#include <algorithm>
#include <set>

#include "emulator/core/errors.h"
#include "emulator/dynamodb/ops/common.h"

namespace emu::dynamodb {

namespace {

const std::string kInvalidParameterValues = "One or more parameter values were invalid: ";
constexpr std::int64_t kMaxProvisionedUnits = 1000000000000;

std::string join(const std::vector<std::string>& v) {
  std::string out;
  for (std::size_t i = 0; i < v.size(); ++i) out += (i ? ", " : "") + v[i];
  return out;
}

std::optional<std::string> key_schema_error(const std::vector<KeySchemaElement>& keys,
                                            const std::vector<std::string>& defined) {
  std::vector<std::string> names;
  for (const auto& k : keys) names.push_back(k.attribute_name);
  for (const auto& n : names) {
    if (std::find(defined.begin(), defined.end(), n) == defined.end()) {
      return kInvalidParameterValues +
             "Some index key attributes are not defined in AttributeDefinitions. Keys: [" +
             join(names) + "], AttributeDefinitions: [" + join(defined) + "]";
    }
  }
  if (keys.size() == 2 && keys[0].attribute_name == keys[1].attribute_name) {
    return "Both the Hash Key and the Range Key element in the KeySchema have the same name";
  }
  if (keys[0].key_type != "HASH") {
    return "Invalid KeySchema: The first KeySchemaElement is not a HASH key type";
  }
  if (keys.size() == 2 && keys[1].key_type != "RANGE") {
    return "Invalid KeySchema: The second KeySchemaElement is not a RANGE key type";
  }
  return std::nullopt;
}

std::optional<std::string> throughput_error(const CreateTableRequest& r, bool pay_per_request) {
  if (pay_per_request) {
    if (r.provisioned_throughput) {
      return kInvalidParameterValues +
             "Neither ReadCapacityUnits nor WriteCapacityUnits can be specified when "
             "BillingMode is PAY_PER_REQUEST";
    }
    return std::nullopt;
  }
  const auto& pt = r.provisioned_throughput;
  if (!pt || pt->read_capacity_units <= 0 || pt->write_capacity_units <= 0) {
    return kInvalidParameterValues +
           "ReadCapacityUnits and WriteCapacityUnits must both be specified when "
           "BillingMode is PROVISIONED";
  }
  if (pt->read_capacity_units > kMaxProvisionedUnits) {
    return "Given value " + std::to_string(pt->read_capacity_units) +
           " for ReadCapacityUnits is out of bounds";
  }
  if (pt->write_capacity_units > kMaxProvisionedUnits) {
    return "Given value " + std::to_string(pt->write_capacity_units) +
           " for WriteCapacityUnits is out of bounds";
  }
  return std::nullopt;
}

// The checks GlobalSecondaryIndexes and LocalSecondaryIndexes share, after the key schema's.
std::optional<std::string> projection_error(const GlobalSecondaryIndex& g) {
  if (g.projection_type_missing) return kInvalidParameterValues + "Unknown ProjectionType: null";
  if (!g.non_key_attributes.empty() && g.projection_type != ProjectionType::kInclude) {
    return kInvalidParameterValues + "ProjectionType is " +
           (g.projection_type == ProjectionType::kAll ? "ALL" : "KEYS_ONLY") +
           ", but NonKeyAttributes is specified";
  }
  return std::nullopt;
}

std::optional<std::string> duplicate_error(const GlobalSecondaryIndex& g,
                                           std::set<std::string>& index_names) {
  if (!index_names.insert(g.index_name).second) {
    return kInvalidParameterValues + "Duplicate index name: " + g.index_name;
  }
  return std::nullopt;
}

// LocalSecondaryIndexes, as AWS checks them (before GlobalSecondaryIndexes): the table has a
// range key; each index has the table's hash key and a range key of its own; at most 5.
std::optional<std::string> lsi_error(const CreateTableRequest& r,
                                     const std::vector<std::string>& defined,
                                     std::set<std::string>& index_names) {
  if (!r.has_local_secondary_indexes) return std::nullopt;
  if (r.local_secondary_indexes.empty()) {
    return kInvalidParameterValues + "List of LocalSecondaryIndexes is empty";
  }
  if (r.key_schema.size() != 2) {
    return kInvalidParameterValues +
           "Table KeySchema does not have a range key, which is required when specifying a "
           "LocalSecondaryIndex";
  }
  const std::string& table_hash = r.key_schema[0].attribute_name;
  for (const auto& l : r.local_secondary_indexes) {
    if (l.key_schema.empty() || l.key_schema.size() > 2) return "Invalid KeySchema";
    if (auto e = key_schema_error(l.key_schema, defined)) return e;
    if (l.key_schema.size() != 2) {
      return kInvalidParameterValues +
             "Index KeySchema does not have a range key for index: " + l.index_name;
    }
    const std::string& hash = l.key_schema[0].attribute_name;
    if (hash != table_hash) {
      return kInvalidParameterValues +
             "Index KeySchema does not have the same leading hash key as table KeySchema for "
             "index: " +
             l.index_name + ". index hash key: " + hash + ", table hash key: " + table_hash;
    }
    if (auto e = projection_error(l)) return e;
    if (auto e = duplicate_error(l, index_names)) return e;
  }
  if (r.local_secondary_indexes.size() > 5) {
    return kInvalidParameterValues + "Number of LocalSecondaryIndexes exceeds per-table limit of 5";
  }
  return std::nullopt;
}

std::optional<std::string> gsi_error(const CreateTableRequest& r,
                                     const std::vector<std::string>& defined,
                                     std::set<std::string>& index_names) {
  if (r.has_global_secondary_indexes && r.global_secondary_indexes.empty()) {
    return kInvalidParameterValues + "List of GlobalSecondaryIndexes is empty";
  }
  const bool ppr = r.billing_mode == BillingMode::kPayPerRequest;
  for (const auto& g : r.global_secondary_indexes) {
    if (g.key_schema.empty() || g.key_schema.size() > 2) return "Invalid KeySchema";
    if (auto e = key_schema_error(g.key_schema, defined)) return e;
    if (auto e = projection_error(g)) return e;
    if (ppr && g.provisioned_throughput) {
      return kInvalidParameterValues +
             "ProvisionedThroughput should not be specified for index: " + g.index_name +
             " when BillingMode is PAY_PER_REQUEST";
    }
    if (auto e = duplicate_error(g, index_names)) return e;
  }
  if (r.global_secondary_indexes.size() > 20) {
    return kInvalidParameterValues + "GlobalSecondaryIndex count exceeds the per-table limit of 20";
  }
  return std::nullopt;
}

// With indexes, every attribute definition must be a key of the table or of an index.
// ASSUMPTION: both lists in name order (AWS's one recorded answer lists them so).
std::optional<std::string> unused_definition_error(const CreateTableRequest& r,
                                                   const std::vector<std::string>& defined) {
  std::set<std::string> used;
  for (const auto& k : r.key_schema) used.insert(k.attribute_name);
  for (const auto* list : {&r.local_secondary_indexes, &r.global_secondary_indexes}) {
    for (const auto& index : *list) {
      for (const auto& k : index.key_schema) used.insert(k.attribute_name);
    }
  }
  const std::set<std::string> all(defined.begin(), defined.end());
  if (all.size() == used.size()) return std::nullopt;
  return kInvalidParameterValues +
         "Some AttributeDefinitions are not used. AttributeDefinitions: [" +
         join({all.begin(), all.end()}) + "], keys used: [" + join({used.begin(), used.end()}) +
         "]";
}

std::optional<std::string> create_error(const CreateTableRequest& r) {
  if (auto e = throughput_error(r, r.billing_mode == BillingMode::kPayPerRequest)) return e;
  std::vector<std::string> defined;
  for (const auto& d : r.attribute_definitions) defined.push_back(d.attribute_name);
  if (r.key_schema.empty() || r.key_schema.size() > 2) return "Invalid KeySchema";
  if (r.key_schema.size() > defined.size()) {
    return "Invalid KeySchema: Some index key attribute have no definition";
  }
  if (auto e = key_schema_error(r.key_schema, defined)) return e;
  const bool has_indexes = r.has_global_secondary_indexes || r.has_local_secondary_indexes;
  if (!has_indexes && r.key_schema.size() != defined.size()) {
    return kInvalidParameterValues +
           "Number of attributes in KeySchema does not exactly match number of "
           "attributes defined in AttributeDefinitions";
  }
  std::set<std::string> index_names;
  if (auto e = lsi_error(r, defined, index_names)) return e;
  if (auto e = gsi_error(r, defined, index_names)) return e;
  if (has_indexes) {
    if (auto e = unused_definition_error(r, defined)) return e;
  }
  if (r.stream_specification && r.stream_specification->stream_enabled &&
      !r.stream_specification->stream_view_type) {
    return "1 validation error detected: Value null at 'streamSpecification.streamViewType' "
           "failed to satisfy constraint: Member must not be null";
  }
  return std::nullopt;
}

KeyAttribute key_attribute(const std::vector<AttributeDefinition>& defs, const std::string& name) {
  for (const auto& d : defs) {
    if (d.attribute_name == name) return KeyAttribute{name, d.attribute_type};
  }
  return KeyAttribute{name, Type::kS};
}

TableDescription describe(const Table& t, const DatabaseOptions& o, const char* status) {
  const auto& s = t.schema();
  TableDescription d;
  d.table_name = s.name;
  d.table_arn = s.arn;
  d.table_id = s.id;
  d.table_status = status;
  d.creation_date_time = s.created;
  d.attribute_definitions = s.attribute_definitions;
  d.key_schema = s.key_schema;
  for (const auto& index : t.indexes()) {
    IndexDescription id;
    id.definition = index.schema.definition;
    id.index_arn = s.arn + "/index/" + index.schema.definition.index_name;
    id.item_count = index.stats.items;
    id.index_size_bytes = index.stats.bytes;
    auto& list = index.schema.local ? d.local_secondary_indexes : d.global_secondary_indexes;
    list.push_back(std::move(id));
  }
  d.billing_mode = s.billing_mode;
  d.provisioned_throughput = s.provisioned_throughput;
  d.item_count = t.item_count();
  d.table_size_bytes = t.size_bytes();
  d.stream_specification = s.stream_specification;
  if (t.stream()) {
    d.latest_stream_arn = t.stream()->arn();
    d.latest_stream_label = t.stream()->label();
  }
  (void)o;
  return d;
}

}  // namespace

Result<TableDescription> Database::create_table(const CreateTableRequest& request, Micros now) {
  if (auto err = Ops::begin(*this, "CreateTable", request.table_name, now)) return *err;
  if (auto e = create_error(request)) return validation_error(*e);
  if (tables_.count(request.table_name)) {
    return errors::dynamodb::kResourceInUse("Table already exists: " + request.table_name);
  }
  TableSchema s;
  s.name = request.table_name;
  s.arn = "arn:aws:dynamodb:" + options_.region + ":" + options_.account_id + ":table/" + s.name;
  s.id = random_.uuid_v4();
  s.created = now;
  s.attribute_definitions = request.attribute_definitions;
  s.key_schema = request.key_schema;
  s.hash = key_attribute(s.attribute_definitions, request.key_schema[0].attribute_name);
  if (request.key_schema.size() == 2) {
    s.range = key_attribute(s.attribute_definitions, request.key_schema[1].attribute_name);
  }
  // Global indexes first, then local ones: an index's place is its number in the store.
  // DEVIATION: with local indexes AWS limits an item collection (one partition key's items and
  // their local index entries) to 10 GB and answers ReturnItemCollectionMetrics; neither is
  // done here (docs/dynamodb.md: a running size per partition key would cost every write).
  for (const auto* list : {&request.global_secondary_indexes, &request.local_secondary_indexes}) {
    for (const auto& g : *list) {
      IndexSchema is{g,
                     key_attribute(s.attribute_definitions, g.key_schema[0].attribute_name),
                     {},
                     list == &request.local_secondary_indexes};
      if (g.key_schema.size() == 2) {
        is.range = key_attribute(s.attribute_definitions, g.key_schema[1].attribute_name);
      }
      s.indexes.push_back(std::move(is));
    }
  }
  s.billing_mode = request.billing_mode.value_or(BillingMode::kProvisioned);
  if (request.provisioned_throughput) s.provisioned_throughput = *request.provisioned_throughput;
  if (request.stream_specification && request.stream_specification->stream_enabled) {
    s.stream_specification = request.stream_specification;
  }
  s.persist = request.persist;
  s.number = next_table_number();
  auto table = std::make_unique<Table>(std::move(s), store_, row_cache_);
  if (table->schema().stream_specification) table->set_stream(make_stream(table->schema(), now));
  save_stats(*table);
  Table& t = *table;
  tables_.emplace(request.table_name, std::move(table));
  return describe(t, options_, "CREATING");
}

Result<TableDescription> Database::delete_table(const std::string& table_name, Micros now) {
  if (auto err = Ops::begin(*this, "DeleteTable", table_name, now)) return *err;
  auto it = tables_.find(table_name);
  if (it == tables_.end()) return table_not_found(table_name);
  TableDescription d = describe(*it->second, options_, "DELETING");
  retire_stream(*it->second, now);  // flushes, and keeps the stream's records whole
  storage_.ensure_transaction();
  persistence_.delete_schema(table_name);
  store_.remove_table(it->second->number());
  tables_.erase(it);
  return d;
}

Result<TableDescription> Database::describe_table(const std::string& table_name, Micros now) {
  if (auto err = Ops::begin(*this, "DescribeTable", table_name, now)) return *err;
  auto table = Ops::table(*this, table_name, true);
  if (!table) return table.error();
  return describe(**table, options_, "ACTIVE");
}

Result<ListTablesResult> Database::list_tables(const ListTablesRequest& request, Micros now) {
  if (auto err = Ops::begin(*this, "ListTables", "", now)) return *err;
  const std::int64_t limit = request.limit.value_or(100);
  ListTablesResult result;
  auto it = request.exclusive_start_table_name
                ? tables_.upper_bound(*request.exclusive_start_table_name)
                : tables_.begin();
  for (; it != tables_.end(); ++it) {
    if (static_cast<std::int64_t>(result.table_names.size()) >= limit) {
      result.last_evaluated_table_name = result.table_names.back();
      break;
    }
    result.table_names.push_back(it->first);
  }
  return result;
}

Result<TableDescription> Database::update_table(const UpdateTableRequest& request, Micros now) {
  if (auto err = Ops::begin(*this, "UpdateTable", request.table_name, now)) return *err;
  auto table = Ops::table(*this, request.table_name, true);
  if (!table) return table.error();
  Table& t = **table;
  auto& s = t.schema();
  if (!request.billing_mode && !request.provisioned_throughput && !request.stream_specification &&
      request.index_update_throughputs.empty()) {
    return validation_error(
        "At least one of ProvisionedThroughput, BillingMode, UpdateStreamEnabled, "
        "GlobalSecondaryIndexUpdates or SSESpecification or ReplicaUpdates is "
        "required");
  }
  const BillingMode mode = request.billing_mode.value_or(s.billing_mode);
  if (mode == BillingMode::kPayPerRequest && request.provisioned_throughput) {
    return validation_error(kInvalidParameterValues +
                            "Neither ReadCapacityUnits nor WriteCapacityUnits can be "
                            "specified when BillingMode is PAY_PER_REQUEST");
  }
  for (const auto& pt : request.index_update_throughputs) {
    if (pt && (pt->read_capacity_units > kMaxProvisionedUnits ||
               pt->write_capacity_units > kMaxProvisionedUnits)) {
      return validation_error(
          "This operation cannot be performed with given input values. Please contact DynamoDB "
          "service team for more info: Action Blocked: IndexUpdate");
    }
  }
  // DEVIATION: indexes are created with the table only; GlobalSecondaryIndexUpdates are
  // refused (after AWS's own checks of them) rather than ignored.
  if (!request.index_update_throughputs.empty()) {
    return validation_error("The emulator does not support GlobalSecondaryIndexUpdates");
  }
  if (mode == BillingMode::kProvisioned && s.billing_mode == BillingMode::kPayPerRequest &&
      !request.provisioned_throughput) {
    return validation_error(kInvalidParameterValues +
                            "ProvisionedThroughput must be specified when BillingMode "
                            "is PROVISIONED");
  }
  if (const auto& spec = request.stream_specification) {
    const bool on = t.stream() && t.stream()->enabled();
    if (spec->stream_enabled && on) {
      return validation_error("Table already has an enabled stream: " + t.stream()->arn());
    }
    if (!spec->stream_enabled && !on) {
      return validation_error("Stream is already disabled for table: " + s.name);
    }
    if (spec->stream_enabled && !spec->stream_view_type) {
      return validation_error(
          "One or more parameter values were invalid: StreamViewType must be "
          "specified when StreamEnabled is true");
    }
  }
  s.billing_mode = mode;
  if (request.provisioned_throughput) s.provisioned_throughput = *request.provisioned_throughput;
  if (mode == BillingMode::kPayPerRequest) s.provisioned_throughput = {};
  if (const auto& spec = request.stream_specification) {
    if (spec->stream_enabled) {
      s.stream_specification = spec;
      t.set_stream(make_stream(s, now));
    } else {
      retire_stream(t, now);
      s.stream_specification.reset();
    }
  }
  save_stats(t);
  return describe(t, options_, "UPDATING");
}

Result<TimeToLiveDescription> Database::describe_time_to_live(const std::string& table_name,
                                                              Micros now) {
  if (auto err = Ops::begin(*this, "DescribeTimeToLive", table_name, now)) return *err;
  auto table = Ops::table(*this, table_name, true);
  if (!table) return table.error();
  const auto& s = (*table)->schema();
  TimeToLiveDescription d;
  d.time_to_live_status = s.ttl_enabled ? "ENABLED" : "DISABLED";
  if (s.ttl_enabled) d.attribute_name = s.ttl_attribute;
  return d;
}

Result<UpdateTimeToLiveRequest> Database::update_time_to_live(
    const UpdateTimeToLiveRequest& request, Micros now) {
  if (auto err = Ops::begin(*this, "UpdateTimeToLive", request.table_name, now)) return *err;
  auto table = Ops::table(*this, request.table_name, true);
  if (!table) return table.error();
  Table& t = **table;
  auto& s = t.schema();
  if (request.enabled && s.ttl_enabled) return validation_error("TimeToLive is already enabled");
  if (!request.enabled && !s.ttl_enabled) return validation_error("TimeToLive is already disabled");
  if (s.ttl_changed && now - *s.ttl_changed < kMicrosPerHour) {
    return validation_error(
        "Time to live has been modified multiple times within a fixed interval");
  }
  if (!request.enabled && request.attribute_name != s.ttl_attribute) {
    return validation_error(
        "TimeToLive is active on a different AttributeName: current "
        "AttributeName is " +
        s.ttl_attribute);
  }
  flush();  // every row is in the store, where the expiries are recomputed
  s.ttl_enabled = request.enabled;
  s.ttl_attribute = request.enabled ? request.attribute_name : "";
  s.ttl_changed = now;
  storage_.ensure_transaction();
  t.rebuild_ttl_index();
  save_stats(t);
  return request;
}

}  // namespace emu::dynamodb
