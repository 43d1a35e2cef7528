#include "emulator/server/edge_settings.h"

namespace emu::server {

namespace {

std::size_t positive(const Config& config, const char* key, std::int64_t max) {
  const std::int64_t value = config.integer(key);
  if (value < 1 || value > max) {
    throw ConfigError(key, "an integer from 1 to " + std::to_string(max));
  }
  return static_cast<std::size_t>(value);
}

}  // namespace

EdgeSettings EdgeSettings::from_config(const Config& config) {
  constexpr std::int64_t kMaxBytes = std::int64_t{1} << 40;
  EdgeSettings s;
  s.edge = config.string("/server/edge");
  if (s.edge != "asio") {
    // The thread-per-connection cpp-httplib edge is gone: linking cpp-httplib loaded and
    // initialised OpenSSL in every start (a third of the time to ready, 3 MiB of RSS).
    throw ConfigError("/server/edge", "\"asio\" (the httplib edge was removed)");
  }

  s.max_body_bytes = positive(config, "/server/max_body_bytes", kMaxBytes);
  s.max_buffered_body_bytes = positive(config, "/server/max_buffered_body_bytes", kMaxBytes);
  if (s.max_buffered_body_bytes < s.max_body_bytes) {
    throw ConfigError("/server/max_buffered_body_bytes",
                      "at least /server/max_body_bytes (" + std::to_string(s.max_body_bytes) +
                          "), or no request of the largest size could ever be read");
  }
  s.max_connections = positive(config, "/server/max_connections", 1'000'000);
  s.inbox_capacity = positive(config, "/server/inbox_capacity", 100'000'000);
  return s;
}

}  // namespace emu::server
