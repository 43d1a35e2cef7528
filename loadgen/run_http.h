// `loadgen run --target URL`: the open-model HTTP driver (Boost.Asio + Beast, one thread).
// Every request has a planned send time from the schedule (scaled by --speed); a keep-alive
// connection pool grows on demand up to a cap; when no connection is free the request waits and
// its latency, measured from the planned time, includes the wait (no coordinated omission).
// The service time (from the actual send) is reported beside it, sends that leave more than
// 1 ms late are counted, and the achieved/planned ratio is a figure expectations can gate on
// (a default "achieved_ratio >= 0.99" expectation is added when the scenario has none).
#pragma once

#include <stdexcept>
#include <string>

#include "loadgen/outcome.h"
#include "loadgen/scenario.h"

namespace loadgen {

class TargetError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct HttpRunOptions {
  std::string target;                     // http://host:port[/base]
  std::string api_key = "local-metrics-api-key";
  double speed = 1.0;
  int shard = 0, shards = 1;
  int max_connections = 100;
  bool progress = false;
};

Outcome run_http(const Scenario& scenario, Recorder& recorder, const HttpRunOptions& options);

}  // namespace loadgen
