// JSON request bodies -> typed requests, with DynamoDB's type (SerializationException) and
// constraint (ValidationException "N validation errors detected: ...") checks.
#include <initializer_list>

#include "emulator/dynamodb/value_json.h"
#include "emulator/dynamodb/wire.h"

namespace emu::dynamodb {

namespace {

using nlohmann::json;

constexpr std::size_t kMaxConstraintErrors = 10;

std::string wrong_type(const json& v, std::string_view target) {
  if (v.is_boolean()) {
    return std::string(v.get<bool>() ? "TRUE_VALUE" : "FALSE_VALUE") + " cannot be converted to " +
           std::string(target);
  }
  if (v.is_number_integer() || v.is_number_unsigned()) {
    return "NUMBER_VALUE cannot be converted to " + std::string(target);
  }
  if (v.is_number()) return "DECIMAL_VALUE cannot be converted to " + std::string(target);
  if (v.is_string()) return "STRING_VALUE cannot be converted to " + std::string(target);
  if (v.is_array()) return "Unrecognized collection type class java.lang." + std::string(target);
  return "Start of structure or map found where not expected";
}

std::string value_text(const json& v) {
  if (v.is_string()) return "'" + v.get<std::string>() + "'";
  if (v.is_null()) return "null";
  return "'" + v.dump() + "'";
}

// Typed access to one JSON object's members plus constraint checks, collecting errors.
class Fields {
 public:
  explicit Fields(const json& body, std::string prefix = "")
      : body_(body), prefix_(std::move(prefix)) {}

