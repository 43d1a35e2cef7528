#include "emulator/http/router.h"

#include <cstdio>
#include <exception>
#include <string>

namespace emu::http {

HttpResponse Router::route(const HttpRequest& request, Micros now) {
  for (Service* service : services_) {
    if (!service->accepts(request)) continue;
    try {
      return service->handle(request, now);
    } catch (const std::exception& e) {
      // DEVIATION: a bug in a wire layer answers 500 instead of crashing the emulator.
      std::fprintf(stderr, "error: %s %s: unhandled exception in %.*s: %s\n",
                   request.method.c_str(), request.path.c_str(),
                   static_cast<int>(service->name().size()), service->name().data(), e.what());
      return HttpResponse::with_body(
          500, "application/json",
          std::string(R"({"__type":"InternalFailure","message":"emulator error: )") +
              "see server log\"}");
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
