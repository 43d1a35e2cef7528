// Request shapes (as the AWS service models define them) and the checks AWS's front end makes
// against them before an operation runs, so that a wire layer reads only members of the type
// it expects. Two entry points:
//   conform_json:  a JSON-protocol body (SQS, CloudWatch). A member of the wrong JSON type is a
//                  400 SerializationException with the message AWS's JSON deserialiser (Coral)
//                  gives, e.g. {"Namespace": 5} -> "class com.amazon.coral.value.json.numbers.
//                  TruncatingBigNumber can not be converted to an String" (messages as recorded
//                  against DynamoDB by dynalite's tests, which share the deserialiser).
//   conform_query: a query-protocol request already nested by member path (values are text);
//                  numbers and booleans are converted to the shape's type, so both protocols
//                  reach the operation with the same JSON types.
// Members a shape does not name are left alone (AWS ignores them); null members are removed
// (AWS treats them as absent).
#pragma once

#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "emulator/core/result.h"

namespace emu::http {

enum class ShapeKind {
  kString, kInteger, kLong, kDouble, kBoolean, kBlob, kTimestamp, kList, kMap, kStructure
};

struct Shape {
  ShapeKind kind = ShapeKind::kString;
  const Shape* member = nullptr;                             // list element, map value
  std::vector<std::pair<std::string, const Shape*>> fields;  // structure members

  const Shape* field(std::string_view name) const;
};

// Building blocks for static shape tables (shapes must outlive every use).
const Shape& string_shape();
const Shape& integer_shape();
const Shape& long_shape();
const Shape& double_shape();
const Shape& boolean_shape();
const Shape& blob_shape();
const Shape& timestamp_shape();
Shape list_of(const Shape& member);
Shape map_of(const Shape& value);
// Members are held by pointer: a temporary would dangle.
Shape list_of(const Shape&& member) = delete;
Shape map_of(const Shape&& value) = delete;
Shape structure(std::initializer_list<std::pair<std::string, const Shape*>> fields);

// JSON protocol: nullopt when `value` fits `shape` (nulls removed); otherwise the
// SerializationException message.
std::optional<std::string> conform_json(nlohmann::json& value, const Shape& shape);

// Query protocol: converts text members to the shape's types. Errors are AWS query errors:
// InvalidParameterValue for text that is not of the member's type, InvalidQueryParameter for a
// request whose parameter names do not fit the shape (a list where a value belongs, ...).
Status conform_query(nlohmann::json& value, const Shape& shape);

// Strict number parsing of request text (the whole text, no spaces, no overflow).
std::optional<std::int64_t> parse_int64(std::string_view text);
std::optional<double> parse_double(std::string_view text);

// The AWS query protocol's error for a malformed request ("InvalidQueryParameter", 400).
AwsError invalid_query_parameter(const std::string& detail);

}  // namespace emu::http