  const json* raw(std::string_view key) const {
    if (!body_.is_object()) return nullptr;
    auto it = body_.find(key);
    return it == body_.end() || it->is_null() ? nullptr : &*it;
  }
  std::optional<std::string> string(std::string_view key) {
    const json* v = raw(key);
    if (!v) return std::nullopt;
    if (!v->is_string()) return type_error(wrong_type(*v, "String")), std::nullopt;
    return v->get<std::string>();
  }
  std::optional<bool> boolean(std::string_view key) {
    const json* v = raw(key);
    if (!v) return std::nullopt;
    if (v->is_boolean()) return v->get<bool>();
    if (v->is_string()) {
      std::string s = v->get<std::string>();
      for (auto& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      if (s == "TRUE" || s == "1" || s == "YES") return true;
      if (s == "FALSE" || s == "0" || s == "NO") return false;
      return type_error("Unexpected token received from parser"), std::nullopt;
    }
    return type_error(wrong_type(*v, "Boolean")), std::nullopt;
  }
  std::optional<std::int64_t> integer(std::string_view key, std::string_view type = "Integer") {
    const json* v = raw(key);
    if (!v) return std::nullopt;
    if (!v->is_number()) return type_error(wrong_type(*v, type)), std::nullopt;
    const double d = v->get<double>();
    if (d > 9.2e18 || d < -9.2e18) return type_error(wrong_type(*v, type)), std::nullopt;
    return v->is_number_integer() ? v->get<std::int64_t>() : static_cast<std::int64_t>(d);
  }
  const json* object(std::string_view key) {
    const json* v = raw(key);
    if (!v) return nullptr;
    if (!v->is_object()) {
      type_error(v->is_array() ? "Unrecognized collection type java.util.Map<java.lang.String, "
                                 "com.amazonaws.dynamodb.v20120810.AttributeValue>"
                               : "Unexpected field type");
      return nullptr;
    }
    return v;
  }
  const json* array(std::string_view key) {
    const json* v = raw(key);
    if (!v) return nullptr;
    if (!v->is_array()) {
      type_error(v->is_object() ? "Start of structure or map found where not expected"
                                : "Unexpected field type");
      return nullptr;
    }
    return v;
  }

  void constraint(bool ok, const json* value, std::string_view member, std::string message) {
    if (ok || errors_.size() >= kMaxConstraintErrors) return;
    errors_.push_back("Value " + (value ? value_text(*value) : std::string("null")) + " at '" +
                      prefix_ + std::string(member) + "' failed to satisfy constraint: " + message);
  }
  void not_null(std::string_view key, std::string_view member) {
    constraint(raw(key) != nullptr, nullptr, member, "Member must not be null");
  }
  void name_rules(std::string_view key, std::string_view member, bool required, int min_len) {
    const json* v = raw(key);
    if (required) not_null(key, member);
    if (!v || !v->is_string()) return;
    const std::string& s = v->get_ref<const std::string&>();
    bool pattern = !s.empty();
    for (char c : s) {
      pattern = pattern &&
                (std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == '-');
    }
    constraint(pattern, v, member,
               "Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+");
    constraint(static_cast<int>(s.size()) >= min_len, v, member,
               "Member must have length greater than or equal to " + std::to_string(min_len));
    constraint(s.size() <= 255, v, member, "Member must have length less than or equal to 255");
  }
  void table_name(bool required = true) { name_rules("TableName", "tableName", required, 3); }
  void one_of(std::string_view key, std::string_view member,
              std::initializer_list<std::string_view> allowed) {
    const json* v = raw(key);
    if (!v || !v->is_string()) return;
    std::string set;
    bool ok = false;
    for (auto a : allowed) {
      set += (set.empty() ? "" : ", ") + std::string(a);
      ok = ok || a == v->get_ref<const std::string&>();
    }
    constraint(ok, v, member, "Member must satisfy enum value set: [" + set + "]");
  }
  void at_least(std::string_view key, std::string_view member, std::int64_t min) {
    const json* v = raw(key);
    if (!v || !v->is_number()) return;
    constraint(v->get<double>() >= static_cast<double>(min), v, member,
               "Member must have value greater than or equal to " + std::to_string(min));
  }
  void at_most(std::string_view key, std::string_view member, std::int64_t max) {
    const json* v = raw(key);
    if (!v || !v->is_number()) return;
    constraint(v->get<double>() <= static_cast<double>(max), v, member,
               "Member must have value less than or equal to " + std::to_string(max));
  }

  std::optional<AwsError> error() const {
    if (type_error_) return serialization_error(*type_error_);
    if (errors_.empty()) return std::nullopt;
    std::string msg = std::to_string(errors_.size()) + " validation error" +
                      (errors_.size() > 1 ? "s" : "") + " detected: ";
    for (std::size_t i = 0; i < errors_.size(); ++i) msg += (i ? "; " : "") + errors_[i];
    return validation_error(msg);
  }
  void type_error(std::string message) {
    if (!type_error_) type_error_ = std::move(message);
  }

 private:
  const json& body_;
  std::string prefix_;
  std::optional<std::string> type_error_;
  std::vector<std::string> errors_;
};

const std::initializer_list<std::string_view> kReturnConsumed = {"INDEXES", "TOTAL", "NONE"};
const std::initializer_list<std::string_view> kReturnValues = {"ALL_NEW", "UPDATED_OLD", "ALL_OLD",
                                                               "NONE", "UPDATED_NEW"};

ReturnConsumedCapacity consumed_mode(const std::optional<std::string>& s) {
  if (s == "TOTAL") return ReturnConsumedCapacity::kTotal;
  if (s == "INDEXES") return ReturnConsumedCapacity::kIndexes;
  return ReturnConsumedCapacity::kNone;
}

ReturnValues return_values(const std::optional<std::string>& s) {
  if (s == "ALL_OLD") return ReturnValues::kAllOld;
  if (s == "ALL_NEW") return ReturnValues::kAllNew;
  if (s == "UPDATED_OLD") return ReturnValues::kUpdatedOld;
  if (s == "UPDATED_NEW") return ReturnValues::kUpdatedNew;
  return ReturnValues::kNone;
}

// Refuses the legacy parameters (see wire.h DEVIATION) with AWS's mixing message when
// expressions are also present.
std::optional<AwsError> legacy_params(const Fields& f, std::initializer_list<const char*> legacy,
                                      std::initializer_list<const char*> expressions) {
  std::string used, exprs;
  for (const char* k : legacy) {
    if (f.raw(k)) used += (used.empty() ? "" : ", ") + std::string(k);
  }
  for (const char* k : expressions) {
    if (f.raw(k)) exprs += (exprs.empty() ? "" : ", ") + std::string(k);
  }
  if (used.empty()) return std::nullopt;
  if (!exprs.empty()) {
    return validation_error(
        "Can not use both expression and non-expression parameters in the "
        "same request: Non-expression parameters: {" +
        used + "} Expression parameters: {" + exprs + "}");
  }
  // DEVIATION: legacy parameters are not implemented (see wire.h).
  return validation_error("The emulator supports only expression parameters; not supported: " +
                          used);
}

Result<ExpressionAttributes> expression_attributes(Fields& f) {
  ExpressionAttributes out;
  if (const json* names = f.object("ExpressionAttributeNames")) {
    expr::Names map;
    for (const auto& [k, v] : names->items()) {
      if (!v.is_string()) return serialization_error(wrong_type(v, "String"));
      map.emplace(k, v.get<std::string>());
    }
    out.names = std::move(map);
  }
  if (const json* values = f.object("ExpressionAttributeValues")) {
    auto item = item_from_json(*values);
    if (!item) {
      if (item.error().code != "ValidationException") return item.error();
      // The offending key is not known here; AWS names it. Find it by converting one by one.
      for (const auto& [k, v] : values->items()) {
        auto one = value_from_json(v);
        if (!one) {
          return validation_error("ExpressionAttributeValues contains invalid value: " +
                                  one.error().message + " for key " + k);
        }
      }
      return item.error();
    }
    out.values = std::move(*item);
  }
  if (auto e = f.error()) return *e;
  return out;
}

Result<Item> item_member(const Fields& f, std::string_view key) {
  const json* v = f.raw(key);
  if (!v) return Item{};
  return item_from_json(*v);
}

std::optional<Select> select_of(const std::optional<std::string>& s) {
  if (!s) return std::nullopt;
  if (*s == "COUNT") return Select::kCount;
  if (*s == "SPECIFIC_ATTRIBUTES") return Select::kSpecificAttributes;
  if (*s == "ALL_PROJECTED_ATTRIBUTES") return Select::kAllProjectedAttributes;
  return Select::kAllAttributes;
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

Result<PutItemRequest> parse_put_item(const json& body) {
  Fields f(body);
  PutItemRequest r;
  r.table_name = f.string("TableName").value_or("");
  f.table_name();
  f.not_null("Item", "item");
  f.object("Item");
  r.condition_expression = f.string("ConditionExpression");
  const auto rv = f.string("ReturnValues");
  const auto rcc = f.string("ReturnConsumedCapacity");
  const auto rvf = f.string("ReturnValuesOnConditionCheckFailure");
  f.one_of("ReturnValues", "returnValues", kReturnValues);
  f.one_of("ReturnConsumedCapacity", "returnConsumedCapacity", kReturnConsumed);
  f.one_of("ReturnValuesOnConditionCheckFailure", "returnValuesOnConditionCheckFailure",
           {"ALL_OLD", "NONE"});
  if (auto e = f.error()) return *e;
  if (auto e = legacy_params(f, {"Expected", "ConditionalOperator"}, {"ConditionExpression"})) {
    return *e;
  }
  auto item = item_member(f, "Item");
  if (!item) return item.error();
  r.item = std::move(*item);
  auto attrs = expression_attributes(f);
  if (!attrs) return attrs.error();
  r.attributes = std::move(*attrs);
  r.return_values = return_values(rv);
  r.return_consumed_capacity = consumed_mode(rcc);
  r.return_old_on_condition_failure = rvf == "ALL_OLD";
  return r;
}

Result<GetItemRequest> parse_get_item(const json& body) {
  Fields f(body);
  GetItemRequest r;
  r.table_name = f.string("TableName").value_or("");
  f.table_name();
  f.not_null("Key", "key");
  f.object("Key");
  r.consistent_read = f.boolean("ConsistentRead").value_or(false);
  r.projection_expression = f.string("ProjectionExpression");
  const auto rcc = f.string("ReturnConsumedCapacity");
  f.one_of("ReturnConsumedCapacity", "returnConsumedCapacity", kReturnConsumed);
  if (auto e = f.error()) return *e;
  if (auto e = legacy_params(f, {"AttributesToGet"}, {"ProjectionExpression"})) return *e;
  auto key = item_member(f, "Key");
  if (!key) return key.error();
  r.key = std::move(*key);
  auto attrs = expression_attributes(f);
  if (!attrs) return attrs.error();
  r.attributes = std::move(*attrs);
  r.return_consumed_capacity = consumed_mode(rcc);
  return r;
}

Result<UpdateItemRequest> parse_update_item(const json& body) {
  Fields f(body);
  UpdateItemRequest r;
  r.table_name = f.string("TableName").value_or("");
  f.table_name();
  f.not_null("Key", "key");
  f.object("Key");
  r.update_expression = f.string("UpdateExpression");
  r.condition_expression = f.string("ConditionExpression");
  const auto rv = f.string("ReturnValues");
  const auto rcc = f.string("ReturnConsumedCapacity");
  const auto rvf = f.string("ReturnValuesOnConditionCheckFailure");
  f.one_of("ReturnValues", "returnValues", kReturnValues);
  f.one_of("ReturnConsumedCapacity", "returnConsumedCapacity", kReturnConsumed);
  f.one_of("ReturnValuesOnConditionCheckFailure", "returnValuesOnConditionCheckFailure",
           {"ALL_OLD", "NONE"});
  if (auto e = f.error()) return *e;
  if (auto e = legacy_params(f, {"AttributeUpdates", "Expected", "ConditionalOperator"},
                             {"UpdateExpression", "ConditionExpression"})) {
    return *e;
  }
  auto key = item_member(f, "Key");
  if (!key) return key.error();
  r.key = std::move(*key);
  auto attrs = expression_attributes(f);
  if (!attrs) return attrs.error();
  r.attributes = std::move(*attrs);
  r.return_values = return_values(rv);
  r.return_consumed_capacity = consumed_mode(rcc);
  r.return_old_on_condition_failure = rvf == "ALL_OLD";
  return r;
}

Result<DeleteItemRequest> parse_delete_item(const json& body) {
  Fields f(body);
  DeleteItemRequest r;
  r.table_name = f.string("TableName").value_or("");
  f.table_name();
  f.not_null("Key", "key");
  f.object("Key");
  r.condition_expression = f.string("ConditionExpression");
  const auto rv = f.string("ReturnValues");
  const auto rcc = f.string("ReturnConsumedCapacity");
  const auto rvf = f.string("ReturnValuesOnConditionCheckFailure");
  f.one_of("ReturnValues", "returnValues", kReturnValues);
  f.one_of("ReturnConsumedCapacity", "returnConsumedCapacity", kReturnConsumed);
  if (auto e = f.error()) return *e;
  if (auto e = legacy_params(f, {"Expected", "ConditionalOperator"}, {"ConditionExpression"})) {
    return *e;
  }
  auto key = item_member(f, "Key");
  if (!key) return key.error();
  r.key = std::move(*key);
  auto attrs = expression_attributes(f);
  if (!attrs) return attrs.error();
  r.attributes = std::move(*attrs);
  r.return_values = return_values(rv);
  r.return_consumed_capacity = consumed_mode(rcc);
  r.return_old_on_condition_failure = rvf == "ALL_OLD";
  return r;
}

Result<QueryRequest> parse_query(const json& body) {
  Fields f(body);
  QueryRequest r;
  r.table_name = f.string("TableName").value_or("");
  f.table_name();
  r.index_name = f.string("IndexName");
  f.name_rules("IndexName", "indexName", false, 3);
  r.key_condition_expression = f.string("KeyConditionExpression");
  r.filter_expression = f.string("FilterExpression");
  r.projection_expression = f.string("ProjectionExpression");
  r.select = select_of(f.string("Select"));
  f.one_of("Select", "select",
           {"SPECIFIC_ATTRIBUTES", "COUNT", "ALL_ATTRIBUTES", "ALL_PROJECTED_ATTRIBUTES"});
  r.limit = f.integer("Limit");
  f.at_least("Limit", "limit", 1);
  r.consistent_read = f.boolean("ConsistentRead").value_or(false);
  r.scan_index_forward = f.boolean("ScanIndexForward").value_or(true);
  const auto rcc = f.string("ReturnConsumedCapacity");
  f.one_of("ReturnConsumedCapacity", "returnConsumedCapacity", kReturnConsumed);
  f.object("ExclusiveStartKey");
  if (auto e = f.error()) return *e;
  if (auto e = legacy_params(
          f, {"AttributesToGet", "QueryFilter", "ConditionalOperator", "KeyConditions"},
          {"ProjectionExpression", "FilterExpression", "KeyConditionExpression"})) {
    return *e;
  }
  if (f.raw("ExclusiveStartKey")) {
    auto esk = item_member(f, "ExclusiveStartKey");
    if (!esk) return esk.error();
    r.exclusive_start_key = std::move(*esk);
  }
  auto attrs = expression_attributes(f);
  if (!attrs) return attrs.error();
  r.attributes = std::move(*attrs);
  r.return_consumed_capacity = consumed_mode(rcc);
  return r;
}

Result<ScanRequest> parse_scan(const json& body) {
  Fields f(body);
  ScanRequest r;
  r.table_name = f.string("TableName").value_or("");
  f.table_name();
  r.index_name = f.string("IndexName");
  f.name_rules("IndexName", "indexName", false, 3);
  r.filter_expression = f.string("FilterExpression");
  r.projection_expression = f.string("ProjectionExpression");
  r.select = select_of(f.string("Select"));
  f.one_of("Select", "select",
           {"SPECIFIC_ATTRIBUTES", "COUNT", "ALL_ATTRIBUTES", "ALL_PROJECTED_ATTRIBUTES"});
  r.limit = f.integer("Limit");
  f.at_least("Limit", "limit", 1);
  r.segment = f.integer("Segment");
  f.at_least("Segment", "segment", 0);
  f.at_most("Segment", "segment", 999999);
  r.total_segments = f.integer("TotalSegments");
  f.at_least("TotalSegments", "totalSegments", 1);
  f.at_most("TotalSegments", "totalSegments", 1000000);
  r.consistent_read = f.boolean("ConsistentRead").value_or(false);
  const auto rcc = f.string("ReturnConsumedCapacity");
  f.one_of("ReturnConsumedCapacity", "returnConsumedCapacity", kReturnConsumed);
  f.object("ExclusiveStartKey");
  if (auto e = f.error()) return *e;
  if (auto e = legacy_params(f, {"AttributesToGet", "ScanFilter", "ConditionalOperator"},
                             {"ProjectionExpression", "FilterExpression"})) {
    return *e;
  }
  if (f.raw("ExclusiveStartKey")) {
    auto esk = item_member(f, "ExclusiveStartKey");
    if (!esk) return esk.error();
    r.exclusive_start_key = std::move(*esk);
  }
  auto attrs = expression_attributes(f);
  if (!attrs) return attrs.error();
  r.attributes = std::move(*attrs);
  r.return_consumed_capacity = consumed_mode(rcc);
  return r;
}

Result<BatchWriteItemRequest> parse_batch_write_item(const json& body) {
  Fields f(body);
  BatchWriteItemRequest r;
  f.not_null("RequestItems", "requestItems");
  const json* items = f.object("RequestItems");
  const auto rcc = f.string("ReturnConsumedCapacity");
  f.one_of("ReturnConsumedCapacity", "returnConsumedCapacity", kReturnConsumed);
  if (items) {
    f.constraint(!items->empty(), items, "requestItems",
                 "Member must have length greater than or equal to 1");
    for (const auto& [table, writes] : items->items()) {
      if (!writes.is_array()) return serialization_error("Unexpected field type");
      f.constraint(!writes.empty() && writes.size() <= 25, &writes, "requestItems",
                   "Map value must satisfy constraint: [Member must have length less than or "
                   "equal to 25, Member must have length greater than or equal to 1]");
      std::vector<WriteRequest> list;
      for (const auto& w : writes) {
        Fields wf(w);
        const json* put = wf.object("PutRequest");
        const json* del = wf.object("DeleteRequest");
        if (auto e = wf.error()) return *e;
        if ((put == nullptr) == (del == nullptr)) {
          return validation_error(
              "Supplied AttributeValue has more than one datatypes set, must "
              "contain exactly one of the supported datatypes");
        }
        const json* inner = put ? put->contains("Item") ? &(*put)["Item"] : nullptr
                            : del->contains("Key") ? &(*del)["Key"]
                                                   : nullptr;
        if (inner == nullptr || inner->is_null()) {
          return validation_error(std::string("1 validation error detected: Value null at "
                                              "'requestItems.") +
                                  table + ".member." +
                                  (put ? "putRequest.item" : "deleteRequest.key") +
                                  "' failed to satisfy constraint: Member must not be null");
        }
        auto item = item_from_json(*inner);
        if (!item) return item.error();
        list.push_back(WriteRequest{put != nullptr, std::move(*item)});
      }
      r.request_items.emplace_back(table, std::move(list));
    }
  }
  if (auto e = f.error()) return *e;
  r.return_consumed_capacity = consumed_mode(rcc);
  return r;
}

Result<BatchGetItemRequest> parse_batch_get_item(const json& body) {
  Fields f(body);
  BatchGetItemRequest r;
  f.not_null("RequestItems", "requestItems");
  const json* items = f.object("RequestItems");
  const auto rcc = f.string("ReturnConsumedCapacity");
  f.one_of("ReturnConsumedCapacity", "returnConsumedCapacity", kReturnConsumed);
  if (items) {
    f.constraint(!items->empty(), items, "requestItems",
                 "Member must have length greater than or equal to 1");
    for (const auto& [table, spec] : items->items()) {
      Fields kf(spec);
      KeysAndAttributes ka;
      ka.consistent_read = kf.boolean("ConsistentRead").value_or(false);
      ka.projection_expression = kf.string("ProjectionExpression");
      const json* keys = kf.array("Keys");
      auto attrs = expression_attributes(kf);
      if (!attrs) return attrs.error();
      if (attrs->values) {
        return validation_error(
            "ExpressionAttributeValues can only be specified when using "
            "expressions: ProjectionExpression is null");
      }
      ka.names = std::move(attrs->names);
      if (auto e = legacy_params(kf, {"AttributesToGet"}, {"ProjectionExpression"})) return *e;
      f.constraint(
          keys && !keys->empty() && keys->size() <= 100, keys,
          "requestItems." + table + ".member.keys",
          keys ? "Member must have length greater than or equal to 1" : "Member must not be null");
      if (keys) {
        for (const auto& k : *keys) {
          auto key = item_from_json(k);
          if (!key) return key.error();
          ka.keys.push_back(std::move(*key));
        }
      }
      r.request_items.emplace_back(table, std::move(ka));
    }
  }
  if (auto e = f.error()) return *e;
  r.return_consumed_capacity = consumed_mode(rcc);
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
