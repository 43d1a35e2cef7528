// The cpp-httplib edge: HTTP threads parse requests, hand them to the simulation loop and write
// back its answer. No emulator state is touched here. Bodies count against
// server.max_buffered_body_bytes by their Content-Length (a chunked body by max_body_bytes);
// connections are bounded by the thread pool (server.threads) serving them, not by
// server.max_connections (the asio edge's).
#pragma once

#include <memory>
#include <string>

#include "emulator/server/body_budget.h"
#include "emulator/server/edge_settings.h"
#include "emulator/server/health.h"
#include "emulator/server/sim_loop.h"

namespace httplib {
class Server;
}

namespace emu::http {
class Router;
}

namespace emu::server {

class HttpEdge {
 public:
  // Requests are routed on the simulation thread, except what `local` answers (may be empty).
  HttpEdge(SimLoop& loop, http::Router& router, const EdgeSettings& settings, LocalAnswer local);
  ~HttpEdge();

  // Binds host:port (port 0 = any free port). Returns the bound port, or -1.
  int bind(const std::string& host, int port);
  // Serves until stop(). Blocks.
  bool listen();
  void stop();

 private:
  std::unique_ptr<httplib::Server> server_;
  std::shared_ptr<BodyBudget> budget_;
};

}  // namespace emu::server
