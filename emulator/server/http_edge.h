// The cpp-httplib edge: HTTP threads parse requests, hand them to the simulation loop and write
// back its answer. No emulator state is touched here.
#pragma once

#include <memory>
#include <string>

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
  // `route` runs on the simulation thread for each request.
  HttpEdge(SimLoop& loop, http::Router& router, int threads, std::size_t max_body_bytes);
  ~HttpEdge();

  // Binds host:port (port 0 = any free port). Returns the bound port, or -1.
  int bind(const std::string& host, int port);
  // Serves until stop(). Blocks.
  bool listen();
  void stop();

 private:
  std::unique_ptr<httplib::Server> server_;
};

}  // namespace emu::server
