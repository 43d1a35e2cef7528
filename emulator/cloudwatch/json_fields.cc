#include "emulator/cloudwatch/json_fields.h"

#include "emulator/http/json_shape.h"

namespace emu::cloudwatch {

Dimensions dimensions_of(const nlohmann::json& j) {
  Dimensions out;
  if (!j.is_array()) return out;
  for (const auto& d : j) {
    if (!d.is_object()) continue;
    const auto name = d.find("Name"), value = d.find("Value");
    out.emplace_back(name != d.end() && name->is_string() ? name->get<std::string>() : "",
                     value != d.end() && value->is_string() ? value->get<std::string>() : "");
  }
  return out;
}

nlohmann::json dimensions_json(const Dimensions& dims) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& [k, v] : dims) out.push_back({{"Name", k}, {"Value", v}});
  return out;
}

std::vector<std::string> strings_of(const nlohmann::json& j, const char* key) {
  std::vector<std::string> out;
  if (j.contains(key) && j[key].is_array()) {
    for (const auto& s : j[key]) {
      if (s.is_string()) out.push_back(s.get<std::string>());
    }
  }
  return out;
}

std::optional<double> number_value(const nlohmann::json& v) {
  if (v.is_number()) return v.get<double>();
  if (v.is_string()) return http::parse_double(v.get_ref<const std::string&>());
  return std::nullopt;
}

std::optional<double> number_of(const nlohmann::json& j, const char* key) {
  if (!j.contains(key)) return std::nullopt;
  return number_value(j[key]);
}

}  // namespace emu::cloudwatch
