// `loadgen run --target URL`: the open-model HTTP driver (Boost.Asio + Beast, one thread).
// Every request has a planned send time from the schedule (scaled by --speed); a keep-alive
// connection pool grows on demand up to a cap; when no connection is free the request waits and
// its latency, measured from the planned time, includes the wait (no coordinated omission).
// The service time (from the actual send) is reported beside it, sends that leave more than
// 1 ms late are counted, and the achieved/planned ratio is a figure expectations can gate on
// (a default "achieved_ratio >= 0.99" expectation is added when the scenario has none).
// A target that is an emulator also gives the run its ledger, alarms and figures
// (emulator_side.h); any other target leaves the expectations needing them SKIPPED.
#pragma once

#include <optional>
#include <string>

#include "loadgen/http_client.h"
#include "loadgen/outcome.h"
#include "loadgen/scenario.h"

namespace loadgen {

struct HttpRunOptions {
  std::string target;                     // http://host:port[/base]
  // x-api-key; without it an emulator target's own key (its config), else the default's.
  std::optional<std::string> api_key;
  Headers headers;                        // --header NAME:VALUE, on every request
  std::optional<double> settle_seconds;   // bound of the waits for an idle pipeline
  double speed = 1.0;
  int shard = 0, shards = 1;
  int max_connections = 100;
  bool progress = false;
};

Outcome run_http(const Scenario& scenario, Recorder& recorder, const HttpRunOptions& options);

}  // namespace loadgen
