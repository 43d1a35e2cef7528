// DynamoDB over HTTP against a running `emulator serve` (or moto's server): PutItem of a
// raw_metrics item and the seed aggregator's UpdateItem, from one client thread
// (Boost.Asio + Beast, HTTP/1.1 keep-alive, TCP_NODELAY). One thread on purpose: the machine
// has two cores and the server under test needs them; the client must not be what limits it.
//   1. open loop at a fixed --rate: request i is due at i/rate and its latency is counted from
//      that planned time (a stall shows in the percentiles instead of slowing the schedule),
//      on a small pool of connections that grows, up to --open-max-connections, when all are
//      busy; each starts once the emulator is idle
//   2. closed loop: --connections connections, each sends its next request as soon as the last
//      one is answered, for --seconds: ops/s, p50, p99, p99.9, max, errors
//   --baseline: both loops on GET /_emulator/health too, the server's own ceiling for a
//      trivial request, and the ratios to it
//   --moto-url: the same closed loops against moto's server, and emulator/moto ratios
// Every loop is bounded in time and count and targets only loopback URLs.
// This file has the cases and main(); http_options (flags), http_requests (request bytes),
// http_connection (one keep-alive connection), http_loops (the loops and the result line) and
// http_setup (reachability, CreateTable, the idle wait) the rest.
#include <cstdio>
#include <string>

#include "emulator/core/clock.h"
#include "http_loops.h"
#include "http_options.h"
#include "http_requests.h"
#include "http_setup.h"

using namespace bench;

namespace {

std::string run_id() {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%llx", static_cast<unsigned long long>(emu::wall::utc_now()));
  return buf;
}

Summary closed_case(const Options& o, const Target& t, Operation op, const std::string& prefix) {
  const RequestTemplate tmpl = make_template(op, t, run_id());
  Summary s = run_closed_loop(t, tmpl, o.connections, emu::seconds(o.seconds));
  print(prefix + name_of(op) + " closed loop, " + std::to_string(o.connections) + " conns", s);
  return s;
}

// Starts once the emulator has no stream backlog left (see main()).
void open_case(const Options& o, const Target& t, Operation op) {
  wait_until_idle(t);
  const RequestTemplate tmpl = make_template(op, t, run_id());
  const OpenLoopResult r = run_open_loop(t, tmpl, o.rate, emu::seconds(o.seconds), o.open_max_connections);
  char label[96];
  std::snprintf(label, sizeof label, "%s fixed %.0f ops/s, %zu conns", name_of(op), o.rate,
                r.connections_used);
  print(label, r.summary);
}

void print_ratio(const char* what, double numerator, double denominator) {
  if (numerator > 0 && denominator > 0) {
    std::printf("%-44s %10.2f\n", what, numerator / denominator);
  } else {
    std::printf("%-44s %10s\n", what, "n/a");
  }
}

}  // namespace

int main(int argc, char** argv) {
  const Options o = parse_options(argc, argv);
  if (!reachable(o.target) || (o.moto && !reachable(*o.moto))) return 1;
  if (o.create_tables && !create_tables(o.target)) return 1;
  if (o.moto && !create_tables(*o.moto)) return 1;

  // The open loops come first, each after waiting (at most 30 s) until the emulator is idle,
  // then the closed loops, then moto. Every PutItem appends a raw_metrics stream record, and
  // the emulator's stream mapping hands them to the aggregator's Lambda 100 at a time at the
  // Lambda's modelled speed, a few hundred records a second: the PutItem closed loop's
  // ~150,000 records take minutes to drain, and an open loop run during that drain measures
  // the drain's batches as much as its own requests. Even the PutItem open loop leaves a few
  // seconds of backlog, hence the wait before every open loop (GET /_emulator/state until the
  // mapping's lag_records is 0). The closed loops measure throughput and do not wait; moto has
  // no such endpoint and no stream.
  if (o.open_loop) {
    open_case(o, o.target, Operation::kPutItem);
    open_case(o, o.target, Operation::kUpdateItem);
    // The latency floor of the edge and this client at the same rate.
    if (o.baseline) open_case(o, o.target, Operation::kHealth);
  }
  const Summary put = closed_case(o, o.target, Operation::kPutItem, "");
  const Summary update = closed_case(o, o.target, Operation::kUpdateItem, "");
  if (o.baseline) {
    const Summary health = closed_case(o, o.target, Operation::kHealth, "");
    print_ratio("ratio PutItem / health (closed loop)", put.ops_per_s, health.ops_per_s);
    print_ratio("ratio UpdateItem / health (closed loop)", update.ops_per_s, health.ops_per_s);
  }
  if (o.moto) {
    const Summary moto_put = closed_case(o, *o.moto, Operation::kPutItem, "moto ");
    const Summary moto_update = closed_case(o, *o.moto, Operation::kUpdateItem, "moto ");
    print_ratio("ratio emulator / moto PutItem", put.ops_per_s, moto_put.ops_per_s);
    print_ratio("ratio emulator / moto UpdateItem", update.ops_per_s, moto_update.ops_per_s);
  }
  return 0;
}
