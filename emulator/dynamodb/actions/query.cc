// Query (API_Query): the request's fields in dynalite's (AWS's) order, parse, handler.
#include "emulator/core/errors.h"
#include "emulator/dynamodb/actions/action.h"
#include "emulator/dynamodb/actions/shared_members.h"
#include "emulator/dynamodb/value_json.h"
#include "emulator/dynamodb/wire.h"
#include "emulator/dynamodb/wire_fields.h"
#include "emulator/dynamodb/wire_schema.h"

namespace emu::dynamodb {

using namespace wire_detail;  // NOLINT: internal helpers of this layer

namespace {

const RequestSchema kQuerySchema = {
    {.name = "Select", .allowed = kSelectValues},
    {.name = "IndexName", .pattern = kNamePattern, .min_length = 3, .max_length = 255},
    {.name = "ReturnConsumedCapacity", .allowed = kReturnConsumedValues},
    {.name = "QueryFilter", .type = FieldType::kMap, .element_class = "Condition"},
    kTableNameRule,
    {.name = "ConditionalOperator", .allowed = kConditionalOperatorValues},
    {.name = "AttributesToGet", .type = FieldType::kList, .min_length = 1, .max_length = 255},
    {.name = "Limit", .type = FieldType::kInteger, .min_value = 1},
    {.name = "KeyConditions", .type = FieldType::kMap, .element_class = "Condition"},
    {.name = "ExclusiveStartKey", .type = FieldType::kAttributeMap},
    {.name = "ConsistentRead", .type = FieldType::kBoolean},
    {.name = "ScanIndexForward", .type = FieldType::kBoolean},
    {.name = "KeyConditionExpression"},
    {.name = "FilterExpression"},
    {.name = "ProjectionExpression"},
    {.name = "ExpressionAttributeValues", .type = FieldType::kAttributeMap},
    {.name = "ExpressionAttributeNames", .type = FieldType::kStringMap},
};

}  // namespace

Result<QueryRequest> parse_query(const json& body) {
  if (auto e = check_request(kQuerySchema, body)) return *e;
  Fields f(body);
  if (auto e = legacy_params(
          f, {"AttributesToGet", "QueryFilter", "ConditionalOperator", "KeyConditions"},
          {"ProjectionExpression", "FilterExpression", "KeyConditionExpression"})) {
    return *e;
  }
  QueryRequest r;
  if (auto s = read_query_or_scan(f, r); !s) return s.error();
  r.key_condition_expression = f.string("KeyConditionExpression");
  r.scan_index_forward = f.boolean("ScanIndexForward").value_or(true);
  return r;
}

Result<json> query_action(Database& db, const json& body, Micros now) {
  return run_action(
      body, parse_query, [&](const QueryRequest& r) { return db.query(r, now); },
      render_query_result);
}

}  // namespace emu::dynamodb
