// AWS error codes, per service, in one typed place: a call site names a constant
// (errors::dynamodb::kResourceNotFound) instead of spelling the code as a string, so a typo is
// a compile error and every code a service can send is listed here with its wire prefix.
//
//   return errors::dynamodb::kResourceNotFound("Requested resource not found");
//   if (error.code == errors::dynamodb::kValidation) ...
//
// `name` is what AwsError::code holds; a service that speaks two protocols with different codes
// also records the other protocol's spelling (SQS: query_name; CloudWatch: json_name), and its
// wire layer renames on the way out.
#pragma once

#include <span>
#include <string>
#include <string_view>

#include "emulator/core/result.h"

namespace emu::errors {

struct ErrorCode {
  std::string_view name;              // "ResourceNotFoundException"
  std::string_view type_prefix = {};  // the JSON protocols' __type namespace, with its '#'
  int status = 400;
  std::string_view query_name = {};  // the query protocol's code, when it differs (SQS)
  std::string_view json_name = {};   // the JSON protocol's code, when it differs (CloudWatch)

  AwsError operator()(std::string message) const { return (*this)(std::move(message), status); }
  // For the few answers AWS sends with another status than the code's usual one.
  AwsError operator()(std::string message, int http_status) const {
    return http_status >= 500
               ? AwsError::server(std::string(name), std::move(message), http_status)
               : AwsError::client(std::string(name), std::move(message), http_status);
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

// The entry of `codes` named `name`, or nullptr (a fault rule may inject any code).
constexpr const ErrorCode* find(std::span<const ErrorCode> codes, std::string_view name) {
  for (const ErrorCode& e : codes) {
    if (e.name == name) return &e;
  }
  return nullptr;
}

// Codes several services send: the AWS "common errors" and the emulator's own edge answers.
namespace common {
inline constexpr ErrorCode kInvalidParameterValue{.name = "InvalidParameterValue"};
inline constexpr ErrorCode kInvalidQueryParameter{.name = "InvalidQueryParameter"};
inline constexpr ErrorCode kMissingAction{.name = "MissingAction"};
inline constexpr ErrorCode kInvalidAction{.name = "InvalidAction"};
inline constexpr ErrorCode kThrottling{.name = "ThrottlingException"};
inline constexpr ErrorCode kServiceUnavailable{.name = "ServiceUnavailable", .status = 503};
inline constexpr ErrorCode kNotImplemented{.name = "NotImplemented", .status = 501};
}  // namespace common

// SQS. Codes are the JSON protocol's; query_name is what the query protocol says instead.
namespace sqs {
inline constexpr std::string_view kPrefix = "com.amazonaws.sqs#";
inline constexpr ErrorCode kSerialization{"SerializationException", "com.amazon.coral.service#"};
inline constexpr ErrorCode kMissingRequiredParameter{.name = "MissingRequiredParameterException",
                                                     .type_prefix = kPrefix,
                                                     .query_name = "MissingParameter"};
inline constexpr ErrorCode kInvalidParameterValue{.name = "InvalidParameterValueException",
                                                  .type_prefix = kPrefix,
                                                  .query_name = "InvalidParameterValue"};
inline constexpr ErrorCode kUnknownOperation{
    .name = "UnknownOperationException", .type_prefix = kPrefix, .query_name = "InvalidAction"};
inline constexpr ErrorCode kQueueDoesNotExist{
    .name = "QueueDoesNotExist",
    .type_prefix = kPrefix,
    .query_name = "AWS.SimpleQueueService.NonExistentQueue"};
inline constexpr ErrorCode kQueueNameExists{
    .name = "QueueNameExists", .type_prefix = kPrefix, .query_name = "QueueAlreadyExists"};
inline constexpr ErrorCode kMessageNotInflight{
    .name = "MessageNotInflight",
    .type_prefix = kPrefix,
    .query_name = "AWS.SimpleQueueService.MessageNotInflight"};
inline constexpr ErrorCode kPurgeQueueInProgress{
    .name = "PurgeQueueInProgress",
    .type_prefix = kPrefix,
    .query_name = "AWS.SimpleQueueService.PurgeQueueInProgress"};
inline constexpr ErrorCode kBatchEntryIdsNotDistinct{
    .name = "BatchEntryIdsNotDistinct",
    .type_prefix = kPrefix,
    .query_name = "AWS.SimpleQueueService.BatchEntryIdsNotDistinct"};
inline constexpr ErrorCode kEmptyBatchRequest{
    .name = "EmptyBatchRequest",
    .type_prefix = kPrefix,
    .query_name = "AWS.SimpleQueueService.EmptyBatchRequest"};
inline constexpr ErrorCode kTooManyEntriesInBatchRequest{
    .name = "TooManyEntriesInBatchRequest",
    .type_prefix = kPrefix,
    .query_name = "AWS.SimpleQueueService.TooManyEntriesInBatchRequest"};
inline constexpr ErrorCode kInvalidBatchEntryId{
    .name = "InvalidBatchEntryId",
    .type_prefix = kPrefix,
    .query_name = "AWS.SimpleQueueService.InvalidBatchEntryId"};
inline constexpr ErrorCode kInvalidAttributeName{"InvalidAttributeName", kPrefix};
inline constexpr ErrorCode kInvalidAttributeValue{"InvalidAttributeValue", kPrefix};
inline constexpr ErrorCode kInvalidMessageContents{"InvalidMessageContents", kPrefix};
inline constexpr ErrorCode kReceiptHandleIsInvalid{"ReceiptHandleIsInvalid", kPrefix};
inline constexpr ErrorCode kOverLimit{"OverLimit", kPrefix, 403};
inline constexpr ErrorCode kInternalFailure{"InternalFailure", kPrefix, 500};

inline constexpr ErrorCode kAll[] = {kSerialization,
                                     kMissingRequiredParameter,
                                     kInvalidParameterValue,
                                     kUnknownOperation,
                                     kQueueDoesNotExist,
                                     kQueueNameExists,
                                     kMessageNotInflight,
                                     kPurgeQueueInProgress,
                                     kBatchEntryIdsNotDistinct,
                                     kEmptyBatchRequest,
                                     kTooManyEntriesInBatchRequest,
                                     kInvalidBatchEntryId,
                                     kInvalidAttributeName,
                                     kInvalidAttributeValue,
                                     kInvalidMessageContents,
                                     kReceiptHandleIsInvalid,
                                     kOverLimit,
                                     kInternalFailure};
}  // namespace sqs

// CloudWatch. Codes are the query protocol's; json_name is what the JSON protocol says instead,
// and type_prefix is that JSON code's namespace (empty: none).
namespace cloudwatch {
inline constexpr ErrorCode kValidationError{.name = "ValidationError",
                                            .type_prefix = "com.amazon.coral.validate#",
                                            .json_name = "ValidationException"};
inline constexpr ErrorCode kSerialization{"SerializationException", "com.amazon.coral.service#"};
inline constexpr ErrorCode kInvalidParameterValue{.name = "InvalidParameterValue",
                                                  .json_name = "InvalidParameterValueException"};
inline constexpr ErrorCode kMissingParameter{.name = "MissingParameter",
                                             .json_name = "MissingRequiredParameterException"};
inline constexpr ErrorCode kInvalidParameterCombination{
    .name = "InvalidParameterCombination", .json_name = "InvalidParameterCombinationException"};
inline constexpr ErrorCode kInvalidAction{.name = "InvalidAction",
                                          .json_name = "UnknownOperationException"};
inline constexpr ErrorCode kLimitExceeded{.name = "LimitExceeded",
                                          .json_name = "LimitExceededFault"};
inline constexpr ErrorCode kResourceNotFound{.name = "ResourceNotFound", .status = 404};

inline constexpr ErrorCode kAll[] = {kValidationError,
                                     kSerialization,
                                     kInvalidParameterValue,
                                     kMissingParameter,
                                     kInvalidParameterCombination,
                                     kInvalidAction,
                                     kLimitExceeded,
                                     kResourceNotFound};
}  // namespace cloudwatch

// S3 (rest-xml: the code is the <Code> element).
namespace s3 {
inline constexpr ErrorCode kNoSuchBucket{.name = "NoSuchBucket", .status = 404};
inline constexpr ErrorCode kNoSuchKey{.name = "NoSuchKey", .status = 404};
inline constexpr ErrorCode kInvalidArgument{.name = "InvalidArgument"};
inline constexpr ErrorCode kInvalidBucketName{.name = "InvalidBucketName"};
inline constexpr ErrorCode kBucketAlreadyOwnedByYou{.name = "BucketAlreadyOwnedByYou",
                                                    .status = 409};
inline constexpr ErrorCode kBucketNotEmpty{.name = "BucketNotEmpty", .status = 409};
inline constexpr ErrorCode kKeyTooLong{.name = "KeyTooLongError"};
inline constexpr ErrorCode kInvalidURI{.name = "InvalidURI"};
inline constexpr ErrorCode kNotImplemented{.name = "NotImplemented", .status = 501};
inline constexpr ErrorCode kMethodNotAllowed{.name = "MethodNotAllowed", .status = 405};
inline constexpr ErrorCode kIncompleteBody{.name = "IncompleteBody"};
inline constexpr ErrorCode kBadDigest{.name = "BadDigest"};
inline constexpr ErrorCode kInvalidRange{.name = "InvalidRange", .status = 416};
inline constexpr ErrorCode kMalformedXML{.name = "MalformedXML"};
inline constexpr ErrorCode kInternalError{.name = "InternalError", .status = 500};
inline constexpr ErrorCode kSlowDown{.name = "SlowDown", .status = 503};
}  // namespace s3

// Lambda (rest-json: the code is the x-amzn-ErrorType header).
namespace lambda {
inline constexpr ErrorCode kResourceNotFound{.name = "ResourceNotFoundException", .status = 404};
inline constexpr ErrorCode kInvalidParameterValue{.name = "InvalidParameterValueException"};
inline constexpr ErrorCode kInvalidRequestContent{.name = "InvalidRequestContentException"};
inline constexpr ErrorCode kValidation{.name = "ValidationException"};
inline constexpr ErrorCode kService{.name = "ServiceException", .status = 500};
}  // namespace lambda

// SNS (query protocol).
namespace sns {
inline constexpr ErrorCode kInvalidParameter{.name = "InvalidParameter"};
inline constexpr ErrorCode kNotFound{.name = "NotFound", .status = 404};
inline constexpr ErrorCode kTopicLimitExceeded{.name = "TopicLimitExceeded", .status = 403};
inline constexpr ErrorCode kSubscriptionLimitExceeded{.name = "SubscriptionLimitExceeded",
                                                      .status = 403};
}  // namespace sns

// CloudWatch Logs (JSON 1.1, no __type namespace).
namespace logs {
inline constexpr ErrorCode kInvalidParameter{.name = "InvalidParameterException"};
inline constexpr ErrorCode kResourceNotFound{.name = "ResourceNotFoundException"};
inline constexpr ErrorCode kUnknownOperation{.name = "UnknownOperationException"};
inline constexpr ErrorCode kSerialization{.name = "SerializationException"};
}  // namespace logs

// API Gateway's own refusals (the x-amzn-ErrorType header of a gateway response).
namespace apigateway {
inline constexpr ErrorCode kMissingAuthenticationToken{
    .name = "MissingAuthenticationTokenException", .status = 403};
inline constexpr ErrorCode kForbidden{.name = "ForbiddenException", .status = 403};
inline constexpr ErrorCode kBadRequest{.name = "BadRequestException"};
inline constexpr ErrorCode kRequestTooLong{.name = "RequestTooLongException", .status = 413};
inline constexpr ErrorCode kTooManyRequests{.name = "TooManyRequestsException", .status = 429};
inline constexpr ErrorCode kLimitExceeded{.name = "LimitExceededException", .status = 429};
inline constexpr ErrorCode kInternalServerError{.name = "InternalServerErrorException",
                                                .status = 500};
inline constexpr ErrorCode kServiceUnavailable{.name = "ServiceUnavailableException",
                                               .status = 503};
}  // namespace apigateway

}  // namespace emu::errors
