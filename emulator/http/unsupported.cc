#include "emulator/http/unsupported.h"

#include <nlohmann/json.hpp>

#include "emulator/core/errors.h"
#include "emulator/core/json_util.h"
#include "emulator/http/aws_wire.h"

namespace emu::http {

namespace {

// SigV4 signing names of the services that speak rest-xml (S3 itself is emulated).
bool rest_xml_service(std::string_view service) {
  return service == "route53" || service == "cloudfront" || service == "s3" ||
         service == "s3-outposts";
}

bool form_body(const HttpRequest& request) {
  const std::string_view ct = request.header("Content-Type");
  return ct.substr(0, 33) == "application/x-www-form-urlencoded";
}

// The query protocol's Action, from the form body or the query string.
std::string query_action(const HttpRequest& request) {
  if (form_body(request)) {
    if (auto action = QueryParams(request.body).get("Action")) return *action;
  }
  if (request.query.find("Action=") != std::string::npos) {
    if (auto action = QueryParams(request.query).get("Action")) return *action;
  }
  return {};
}

std::string sanitized(std::string_view text, std::size_t limit) {
  std::string out(text.substr(0, limit));
  for (char& c : out) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u >= 0x7f) c = '?';
  }
  return out;
}

}  // namespace

bool looks_like_aws(const HttpRequest& request) {
  return !sigv4_service(request).empty() || request.has_header("X-Amz-Target") ||
         !query_action(request).empty();
}

UnsupportedCall classify_unsupported(const HttpRequest& request) {
  UnsupportedCall call;
  call.service = sanitized(sigv4_service(request), 64);
  const std::string_view target = request.header("X-Amz-Target");
  const std::string action = query_action(request);
  if (!target.empty()) {
    call.protocol = UnsupportedCall::Protocol::kJson;
    const auto dot = target.rfind('.');
    call.operation = sanitized(dot == std::string_view::npos ? target : target.substr(dot + 1), 128);
    if (call.service.empty()) call.service = sanitized(target.substr(0, dot), 64);
    const std::string_view ct = request.header("Content-Type");
    call.content_type = ct.find("1.1") != std::string_view::npos ? "application/x-amz-json-1.1"
                                                                  : "application/x-amz-json-1.0";
  } else if (!action.empty()) {
    call.protocol = call.service == "ec2" ? UnsupportedCall::Protocol::kEc2
                                          : UnsupportedCall::Protocol::kQuery;
    call.operation = sanitized(action, 128);
  } else {
    call.protocol = rest_xml_service(call.service) ? UnsupportedCall::Protocol::kRestXml
                                                   : UnsupportedCall::Protocol::kRestJson;
    call.operation = sanitized(request.method, 16) + " " + sanitized(request.path, 200);
  }
  if (call.service.empty()) call.service = "unknown";
  return call;
}

std::string UnsupportedService::message_for(const UnsupportedCall& call) const {
  const bool emulated = std::find(emulated_.begin(), emulated_.end(), call.service) != emulated_.end();
  std::string text = "Service '" + call.service + "' operation '" + call.operation + "' " +
                     (emulated ? "is not supported by this emulator in this form (the service is "
                                 "emulated: check the protocol and method). "
                               : "is not supported by this emulator. ") +
                     "Emulated services: ";
  for (std::size_t i = 0; i < supported_.size(); ++i) {
    if (i > 0) text += "; ";
    text += supported_[i];
  }
  return text + ".";
}

HttpResponse UnsupportedService::handle(const HttpRequest& request, Micros) {
  const UnsupportedCall call = classify_unsupported(request);
  const std::string request_id = new_request_id(random_);
  // DEVIATION: AWS has no such answer (the real service exists); 501 is not retried by the
  // SDKs, so the CLI prints the message at once and exits non-zero.
  const AwsError error = errors::common::kNotImplemented(message_for(call));
  switch (call.protocol) {
    case UnsupportedCall::Protocol::kJson:
      return json_error(error, "", request_id, call.content_type);
    case UnsupportedCall::Protocol::kQuery:
    case UnsupportedCall::Protocol::kRestXml:
      return query_error(error, request_id);
    case UnsupportedCall::Protocol::kEc2: {
      XmlWriter xml;
      xml.open("Response")
          .open("Errors")
          .open("Error")
          .element("Code", error.code)
          .element("Message", error.message)
          .close()
          .close()
          .element("RequestID", request_id);
      HttpResponse r = HttpResponse::with_body(error.http_status, "text/xml", xml.str());
      r.set_header("x-amzn-RequestId", request_id);
      return r;
    }
    case UnsupportedCall::Protocol::kRestJson:
      break;
  }
  HttpResponse r = HttpResponse::with_body(
      error.http_status, "application/json",
      dump_compact(nlohmann::json{{"code", error.code}, {"message", error.message}}));
  r.set_header("x-amzn-ErrorType", error.code);
  r.set_header("x-amzn-RequestId", request_id);
  return r;
}

}  // namespace emu::http
