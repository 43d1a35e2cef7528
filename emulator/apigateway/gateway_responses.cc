#include "emulator/apigateway/gateway_responses.h"

#include <cstdio>

#include <nlohmann/json.hpp>

#include "emulator/core/errors.h"

namespace emu::apigateway {

namespace {

struct Shape {
  int status;
  const char* body;
  std::string_view error_type;  // x-amzn-ErrorType, or empty
};

Shape shape_of(GatewayError error) {
  switch (error) {
    case GatewayError::kMissingAuthenticationToken:
      return {403, R"({"message":"Missing Authentication Token"})",
              errors::apigateway::kMissingAuthenticationToken.name};
    case GatewayError::kInvalidApiKey:
    case GatewayError::kWafFiltered:
      return {403, R"({"message":"Forbidden"})", errors::apigateway::kForbidden.name};
    case GatewayError::kBadRequestBody:
      return {400, R"({"message": "Invalid request body"})", errors::apigateway::kBadRequest.name};
    case GatewayError::kRequestTooLarge:
      // ASSUMPTION: the message text of REQUEST_TOO_LARGE is not documented.
      return {413, R"({"message":"Request Too Long"})", errors::apigateway::kRequestTooLong.name};
    case GatewayError::kThrottled:
      return {429, R"({"message":"Too Many Requests"})", errors::apigateway::kTooManyRequests.name};
    case GatewayError::kQuotaExceeded:
      return {429, R"({"message":"Limit Exceeded"})", errors::apigateway::kLimitExceeded.name};
    case GatewayError::kLambdaRejected:
      return {500, R"({"message": "Internal server error"})",
              errors::apigateway::kInternalServerError.name};
    case GatewayError::kLambdaFunctionError:
      return {502, R"({"message": "Internal server error"})",
              errors::apigateway::kInternalServerError.name};
    case GatewayError::kIntegrationTimeout:
      // ASSUMPTION: AWS documents no x-amzn-ErrorType for INTEGRATION_TIMEOUT; none is sent.
      return {504, R"({"message": "Endpoint request timed out"})", {}};
  }
  return {500, R"({"message": "Internal server error"})",
          errors::apigateway::kInternalServerError.name};
}

std::string hex(Random& random, int digits) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out(static_cast<size_t>(digits), '0');
  for (auto& c : out) c = kHex[random.below(16)];
  return out;
}

}  // namespace

RequestIds RequestIds::generate(Random& random, Micros now) {
  static constexpr char kIdChars[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  RequestIds ids;
  ids.request_id = random.uuid_v4();
  ids.apigw_id.resize(16);
  for (int i = 0; i < 15; ++i) ids.apigw_id[i] = kIdChars[random.below(sizeof kIdChars - 1)];
  ids.apigw_id[15] = '=';
  char epoch[16];
  std::snprintf(epoch, sizeof epoch, "%08llx",
                static_cast<unsigned long long>(floor_to(now, kMicrosPerSecond) /
                                                kMicrosPerSecond));
  ids.trace_id = std::string("Root=1-") + epoch + "-" + hex(random, 24);
  return ids;
}

int status_of(GatewayError error) { return shape_of(error).status; }

http::HttpResponse gateway_error(GatewayError error, const RequestIds& ids) {
  const Shape shape = shape_of(error);
  http::HttpResponse r = http::HttpResponse::with_body(shape.status, "application/json", shape.body);
  if (!shape.error_type.empty()) r.set_header("x-amzn-ErrorType", std::string(shape.error_type));
  add_standard_headers(r, ids);
  return r;
}

http::HttpResponse gateway_fault(const AwsError& error, const RequestIds& ids) {
  const std::string message =
      nlohmann::json(error.message).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  // A code whose status is not an error (Lambda's FunctionError) fails as API Gateway's 500.
  const int status = error.http_status >= 400 ? error.http_status : 500;
  http::HttpResponse r =
      http::HttpResponse::with_body(status, "application/json", "{\"message\": " + message + "}");
  // ASSUMPTION: API Gateway names its own errors <Something>Exception
  // (InternalServerErrorException, ServiceUnavailableException); other codes are suffixed so.
  const bool suffixed =
      error.code.size() >= 9 && error.code.compare(error.code.size() - 9, 9, "Exception") == 0;
  r.set_header("x-amzn-ErrorType", suffixed ? error.code : error.code + "Exception");
  add_standard_headers(r, ids);
  return r;
}

void add_standard_headers(http::HttpResponse& response, const RequestIds& ids) {
  response.set_header("x-amzn-RequestId", ids.request_id);
  response.set_header("x-amz-apigw-id", ids.apigw_id);
  response.set_header("X-Amzn-Trace-Id", ids.trace_id);
}

}  // namespace emu::apigateway
