#include "emulator/apigateway/json_schema.h"

#include <cmath>

namespace emu::apigateway {

JsonSchema::JsonSchema(nlohmann::json schema)
    : schema_(std::move(schema)), compiled_(compile(schema_)) {}

std::size_t utf8_length(std::string_view text) {
  std::size_t n = 0;
  for (unsigned char c : text) n += (c & 0xC0) != 0x80 ? 1 : 0;
  return n;
}

namespace {

// ASSUMPTION: a whole-valued number written with a fraction or exponent (1.0, 1e3) counts as an
// "integer", as most draft-04 validators treat it.
bool is_integer(const nlohmann::json& v) {
  if (v.is_number_integer()) return true;
  if (!v.is_number_float()) return false;
  const double d = v.get<double>();
  return std::isfinite(d) && d == std::floor(d);
}

bool has_type(const nlohmann::json& v, const std::string& type) {
  if (type == "object") return v.is_object();
  if (type == "array") return v.is_array();
  if (type == "string") return v.is_string();
  if (type == "number") return v.is_number();
  if (type == "integer") return is_integer(v);
  if (type == "boolean") return v.is_boolean();
  if (type == "null") return v.is_null();
  return false;
}

bool type_matches(const nlohmann::json& schema, const nlohmann::json& v) {
  const auto it = schema.find("type");
  if (it == schema.end()) return true;
  if (it->is_string()) return has_type(v, it->get<std::string>());
  if (it->is_array()) {
    for (const auto& t : *it) {
      if (t.is_string() && has_type(v, t.get<std::string>())) return true;
    }
    return false;
  }
  return true;
}

double number_or(const nlohmann::json& schema, const char* key, double fallback) {
  const auto it = schema.find(key);
  return it != schema.end() && it->is_number() ? it->get<double>() : fallback;
}

}  // namespace

std::optional<std::string> JsonSchema::first_violation(const nlohmann::json& instance) const {
  return check(schema_, instance, "$");
}

std::optional<std::string> JsonSchema::check(const nlohmann::json& schema,
                                             const nlohmann::json& v,
                                             const std::string& where) const {
  if (!schema.is_object()) return std::nullopt;
  if (!type_matches(schema, v)) return where + ": wrong type";
  if (const auto e = schema.find("enum"); e != schema.end() && e->is_array()) {
    bool found = false;
    for (const auto& option : *e) found = found || option == v;
    if (!found) return where + ": not one of the enum values";
  }
  if (v.is_string()) {
    const double len = static_cast<double>(utf8_length(v.get_ref<const std::string&>()));
    if (len < number_or(schema, "minLength", 0)) return where + ": shorter than minLength";
    if (len > number_or(schema, "maxLength", INFINITY)) return where + ": longer than maxLength";
  }
  if (v.is_number()) {
    const double d = v.get<double>();
    if (d < number_or(schema, "minimum", -INFINITY)) return where + ": below minimum";
    if (d > number_or(schema, "maximum", INFINITY)) return where + ": above maximum";
  }
  if (v.is_array()) {
    const double n = static_cast<double>(v.size());
    if (n < number_or(schema, "minItems", 0)) return where + ": fewer than minItems";
    if (n > number_or(schema, "maxItems", INFINITY)) return where + ": more than maxItems";
    if (const auto items = schema.find("items"); items != schema.end() && items->is_object()) {
      for (size_t i = 0; i < v.size(); ++i) {
        if (auto e = check(*items, v[i], where + "[" + std::to_string(i) + "]")) return e;
      }
    }
  }
  if (v.is_object()) {
    if (const auto req = schema.find("required"); req != schema.end() && req->is_array()) {
      for (const auto& name : *req) {
        if (name.is_string() && !v.contains(name.get<std::string>())) {
          return where + ": missing required " + name.get<std::string>();
        }
      }
    }
    const auto props = schema.find("properties");
    const auto extra = schema.find("additionalProperties");
    for (const auto& [key, value] : v.items()) {
      if (props != schema.end() && props->contains(key)) {
        if (auto e = check(props->at(key), value, where + "." + key)) return e;
      } else if (extra != schema.end()) {
        if (extra->is_boolean() && !extra->get<bool>()) return where + ": unexpected " + key;
        if (auto e = check(*extra, value, where + "." + key)) return e;
      }
    }
  }
  return std::nullopt;
}

}  // namespace emu::apigateway
