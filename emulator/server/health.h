// GET (and HEAD) /_emulator/health answered on the edge's I/O thread, without waiting for the
// simulation thread, which may be busy with a long clock advance or ETL run. Everything in the
// body is fixed or safe to read from another thread: the real clock itself, or under the virtual
// clock the time the simulation loop last published (the end of its last turn or advance slice).
#pragma once

#include <functional>
#include <optional>
#include <string>

#include "emulator/core/clock.h"
#include "emulator/http/message.h"
#include "emulator/server/sim_loop.h"

namespace emu::server {

// Answers a request the edge can serve itself, or nullopt to hand it to the simulation loop.
using LocalAnswer = std::function<std::optional<http::HttpResponse>(const http::HttpRequest&)>;

class HealthAnswer {
 public:
  HealthAnswer(const Clock& clock, const SimLoop& loop, std::string data_dir,
               std::function<double()> uptime_seconds);

  std::optional<http::HttpResponse> operator()(const http::HttpRequest& request) const;

 private:
  const Clock& clock_;
  const SimLoop& loop_;
  std::string data_dir_;
  std::function<double()> uptime_seconds_;
};

}  // namespace emu::server
