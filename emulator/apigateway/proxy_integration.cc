#include "emulator/apigateway/proxy_integration.h"

#include <charconv>
#include <set>

namespace emu::apigateway {

namespace {

std::optional<int> status_code(const nlohmann::json& result) {
  const auto it = result.find("statusCode");
  if (it == result.end() || it->is_null()) return 200;
  if (it->is_number_integer()) return it->get<int>();
  if (it->is_string()) {
    const std::string& s = it->get_ref<const std::string&>();
    int code = 0;
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), code);
    if (ec == std::errc() && end == s.data() + s.size()) return code;
  }
  return std::nullopt;
}

std::optional<std::string> header_value(const nlohmann::json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_boolean()) return v.get<bool>() ? "true" : "false";
  if (v.is_number()) return v.dump();
  return std::nullopt;
}

}  // namespace

std::optional<http::HttpResponse> map_proxy_result(const nlohmann::json& result) {
  static const std::set<std::string> kAllowed = {"statusCode", "headers", "multiValueHeaders",
                                                 "body", "isBase64Encoded", "cookies"};
  if (!result.is_object()) return std::nullopt;
  for (const auto& [key, value] : result.items()) {
    if (kAllowed.count(key) == 0) return std::nullopt;
  }
  const auto status = status_code(result);
  if (!status || *status < 100 || *status > 599) return std::nullopt;
  http::HttpResponse response;
  response.status = *status;
  std::map<std::string, std::string, http::CaseInsensitiveLess> merged;
  if (const auto mv = result.find("multiValueHeaders"); mv != result.end() && !mv->is_null()) {
    if (!mv->is_object()) return std::nullopt;
    for (const auto& [name, values] : mv->items()) {
      if (!values.is_array()) return std::nullopt;
      std::string joined;
      for (const auto& v : values) {
        const auto text = header_value(v);
        if (!text) return std::nullopt;
        joined += (joined.empty() ? "" : ", ") + *text;
      }
      merged[name] = joined;
    }
  }
  if (const auto h = result.find("headers"); h != result.end() && !h->is_null()) {
    if (!h->is_object()) return std::nullopt;
    for (const auto& [name, value] : h->items()) {
      const auto text = header_value(value);
      if (!text) return std::nullopt;
      auto& slot = merged[name];
      slot = slot.empty() ? *text : slot + ", " + *text;
    }
  }
  for (auto& [name, value] : merged) response.headers.emplace(name, value);
  if (const auto b = result.find("body"); b != result.end() && !b->is_null()) {
    if (!b->is_string()) return std::nullopt;
    response.body = b->get<std::string>();
  }
  // DEVIATION: isBase64Encoded bodies are passed through as text (the seed API has no binary
  // media types, where AWS does the same).
  if (!response.headers.count("Content-Type")) {
    response.headers.emplace("Content-Type", "application/json");
  }
  return response;
}

}  // namespace emu::apigateway
