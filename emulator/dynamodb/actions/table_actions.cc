// The control-plane actions (CreateTable, UpdateTable, DescribeTable, DeleteTable, ListTables,
// DescribeTimeToLive, UpdateTimeToLive): each one's field table in dynalite's (AWS's) order,
// parser and handler.
#include <set>

#include "emulator/dynamodb/actions/action.h"
#include "emulator/dynamodb/wire.h"
#include "emulator/dynamodb/wire_fields.h"
#include "emulator/dynamodb/wire_schema.h"

namespace emu::dynamodb {

using namespace wire_detail;  // NOLINT: internal helpers of this layer

namespace {

constexpr std::array<std::string_view, 2> kBillingModes = {"PROVISIONED", "PAY_PER_REQUEST"};
constexpr std::array<std::string_view, 4> kStreamViewTypes = {"NEW_IMAGE", "OLD_IMAGE",
                                                              "NEW_AND_OLD_IMAGES", "KEYS_ONLY"};

const RequestSchema kThroughputSchema = {
    {.name = "WriteCapacityUnits", .type = FieldType::kLong, .not_null = true, .min_value = 1},
    {.name = "ReadCapacityUnits", .type = FieldType::kLong, .not_null = true, .min_value = 1},
};

const RequestSchema kStreamSpecificationSchema = {
    {.name = "StreamEnabled", .type = FieldType::kBoolean, .not_null = true},
    {.name = "StreamViewType", .allowed = kStreamViewTypes},
};

constexpr std::array<std::string_view, 3> kAttributeTypes = {"B", "N", "S"};
constexpr std::array<std::string_view, 2> kKeyTypes = {"HASH", "RANGE"};
constexpr std::array<std::string_view, 3> kProjectionTypes = {"ALL", "INCLUDE", "KEYS_ONLY"};

const RequestSchema kAttributeDefinitionSchema = {
    {.name = "AttributeName", .not_null = true},
    {.name = "AttributeType", .not_null = true, .allowed = kAttributeTypes},
};

const RequestSchema kKeySchemaElementSchema = {
    {.name = "AttributeName", .not_null = true},
    {.name = "KeyType", .not_null = true, .allowed = kKeyTypes},
};

// In an index's key schema the key type is checked later, with the index.
const RequestSchema kIndexKeySchemaElementSchema = {
    {.name = "AttributeName", .not_null = true},
    {.name = "KeyType", .not_null = true},
};

const RequestSchema kProjectionSchema = {
    {.name = "ProjectionType", .allowed = kProjectionTypes},
    {.name = "NonKeyAttributes", .type = FieldType::kStringList, .min_length = 1},
};

const RequestSchema kIndexSchema = {
    {.name = "IndexName",
     .not_null = true,
     .pattern = kNamePattern,
     .min_length = 3,
     .max_length = 255},
    {.name = "KeySchema",
     .type = FieldType::kList,
     .element_class = "KeySchemaElement",
     .not_null = true,
     .min_length = 1,
     .max_length = 2,
     .children = &kIndexKeySchemaElementSchema},
    {.name = "Projection",
     .type = FieldType::kStruct,
     .element_class = "Projection",
     .not_null = true,
     .children = &kProjectionSchema},
};

const RequestSchema kGlobalIndexSchema = {
    kIndexSchema[0],
    kIndexSchema[1],
    kIndexSchema[2],
    {.name = "ProvisionedThroughput",
     .type = FieldType::kStruct,
     .element_class = "ProvisionedThroughput",
     .children = &kThroughputSchema},
};

const RequestSchema kCreateTableSchema = {
    {.name = "AttributeDefinitions",
     .type = FieldType::kList,
     .element_class = "AttributeDefinition",
     .not_null = true,
     .children = &kAttributeDefinitionSchema},
    kControlTableNameRule,
    {.name = "BillingMode", .allowed = kBillingModes},
    {.name = "ProvisionedThroughput",
     .type = FieldType::kStruct,
     .element_class = "ProvisionedThroughput",
     .children = &kThroughputSchema},
    {.name = "KeySchema",
     .type = FieldType::kList,
     .element_class = "KeySchemaElement",
     .not_null = true,
     .min_length = 1,
     .max_length = 2,
     .children = &kKeySchemaElementSchema},
    {.name = "LocalSecondaryIndexes",
     .type = FieldType::kList,
     .element_class = "LocalSecondaryIndex",
     .children = &kIndexSchema},
    {.name = "GlobalSecondaryIndexes",
     .type = FieldType::kList,
     .element_class = "GlobalSecondaryIndex",
     .children = &kGlobalIndexSchema},
    {.name = "StreamSpecification",
     .type = FieldType::kStruct,
     .element_class = "StreamSpecification",
     .children = &kStreamSpecificationSchema},
};

const RequestSchema kIndexUpdateSchema = {
    kIndexSchema[0],
    {.name = "ProvisionedThroughput",
     .type = FieldType::kStruct,
     .element_class = "ProvisionedThroughput",
     .not_null = true,
     .children = &kThroughputSchema},
};

const RequestSchema kIndexDeleteSchema = {kIndexSchema[0]};

const RequestSchema kGlobalSecondaryIndexUpdateSchema = {
    {.name = "Update",
     .type = FieldType::kStruct,
     .element_class = "UpdateGlobalSecondaryIndexAction",
     .children = &kIndexUpdateSchema},
    {.name = "Create",
     .type = FieldType::kStruct,
     .element_class = "CreateGlobalSecondaryIndexAction",
     .children = &kGlobalIndexSchema},
    {.name = "Delete",
     .type = FieldType::kStruct,
     .element_class = "DeleteGlobalSecondaryIndexAction",
     .children = &kIndexDeleteSchema},
};

const RequestSchema kUpdateTableSchema = {
    kControlTableNameRule,
    {.name = "ProvisionedThroughput",
     .type = FieldType::kStruct,
     .element_class = "ProvisionedThroughput",
     .children = &kThroughputSchema},
    {.name = "BillingMode", .allowed = kBillingModes},
    {.name = "GlobalSecondaryIndexUpdates",
     .type = FieldType::kList,
     .element_class = "GlobalSecondaryIndexUpdate",
     .children = &kGlobalSecondaryIndexUpdateSchema},
    {.name = "StreamSpecification",
     .type = FieldType::kStruct,
     .element_class = "StreamSpecification",
     .children = &kStreamSpecificationSchema},
};

const RequestSchema kTableNameOnlySchema = {kControlTableNameRule};

const RequestSchema kListTablesSchema = {
    {.name = "Limit", .type = FieldType::kInteger, .min_value = 1, .max_value = 100},
    {.name = "ExclusiveStartTableName",
     .pattern = kNamePattern,
     .min_length = 3,
     .max_length = 255},
};

const RequestSchema kTimeToLiveSpecificationSchema = {
    {.name = "Enabled", .type = FieldType::kBoolean, .not_null = true},
    {.name = "AttributeName", .not_null = true, .min_length = 1, .max_length = 255},
};

const RequestSchema kUpdateTimeToLiveSchema = {
    kTableNameRule,
    {.name = "TimeToLiveSpecification",
     .type = FieldType::kStruct,
     .element_class = "TimeToLiveSpecification",
     .not_null = true,
     .children = &kTimeToLiveSpecificationSchema},
};

json describe_wrapper(const char* member, const TableDescription& d) {
  return json{{member, render_table_description(d)}};
}

Result<std::vector<KeySchemaElement>> key_schema(const json* keys, Fields& f, std::string member) {
  std::vector<KeySchemaElement> out;
  if (!keys) return out;
  if (!keys->is_array()) return serialization_error("Unexpected field type");
  for (const auto& k : *keys) {
    Fields kf(k);
    KeySchemaElement e;
    e.attribute_name = kf.string("AttributeName").value_or("");
    e.key_type = kf.string("KeyType").value_or("");
    if (auto err = kf.error()) return *err;
    out.push_back(std::move(e));
  }
  f.constraint(!out.empty(), keys, member, "Member must have length greater than or equal to 1");
  f.constraint(out.size() <= 2, keys, member, "Member must have length less than or equal to 2");
  return out;
}

std::optional<ProvisionedThroughput> throughput(const json* v) {
  if (!v || !v->is_object()) return std::nullopt;
  Fields f(*v);
  ProvisionedThroughput pt;
  pt.read_capacity_units = f.integer("ReadCapacityUnits", "Long").value_or(0);
  pt.write_capacity_units = f.integer("WriteCapacityUnits", "Long").value_or(0);
  return pt;
}

std::optional<StreamSpecification> stream_spec(const json* v) {
  if (!v || !v->is_object()) return std::nullopt;
  Fields f(*v);
  StreamSpecification s;
  s.stream_enabled = f.boolean("StreamEnabled").value_or(false);
  const auto view = f.string("StreamViewType");
  if (view == "KEYS_ONLY") s.stream_view_type = StreamViewType::kKeysOnly;
  if (view == "NEW_IMAGE") s.stream_view_type = StreamViewType::kNewImage;
  if (view == "OLD_IMAGE") s.stream_view_type = StreamViewType::kOldImage;
  if (view == "NEW_AND_OLD_IMAGES") s.stream_view_type = StreamViewType::kNewAndOldImages;
  return s;
}

std::optional<BillingMode> billing(const std::optional<std::string>& s) {
  if (s == "PAY_PER_REQUEST") return BillingMode::kPayPerRequest;
  if (s == "PROVISIONED") return BillingMode::kProvisioned;
  return std::nullopt;
}

// One element of GlobalSecondaryIndexes or LocalSecondaryIndexes (`list`: the member's name
// as AWS's messages spell it).
Result<GlobalSecondaryIndex> parse_index(const json& g, Fields& parent, std::string_view list,
                                         std::size_t i) {
  Fields f(g);
  GlobalSecondaryIndex out;
  out.index_name = f.string("IndexName").value_or("");
  const std::string member = std::string(list) + "." + std::to_string(i + 1) + ".member.";
  auto keys = key_schema(f.raw("KeySchema"), parent, member + "keySchema");
  if (!keys) return keys.error();
  out.key_schema = std::move(*keys);
  if (const json* p = f.object("Projection")) {
    Fields pf(*p);
    const auto type = pf.string("ProjectionType");
    out.projection_type_missing = !type;
    out.projection_type = type == "KEYS_ONLY" ? ProjectionType::kKeysOnly
                          : type == "INCLUDE" ? ProjectionType::kInclude
                                              : ProjectionType::kAll;
    if (const json* nk = pf.array("NonKeyAttributes")) {
      for (const auto& a : *nk) {
        if (a.is_string()) out.non_key_attributes.push_back(a.get<std::string>());
      }
    }
    if (auto e = pf.error()) return *e;
  }
  out.provisioned_throughput = throughput(f.raw("ProvisionedThroughput"));
  parent.constraint(f.raw("Projection") != nullptr, nullptr, member + "projection",
                    "Member must not be null");
  if (auto e = f.error()) return *e;
  return out;
}

}  // namespace

Result<std::string> parse_table_name(const json& body) {
  if (auto e = check_request(kTableNameOnlySchema, body)) return *e;
  return body["TableName"].get<std::string>();
}

Result<CreateTableRequest> parse_create_table(const json& body) {
  if (auto e = check_request(kCreateTableSchema, body)) return *e;
  Fields f(body);
  CreateTableRequest r;
  r.table_name = f.string("TableName").value_or("");
  if (const json* defs = f.array("AttributeDefinitions")) {
    for (const auto& d : *defs) {
      Fields df(d);
      AttributeDefinition a;
      a.attribute_name = df.string("AttributeName").value_or("");
      const auto type = df.string("AttributeType");
      if (auto e = df.error()) return *e;
      Type parsed = Type::kNull;
      if (type) {
        if (auto t = type_from_name(*type)) parsed = *t;
      }
      f.constraint(parsed == Type::kS || parsed == Type::kN || parsed == Type::kB,
                   df.raw("AttributeType"),
                   "attributeDefinitions." + std::to_string(r.attribute_definitions.size() + 1) +
                       ".member.attributeType",
                   "Member must satisfy enum value set: [B, N, S]");
      a.attribute_type = parsed == Type::kNull ? Type::kS : parsed;
      r.attribute_definitions.push_back(std::move(a));
    }
  }
  auto keys = key_schema(f.raw("KeySchema"), f, "keySchema");
  if (!keys) return keys.error();
  r.key_schema = std::move(*keys);
  if (const json* lsis = f.array("LocalSecondaryIndexes")) {
    r.has_local_secondary_indexes = true;
    for (std::size_t i = 0; i < lsis->size(); ++i) {
      auto l = parse_index((*lsis)[i], f, "localSecondaryIndexes", i);
      if (!l) return l.error();
      l->provisioned_throughput.reset();  // not a member of LocalSecondaryIndex
      r.local_secondary_indexes.push_back(std::move(*l));
    }
  }
  if (const json* gsis = f.array("GlobalSecondaryIndexes")) {
    r.has_global_secondary_indexes = true;
    for (std::size_t i = 0; i < gsis->size(); ++i) {
      auto g = parse_index((*gsis)[i], f, "globalSecondaryIndexes", i);
      if (!g) return g.error();
      r.global_secondary_indexes.push_back(std::move(*g));
    }
  }
  r.billing_mode = billing(f.string("BillingMode"));
  r.provisioned_throughput = throughput(f.object("ProvisionedThroughput"));
  r.stream_specification = stream_spec(f.object("StreamSpecification"));
  if (auto e = f.error()) return *e;
  return r;
}

// UpdateTable's GlobalSecondaryIndexUpdates as AWS checks them before it looks the table up:
// each names one of Update, Create or Delete, and no index twice.
Status read_index_updates(const json* updates, UpdateTableRequest& r) {
  std::set<std::string> names;
  for (std::size_t i = 0; updates && i < updates->size(); ++i) {
    Fields u((*updates)[i]);
    const json* update = u.raw("Update");
    const json* chosen = update ? update : u.raw("Create") ? u.raw("Create") : u.raw("Delete");
    if (!chosen) {
      return validation_error(
          "One or more parameter values were invalid: One of GlobalSecondaryIndexUpdate.Update, "
          "GlobalSecondaryIndexUpdate.Create, GlobalSecondaryIndexUpdate.Delete must not be "
          "null");
    }
    const std::string name = Fields(*chosen).string("IndexName").value_or("");
    if (!names.insert(name).second) {
      return validation_error(
          "One or more parameter values were invalid: Only one global secondary index update "
          "per index is allowed simultaneously. Index: " +
          name);
    }
    r.index_update_throughputs.push_back(
        update ? throughput(Fields(*update).raw("ProvisionedThroughput")) : std::nullopt);
  }
  return ok_status();
}

// AWS's largest provisioned throughput.
constexpr std::int64_t kMaxCapacityUnits = 1000000000000;

// What UpdateTable refuses before it looks the table up, in AWS's order.
Status check_update_table_request(const UpdateTableRequest& r) {
  if (!r.billing_mode && !r.provisioned_throughput && !r.stream_specification &&
      r.index_update_throughputs.empty()) {
    return validation_error(
        "At least one of ProvisionedThroughput, BillingMode, UpdateStreamEnabled, "
        "GlobalSecondaryIndexUpdates or SSESpecification or ReplicaUpdates is required");
  }
  if (const auto& pt = r.provisioned_throughput) {
    for (const auto& [units, name] : {std::pair{pt->read_capacity_units, "ReadCapacityUnits"},
                                      std::pair{pt->write_capacity_units, "WriteCapacityUnits"}}) {
      if (units > kMaxCapacityUnits) {
        return validation_error("Given value " + std::to_string(units) + " for " + name +
                                " is out of bounds");
      }
    }
  }
  return ok_status();
}

Result<UpdateTableRequest> parse_update_table(const json& body) {
  if (auto e = check_request(kUpdateTableSchema, body)) return *e;
  Fields f(body);
  UpdateTableRequest r;
  r.table_name = f.string("TableName").value_or("");
  r.billing_mode = billing(f.string("BillingMode"));
  r.provisioned_throughput = throughput(f.object("ProvisionedThroughput"));
  r.stream_specification = stream_spec(f.object("StreamSpecification"));
  if (auto e = f.error()) return *e;
  if (auto s = read_index_updates(f.raw("GlobalSecondaryIndexUpdates"), r); !s) {
    return s.error();
  }
  if (auto s = check_update_table_request(r); !s) return s.error();
  return r;
}

Result<ListTablesRequest> parse_list_tables(const json& body) {
  if (auto e = check_request(kListTablesSchema, body)) return *e;
  Fields f(body);
  ListTablesRequest r;
  r.exclusive_start_table_name = f.string("ExclusiveStartTableName");
  r.limit = f.integer("Limit");
  return r;
}

Result<UpdateTimeToLiveRequest> parse_update_time_to_live(const json& body) {
  if (auto e = check_request(kUpdateTimeToLiveSchema, body)) return *e;
  Fields f(body);
  Fields spec(body["TimeToLiveSpecification"]);
  UpdateTimeToLiveRequest r;
  r.table_name = f.string("TableName").value_or("");
  r.enabled = spec.boolean("Enabled").value_or(false);
  r.attribute_name = spec.string("AttributeName").value_or("");
  return r;
}

Result<json> create_table_action(Database& db, const json& body, Micros now) {
  return run_action(
      body, parse_create_table, [&](const auto& r) { return db.create_table(r, now); },
      [](const auto& d) { return describe_wrapper("TableDescription", d); });
}

Result<json> update_table_action(Database& db, const json& body, Micros now) {
  return run_action(
      body, parse_update_table, [&](const auto& r) { return db.update_table(r, now); },
      [](const auto& d) { return describe_wrapper("TableDescription", d); });
}

Result<json> describe_table_action(Database& db, const json& body, Micros now) {
  return run_action(
      body, parse_table_name, [&](const std::string& name) { return db.describe_table(name, now); },
      [](const auto& d) { return describe_wrapper("Table", d); });
}

Result<json> delete_table_action(Database& db, const json& body, Micros now) {
  return run_action(
      body, parse_table_name, [&](const std::string& name) { return db.delete_table(name, now); },
      [](const auto& d) { return describe_wrapper("TableDescription", d); });
}

Result<json> list_tables_action(Database& db, const json& body, Micros now) {
  return run_action(
      body, parse_list_tables, [&](const auto& r) { return db.list_tables(r, now); },
      [](const ListTablesResult& r) {
        json out = {{"TableNames", r.table_names}};
        if (r.last_evaluated_table_name) {
          out["LastEvaluatedTableName"] = *r.last_evaluated_table_name;
        }
        return out;
      });
}

Result<json> describe_time_to_live_action(Database& db, const json& body, Micros now) {
  return run_action(
      body, parse_table_name,
      [&](const std::string& name) { return db.describe_time_to_live(name, now); },
      [](const TimeToLiveDescription& d) {
        json t = {{"TimeToLiveStatus", d.time_to_live_status}};
        if (d.attribute_name) t["AttributeName"] = *d.attribute_name;
        return json{{"TimeToLiveDescription", t}};
      });
}

Result<json> update_time_to_live_action(Database& db, const json& body, Micros now) {
  return run_action(
      body, parse_update_time_to_live,
      [&](const auto& r) { return db.update_time_to_live(r, now); },
      [](const UpdateTimeToLiveRequest& r) {
        return json{{"TimeToLiveSpecification",
                     {{"Enabled", r.enabled}, {"AttributeName", r.attribute_name}}}};
      });
}

}  // namespace emu::dynamodb
