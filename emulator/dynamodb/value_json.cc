#include "emulator/dynamodb/value_json.h"

#include <cctype>
#include <unordered_set>

#include "emulator/core/errors.h"
#include "emulator/http/aws_wire.h"

namespace emu::dynamodb {

namespace {

using nlohmann::json;

constexpr int kMaxValueDepth = 32;

// What DynamoDB's Java deserializer says when a JSON value has the wrong type for a String.
std::string not_a_string(const json& j, std::string_view target) {
  if (j.is_boolean()) {
    return std::string(j.get<bool>() ? "TRUE_VALUE" : "FALSE_VALUE") + " cannot be converted to " +
           std::string(target);
  }
  if (j.is_number_integer() || j.is_number_unsigned()) {
    return "NUMBER_VALUE cannot be converted to " + std::string(target);
  }
  if (j.is_number()) return "DECIMAL_VALUE cannot be converted to " + std::string(target);
  if (j.is_array()) return "Unrecognized collection type class java.lang." + std::string(target);
  return "Start of structure or map found where not expected";
}

Result<std::string> json_string(const json& j) {
  if (!j.is_string()) return serialization_error(not_a_string(j, "String"));
  return j.get<std::string>();
}

// Booleans as DynamoDB's Java layer reads them: true/false, or the strings TRUE/1/YES and
// FALSE/0/NO in any case.
Result<bool> json_boolean(const json& j) {
  if (j.is_boolean()) return j.get<bool>();
  if (!j.is_string()) return serialization_error(not_a_string(j, "Boolean"));
  std::string s = j.get<std::string>();
  for (auto& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  if (s == "TRUE" || s == "1" || s == "YES") return true;
  if (s == "FALSE" || s == "0" || s == "NO") return false;
  return serialization_error("Unexpected token received from parser");
}

Result<std::string> json_blob(const json& j) {
  if (j.is_boolean() || j.is_number()) {
    return serialization_error("only base-64-encoded strings are convertible to bytes");
  }
  if (j.is_array()) {
    return serialization_error("Unrecognized collection type class java.nio.ByteBuffer");
  }
  if (!j.is_string()) {
    return serialization_error("Start of structure or map found where not expected");
  }
  const auto& text = j.get_ref<const std::string&>();
  if (text.size() % 4 != 0) {
    return serialization_error(
        "Base64 encoded length is expected a multiple of 4 bytes but found: " +
        std::to_string(text.size()));
  }
  auto decoded = http::base64_decode(text);
  if (!decoded) return serialization_error("Invalid last non-pad Base64 character dectected");
  return std::move(*decoded);
}

std::string set_text(const std::vector<std::string>& elements) {
  std::string out = "[";
  for (std::size_t i = 0; i < elements.size(); ++i) {
    if (i) out += ", ";
    out += elements[i];
  }
  return out + "]";
}

bool has_duplicate(const std::vector<std::string>& elements) {
  std::unordered_set<std::string_view> seen;
  for (const auto& e : elements) {
    if (!seen.insert(e).second) return true;
  }
  return false;
}

Result<AttributeValue> parse_set(Type type, const json& j) {
  if (!j.is_array()) {
    return serialization_error(j.is_object() ? "Start of structure or map found where not expected"
                                             : "Unexpected field type");
  }
  std::vector<std::string> elements;
  elements.reserve(j.size());
  for (const auto& e : j) {
    auto text = type == Type::kBS ? json_blob(e) : json_string(e);
    if (!text) return text.error();
    if (type == Type::kNS) {
      auto canonical = canonical_number(*text);
      if (!canonical) return canonical.error();
      elements.push_back(std::move(*canonical));
    } else {
      elements.push_back(std::move(*text));
    }
  }
  const std::string prefix = "One or more parameter values were invalid: ";
  if (elements.empty()) {
    if (type == Type::kSS) return validation_error(prefix + "An string set  may not be empty");
    if (type == Type::kNS) return validation_error(prefix + "An number set  may not be empty");
    return validation_error(prefix + "Binary sets should not be empty");
  }
  if (has_duplicate(elements)) {
    if (type == Type::kNS) return validation_error("Input collection contains duplicates");
    if (type == Type::kSS) {
      return validation_error(prefix + "Input collection " + set_text(elements) +
                              " contains duplicates.");
    }
    std::vector<std::string> sent;  // AWS shows binary elements as they were sent (base64)
    for (const auto& e : j) sent.push_back(e.get<std::string>());
    return validation_error(prefix + "Input collection " + set_text(sent) +
                            "of type BS contains duplicates.");
  }
  return AttributeValue::set(type, std::move(elements));
}

Result<AttributeValue> parse_value(const json& j, int depth);

Result<Item> parse_members(const json& j, int depth) {
  if (!j.is_object()) {
    return serialization_error(j.is_array()
                                   ? "Unrecognized collection type java.util.Map<java.lang."
                                     "String, com.amazonaws.dynamodb.v20120810."
                                     "AttributeValue>"
                                   : "Unexpected field type");
  }
  Item item;
  for (const auto& [name, value] : j.items()) {
    auto v = parse_value(value, depth + 1);
    if (!v) return v.error();
    item.emplace(name, std::move(*v));
  }
  return item;
}

Result<AttributeValue> parse_typed(Type type, const json& v, int depth) {
  switch (type) {
    case Type::kS: {
      auto s = json_string(v);
      if (!s) return s.error();
      return AttributeValue::string(std::move(*s));
    }
    case Type::kN: {
      auto s = json_string(v);
      if (!s) return s.error();
      auto canonical = canonical_number(*s);
      if (!canonical) return canonical.error();
      return AttributeValue::number(std::move(*canonical));
    }
    case Type::kB: {
      auto s = json_blob(v);
      if (!s) return s.error();
      return AttributeValue::binary(std::move(*s));
    }
    case Type::kBool:
    case Type::kNull: {
      auto flag = json_boolean(v);
      if (!flag) return flag.error();
      if (type == Type::kNull && !*flag) {
        return validation_error(
            "One or more parameter values were invalid: Null attribute value types must have the "
            "value of true");
      }
      return type == Type::kNull ? AttributeValue::null() : AttributeValue::boolean(*flag);
    }
    case Type::kL: {
      if (!v.is_array()) return serialization_error("Unexpected field type");
      std::vector<AttributeValue> elements;
      elements.reserve(v.size());
      for (const auto& e : v) {
        auto ev = parse_value(e, depth + 1);
        if (!ev) return ev.error();
        elements.push_back(std::move(*ev));
      }
      return AttributeValue::list(std::move(elements));
    }
    case Type::kM: {
      auto members = parse_members(v, depth);
      if (!members) return members.error();
      return AttributeValue::map(std::move(*members));
    }
    default:
      return parse_set(type, v);
  }
}

Result<AttributeValue> parse_value(const json& j, int depth) {
  if (depth > kMaxValueDepth) {
    return validation_error("Nesting Levels have exceeded supported limits");
  }
  if (j.is_array()) {
    return serialization_error(
        "Unrecognized collection type class com.amazonaws.dynamodb.v20120810.AttributeValue");
  }
  if (!j.is_object()) return serialization_error("Unexpected value type in payload");
  std::optional<Type> found;
  int count = 0;
  const json* payload = nullptr;
  for (const auto& [key, value] : j.items()) {
    auto type = type_from_name(key);
    if (!type || value.is_null()) continue;  // unknown members are ignored, as AWS does
    ++count;
    if (!found) {
      found = type;
      payload = &value;
    }
  }
  if (count == 0) {
    return validation_error(
        "Supplied AttributeValue is empty, must contain exactly one of the supported datatypes");
  }
  auto value = parse_typed(*found, *payload, depth);
  if (!value) return value;
  if (count > 1) {
    return validation_error(
        "Supplied AttributeValue has more than one datatypes set, must contain exactly one of the "
        "supported datatypes");
  }
  return value;
}

}  // namespace

AwsError serialization_error(std::string message) {
  return errors::dynamodb::kSerialization(std::move(message));
}

Result<AttributeValue> value_from_json(const json& j) { return parse_value(j, 0); }

Result<Item> item_from_json(const json& j) { return parse_members(j, 0); }

json value_to_json(const AttributeValue& value) {
  const std::string key(type_name(value.type()));
  switch (value.type()) {
    case Type::kS:
    case Type::kN:
      return json{{key, value.scalar()}};
    case Type::kB:
      return json{{key, http::base64_encode(value.scalar())}};
    case Type::kBool:
      return json{{key, value.bool_value()}};
    case Type::kNull:
      return json{{key, true}};
    case Type::kL: {
      json list = json::array();
      for (const auto& e : value.list_value()) list.push_back(value_to_json(e));
      return json{{key, std::move(list)}};
    }
    case Type::kM:
      return json{{key, item_to_json(value.map_value())}};
    case Type::kBS: {
      json set = json::array();
      for (const auto& e : value.set_value()) set.push_back(http::base64_encode(e));
      return json{{key, std::move(set)}};
    }
    default:
      return json{{key, value.set_value()}};
  }
}

json item_to_json(const Item& item) {
  json out = json::object();
  for (const auto& [name, value] : item) out[name] = value_to_json(value);
  return out;
}

}  // namespace emu::dynamodb
