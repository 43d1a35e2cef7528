// UpdateItem (API_UpdateItem): the request's fields in dynalite's (AWS's) order, parse, handler.
#include "emulator/dynamodb/actions/action.h"
#include "emulator/dynamodb/actions/shared_members.h"
#include "emulator/dynamodb/value_json.h"
#include "emulator/dynamodb/wire.h"
#include "emulator/dynamodb/wire_fields.h"
#include "emulator/dynamodb/wire_schema.h"

namespace emu::dynamodb {

using namespace wire_detail;  // NOLINT: internal helpers of this layer

namespace {

const RequestSchema kUpdateItemSchema = {
    {.name = "ReturnConsumedCapacity", .allowed = kReturnConsumedValues},
    kTableNameRule,
    {.name = "ReturnItemCollectionMetrics", .allowed = kReturnItemCollectionMetricsValues},
    {.name = "ReturnValues", .allowed = kReturnValuesValues},
    {.name = "Key", .type = FieldType::kAttributeMap, .not_null = true},
    {.name = "ConditionalOperator", .allowed = kConditionalOperatorValues},
    {.name = "Expected", .type = FieldType::kMap, .element_class = "ExpectedAttributeValue"},
    {.name = "AttributeUpdates", .type = FieldType::kMap, .element_class = "AttributeValueUpdate"},
    {.name = "ConditionExpression"},
    {.name = "UpdateExpression"},
    {.name = "ExpressionAttributeValues", .type = FieldType::kAttributeMap},
    {.name = "ExpressionAttributeNames", .type = FieldType::kStringMap},
    {.name = "ReturnValuesOnConditionCheckFailure",
     .allowed = kReturnValuesOnConditionCheckFailureValues},
};

}  // namespace

Result<UpdateItemRequest> parse_update_item(const json& body) {
  if (auto e = check_request(kUpdateItemSchema, body)) return *e;
  Fields f(body);
  if (auto e = legacy_params(f, {"AttributeUpdates", "Expected", "ConditionalOperator"},
                             {"UpdateExpression", "ConditionExpression"})) {
    return *e;
  }
  UpdateItemRequest r;
  r.update_expression = f.string("UpdateExpression");
  if (auto s = read_conditional_write(f, "Key", r.key, r); !s) return s.error();
  return r;
}

Result<json> update_item_action(Database& db, const json& body, Micros now) {
  return run_action(
      body, parse_update_item, [&](const UpdateItemRequest& r) { return db.update_item(r, now); },
      render_write_result);
}

}  // namespace emu::dynamodb
