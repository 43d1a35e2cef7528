#include "emulator/dynamodb/wire_fields.h"

#include "emulator/core/errors.h"

namespace emu::dynamodb::wire_detail {

ReturnConsumedCapacity consumed_mode(const std::optional<std::string>& s) {
  if (s == "TOTAL") return ReturnConsumedCapacity::kTotal;
  if (s == "INDEXES") return ReturnConsumedCapacity::kIndexes;
  return ReturnConsumedCapacity::kNone;
}

ReturnValues return_values(const std::optional<std::string>& s) {
  if (s == "ALL_OLD") return ReturnValues::kAllOld;
  if (s == "ALL_NEW") return ReturnValues::kAllNew;
  if (s == "UPDATED_OLD") return ReturnValues::kUpdatedOld;
  if (s == "UPDATED_NEW") return ReturnValues::kUpdatedNew;
  return ReturnValues::kNone;
}

std::optional<AwsError> legacy_params(const Fields& f, std::initializer_list<const char*> legacy,
                                      std::initializer_list<const char*> expressions) {
  std::string used, exprs;
  for (const char* k : legacy) {
    if (f.raw(k)) used += (used.empty() ? "" : ", ") + std::string(k);
  }
  for (const char* k : expressions) {
    if (f.raw(k)) exprs += (exprs.empty() ? "" : ", ") + std::string(k);
  }
  if (used.empty()) return std::nullopt;
  if (!exprs.empty()) {
    return validation_error(
        "Can not use both expression and non-expression parameters in the "
        "same request: Non-expression parameters: {" +
        used + "} Expression parameters: {" + exprs + "}");
  }
  // DEVIATION: legacy parameters are not implemented (see wire.h).
  return validation_error("The emulator supports only expression parameters; not supported: " +
                          used);
}

Result<ExpressionAttributes> expression_attributes(Fields& f) {
  ExpressionAttributes out;
  if (const json* names = f.object("ExpressionAttributeNames")) {
    expr::Names map;
    for (const auto& [k, v] : names->items()) {
      if (!v.is_string()) return serialization_error(wrong_type(v, "String"));
      map.emplace(k, v.get<std::string>());
    }
    out.names = std::move(map);
  }
  if (const json* values = f.object("ExpressionAttributeValues")) {
    auto item = item_from_json(*values);
    if (!item) {
      if (!(item.error().code == errors::dynamodb::kValidation)) return item.error();
      // The offending key is not known here; AWS names it. Find it by converting one by one,
      // keeping every key for the placeholder checks AWS makes first.
      Item kept;
      for (const auto& [k, v] : values->items()) {
        auto one = value_from_json(v);
        if (!one && !out.value_error) {
          out.value_error = validation_error("ExpressionAttributeValues contains invalid value: " +
                                             one.error().message + " for key " + k);
        }
        kept.emplace(k, one ? std::move(*one) : AttributeValue::null());
      }
      if (!out.value_error) return item.error();
      item = std::move(kept);
    }
    out.values = std::move(*item);
  }
  if (auto e = f.error()) return *e;
  return out;
}

Result<Item> item_member(const Fields& f, std::string_view key) {
  const json* v = f.raw(key);
  if (!v) return Item{};
  return item_from_json(*v);
}

std::optional<Select> select_of(const std::optional<std::string>& s) {
  if (!s) return std::nullopt;
  if (*s == "COUNT") return Select::kCount;
  if (*s == "SPECIFIC_ATTRIBUTES") return Select::kSpecificAttributes;
  if (*s == "ALL_PROJECTED_ATTRIBUTES") return Select::kAllProjectedAttributes;
  return Select::kAllAttributes;
}

bool starting_key_prefixed(const AwsError& e) {
  if (!(e.code == errors::dynamodb::kValidation)) return false;
  const std::string& m = e.message;
  return m.starts_with("Supplied AttributeValue") ||
         m.find("Null attribute value types") != std::string::npos ||
         m.find("An string set") != std::string::npos ||
         m.find("Binary sets should not be empty") != std::string::npos;
}

}  // namespace emu::dynamodb::wire_detail
