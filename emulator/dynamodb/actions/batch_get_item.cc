// BatchGetItem (API_BatchGetItem): the request's fields in dynalite's (AWS's) order, parse,
// handler. Each table's KeysAndAttributes is checked here (1 to 100 keys).
#include "emulator/dynamodb/actions/action.h"
#include "emulator/dynamodb/value_json.h"
#include "emulator/dynamodb/wire.h"
#include "emulator/dynamodb/wire_fields.h"
#include "emulator/dynamodb/wire_schema.h"

namespace emu::dynamodb {

using namespace wire_detail;  // NOLINT: internal helpers of this layer

namespace {

// KeysAndAttributes, one per table.
const RequestSchema kKeysAndAttributes = {
    {.name = "Keys",
     .type = FieldType::kAttributeMapList,
     .not_null = true,
     .min_length = 1,
     .max_length = 100},
    {.name = "AttributesToGet", .type = FieldType::kStringList, .min_length = 1, .max_length = 255},
    {.name = "ConsistentRead", .type = FieldType::kBoolean},
    {.name = "ProjectionExpression"},
    {.name = "ExpressionAttributeNames", .type = FieldType::kStringMap},
};

const RequestSchema kBatchGetItemSchema = {
    {.name = "ReturnConsumedCapacity", .allowed = kReturnConsumedValues},
    {.name = "RequestItems",
     .type = FieldType::kMap,
     .element_class = "KeysAndAttributes",
     .not_null = true,
     .min_length = 1,
     .table_name_keys = true,
     .children = &kKeysAndAttributes},
};

Result<KeysAndAttributes> parse_table_keys(const json& spec) {
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
  if (keys) {
    for (const auto& k : *keys) {
      auto key = item_from_json(k);
      if (!key) return key.error();
      ka.keys.push_back(std::move(*key));
    }
  }
  return ka;
}

}  // namespace

Result<BatchGetItemRequest> parse_batch_get_item(const json& body) {
  if (auto e = check_request(kBatchGetItemSchema, body)) return *e;
  Fields f(body);
  BatchGetItemRequest r;
  for (const auto& [table, spec] : body["RequestItems"].items()) {
    auto ka = parse_table_keys(spec);
    if (!ka) return ka.error();
    r.request_items.emplace_back(table, std::move(*ka));
  }
  if (auto e = f.error()) return *e;
  r.return_consumed_capacity = consumed_mode(f.string("ReturnConsumedCapacity"));
  return r;
}

Result<json> batch_get_item_action(Database& db, const json& body, Micros now) {
  return run_action(
      body, parse_batch_get_item,
      [&](const BatchGetItemRequest& r) { return db.batch_get_item(r, now); }, render_batch_get);
}

}  // namespace emu::dynamodb
