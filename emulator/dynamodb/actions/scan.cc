// Scan (API_Scan): the request's fields in dynalite's (AWS's) order, parse, handler.
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

const RequestSchema kScanSchema = {
    {.name = "Select", .allowed = kSelectValues},
    {.name = "IndexName", .pattern = kNamePattern, .min_length = 3, .max_length = 255},
    {.name = "TotalSegments", .type = FieldType::kInteger, .min_value = 1, .max_value = 1000000},
    {.name = "ReturnConsumedCapacity", .allowed = kReturnConsumedValues},
    kTableNameRule,
    {.name = "ConditionalOperator", .allowed = kConditionalOperatorValues},
    {.name = "ScanFilter", .type = FieldType::kMap, .element_class = "Condition"},
    {.name = "Segment", .type = FieldType::kInteger, .min_value = 0, .max_value = 999999},
    {.name = "Limit", .type = FieldType::kInteger, .min_value = 1},
    {.name = "AttributesToGet", .type = FieldType::kList, .min_length = 1, .max_length = 255},
    {.name = "ExclusiveStartKey", .type = FieldType::kAttributeMap},
    {.name = "ConsistentRead", .type = FieldType::kBoolean},
    {.name = "FilterExpression"},
    {.name = "ProjectionExpression"},
    {.name = "ExpressionAttributeValues", .type = FieldType::kAttributeMap},
    {.name = "ExpressionAttributeNames", .type = FieldType::kStringMap},
};

}  // namespace

Result<ScanRequest> parse_scan(const json& body) {
  if (auto e = check_request(kScanSchema, body)) return *e;
  Fields f(body);
  if (auto e = legacy_params(f, {"AttributesToGet", "ScanFilter", "ConditionalOperator"},
                             {"ProjectionExpression", "FilterExpression"})) {
    return *e;
  }
  ScanRequest r;
  if (auto s = read_query_or_scan(f, r); !s) return s.error();
  r.segment = f.integer("Segment");
  r.total_segments = f.integer("TotalSegments");
  return r;
}

Result<json> scan_action(Database& db, const json& body, Micros now) {
  return run_action(
      body, parse_scan, [&](const ScanRequest& r) { return db.scan(r, now); }, render_query_result);
}

}  // namespace emu::dynamodb
