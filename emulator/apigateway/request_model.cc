#include "emulator/apigateway/request_model.h"

#include <cctype>

#include "emulator/core/json_util.h"

namespace emu::apigateway {

extern const char* const kMetricsModelJson;

RequestModel RequestModel::seed_metrics_model() {
  return RequestModel(JsonSchema(nlohmann::json::parse(kMetricsModelJson)));
}

RequestModel::RequestModel(JsonSchema schema) : schema_(std::move(schema)) {}

bool is_json_media_type(std::string_view content_type) {
  std::string_view media = content_type.substr(0, content_type.find(';'));
  while (!media.empty() && std::isspace(static_cast<unsigned char>(media.back()))) {
    media.remove_suffix(1);
  }
  while (!media.empty() && std::isspace(static_cast<unsigned char>(media.front()))) {
    media.remove_prefix(1);
  }
  constexpr std::string_view kJson = "application/json";
  if (media.size() != kJson.size()) return false;
  for (size_t i = 0; i < kJson.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(media[i])) != kJson[i]) return false;
  }
  return true;
}

RequestModel::Outcome RequestModel::validate(std::string_view content_type,
                                             std::string_view body) const {
  if (!content_type.empty() && !is_json_media_type(content_type)) return Outcome::kNotValidated;
  if (const auto valid = schema_.valid_text(body))
    return *valid ? Outcome::kValid : Outcome::kInvalid;
  const auto parsed = parse_json(body);
  if (!parsed) return Outcome::kInvalid;
  return schema_.valid(*parsed) ? Outcome::kValid : Outcome::kInvalid;
}

}  // namespace emu::apigateway
