// Request-field rules as data, and the one generic validator that checks a request against
// them and words the first failure as the service does (SQS, CloudWatch). Each action of a
// service has one table of FieldRule (its members as the AWS API reference documents them:
// required, length and count limits, ranges, allowed values, patterns); the handler of the
// action then does only its semantic work.
//
// The rules are checked on the request in its JSON shape, after the protocol layer has read
// it: JSON-protocol bodies as they came (type-checked by json_shape.h), query-protocol forms
// converted to the same nesting ("Attribute.1.Name", "MessageAttribute.N.*",
// "Dimensions.member.N.Name" become JSON maps and lists). Query values may still be text: a
// FieldType::kInteger rule accepts the text of a 32-bit integer.
//
// Wording: each violation has a service default (Dialect) and may be reworded per rule
// (FieldRule::wording). A wording with a null code is Coral's validation layer: every such
// violation of the request (at most ten) is listed in one "N validation errors detected: Value
// '<v>' at '<member>' failed to satisfy constraint: <constraint>; ..." message under the
// dialect's validation code. Messages may name:
//   {name}  the member's name ("DelaySeconds")
//   {path}  its query-protocol path ("MetricData.member.1.Dimensions")
//   {key}   the map key it sits under ("MessageAttributes" value of key "a": "a")
//   {value} its value as AWS prints it; {count} a list's or map's size; {min} {max} the limit
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include <nlohmann/json.hpp>

#include "emulator/core/errors.h"
#include "emulator/core/result.h"

namespace emu::http {

enum class Violation {
  kMissing,     // a required member is absent (or empty, with FieldRule::empty_is_missing)
  kNotInteger,  // query text that is not a 32-bit integer (FieldType::kInteger)
  kTooShort,    // fewer characters (string) or members (list, map) than min_length
  kTooLong,     // more than max_length
  kBelow,       // a number below min_value
  kAbove,       // above max_value
  kNotAllowed,  // a string (or a string of a list) outside `allowed`
  kRejected,    // FieldRule::accepts said no (a pattern, a reserved prefix, ...)
  kRepeated,    // FieldRule::distinct: the same value in two elements of the enclosing list
};

struct Wording {
  Violation violation;
  const errors::ErrorCode* code;  // nullptr: Coral's aggregated validation message
  std::string_view message;       // with the placeholders above; Coral: the constraint text
};

// kInteger: a JSON integer or the query text of a 32-bit one. kMap: `members` describe each
// value of the map (otherwise they are the members of a structure, or of each structure of a
// list).
enum class FieldType { kAny, kInteger, kMap };

struct FieldRule {
  std::string_view name;
  FieldType type = FieldType::kAny;
  bool required = false;
  bool empty_is_missing = false;                // "" (or an empty list) counts as absent
  std::optional<std::int64_t> min_length = {};  // characters of a string; members of a list/map
  std::optional<std::int64_t> max_length = {};
  std::optional<double> min_value = {};
  std::optional<double> max_value = {};
  std::span<const std::string_view> allowed = {};
  // Any other documented rule (a pattern, a reserved prefix): false is a kRejected violation.
  // It sees the value as the protocol layer left it (a string member: a JSON string).
  bool (*accepts)(const nlohmann::json& value) = nullptr;
  bool distinct = false;
  // A structure's members, or those of each structure of a list or each value of a map.
  std::span<const FieldRule> members = {};
  std::span<const Wording> wording = {};  // per-violation wording of this member
};

using FieldRules = std::span<const FieldRule>;

// A service's wording of each violation when a rule does not say otherwise (an entry per
// Violation it can meet; a missing entry is worded as Coral's), and the code of Coral's
// aggregated validation message.
struct Dialect {
  std::span<const Wording> defaults;
  const errors::ErrorCode& validation;
};

// The first failure of `request` against `rules`, in table order (a structure's rule before
// its members, list elements in order), worded by the rule or the dialect; nullopt when it
// satisfies every rule.
std::optional<AwsError> check_fields(const nlohmann::json& request, FieldRules rules,
                                     const Dialect& dialect);

// The integer a kInteger member holds (a JSON integer, or query text of one); nullopt if none.
std::optional<std::int64_t> integer_value(const nlohmann::json& value);

}  // namespace emu::http
