// GetItem (API_GetItem): the request's fields in dynalite's (AWS's) order, parse, handler.
#include "emulator/dynamodb/actions/action.h"
#include "emulator/dynamodb/value_json.h"
#include "emulator/dynamodb/wire.h"
#include "emulator/dynamodb/wire_fields.h"
#include "emulator/dynamodb/wire_schema.h"

namespace emu::dynamodb {

using namespace wire_detail;  // NOLINT: internal helpers of this layer

namespace {

const RequestSchema kGetItemSchema = {
    {.name = "ReturnConsumedCapacity", .allowed = kReturnConsumedValues},
    {.name = "AttributesToGet", .type = FieldType::kList, .min_length = 1, .max_length = 255},
    kTableNameRule,
    {.name = "Key", .type = FieldType::kAttributeMap, .not_null = true},
    {.name = "ConsistentRead", .type = FieldType::kBoolean},
    {.name = "ProjectionExpression"},
    {.name = "ExpressionAttributeNames", .type = FieldType::kStringMap},
};

json render(const GetItemResult& r) {
  json out = json::object();
  if (r.item) out["Item"] = item_to_json(*r.item);
  if (r.consumed_capacity) out["ConsumedCapacity"] = render_consumed(*r.consumed_capacity);
  return out;
}

}  // namespace

Result<GetItemRequest> parse_get_item(const json& body) {
  if (auto e = check_request(kGetItemSchema, body)) return *e;
  Fields f(body);
  if (auto e = legacy_params(f, {"AttributesToGet"}, {"ProjectionExpression"})) return *e;
  GetItemRequest r;
  r.table_name = f.string("TableName").value_or("");
  r.consistent_read = f.boolean("ConsistentRead").value_or(false);
  r.projection_expression = f.string("ProjectionExpression");
  auto key = item_member(f, "Key");
  if (!key) return key.error();
  r.key = std::move(*key);
  auto attrs = expression_attributes(f);
  if (!attrs) return attrs.error();
  r.attributes = std::move(*attrs);
  r.return_consumed_capacity = consumed_mode(f.string("ReturnConsumedCapacity"));
  return r;
}

Result<json> get_item_action(Database& db, const json& body, Micros now) {
  return run_action(
      body, parse_get_item, [&](const GetItemRequest& r) { return db.get_item(r, now); }, render);
}

}  // namespace emu::dynamodb
