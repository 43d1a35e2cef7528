// The HTTP edge's settings (config "server") and their bounds. What the edge holds grows with
// open connections only up to these bounds:
//   - request bodies: at most max_body_bytes each (413 beyond) and max_buffered_body_bytes in
//     all, counted from the moment a request's header announces its body until the simulation
//     loop has answered it (503 beyond, shaped like the addressed service's error). Bodies of
//     at most kUnreservedBody bytes (API calls, phones' payloads) do not count: they stay
//     served when large bodies have taken the budget, and are bounded by the connection cap;
//   - connections: at most max_connections open on the asio edge (more wait in the kernel's
//     accept backlog until one closes), each with a read buffer of at most kMaxReadBuffer bytes
//     and a small body of at most kUnreservedBody bytes.
#pragma once

#include <cstddef>
#include <string>

#include "emulator/core/config.h"

namespace emu::server {

struct EdgeSettings {
  // Beast's read buffer per connection: a header (<= 64 KiB) plus one socket read.
  static constexpr std::size_t kMaxReadBuffer = 256 * 1024;
  // Bodies this small are read without a reservation (see above).
  static constexpr std::size_t kUnreservedBody = 64 * 1024;

  std::string edge = "asio";  // the only edge since the httplib one was removed
  std::size_t max_body_bytes = 64 << 20;
  std::size_t max_buffered_body_bytes = 256 << 20;
  std::size_t max_connections = 1024;
  std::size_t inbox_capacity = 4096;

  // Throws ConfigError naming the key and what was expected.
  static EdgeSettings from_config(const Config& config);
};

}  // namespace emu::server
