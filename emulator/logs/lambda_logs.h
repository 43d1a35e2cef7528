// What the Lambda service writes to CloudWatch Logs for each invocation that ran, in
// /aws/lambda/<function>, one stream per execution environment
// ("YYYY/MM/DD/[$LATEST]<environment id>", dated by the environment's creation):
//   START RequestId: <id> Version: $LATEST
//   <timestamp>\t<id>\t<LEVEL>\t<console text>        (the function's console.* lines)
//   <timestamp> <id> Task timed out after 3.00 seconds (on a timeout)
//   END RequestId: <id>
//   REPORT RequestId: <id>\tDuration: 45.12 ms\tBilled Duration: 46 ms\tMemory Size: 256 MB\t
//     Max Memory Used: 76 MB\tInit Duration: 452.31 ms\t   (Init Duration on cold starts only)
// START and the console lines are stamped when the handler starts (after Init), END and REPORT
// when it returns.
//
// Fault rules for "logs" PutLogEvents (resource: the log group) stand for the Lambda runtime's
// delivery to CloudWatch Logs failing: an error loses every line of that invocation (counted in
// the store's `events_lost_to_faults`), the function itself is unaffected; a latency makes the
// lines arrive (ingestionTime) that much later.
#pragma once

#include "emulator/core/faults.h"
#include "emulator/core/random.h"
#include "emulator/lambda/lambda_service.h"
#include "emulator/logs/log_store.h"

namespace emu::logs {

std::string lambda_log_group(std::string_view function);
std::string lambda_log_stream(Micros environment_created, std::string_view environment_id);
// Billed duration: the duration rounded up to the next millisecond (since December 2020).
std::int64_t billed_millis(Micros duration);
// ASSUMPTION: Max Memory Used is not modelled from the work done; Node.js 12 functions like
// the seed's use about 70-90 MB, so it is 68 MB plus one per 2 ms of duration, capped at the
// memory size.
std::int64_t max_memory_used_mb(Micros duration, std::int64_t memory_mb);

class LambdaLogWriter final : public lambda::InvocationObserver {
 public:
  LambdaLogWriter(LogStore& store, Random random) : store_(store), random_(std::move(random)) {}
  void on_invocation(const lambda::FunctionSettings& function, const lambda::InvokeResult& result,
                     const lambda::HandlerOutcome& outcome, Micros start) override;
  // May be null (no faults).
  void set_fault_injector(FaultInjector* faults) { faults_ = faults; }

 private:
  LogStore& store_;
  Random random_;
  FaultInjector* faults_ = nullptr;
};

}  // namespace emu::logs
