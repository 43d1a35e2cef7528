// The Lambda service for the seed's three functions: the account's concurrency pool, reserved
// concurrency (a guarantee and a cap; 0 throttles everything; at least `minimum_unreserved`
// always stays unreserved), execution environments (created with a cold-start Init, reused
// while warm, most recently used first, reclaimed after idling), the scaling limits of the
// 2021 or 2023 regime, invocation durations drawn per function, and the function timeout.
//
// invoke() decides at `now`: a throttled invocation never runs (the caller maps it: API
// Gateway answers 500, an event source mapping retries). An admitted one runs its body at once
// and holds its environment until now + latency (released by a Scheduler event).
// DEVIATION: the body's side effects happen at the start of the invocation, not during it.
//
// AWS/Lambda metrics are emitted through the MetricSink with the invocation start as
// timestamp: Invocations, Errors, Throttles, Duration (ms), ConcurrentExecutions and
// UnreservedConcurrentExecutions. ASSUMPTION: ConcurrentExecutions is sampled at each
// invocation start (the in-use count including it), so its Maximum per minute is the peak.
#pragma once

#include <deque>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "emulator/capacity/token_bucket.h"
#include "emulator/core/faults.h"
#include "emulator/core/metrics.h"
#include "emulator/core/result.h"
#include "emulator/core/scheduler.h"
#include "emulator/lambda/settings.h"

namespace emu::lambda {

// What the function's code reports back to the service model.
struct HandlerOutcome {
  bool function_error = false;  // the handler threw / returned an error
  Micros extra_duration = 0;    // work beyond the drawn base duration (e.g. per record)
  // console.* output, one line each as "INFO\t<text>" / "ERROR\t<text>" (CloudWatch Logs).
  std::vector<std::string> console;
};

struct InvokeResult {
  enum class Outcome { kOk, kThrottled, kFunctionError, kTimeout };
  Outcome outcome = Outcome::kOk;
  // ConcurrentInvocationLimitExceeded | ReservedFunctionConcurrentInvocationLimitExceeded |
  // FunctionNotFound (no such function)
  std::string throttle_reason;
  Micros latency = 0;  // until the function returned: init + duration (duration <= timeout)
  bool cold_start = false;
  Micros init_duration = 0;
  Micros duration = 0;
  // The execution environment that ran it (its log stream): an id of 32 hex digits and when
  // the environment was created. Empty when throttled.
  std::string environment_id;
  Micros environment_created = 0;
};

// Hears of every invocation that ran (not the throttled ones), after it is decided: CloudWatch
// Logs writes its START / console / END / REPORT lines from this.
class InvocationObserver {
 public:
  virtual ~InvocationObserver() = default;
  virtual void on_invocation(const FunctionSettings& function, const InvokeResult& result,
                             const HandlerOutcome& outcome, Micros start) = 0;
};

class LambdaService {
 public:
  LambdaService(LambdaSettings settings, Scheduler& scheduler, const Random& random,
                MetricSink* metrics, FaultInjector* faults);

  InvokeResult invoke(std::string_view function, Micros now,
                      const std::function<HandlerOutcome()>& body);

  // `observer` (may be null) must outlive the service.
  void set_observer(InvocationObserver* observer) { observer_ = observer; }

  bool has_function(std::string_view name) const { return index_of(name) >= 0; }
  const FunctionSettings* function(std::string_view name) const;
  std::vector<const FunctionSettings*> functions() const;

  // PutFunctionConcurrency: fails (InvalidParameterValueException) if it would leave fewer
  // than `minimum_unreserved` unreserved.
  Status put_reserved_concurrency(std::string_view name, std::int64_t reserved);
  Status delete_reserved_concurrency(std::string_view name);
  // UpdateFunctionConfiguration's MemorySize and Timeout (in range: the wire validates them):
  // invocations that start from now on use them; running ones keep the timeout they began with.
  Status update_configuration(std::string_view name, std::optional<std::int64_t> memory_mb,
                              std::optional<Micros> timeout, Micros now);
  std::int64_t unreserved_limit() const;
  std::int64_t account_limit() const { return settings_.account_concurrency; }
  std::int64_t in_use(std::string_view function) const;
  std::int64_t in_use_total() const;
  std::int64_t environments(std::string_view function) const;
  // Invocations of `function` throttled so far (loadgen's per-second series).
  std::uint64_t throttles(std::string_view function) const;
  // 2021 regime: the account's ceiling on execution environments at `now`, as the next cold
  // start would compute it (loadgen's report draws it); nullopt in the 2023 regime.
  std::optional<double> environment_ceiling(Micros now) const;
  const LambdaSettings& settings() const { return settings_; }

  nlohmann::json state(Micros now);

 private:
  struct Environment {
    Micros last_used = 0;
    Micros created = 0;
    std::string id;
  };
  struct Function {
    Function(FunctionSettings s, Random r, Random ids)
        : settings(std::move(s)), random(std::move(r)), environment_ids(std::move(ids)) {}
    FunctionSettings settings;
    Random random;
    Random environment_ids;  // its own stream, so log ids never shift the drawn durations
    std::int64_t busy = 0;
    std::deque<Environment> idle;  // warm environments, most recently used at the back
    std::optional<capacity::TokenBucket> scaling;  // 2023 regime
    MetricId invocations = 0, errors = 0, throttles = 0, duration = 0, concurrent = 0;
    std::uint64_t total_invocations = 0, total_throttles = 0, total_errors = 0, cold_starts = 0;
  };

  int index_of(std::string_view name) const;
  void reclaim_idle(Function& f, Micros now);
  std::optional<std::string> concurrency_refusal(const Function& f) const;
  bool scaling_allows_new_environment(Function& f, Micros now);
  std::int64_t environments_total() const;
  InvokeResult throttle(Function& f, std::string reason, Micros now);
  void emit_start_metrics(Function& f, Micros now);
  void release_later(int index, Environment environment);

  LambdaSettings settings_;
  Scheduler& scheduler_;
  MetricSink* metrics_;
  FaultInjector* faults_;
  InvocationObserver* observer_ = nullptr;
  std::vector<Function> functions_;
  // 2021 regime: the account-wide ceiling on execution environments.
  double allowance_ = 0;
  bool scaling_ = false;
  Micros scaling_since_ = 0;
  double scaling_base_ = 0;
  MetricId account_concurrent_ = 0, unreserved_concurrent_ = 0;
};

}  // namespace emu::lambda
