// The control API under /_emulator/ (health, config, clock, state, ledger, etl). Components
// register their own endpoints; unknown paths answer 404 JSON, known paths with the wrong
// method 405.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <utility>

#include <nlohmann/json.hpp>

#include "emulator/http/router.h"

namespace emu {

class ControlService final : public http::Service {
 public:
  using Endpoint = std::function<http::HttpResponse(const http::HttpRequest&, Micros now)>;

  void add(const std::string& method, const std::string& path, Endpoint endpoint);

  std::string_view name() const override { return "control"; }
  bool accepts(const http::HttpRequest& request) const override;
  http::HttpResponse handle(const http::HttpRequest& request, Micros now) override;

  static http::HttpResponse json_response(int status, const nlohmann::json& body);
  static http::HttpResponse error(int status, const std::string& message);
  // The body of GET /_emulator/health (served by the pipeline and by the server's I/O thread).
  static nlohmann::json health(bool virtual_clock, Micros now, double uptime_seconds,
                               const std::string& data_dir);

 private:
  std::map<std::pair<std::string, std::string>, Endpoint> endpoints_;
};

}  // namespace emu
