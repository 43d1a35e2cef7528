// A DynamoDB action's request fields as data, and the one generic validator that checks a JSON
// body against them the way DynamoDB does (the order dynalite recorded from AWS):
//
//  1. types, field by field in the table's order: the first JSON value of the wrong type ends
//     the check with a SerializationException ("NUMBER_VALUE cannot be converted to String");
//     attribute values ({"S": ...}) are type-checked to their leaves here too;
//  2. constraints, field by field in the table's order and, within a field, in the order
//     not null, pattern, min length, max length, allowed values, min value, max value; at most
//     ten are collected into one ValidationException, "N validation errors detected: a; b".
//
// Everything after that (expression syntax, placeholders, key schemas, item sizes) is the
// action's own check, run only when the table passes. Internal to the DynamoDB wire layer.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "emulator/core/result.h"

namespace emu::dynamodb::wire_detail {

enum class FieldType {
  kString,
  kBoolean,
  kInteger,
  kLong,
  kAttributeMap,      // Map<String, AttributeValue>: an Item, a Key, ExpressionAttributeValues
  kStringMap,         // Map<String, String>: ExpressionAttributeNames
  kMap,               // Map<String, element_class>; with children, of structures of that class
  kList,              // a List; with children, of structures of class element_class
  kAttributeMapList,  // List<Map<String, AttributeValue>>: BatchGetItem's Keys
  kStringList,        // List<String>
  kStruct,            // a structure of class element_class checked further by the action
};

// DynamoDB's table-name pattern, also used for index names.
inline constexpr std::string_view kNamePattern = "[a-zA-Z0-9_.-]+";

struct FieldRule {
  std::string_view name;  // the JSON member, "TableName"; messages say "tableName"
  FieldType type = FieldType::kString;
  // Java class named in type errors of kMap/kStruct ("KeysAndAttributes").
  std::string_view element_class = {};
  // Checked before step 2, each ending the check alone: "The parameter 'TableName' is required
  // but was not present in the request"; "TableName must be at least 3 characters long and at
  // most 255 characters long" (the control-plane actions).
  bool required = false;
  bool table_name_length = false;
  bool not_null = false;
  std::string_view pattern = {};  // only kNamePattern is understood
  std::optional<std::int64_t> min_length = {};
  std::optional<std::int64_t> max_length = {};
  std::span<const std::string_view> allowed = {};  // a constexpr list (constant-initialized)
  std::optional<std::int64_t> min_value = {};
  std::optional<std::int64_t> max_value = {};
  // A kMap whose keys are table names (3-255 characters of kNamePattern): one failure for the
  // whole map, "Map keys must satisfy constraint: [...]".
  bool table_name_keys = false;
  // The members of a kStruct, or of each structure in a kList or kMap, checked in the same two
  // steps ("provisionedThroughput.readCapacityUnits", "keySchema.1.member.keyType",
  // "requestItems.abc.member.keys").
  const std::vector<FieldRule>* children = nullptr;
};

using RequestSchema = std::vector<FieldRule>;

// TableName as the data-plane actions check it.
inline constexpr FieldRule kTableNameRule = {.name = "TableName",
                                             .not_null = true,
                                             .pattern = kNamePattern,
                                             .min_length = 3,
                                             .max_length = 255};
// TableName as the control-plane actions check it.
inline constexpr FieldRule kControlTableNameRule = {
    .name = "TableName", .required = true, .table_name_length = true, .pattern = kNamePattern};

// Steps 1 and 2 above; nullopt when the body passes.
std::optional<AwsError> check_request(const RequestSchema& schema, const nlohmann::json& body,
                                      std::string_view member_prefix = "");

// The type error of one attribute value ({"S": "x"}), or nullopt.
std::optional<std::string> attribute_value_type_error(const nlohmann::json& value, int depth = 0);

// The allowed values shared by several actions, as DynamoDB lists them in its messages.
inline constexpr std::array<std::string_view, 3> kReturnConsumedValues = {"INDEXES", "TOTAL",
                                                                          "NONE"};
inline constexpr std::array<std::string_view, 5> kReturnValuesValues = {
    "ALL_NEW", "UPDATED_OLD", "ALL_OLD", "NONE", "UPDATED_NEW"};
inline constexpr std::array<std::string_view, 2> kReturnItemCollectionMetricsValues = {"SIZE",
                                                                                       "NONE"};
inline constexpr std::array<std::string_view, 2> kReturnValuesOnConditionCheckFailureValues = {
    "ALL_OLD", "NONE"};
inline constexpr std::array<std::string_view, 2> kConditionalOperatorValues = {"OR", "AND"};
inline constexpr std::array<std::string_view, 4> kSelectValues = {
    "SPECIFIC_ATTRIBUTES", "COUNT", "ALL_ATTRIBUTES", "ALL_PROJECTED_ATTRIBUTES"};

}  // namespace emu::dynamodb::wire_detail
