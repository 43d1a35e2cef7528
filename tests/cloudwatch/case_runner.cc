// Runs CloudWatch wire cases from data files (the line format is tests/wire_cases.h's):
//
//   SetAlarmState {"AlarmName":"a"} => 400 ValidationException 1 validation error detected: ...
//
// each sent over the JSON protocol (a request written as a JSON string is a query-protocol form
// instead, checked by its <ErrorResponse>: tests/wire_cases.h) (X-Amz-Target
// GraniteServiceVersion20100801.<Action>), in file order, to one fresh CloudWatch (so a file can
// create the alarms it needs first). The code is the JSON protocol's; an error must carry __type
// <namespace><code> (the namespace AWS gives that code: com.amazon.coral.validate# for
// ValidationException, none for most), that message, and the x-amzn-query-error header naming the
// query protocol's code for it
// ("ValidationError;Sender"), as errors.h maps them.
//
//   cloudwatch_cases FILE...      exit 0 when every case of every file passes, 1 otherwise
#include "emulator/cloudwatch/alarm_engine.h"
#include "emulator/cloudwatch/metric_store.h"
#include "emulator/cloudwatch/wire.h"
#include "emulator/core/clock.h"
#include "emulator/core/errors.h"
#include "emulator/core/scheduler.h"
#include "tests/wire_cases.h"

using namespace emu;
using namespace emu::cloudwatch;
using emu::test::Case;
using nlohmann::json;

namespace {

// The errors.h entry whose JSON spelling is `json_code`, or nullptr.
const errors::ErrorCode* code_for(const std::string& json_code) {
  for (const errors::ErrorCode& e : errors::cloudwatch::kAll) {
    if ((e.json_name.empty() ? e.name : e.json_name) == json_code) return &e;
  }
  return nullptr;
}

std::string check(const Case& c, const http::HttpResponse& r) {
  if (c.request.is_string()) return test::query_case_mismatch(c, r);
  json body;
  if (auto verdict = test::status_and_body(c, r, body)) return *verdict;
  const errors::ErrorCode* code = code_for(c.code);
  if (code == nullptr) return "no CloudWatch code is spelled " + c.code + " in JSON (errors.h)";
  if (body.value("__type", "") != std::string(code->type_prefix) + c.code) return "body " + r.body;
  if (!test::message_matches(c.message, body.value("message", ""))) return "body " + r.body;
  const bool framework = code->name == errors::cloudwatch::kSerialization.name;
  const std::string query_error = framework ? "" : std::string(code->name) + ";Sender";
  return test::query_error_mismatch(r, query_error);
}

http::HttpRequest request_for(const Case& c) {
  if (c.request.is_string()) {
    return test::query_protocol_request(c.action, "monitoring", c.request.get<std::string>());
  }
  return test::json_protocol_request("GraniteServiceVersion20100801." + c.action, "monitoring",
                                     c.request);
}

// Runs one file against a fresh CloudWatch on a virtual clock; returns {cases, failures}.
std::pair<int, int> run_file(const std::string& path) {
  constexpr Micros kNow = 1'624'752'000 * kMicrosPerSecond;  // 2021-06-27
  VirtualClock clock(kNow);
  Scheduler scheduler(clock);
  MetricStore store;
  AlarmEngine alarms(store, scheduler, nullptr, "ca-central-1", "000000000000");
  CloudWatchWire wire(store, alarms, Random(8));
  return test::run_case_file(
      path, [&](const Case& c) { return check(c, wire.handle(request_for(c), clock.now())); });
}

}  // namespace

int main(int argc, char** argv) { return test::run_case_files(argc, argv, run_file); }
