// The Boost.Asio/Beast edge: one I/O thread accepts connections, reads requests (keep-alive,
// Expect: 100-continue, a body limit), hands each to the simulation loop without blocking and
// writes the answer when the loop delivers it. Compared with the thread-per-connection httplib
// edge it needs no thread per keep-alive connection and no wake-up of a waiting thread per
// request. Selected with `server.edge: "asio"`. Its bounds (bodies, connections) are in
// edge_settings.h.
#pragma once

#include <memory>
#include <string>

#include "emulator/server/edge_settings.h"
#include "emulator/server/health.h"
#include "emulator/server/sim_loop.h"

namespace emu::http {
class Router;
}

namespace emu::server {

class AsioEdge {
 public:
  // `local` answers what the I/O thread can answer itself (health); may be empty.
  AsioEdge(SimLoop& loop, http::Router& router, const EdgeSettings& settings, LocalAnswer local);
  ~AsioEdge();

  // Binds host:port (port 0 = any free port). Returns the bound port, or -1.
  int bind(const std::string& host, int port);
  // Serves until stop(). Blocks.
  void listen();
  void stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace emu::server
