// The port through which the DynamoDB model asks whether a read or write may consume capacity.
// The capacity model (on-demand and provisioned tables, burst credit; emulator/capacity/)
// implements it. The DynamoDB model works without one (unlimited capacity).
#pragma once

#include <optional>
#include <string_view>

#include "emulator/core/result.h"
#include "emulator/core/time.h"

namespace emu::dynamodb {

enum class Access { kRead, kWrite };

class ThroughputGovernor {
 public:
  virtual ~ThroughputGovernor() = default;
  // Asks to consume `units` (RCU or WCU, already rounded per AWS: 1 WCU per started 1 KB
  // written, 1 RCU per started 4 KB read strongly consistent, half for eventually consistent)
  // of `access` capacity on `table` (index "" = the base table, else a GSI name) at `now`.
  // Returns nullopt when admitted (and records the consumption), otherwise the error the
  // request must fail with (ProvisionedThroughputExceededException, 400, AWS's message), and
  // records a throttle event.
  virtual std::optional<AwsError> consume(std::string_view table, std::string_view index,
                                          Access access, double units, Micros now) = 0;
};

}  // namespace emu::dynamodb
