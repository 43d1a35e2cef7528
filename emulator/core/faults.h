// The port through which models ask whether an operation should fail or slow down
// (fault injection from the config's "faults" list or a scenario's faults). Implemented in
// emulator/faults/; models hold a FaultInjector* (or a FaultHook) that may be null (no faults).
// Which (service, operation) pairs have a hook is listed in emulator/faults/hooks.cc; a rule
// naming any other is refused when the config loads.
#pragma once

#include <optional>
#include <string_view>

#include "emulator/core/clock.h"
#include "emulator/core/result.h"
#include "emulator/core/time.h"

namespace emu {

struct FaultDecision {
  std::optional<AwsError> error;  // fail the operation with this AWS error
  Micros extra_latency = 0;       // add this much modelled latency

  // Folds `other` in: latencies add up, the first error wins.
  void merge(const FaultDecision& other) {
    extra_latency += other.extra_latency;
    if (!error && other.error) error = other.error;
  }
};

class FaultInjector {
 public:
  virtual ~FaultInjector() = default;
  // `service` and `operation` one of the hooks emulator/faults/hooks.cc lists ("dynamodb",
  // "UpdateItem"; "apigateway", "Invoke"; "logs", "PutLogEvents"; ...); `resource` the table,
  // queue, bucket, function, topic or log group. Draws from the injector's own seeded stream.
  virtual FaultDecision check(std::string_view service, std::string_view operation,
                              std::string_view resource, Micros now) = 0;
};

// One service's handle on the injector, for models whose calls do not all carry `now`:
// null-safe (no injector, no faults), reads the time from the emulator's clock.
class FaultHook {
 public:
  FaultHook() = default;
  FaultHook(FaultInjector* injector, const Clock* clock, std::string_view service)
      : injector_(injector), clock_(clock), service_(service) {}
  FaultDecision check(std::string_view operation, std::string_view resource) const {
    if (injector_ == nullptr || clock_ == nullptr) return {};
    return injector_->check(service_, operation, resource, clock_->now());
  }
  explicit operator bool() const { return injector_ != nullptr; }

 private:
  FaultInjector* injector_ = nullptr;
  const Clock* clock_ = nullptr;
  std::string_view service_;  // a literal
};

}  // namespace emu
