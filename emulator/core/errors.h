// AWS error codes, per service, in one typed place: a call site names a constant
// (errors::dynamodb::kResourceNotFound) instead of spelling the code as a string, so a typo is
// a compile error and every code a service can send is listed here with its wire prefix.
//
//   return errors::dynamodb::kResourceNotFound("Requested resource not found");
//   if (error.code == errors::dynamodb::kValidation) ...
#pragma once

#include <string>
#include <string_view>

#include "emulator/core/result.h"

namespace emu::errors {

struct ErrorCode {
  std::string_view name;         // "ResourceNotFoundException"
  std::string_view type_prefix;  // the JSON protocols' __type namespace, with its '#'
  int status = 400;

  AwsError operator()(std::string message) const {
    return status >= 500 ? AwsError::server(std::string(name), std::move(message), status)
                         : AwsError::client(std::string(name), std::move(message), status);
  }
  friend bool operator==(const std::string& code, const ErrorCode& e) { return code == e.name; }
};

// DynamoDB and DynamoDB Streams (JSON 1.0). Framework errors come from Coral's own namespaces.
namespace dynamodb {
inline constexpr std::string_view kModelPrefix = "com.amazonaws.dynamodb.v20120810#";
inline constexpr std::string_view kServicePrefix = "com.amazon.coral.service#";
inline constexpr ErrorCode kValidation{"ValidationException", "com.amazon.coral.validate#"};
inline constexpr ErrorCode kSerialization{"SerializationException", kServicePrefix};
inline constexpr ErrorCode kUnknownOperation{"UnknownOperationException", kServicePrefix};
inline constexpr ErrorCode kMissingAuthenticationToken{"MissingAuthenticationTokenException",
                                                       kServicePrefix};
inline constexpr ErrorCode kIncompleteSignature{"IncompleteSignatureException", kServicePrefix};
inline constexpr ErrorCode kInvalidSignature{"InvalidSignatureException", kServicePrefix};
inline constexpr ErrorCode kUnrecognizedClient{"UnrecognizedClientException", kServicePrefix};
inline constexpr ErrorCode kAccessDenied{"AccessDeniedException", kServicePrefix};
inline constexpr ErrorCode kResourceNotFound{"ResourceNotFoundException", kModelPrefix};
inline constexpr ErrorCode kResourceInUse{"ResourceInUseException", kModelPrefix};
inline constexpr ErrorCode kConditionalCheckFailed{"ConditionalCheckFailedException", kModelPrefix};
inline constexpr ErrorCode kProvisionedThroughputExceeded{"ProvisionedThroughputExceededException",
                                                          kModelPrefix};
inline constexpr ErrorCode kLimitExceeded{"LimitExceededException", kModelPrefix};
inline constexpr ErrorCode kInternalServerError{"InternalServerError", kModelPrefix, 500};
inline constexpr ErrorCode kExpiredIterator{"ExpiredIteratorException", kModelPrefix};
inline constexpr ErrorCode kTrimmedDataAccess{"TrimmedDataAccessException", kModelPrefix};

// Every code above, for looking a prefix up by name.
inline constexpr ErrorCode kAll[] = {kValidation,
                                     kSerialization,
                                     kUnknownOperation,
                                     kMissingAuthenticationToken,
                                     kIncompleteSignature,
                                     kInvalidSignature,
                                     kUnrecognizedClient,
                                     kAccessDenied,
                                     kResourceNotFound,
                                     kResourceInUse,
                                     kConditionalCheckFailed,
                                     kProvisionedThroughputExceeded,
                                     kLimitExceeded,
                                     kInternalServerError,
                                     kExpiredIterator,
                                     kTrimmedDataAccess};
}  // namespace dynamodb

}  // namespace emu::errors
