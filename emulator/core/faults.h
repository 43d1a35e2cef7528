// The port through which models ask whether an operation should fail or slow down
// (fault injection from the config's "faults" list or a scenario's faults). Implemented in
// emulator/faults/; models hold a FaultInjector* that may be null (no faults).
#pragma once

#include <optional>
#include <string_view>

#include "emulator/core/result.h"
#include "emulator/core/time.h"

namespace emu {

struct FaultDecision {
  std::optional<AwsError> error;  // fail the operation with this AWS error
  Micros extra_latency = 0;       // add this much modelled latency
};

class FaultInjector {
 public:
  virtual ~FaultInjector() = default;
  // `service` is "dynamodb", "sqs", "s3", "lambda", "cloudwatch", "apigateway";
  // `operation` the AWS action ("UpdateItem", "SendMessage", "Invoke"); `resource` the table,
  // queue, bucket or function name. Draws from the injector's own seeded stream.
  virtual FaultDecision check(std::string_view service, std::string_view operation,
                              std::string_view resource, Micros now) = 0;
};

}  // namespace emu
