// Routes each request to the first registered service that accepts it. Services register in
// priority order; the save-metrics front door (which answers anything unrecognised the way the
// WAF does) goes last.
#pragma once

#include <string_view>
#include <vector>

#include "emulator/http/message.h"

namespace emu::http {

// A wire layer reachable over HTTP: DynamoDB, SQS, S3, CloudWatch, Lambda, the control API and
// the save-metrics front door each implement one. Called only on the simulation thread.
class Service {
 public:
  virtual ~Service() = default;
  virtual std::string_view name() const = 0;
  // True if this service should answer `request` (by path, X-Amz-Target, Action, SigV4 scope).
  virtual bool accepts(const HttpRequest& request) const = 0;
  // Answers `request`, received at emulated time `now`. Must not throw for any input.
  virtual HttpResponse handle(const HttpRequest& request, Micros now) = 0;
};

class Router {
 public:
  // `service` must outlive the router.
  void add(Service& service) { services_.push_back(&service); }
  // Answers with the first accepting service; 404 JSON if none does. A path or query with raw
  // bytes that are not URI characters (controls, spaces, bytes that are not UTF-8) gets a plain
  // 400 before any service sees it. Exceptions escaping a service become a 500 InternalFailure
  // (and are a bug).
  HttpResponse route(const HttpRequest& request, Micros now);

 private:
  std::vector<Service*> services_;
};

// The SigV4 credential scope's service name ("dynamodb", "sqs", "monitoring", "s3", "lambda")
// from an Authorization header or X-Amz-Credential query parameter; "" if unsigned.
std::string_view sigv4_service(const HttpRequest& request);

// For services that speak both the JSON protocol and the query protocol (SQS, CloudWatch): an
// X-Amz-Target starting with `target_prefix`, or a POST signed for `signing_name`.
bool json_or_query_request_for(const HttpRequest& request, std::string_view target_prefix,
                               std::string_view signing_name);

}  // namespace emu::http
