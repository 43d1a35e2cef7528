#include "emulator/dynamodb/wire_schema.h"

#include <cmath>
#include <limits>

#include "emulator/dynamodb/wire_fields.h"
#include "emulator/http/aws_wire.h"

namespace emu::dynamodb::wire_detail {

namespace {

constexpr std::string_view kModelPackage = "com.amazonaws.dynamodb.v20120810.";
constexpr int kMaxTypeDepth = 32;

std::string map_of(std::string_view element_class) {
  const std::string cls = element_class.find('.') != std::string_view::npos
                              ? std::string(element_class)
                              : std::string(kModelPackage) + std::string(element_class);
  return "Unrecognized collection type java.util.Map<java.lang.String, " + cls + ">";
}

std::optional<std::string> string_error(const json& v) {
  if (v.is_null() || v.is_string()) return std::nullopt;
  return wrong_type(v, "String");
}

std::optional<std::string> boolean_error(const json& v) {
  if (v.is_null() || v.is_boolean()) return std::nullopt;
  if (v.is_string()) {
    std::string s = v.get<std::string>();
    for (auto& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    if (s == "TRUE" || s == "1" || s == "YES" || s == "FALSE" || s == "0" || s == "NO") {
      return std::nullopt;
    }
    return "Unexpected token received from parser";
  }
  return wrong_type(v, "Boolean");
}

std::optional<std::string> blob_error(const json& v) {
  if (v.is_null()) return std::nullopt;
  if (v.is_boolean() || v.is_number())
    return "only base-64-encoded strings are convertible to bytes";
  if (v.is_array()) return "Unrecognized collection type class java.nio.ByteBuffer";
  if (!v.is_string()) return "Start of structure or map found where not expected";
  const auto& text = v.get_ref<const std::string&>();
  if (text.size() % 4 != 0) {
    return "Base64 encoded length is expected a multiple of 4 bytes but found: " +
           std::to_string(text.size());
  }
  // Node's (and Java's) decoders are lenient; DynamoDB wants the canonical encoding back.
  auto decoded = http::base64_decode(text);
  if (!decoded || http::base64_encode(*decoded) != text) {
    return "Invalid last non-pad Base64 character dectected";
  }
  return std::nullopt;
}

std::optional<std::string> list_shape_error(const json& v) {
  if (v.is_array() || v.is_null()) return std::nullopt;
  return v.is_object() ? "Start of structure or map found where not expected"
                       : "Unexpected field type";
}

std::optional<std::string> attribute_map_error(const json& v, int depth) {
  if (v.is_null()) return std::nullopt;
  if (v.is_array()) return map_of("AttributeValue");
  if (!v.is_object()) return "Unexpected field type";
  for (const auto& [key, child] : v.items()) {
    if (auto e = attribute_value_type_error(child, depth + 1)) return e;
  }
  return std::nullopt;
}

template <class Check>
std::optional<std::string> each_error(const json& list, Check check) {
  if (auto e = list_shape_error(list)) return e;
  if (list.is_null()) return std::nullopt;
  for (const auto& element : list) {
    if (auto e = check(element)) return e;
  }
  return std::nullopt;
}

const json* member_of(const json& object, std::string_view name) {
  if (!object.is_object()) return nullptr;
  auto it = object.find(name);
  return it == object.end() || it->is_null() ? nullptr : &*it;
}

std::optional<std::string> field_type_error(const FieldRule& rule, const json& v);
std::optional<std::string> struct_element_error(const FieldRule& rule, const json& element);

std::optional<std::string> schema_type_error(const RequestSchema& schema, const json& object) {
  for (const FieldRule& rule : schema) {
    const json* v = member_of(object, rule.name);
    if (!v) continue;
    if (auto e = field_type_error(rule, *v)) return e;
  }
  return std::nullopt;
}

// One structure of class rule.element_class inside a list or map.
std::optional<std::string> struct_element_error(const FieldRule& rule, const json& element) {
  if (element.is_null()) return std::nullopt;
  if (element.is_array()) {
    return "Unrecognized collection type class " + std::string(kModelPackage) +
           std::string(rule.element_class);
  }
  if (!element.is_object()) return "Unexpected value type in payload";
  return schema_type_error(*rule.children, element);
}

std::optional<std::string> field_type_error(const FieldRule& rule, const json& v) {
  switch (rule.type) {
    case FieldType::kString: return string_error(v);
    case FieldType::kBoolean: return boolean_error(v);
    case FieldType::kInteger:
    case FieldType::kLong: {
      if (v.is_number()) return std::nullopt;
      return wrong_type(v, rule.type == FieldType::kLong ? "Long" : "Integer");
    }
    case FieldType::kAttributeMap: return attribute_map_error(v, 0);
    case FieldType::kStringMap: {
      if (v.is_array()) return map_of("java.lang.String");
      if (!v.is_object()) return "Unexpected field type";
      for (const auto& [key, child] : v.items()) {
        if (auto e = string_error(child)) return e;
      }
      return std::nullopt;
    }
    case FieldType::kMap:
      if (v.is_array()) return map_of(rule.element_class);
      if (!v.is_object()) return "Unexpected field type";
      if (!rule.children) return std::nullopt;
      for (const auto& [key, element] : v.items()) {
        if (auto e = struct_element_error(rule, element)) return e;
      }
      return std::nullopt;
    case FieldType::kAttributeMapList:
      return each_error(v, [](const json& element) -> std::optional<std::string> {
        if (element.is_null()) return std::nullopt;
        if (element.is_array()) return map_of("AttributeValue");
        // What DynamoDB's Java deserializer says of a non-map where it wants a
        // Map<String, AttributeValue> inside a list.
        if (!element.is_object()) {
          return "class sun.reflect.generics.reflectiveObjects.ParameterizedTypeImpl cannot be "
                 "cast to class java.lang.Class (sun.reflect.generics.reflectiveObjects."
                 "ParameterizedTypeImpl and java.lang.Class are in module java.base of loader "
                 "'bootstrap')";
        }
        return attribute_map_error(element, 0);
      });
    case FieldType::kList:
      if (!rule.children) return list_shape_error(v);
      return each_error(v,
                        [&](const json& element) { return struct_element_error(rule, element); });
    case FieldType::kStringList: return each_error(v, string_error);
    case FieldType::kStruct:
      if (v.is_array()) {
        return "Unrecognized collection type class " + std::string(kModelPackage) +
               std::string(rule.element_class);
      }
      if (!v.is_object()) return "Unexpected field type";
      return rule.children ? schema_type_error(*rule.children, v) : std::nullopt;
  }
  return std::nullopt;
}

std::size_t length_of(const json& v) {
  if (!v.is_string()) return v.size();
  std::size_t code_points = 0;
  for (unsigned char c : v.get_ref<const std::string&>()) code_points += (c & 0xC0) != 0x80;
  return code_points;
}

bool matches_name_pattern(const std::string& s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '.' && c != '-') {
      return false;
    }
  }
  return true;
}

// Integers are shown (and compared) as DynamoDB's Java layer sees them: floored.
// ASSUMPTION: beyond the 64-bit range ("Limit": -1e308) saturated, as Java's (long) cast does
// (in C++ that cast is undefined behaviour: UBSan's report in the sanitized wire_garbage).
json as_checked(const FieldRule& rule, const json& v) {
  const bool integral = rule.type == FieldType::kInteger || rule.type == FieldType::kLong;
  if (!integral || !v.is_number_float()) return v;
  const double floored = std::floor(v.get<double>());
  if (!(floored < 0x1p63)) return std::numeric_limits<std::int64_t>::max();
  if (floored < -0x1p63) return std::numeric_limits<std::int64_t>::min();
  return static_cast<std::int64_t>(floored);
}

void check_constraints(const FieldRule& rule, const json* raw, Fields& f,
                       const std::string& prefix);

// A map whose keys are table names: one failure for the whole map.
void check_table_name_keys(const json& map, Fields& f, const std::string& member) {
  bool ok = true;
  for (const auto& [key, element] : map.items()) {
    const std::size_t n = length_of(json(key));
    ok = ok && n >= 3 && n <= 255 && matches_name_pattern(key);
  }
  f.constraint(ok, &map, member,
               "Map keys must satisfy constraint: [Member must have length less than or equal "
               "to 255, Member must have length greater than or equal to 3, Member must "
               "satisfy regular expression pattern: " +
                   std::string(kNamePattern) + "]");
}

// The members of a structure, or of each structure in a list or map.
void check_children(const FieldRule& rule, const json& raw, Fields& f, const std::string& member) {
  if (rule.type == FieldType::kMap) {
    for (const auto& [key, element] : raw.items()) {
      for (const FieldRule& child : *rule.children) {
        check_constraints(child, member_of(element, child.name), f,
                          member + "." + key + ".member.");
      }
    }
    return;
  }
  if (rule.type == FieldType::kStruct) {
    for (const FieldRule& child : *rule.children) {
      check_constraints(child, member_of(raw, child.name), f, member + ".");
    }
    return;
  }
  for (std::size_t i = 0; raw.is_array() && i < raw.size(); ++i) {
    const std::string element = member + "." + std::to_string(i + 1) + ".member.";
    for (const FieldRule& child : *rule.children) {
      check_constraints(child, member_of(raw[i], child.name), f, element);
    }
  }
}

void check_constraints(const FieldRule& rule, const json* raw, Fields& f,
                       const std::string& prefix) {
  const std::string member = prefix +
                             std::string(1, static_cast<char>(std::tolower(rule.name[0]))) +
                             std::string(rule.name.substr(1));
  if (rule.not_null) f.constraint(raw != nullptr, nullptr, member, "Member must not be null");
  if (!raw) return;
  const json v = as_checked(rule, *raw);
  if (!rule.pattern.empty() && v.is_string()) {
    f.constraint(matches_name_pattern(v.get<std::string>()), &v, member,
                 "Member must satisfy regular expression pattern: " + std::string(rule.pattern));
  }
  if (rule.min_length) {
    f.constraint(
        static_cast<std::int64_t>(length_of(v)) >= *rule.min_length, &v, member,
        "Member must have length greater than or equal to " + std::to_string(*rule.min_length));
  }
  if (rule.max_length) {
    f.constraint(
        static_cast<std::int64_t>(length_of(v)) <= *rule.max_length, &v, member,
        "Member must have length less than or equal to " + std::to_string(*rule.max_length));
  }
  if (!rule.allowed.empty() && v.is_string()) {
    std::string set;
    bool ok = false;
    for (auto a : rule.allowed) {
      set += (set.empty() ? "" : ", ") + std::string(a);
      ok = ok || a == v.get_ref<const std::string&>();
    }
    f.constraint(ok, &v, member, "Member must satisfy enum value set: [" + set + "]");
  }
  if (rule.min_value && v.is_number()) {
    f.constraint(
        v.get<double>() >= static_cast<double>(*rule.min_value), &v, member,
        "Member must have value greater than or equal to " + std::to_string(*rule.min_value));
  }
  if (rule.max_value && v.is_number()) {
    f.constraint(v.get<double>() <= static_cast<double>(*rule.max_value), &v, member,
                 "Member must have value less than or equal to " + std::to_string(*rule.max_value));
  }
  if (rule.table_name_keys && raw->is_object()) check_table_name_keys(*raw, f, member);
  if (rule.children) check_children(rule, *raw, f, member);
}

}  // namespace

