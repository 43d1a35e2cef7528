// PutItem (API_PutItem): the request's fields in dynalite's (AWS's) order, parse, handler.
#include "emulator/dynamodb/actions/action.h"
#include "emulator/dynamodb/actions/shared_members.h"
#include "emulator/dynamodb/value_json.h"
#include "emulator/dynamodb/wire.h"
#include "emulator/dynamodb/wire_fields.h"
#include "emulator/dynamodb/wire_schema.h"

namespace emu::dynamodb {

using namespace wire_detail;  // NOLINT: internal helpers of this layer

namespace {

const RequestSchema kPutItemSchema = {
    {.name = "ReturnConsumedCapacity", .allowed = kReturnConsumedValues},
    kTableNameRule,
    {.name = "Item", .type = FieldType::kAttributeMap, .not_null = true},
    {.name = "ConditionalOperator", .allowed = kConditionalOperatorValues},
    {.name = "Expected", .type = FieldType::kMap, .element_class = "ExpectedAttributeValue"},
    {.name = "ReturnValues", .allowed = kReturnValuesValues},
    {.name = "ReturnItemCollectionMetrics", .allowed = kReturnItemCollectionMetricsValues},
    {.name = "ConditionExpression"},
    {.name = "ExpressionAttributeValues", .type = FieldType::kAttributeMap},
    {.name = "ExpressionAttributeNames", .type = FieldType::kStringMap},
    {.name = "ReturnValuesOnConditionCheckFailure",
     .allowed = kReturnValuesOnConditionCheckFailureValues},
};

}  // namespace

Result<PutItemRequest> parse_put_item(const json& body) {
  if (auto e = check_request(kPutItemSchema, body)) return *e;
  Fields f(body);
  if (auto e = legacy_params(f, {"Expected", "ConditionalOperator"}, {"ConditionExpression"})) {
    return *e;
  }
  PutItemRequest r;
  if (auto s = read_conditional_write(f, "Item", r.item, r); !s) return s.error();
  return r;
}

Result<json> put_item_action(Database& db, const json& body, Micros now) {
  return run_action(
      body, parse_put_item, [&](const PutItemRequest& r) { return db.put_item(r, now); },
      render_write_result);
}

}  // namespace emu::dynamodb
