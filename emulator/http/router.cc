#include "emulator/http/router.h"

#include <cstdio>
#include <exception>
#include <string>

#include "emulator/http/aws_wire.h"

namespace emu::http {

namespace {

// The last resort for a bug in a wire layer: every input is meant to get the service's own
// error (a 400 in its protocol's shape); an exception that escapes anyway is logged and
// answered 500, and the emulator keeps serving.
// DEVIATION: a bug in a wire layer answers 500 instead of crashing the emulator.
HttpResponse internal_failure(const HttpRequest& request, const Service& service,
                              const char* what) {
  std::string path = request.path.substr(0, 200);
  for (char& c : path) {
    if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) >= 0x7f) c = '?';
  }
  std::fprintf(stderr, "error: %s %s: unhandled exception in %.*s: %s\n",
               request.method.substr(0, 16).c_str(), path.c_str(),
               static_cast<int>(service.name().size()), service.name().data(), what);
  return HttpResponse::with_body(
      500, "application/json",
      R"({"__type":"InternalFailure","message":"emulator error: see server log"})");
}

// A request-target may hold only URI characters (RFC 9112 section 3.2: printable ASCII, the
// rest percent-encoded). Raw UTF-8 is let through, as curl sends it and services handle it;
// other bytes (controls, spaces, 0xFF) never reach a service.
bool target_bytes_ok(std::string_view text) {
  for (unsigned char c : text) {
    if (c <= 0x20 || c == 0x7f) return false;
  }
  return valid_utf8(text);
}

}  // namespace

HttpResponse Router::route(const HttpRequest& request, Micros now) {
  if (!target_bytes_ok(request.path) || !target_bytes_ok(request.query)) {
    // ASSUMPTION: AWS's HTTP front ends refuse such a request line before any service sees it,
    // with a plain 400; the body names the problem.
    return HttpResponse::with_body(400, "text/plain",
                                   "Bad Request: the request target holds bytes that are not "
                                   "URI characters (percent-encode them)\n");
  }
  for (Service* service : services_) {
    try {
      if (!service->accepts(request)) continue;
      return service->handle(request, now);
    } catch (const std::exception& e) {
      return internal_failure(request, *service, e.what());
    } catch (...) {
      return internal_failure(request, *service, "unknown exception");
    }
  }
  return HttpResponse::with_body(404, "application/json",
                                 R"({"message":"No emulated service matches this request"})");
}

std::string_view sigv4_service(const HttpRequest& request) {
  // Credential=AKID/20210627/ca-central-1/dynamodb/aws4_request
  std::string_view auth = request.header("Authorization");
  size_t start = auth.find("Credential=");
  if (start != std::string_view::npos) {
    start += 11;
  } else {
    // Presigned URL: X-Amz-Credential=AKID%2F20210627%2Fregion%2Fs3%2Faws4_request
    start = request.query.find("X-Amz-Credential=");
    if (start == std::string_view::npos) return {};
    auth = request.query;
    start += 17;
  }
  const std::string_view rest = auth.substr(start);
  const bool encoded = rest.find("%2F") != std::string_view::npos &&
                       rest.find('/') > rest.find("%2F");
  const std::string_view sep = encoded ? "%2F" : "/";
  size_t pos = 0;
  for (int i = 0; i < 3; ++i) {
    pos = rest.find(sep, pos);
    if (pos == std::string_view::npos) return {};
    pos += sep.size();
  }
  const size_t end = rest.find(sep, pos);
  if (end == std::string_view::npos) return {};
  return rest.substr(pos, end - pos);
}

bool json_or_query_request_for(const HttpRequest& request, std::string_view target_prefix,
                               std::string_view signing_name) {
  if (request.header("X-Amz-Target").substr(0, target_prefix.size()) == target_prefix) return true;
  return request.method == "POST" && sigv4_service(request) == signing_name;
}

}  // namespace emu::http
