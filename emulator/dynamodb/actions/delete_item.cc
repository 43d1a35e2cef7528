// DeleteItem (API_DeleteItem): the request's fields in dynalite's (AWS's) order, parse, handler.
#include "emulator/dynamodb/actions/action.h"
#include "emulator/dynamodb/actions/shared_members.h"
#include "emulator/dynamodb/value_json.h"
#include "emulator/dynamodb/wire.h"
#include "emulator/dynamodb/wire_fields.h"
#include "emulator/dynamodb/wire_schema.h"

namespace emu::dynamodb {

using namespace wire_detail;  // NOLINT: internal helpers of this layer

namespace {

const RequestSchema kDeleteItemSchema = {
    {.name = "ReturnConsumedCapacity", .allowed = kReturnConsumedValues},
    kTableNameRule,
    {.name = "ReturnValues", .allowed = kReturnValuesValues},
    {.name = "ReturnItemCollectionMetrics", .allowed = kReturnItemCollectionMetricsValues},
    {.name = "Key", .type = FieldType::kAttributeMap, .not_null = true},
    {.name = "ConditionalOperator", .allowed = kConditionalOperatorValues},
    {.name = "Expected", .type = FieldType::kMap, .element_class = "ExpectedAttributeValue"},
    {.name = "ConditionExpression"},
    {.name = "ExpressionAttributeValues", .type = FieldType::kAttributeMap},
    {.name = "ExpressionAttributeNames", .type = FieldType::kStringMap},
    {.name = "ReturnValuesOnConditionCheckFailure",
     .allowed = kReturnValuesOnConditionCheckFailureValues},
};

}  // namespace

Result<DeleteItemRequest> parse_delete_item(const json& body) {
  if (auto e = check_request(kDeleteItemSchema, body)) return *e;
  Fields f(body);
  if (auto e = legacy_params(f, {"Expected", "ConditionalOperator"}, {"ConditionExpression"})) {
    return *e;
  }
  DeleteItemRequest r;
  if (auto s = read_conditional_write(f, "Key", r.key, r); !s) return s.error();
  return r;
}

Result<json> delete_item_action(Database& db, const json& body, Micros now) {
  return run_action(
      body, parse_delete_item, [&](const DeleteItemRequest& r) { return db.delete_item(r, now); },
      render_write_result);
}

}  // namespace emu::dynamodb
