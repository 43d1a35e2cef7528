// A `trace` phase with `"format": "apigw-access-log"`: replays API Gateway access-log lines in
// the seed's JSON format (what `emulator serve` writes to <data-dir>/logs/api-gateway-access.log,
// or production logs in the same format) at their request times, divided by the phase's speed.
//
// requestTime has one-second resolution (CLF): the n lines of one second are sent evenly spaced
// within it, in file order, so every second keeps its count. Each line keeps its client IP (the
// WAF's per-IP rate rule), method and path; bodies come from the population model (logs carry
// none), a JS batch sized to the line's `requestLength` when the log has that field.
//
// ASSUMPTION (status mix): statuses the request itself decides are reproduced by shaping it: a
// logged 400 is replayed with a body the request model rejects, a logged 403 without the API
// key. Every other status (2xx, 429, 5xx) is left to the emulator that receives the replay, which
// is the point of replaying: the same traffic, against this configuration. Replayed sends are
// never resent (the log already holds the clients' resends as lines of their own).
//
// Lines that cannot be parsed (not JSON, no valid requestTime) are counted and skipped; the run
// reports them (figure `trace_unparseable_lines`), and `loadgen run --strict` refuses them
// (exit 2 naming the file and the first bad line). Memory: the whole log is held, sorted, about
// 70 bytes a line, twice that while it is read (a day of the seed's production traffic, ~5 M
// lines: ~350 MB).
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "emulator/core/time.h"
#include "emulator/http/message.h"
#include "loadgen/planner.h"
#include "loadgen/population.h"

namespace loadgen {

struct ReplayLine {
  Micros offset = 0;            // from the phase start, speed applied
  std::string ip;               // as logged ("-" when absent)
  std::uint16_t method = 0;     // index into AccessLogTrace::methods
  std::uint16_t path = 0;       // index into AccessLogTrace::paths
  std::uint16_t status = 0;
  std::int32_t request_length = -1;  // bytes, -1 when the log does not say
};

struct AccessLogTrace {
  std::string file;
  std::vector<ReplayLine> lines;     // in send order
  std::vector<std::string> methods;  // distinct values (bounded: at most 65,536, else unparseable)
  std::vector<std::string> paths;
  Micros first_request = 0;          // the first line's requestTime (absolute)
  std::uint64_t unparseable = 0;
  std::vector<std::size_t> bad_line_numbers;  // the first few (1-based), for messages
};

// Reads and sorts the log. Throws ScenarioError (naming `where`) only when the file cannot be read.
std::shared_ptr<const AccessLogTrace> read_access_log(const std::string& path, double speed,
                                                      const std::string& where_file,
                                                      const std::string& where_field);

// Parses one line (for tests and the reader): false when it is not a usable access-log line.
bool parse_access_log_line(const std::string& line, AccessLogTrace& into, Micros& request_time,
                           ReplayLine& out);

// The request that replays `line`; `salt` makes its body unique, `now` dates its metrics.
emu::http::HttpRequest replay_request(const AccessLogTrace& trace, const ReplayLine& line,
                                      const PopulationModel& population, Micros now,
                                      std::uint64_t salt, const std::string& api_key);

// The access-log line a planned send replays (and its trace), or nullptr: another phase's send.
const ReplayLine* replay_line_of(const Scenario& scenario, const Send& send, const AccessLogTrace** trace);

// The scenario's access-log phases: figures `trace_lines` and `trace_unparseable_lines`.
void add_access_log_figures(const Scenario& scenario, std::map<std::string, double>& figures);
// "" when every line of every access-log phase parsed; else a message naming the file, the
// count and the first bad lines (printed as a warning, or an error with --strict).
std::string access_log_problems(const Scenario& scenario);

}  // namespace loadgen
