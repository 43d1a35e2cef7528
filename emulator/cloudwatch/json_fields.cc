#include "emulator/cloudwatch/json_fields.h"

namespace emu::cloudwatch {

Dimensions dimensions_of(const nlohmann::json& j) {
  Dimensions out;
  if (!j.is_array()) return out;
  for (const auto& d : j) {
    if (d.is_object()) out.emplace_back(d.value("Name", ""), d.value("Value", ""));
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
  if (v.is_string()) {
    try {
      std::size_t used = 0;
      const double d = std::stod(v.get<std::string>(), &used);
      if (used == v.get<std::string>().size()) return d;
    } catch (...) {
    }
  }
  return std::nullopt;
}

std::optional<double> number_of(const nlohmann::json& j, const char* key) {
  if (!j.contains(key)) return std::nullopt;
  return number_value(j[key]);
}

}  // namespace emu::cloudwatch
