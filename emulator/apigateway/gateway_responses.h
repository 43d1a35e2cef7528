// What API Gateway (REST, v1) answers when it refuses a request itself, and the headers it adds
// to every response. Bodies, statuses and x-amzn-ErrorType values follow aws-fidelity.md 1.3-1.4
// and the seed spec's response table (2.3).
#pragma once

#include <string>

#include "emulator/core/random.h"
#include "emulator/core/result.h"
#include "emulator/http/message.h"

namespace emu::apigateway {

enum class GatewayError {
  kMissingAuthenticationToken,  // no such resource/method: 403
  kInvalidApiKey,               // missing or wrong x-api-key: 403 {"message":"Forbidden"}
  kWafFiltered,                 // WAF block with the default action: 403 {"message":"Forbidden"}
  kBadRequestBody,              // request model validation failed: 400
  kRequestTooLarge,             // over the 10 MB payload limit: 413
  kThrottled,                   // a throttle bucket was empty: 429 Too Many Requests
  kQuotaExceeded,               // usage-plan quota exhausted: 429 Limit Exceeded
  kLambdaRejected,              // Lambda refused the Invoke (incl. its 429 throttle): 500
  kLambdaFunctionError,         // function error, timeout or malformed proxy result: 502
  kIntegrationTimeout,          // no answer within the integration timeout: 504
};

// Identifiers API Gateway stamps on each request (x-amzn-RequestId, x-amz-apigw-id,
// X-Amzn-Trace-Id), drawn from the emulator's seeded randomness so runs are reproducible.
struct RequestIds {
  std::string request_id;
  std::string apigw_id;
  std::string trace_id;

  static RequestIds generate(Random& random, Micros now);
};

int status_of(GatewayError error);
http::HttpResponse gateway_error(GatewayError error, const RequestIds& ids);
// API Gateway failing by itself (a fault rule for "apigateway" Invoke): `error`'s status, the
// body {"message": "<error's message>"} and x-amzn-ErrorType <code>Exception, as API Gateway
// answers its own 5xx (InternalServerError: 500 {"message": "Internal server error"},
// InternalServerErrorException).
http::HttpResponse gateway_fault(const AwsError& error, const RequestIds& ids);
// Adds x-amzn-RequestId, x-amz-apigw-id and X-Amzn-Trace-Id.
void add_standard_headers(http::HttpResponse& response, const RequestIds& ids);

}  // namespace emu::apigateway
