// Internal to the DynamoDB wire layer: typed access to a JSON request's members (after
// wire_schema.h's check_request has checked their types and constraints) and the error
// collection that produces "N validation errors detected: ...". Not a public API.
#pragma once

#include <cctype>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "emulator/dynamodb/types.h"
#include "emulator/dynamodb/value_json.h"

namespace emu::dynamodb::wire_detail {

using nlohmann::json;

constexpr std::size_t kMaxConstraintErrors = 10;

inline std::string wrong_type(const json& v, std::string_view target) {
  if (v.is_boolean()) {
    return std::string(v.get<bool>() ? "TRUE_VALUE" : "FALSE_VALUE") + " cannot be converted to " +
           std::string(target);
  }
  if (v.is_number_integer() || v.is_number_unsigned()) {
    return "NUMBER_VALUE cannot be converted to " + std::string(target);
  }
  if (v.is_number()) return "DECIMAL_VALUE cannot be converted to " + std::string(target);
  if (v.is_string()) return "STRING_VALUE cannot be converted to " + std::string(target);
  if (v.is_array()) return "Unrecognized collection type class java.lang." + std::string(target);
  return "Start of structure or map found where not expected";
}

inline std::string value_text(const json& v) {
  if (v.is_string()) return "'" + v.get<std::string>() + "'";
  if (v.is_null()) return "null";
  return "'" + v.dump() + "'";
}

// Typed access to one JSON object's members plus constraint checks, collecting errors.
class Fields {
 public:
  explicit Fields(const json& body, std::string prefix = "")
      : body_(body), prefix_(std::move(prefix)) {}

  const json* raw(std::string_view key) const {
    if (!body_.is_object()) return nullptr;
    auto it = body_.find(key);
    return it == body_.end() || it->is_null() ? nullptr : &*it;
  }
  std::optional<std::string> string(std::string_view key) {
    const json* v = raw(key);
    if (!v) return std::nullopt;
    if (!v->is_string()) return type_error(wrong_type(*v, "String")), std::nullopt;
    return v->get<std::string>();
  }
  std::optional<bool> boolean(std::string_view key) {
    const json* v = raw(key);
    if (!v) return std::nullopt;
    if (v->is_boolean()) return v->get<bool>();
    if (v->is_string()) {
      std::string s = v->get<std::string>();
      for (auto& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      if (s == "TRUE" || s == "1" || s == "YES") return true;
      if (s == "FALSE" || s == "0" || s == "NO") return false;
      return type_error("Unexpected token received from parser"), std::nullopt;
    }
    return type_error(wrong_type(*v, "Boolean")), std::nullopt;
  }
  std::optional<std::int64_t> integer(std::string_view key, std::string_view type = "Integer") {
    const json* v = raw(key);
    if (!v) return std::nullopt;
    if (!v->is_number()) return type_error(wrong_type(*v, type)), std::nullopt;
    const double d = v->get<double>();
    if (d > 9.2e18 || d < -9.2e18) return type_error(wrong_type(*v, type)), std::nullopt;
    return v->is_number_integer() ? v->get<std::int64_t>() : static_cast<std::int64_t>(d);
  }
  const json* object(std::string_view key) {
    const json* v = raw(key);
    if (!v) return nullptr;
    if (!v->is_object()) {
      type_error(v->is_array() ? "Unrecognized collection type java.util.Map<java.lang.String, "
                                 "com.amazonaws.dynamodb.v20120810.AttributeValue>"
                               : "Unexpected field type");
      return nullptr;
    }
    return v;
  }
  const json* array(std::string_view key) {
    const json* v = raw(key);
    if (!v) return nullptr;
    if (!v->is_array()) {
      type_error(v->is_object() ? "Start of structure or map found where not expected"
                                : "Unexpected field type");
      return nullptr;
    }
    return v;
  }

  void constraint(bool ok, const json* value, std::string_view member, std::string message) {
    if (ok || errors_.size() >= kMaxConstraintErrors) return;
    errors_.push_back("Value " + (value ? value_text(*value) : std::string("null")) + " at '" +
                      prefix_ + std::string(member) + "' failed to satisfy constraint: " + message);
  }
  std::optional<AwsError> error() const {
    if (type_error_) return serialization_error(*type_error_);
    if (errors_.empty()) return std::nullopt;
    std::string msg = std::to_string(errors_.size()) + " validation error" +
                      (errors_.size() > 1 ? "s" : "") + " detected: ";
    for (std::size_t i = 0; i < errors_.size(); ++i) msg += (i ? "; " : "") + errors_[i];
    return validation_error(msg);
  }
  void type_error(std::string message) {
    if (!type_error_) type_error_ = std::move(message);
  }

 private:
  const json& body_;
  std::string prefix_;
  std::optional<std::string> type_error_;
  std::vector<std::string> errors_;
};

ReturnConsumedCapacity consumed_mode(const std::optional<std::string>& s);
ReturnValues return_values(const std::optional<std::string>& s);
// Refuses the legacy parameters (see wire.h DEVIATION) with AWS's mixing message when
// expressions are also present.
std::optional<AwsError> legacy_params(const Fields& f, std::initializer_list<const char*> legacy,
                                      std::initializer_list<const char*> expressions);
Result<ExpressionAttributes> expression_attributes(Fields& f);
Result<Item> item_member(const Fields& f, std::string_view key);
std::optional<Select> select_of(const std::optional<std::string>& s);
// Whether AWS prefixes this error of an ExclusiveStartKey's values with "The provided starting
// key is invalid: " (the shape errors: empty, NULL false, several types, empty S/B sets; not
// the number and duplicate errors, as dynalite recorded them).
bool starting_key_prefixed(const AwsError& e);

}  // namespace emu::dynamodb::wire_detail
