// The timed loops, each on its own io_context, all in this one thread:
//   closed loop: `connections` connections, each sends its next request as soon as the last one
//     is answered, for `duration`
//   open loop at a fixed `rate`: request i is due at i/rate and its latency is counted from that
//     planned time (coordinated-omission safe: a stall shows in the percentiles instead of
//     slowing the schedule), on a small pool of connections that grows, up to
//     `max_connections`, when all are busy
// Both are bounded in time and in count.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "emulator/core/time.h"
#include "http_options.h"
#include "http_requests.h"

namespace bench {

using emu::Micros;

struct Summary {
  double ops_per_s = 0;
  Micros p50 = 0, p99 = 0, p999 = 0, max = 0;
  std::uint64_t ok = 0, errors = 0;
  double client_cpu = 0;  // this process's CPU time over the loop's wall time (1 = one core)
  // Open loop: how late requests left (timer wake-up, waiting for a connection). A latency tail
  // with no send-lag tail is the server's; one matched by it is this machine's scheduling.
  std::optional<Micros> send_lag_p99;
  std::string first_error;
};

Summary run_closed_loop(const Target& t, const RequestTemplate& tmpl, int connections, Micros duration);

struct OpenLoopResult {
  Summary summary;
  std::size_t connections_used = 0;  // the pool's size at the end
};

OpenLoopResult run_open_loop(const Target& t, const RequestTemplate& tmpl, double rate,
                             Micros duration, int max_connections);

// One result line (and the first error below it, if any), flushed.
void print(const std::string& label, const Summary& s);

}  // namespace bench
