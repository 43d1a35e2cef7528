// The Lambda proxy integration's response mapping (AWS_PROXY): turns a function's return value
// into the HTTP response API Gateway sends, with AWS's validation (aws-fidelity.md 1.4):
//   {statusCode, headers, multiValueHeaders, body, isBase64Encoded} only; statusCode an integer
//   or numeric string (default 200); headers values strings/booleans/numbers; multiValueHeaders
//   values lists; body a string. Anything else is a malformed proxy response: 502.
#pragma once

#include <optional>

#include <nlohmann/json.hpp>

#include "emulator/http/message.h"

namespace emu::apigateway {

// The client's response for a function result, or nullopt if the result is malformed (the
// caller answers 502 then).
std::optional<http::HttpResponse> map_proxy_result(const nlohmann::json& result);

}  // namespace emu::apigateway
