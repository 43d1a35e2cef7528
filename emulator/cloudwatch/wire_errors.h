// Internal to the CloudWatch wire layer: the errors its operations return, as AWS words them.
// Codes are the query protocol's; wire.cc renames them for the JSON protocol.
#pragma once

#include <string>

#include "emulator/core/errors.h"
#include "emulator/core/result.h"

namespace emu::cloudwatch {

inline AwsError invalid(const std::string& message) {
  return errors::cloudwatch::kInvalidParameterValue(message);
}

inline AwsError missing(const std::string& name) {
  return errors::cloudwatch::kMissingParameter("The parameter " + name + " is required.");
}

// A constraint failure, as AWS's validation layer words it (ValidationError in the query
// protocol, com.amazon.coral.validate#ValidationException in JSON).
inline AwsError validation(const std::string& value, const std::string& member,
                           const std::string& constraint) {
  return errors::cloudwatch::kValidationError("1 validation error detected: Value '" + value +
                                              "' at '" + member +
                                              "' failed to satisfy constraint: " + constraint);
}

// An error of AWS's JSON front end: a body that does not parse, or a member of the wrong type.
inline AwsError serialization(const std::string& message) {
  return errors::cloudwatch::kSerialization(message);
}

}  // namespace emu::cloudwatch
