// Internal to the CloudWatch wire layer: the errors its operations return, as AWS words them.
// Codes are the query protocol's; wire.cc renames them for the JSON protocol. Missing members
// and constraint failures are worded by the request rules (wire_rules.cc).
#pragma once

#include <string>

#include "emulator/core/errors.h"
#include "emulator/core/result.h"

namespace emu::cloudwatch {

inline AwsError invalid(const std::string& message) {
  return errors::cloudwatch::kInvalidParameterValue(message);
}

// An error of AWS's JSON front end: a body that does not parse, or a member of the wrong type.
inline AwsError serialization(const std::string& message) {
  return errors::cloudwatch::kSerialization(message);
}

}  // namespace emu::cloudwatch
