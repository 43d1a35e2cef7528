#include "emulator/pipeline/control.h"

namespace emu {

void ControlService::add(const std::string& method, const std::string& path, Endpoint endpoint) {
  endpoints_[{method, path}] = std::move(endpoint);
}

bool ControlService::accepts(const http::HttpRequest& request) const {
  return request.path.rfind("/_emulator/", 0) == 0 || request.path == "/_emulator";
}

http::HttpResponse ControlService::handle(const http::HttpRequest& request, Micros now) {
  const std::string method = request.method == "HEAD" ? "GET" : request.method;
  const auto it = endpoints_.find({method, request.path});
  if (it != endpoints_.end()) return it->second(request, now);
  for (const auto& [key, endpoint] : endpoints_) {
    if (key.second == request.path) {
      return error(405, "method " + request.method + " not allowed on " + request.path);
    }
  }
  return error(404, "no control endpoint " + request.path);
}

http::HttpResponse ControlService::json_response(int status, const nlohmann::json& body) {
  return http::HttpResponse::with_body(status, "application/json", body.dump(2) + "\n");
}

http::HttpResponse ControlService::error(int status, const std::string& message) {
  return json_response(status, {{"error", message}});
}

nlohmann::json ControlService::health(bool virtual_clock, Micros now, double uptime_seconds,
                                     const std::string& data_dir) {
  return {{"status", "ok"},
          {"version", EMU_VERSION},
          {"clock_mode", virtual_clock ? "virtual" : "real"},
          {"now", format_iso8601(now)},
          {"uptime_seconds", uptime_seconds},
          {"data_dir", data_dir}};
}

}  // namespace emu
