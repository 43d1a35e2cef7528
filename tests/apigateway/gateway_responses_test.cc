#include <doctest/doctest.h>

#include "emulator/apigateway/gateway_responses.h"

using namespace emu;
using namespace emu::apigateway;

TEST_CASE("gateway errors carry AWS's status, body and error type") {
  Random random(1);
  const auto ids = RequestIds::generate(random, 1624766400LL * kMicrosPerSecond);
  struct Row {
    GatewayError error;
    int status;
    const char* body;
    const char* type;
  };
  const Row rows[] = {
      {GatewayError::kInvalidApiKey, 403, R"({"message":"Forbidden"})", "ForbiddenException"},
      {GatewayError::kBadRequestBody, 400, R"({"message": "Invalid request body"})",
       "BadRequestException"},
      {GatewayError::kThrottled, 429, R"({"message":"Too Many Requests"})",
       "TooManyRequestsException"},
      {GatewayError::kQuotaExceeded, 429, R"({"message":"Limit Exceeded"})",
       "LimitExceededException"},
      {GatewayError::kLambdaRejected, 500, R"({"message": "Internal server error"})",
       "InternalServerErrorException"},
      {GatewayError::kLambdaFunctionError, 502, R"({"message": "Internal server error"})",
       "InternalServerErrorException"},
      {GatewayError::kMissingAuthenticationToken, 403,
       R"({"message":"Missing Authentication Token"})", "MissingAuthenticationTokenException"},
  };
  for (const auto& row : rows) {
    const auto r = gateway_error(row.error, ids);
    CHECK(r.status == row.status);
    CHECK(r.body == row.body);
    CHECK(r.header("x-amzn-ErrorType") == row.type);
    CHECK(r.header("Content-Type") == "application/json");
    CHECK(r.header("x-amzn-RequestId") == ids.request_id);
  }
  CHECK(gateway_error(GatewayError::kThrottled, ids).body.size() == 31);  // as captured on AWS
  const auto timeout = gateway_error(GatewayError::kIntegrationTimeout, ids);
  CHECK(timeout.status == 504);
  CHECK(timeout.body == R"({"message": "Endpoint request timed out"})");
}

TEST_CASE("request ids are reproducible from the seed and shaped like AWS's") {
  Random a(7), b(7);
  const auto x = RequestIds::generate(a, 1624766400LL * kMicrosPerSecond);
  const auto y = RequestIds::generate(b, 1624766400LL * kMicrosPerSecond);
  CHECK(x.request_id == y.request_id);
  CHECK(x.apigw_id.size() == 16);
  CHECK(x.trace_id.rfind("Root=1-60d7f7c0-", 0) == 0);  // 2021-06-27T04:00:00Z in hex
  CHECK(x.trace_id.size() == std::string("Root=1-60d7f7c0-").size() + 24);
}
