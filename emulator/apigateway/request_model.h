// API Gateway's request validator for POST /save-metrics: the body is validated against the
// model bound to its content type. The seed binds model "metricspayload" (schema 1.4.2,
// models/metrics.json) to application/json and validates the body only.
//
// AWS: "If no matching content type is found, request validation is not performed", so a
// text/plain body reaches the Lambda unvalidated (and create_metrics stores it as is).
// ASSUMPTION: a request without Content-Type is treated as application/json, API Gateway's
// default content type.
#pragma once

#include <string_view>

#include "emulator/apigateway/json_schema.h"

namespace emu::apigateway {

class RequestModel {
 public:
  // The seed's metrics model, embedded in the binary.
  static RequestModel seed_metrics_model();
  explicit RequestModel(JsonSchema schema);

  enum class Outcome { kValid, kInvalid, kNotValidated };
  Outcome validate(std::string_view content_type, std::string_view body) const;

 private:
  JsonSchema schema_;
};

// True if `content_type` names application/json (case-insensitive, parameters ignored).
bool is_json_media_type(std::string_view content_type);

}  // namespace emu::apigateway
