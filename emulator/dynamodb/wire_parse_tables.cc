// JSON request bodies -> typed requests for the table operations.
#include "emulator/dynamodb/wire.h"
#include "emulator/dynamodb/wire_fields.h"

namespace emu::dynamodb {

using namespace wire_detail;  // NOLINT: internal helpers of this layer

namespace {

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

Result<GlobalSecondaryIndex> parse_gsi(const json& g, Fields& parent, std::size_t i) {
  Fields f(g);
  GlobalSecondaryIndex out;
  out.index_name = f.string("IndexName").value_or("");
  const std::string member = "globalSecondaryIndexes." + std::to_string(i + 1) + ".member.";
  auto keys = key_schema(f.raw("KeySchema"), parent, member + "keySchema");
  if (!keys) return keys.error();
  out.key_schema = std::move(*keys);
  if (const json* p = f.object("Projection")) {
    Fields pf(*p);
    const auto type = pf.string("ProjectionType");
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
  Fields f(body);
  auto name = f.string("TableName");
  f.table_name();
  if (auto e = f.error()) return *e;
  return *name;
}

Result<CreateTableRequest> parse_create_table(const json& body) {
  Fields f(body);
  CreateTableRequest r;
  r.table_name = f.string("TableName").value_or("");
  f.table_name();
  f.not_null("AttributeDefinitions", "attributeDefinitions");
  f.not_null("KeySchema", "keySchema");
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
  if (const json* gsis = f.array("GlobalSecondaryIndexes")) {
    r.has_global_secondary_indexes = true;
    for (std::size_t i = 0; i < gsis->size(); ++i) {
      auto g = parse_gsi((*gsis)[i], f, i);
      if (!g) return g.error();
      r.global_secondary_indexes.push_back(std::move(*g));
    }
  }
  f.one_of("BillingMode", "billingMode", {"PROVISIONED", "PAY_PER_REQUEST"});
  r.billing_mode = billing(f.string("BillingMode"));
  r.provisioned_throughput = throughput(f.object("ProvisionedThroughput"));
  r.stream_specification = stream_spec(f.object("StreamSpecification"));
  if (f.raw("LocalSecondaryIndexes")) {
    // DEVIATION: local secondary indexes are not modelled (the seed has none).
    return validation_error("The emulator does not support LocalSecondaryIndexes");
  }
  if (auto e = f.error()) return *e;
  return r;
}

Result<UpdateTableRequest> parse_update_table(const json& body) {
  Fields f(body);
  UpdateTableRequest r;
  r.table_name = f.string("TableName").value_or("");
  f.table_name();
  f.one_of("BillingMode", "billingMode", {"PROVISIONED", "PAY_PER_REQUEST"});
  r.billing_mode = billing(f.string("BillingMode"));
  r.provisioned_throughput = throughput(f.object("ProvisionedThroughput"));
  r.stream_specification = stream_spec(f.object("StreamSpecification"));
  if (auto e = f.error()) return *e;
  return r;
}

Result<ListTablesRequest> parse_list_tables(const json& body) {
  Fields f(body);
  ListTablesRequest r;
  r.exclusive_start_table_name = f.string("ExclusiveStartTableName");
  f.name_rules("ExclusiveStartTableName", "exclusiveStartTableName", false, 3);
  r.limit = f.integer("Limit");
  f.at_least("Limit", "limit", 1);
  f.at_most("Limit", "limit", 100);
  if (auto e = f.error()) return *e;
  return r;
}

Result<UpdateTimeToLiveRequest> parse_update_time_to_live(const json& body) {
  Fields f(body);
  UpdateTimeToLiveRequest r;
  r.table_name = f.string("TableName").value_or("");
  f.table_name();
  f.not_null("TimeToLiveSpecification", "timeToLiveSpecification");
  if (const json* spec = f.object("TimeToLiveSpecification")) {
    Fields sf(*spec, "timeToLiveSpecification.");
    r.enabled = sf.boolean("Enabled").value_or(false);
    r.attribute_name = sf.string("AttributeName").value_or("");
    sf.not_null("Enabled", "enabled");
    sf.not_null("AttributeName", "attributeName");
    if (const json* a = sf.raw("AttributeName"); a && a->is_string()) {
      sf.constraint(!r.attribute_name.empty(), a, "attributeName",
                    "Member must have length greater than or equal to 1");
    }
    if (auto e = sf.error()) return *e;
  }
  if (auto e = f.error()) return *e;
  return r;
}

}  // namespace emu::dynamodb
