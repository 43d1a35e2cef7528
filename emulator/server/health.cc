#include "emulator/server/health.h"

#include "emulator/pipeline/control.h"

namespace emu::server {

HealthAnswer::HealthAnswer(const Clock& clock, const SimLoop& loop, std::string data_dir,
                           std::function<double()> uptime_seconds)
    : clock_(clock), loop_(loop), data_dir_(std::move(data_dir)),
      uptime_seconds_(std::move(uptime_seconds)) {}

std::optional<http::HttpResponse> HealthAnswer::operator()(const http::HttpRequest& request) const {
  const bool get = request.method == "GET" || request.method == "HEAD";
  if (!get || request.path != "/_emulator/health") return std::nullopt;
  // SystemClock is thread-safe; the VirtualClock belongs to the simulation thread.
  const bool virtual_clock = clock_.is_virtual();
  const Micros now = virtual_clock ? loop_.published_now() : clock_.now();
  return ControlService::json_response(
      200, ControlService::health(virtual_clock, now, uptime_seconds_(), data_dir_));
}

}  // namespace emu::server