std::optional<std::string> attribute_value_type_error(const json& v, int depth) {
  if (v.is_null() || depth > kMaxTypeDepth) return std::nullopt;
  if (v.is_array())
    return "Unrecognized collection type class " + std::string(kModelPackage) + "AttributeValue";
  if (!v.is_object()) return "Unexpected value type in payload";
  auto at = [&](const char* key) -> const json& {
    static const json kNull;
    auto it = v.find(key);
    return it == v.end() ? kNull : *it;
  };
  if (auto e = string_error(at("S"))) return e;
  if (auto e = blob_error(at("B"))) return e;
  if (auto e = string_error(at("N"))) return e;
  if (auto e = boolean_error(at("BOOL"))) return e;
  if (auto e = boolean_error(at("NULL"))) return e;
  if (auto e = each_error(at("BS"), blob_error)) return e;
  if (auto e = each_error(at("NS"), string_error)) return e;
  if (auto e = each_error(at("SS"), string_error)) return e;
  if (auto e = each_error(
          at("L"), [&](const json& c) { return attribute_value_type_error(c, depth + 1); })) {
    return e;
  }
  return attribute_map_error(at("M"), depth);
}

std::optional<AwsError> check_request(const RequestSchema& schema, const json& body,
                                      std::string_view member_prefix) {
  static const json kEmpty = json::object();
  const json& object = body.is_object() ? body : kEmpty;
  auto present = [&](std::string_view name) { return member_of(object, name); };
  if (auto e = schema_type_error(schema, object)) return serialization_error(*e);
  for (const FieldRule& rule : schema) {
    const json* v = present(rule.name);
    if (rule.required && !v) {
      return validation_error("The parameter '" + std::string(rule.name) +
                              "' is required but was not present in the request");
    }
    if (rule.table_name_length && v && v->is_string() &&
        (length_of(*v) < 3 || length_of(*v) > 255)) {
      return validation_error(
          std::string(rule.name) +
          " must be at least 3 characters long and at most 255 characters long");
    }
  }
  Fields f(object);
  for (const FieldRule& rule : schema) {
    check_constraints(rule, present(rule.name), f, std::string(member_prefix));
  }
  return f.error();
}

}  // namespace emu::dynamodb::wire_detail
