#include "emulator/server/edge_errors.h"

#include <atomic>
#include <cstdio>

#include <nlohmann/json.hpp>

#include "emulator/core/errors.h"
#include "emulator/http/aws_wire.h"
#include "emulator/http/router.h"

namespace emu::server {

namespace {

// Request ids without randomness (the edge has no seeded Random): a UUID-shaped counter.
std::string next_request_id() {
  static std::atomic<std::uint64_t> counter{0};
  char id[40];
  std::snprintf(id, sizeof id, "00000000-0000-4000-8000-%012llx",
                static_cast<unsigned long long>(counter.fetch_add(1) + 1));
  return id;
}

}  // namespace

http::HttpResponse service_unavailable(const http::HttpRequest& head, const std::string& message) {
  const std::string_view service = http::sigv4_service(head);
  const std::string id = next_request_id();
  if (service == "s3") {  // rest-xml; S3 says SlowDown when it wants fewer requests
    http::XmlWriter xml;
    xml.open("Error")
        .element("Code", errors::s3::kSlowDown.name)
        .element("Message", message)
        .element("RequestId", id)
        .close();
    auto r = http::HttpResponse::with_body(503, "application/xml", xml.str());
    r.set_header("x-amz-request-id", id);
    return r;
  }
  const AwsError error = errors::common::kServiceUnavailable(message);
  if (head.has_header("X-Amz-Target")) return http::json_error(error, "", id);  // json protocol
  if (service == "sqs" || service == "monitoring") return http::query_error(error, id);
  // The API Gateway front door, the control API and anything else: API Gateway's shape.
  nlohmann::json body = {{"message", message}};
  auto r = http::HttpResponse::with_body(503, "application/json", body.dump());
  r.set_header("x-amzn-ErrorType", std::string(errors::apigateway::kServiceUnavailable.name));
  return r;
}

}  // namespace emu::server
