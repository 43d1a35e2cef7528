// The request rules of each SQS action, as the SQS API reference documents them, checked by the
// generic validator (emulator/http/field_rules.h) before the action runs. Messages are SQS's;
// where one is not sourced it says so (ASSUMPTION).
#include <array>

#include "emulator/http/field_rules.h"
#include "emulator/sqs/model.h"
#include "emulator/sqs/wire.h"

namespace emu::sqs {

namespace {

using http::FieldRule;
using http::FieldType;
using http::Violation;
using http::Wording;
namespace codes = errors::sqs;

constexpr Wording kDefaults[] = {
    {Violation::kMissing, &codes::kMissingRequiredParameter,
     "The request must contain the parameter {name}."},
    {Violation::kNotInteger, &codes::kInvalidParameterValue,
     "Value {value} for parameter {name} is invalid. Reason: must be an integer from "
     "-2147483648 to 2147483647."},
    {Violation::kTooShort, &codes::kInvalidParameterValue,
     "Value {value} for parameter {name} is invalid."},
    {Violation::kTooLong, &codes::kInvalidParameterValue,
     "Value {value} for parameter {name} is invalid."},
    {Violation::kBelow, &codes::kInvalidParameterValue,
     "Value {value} for parameter {name} is invalid."},
    {Violation::kAbove, &codes::kInvalidParameterValue,
     "Value {value} for parameter {name} is invalid."},
    {Violation::kRejected, &codes::kInvalidParameterValue,
     "Value {value} for parameter {name} is invalid."},
};
constexpr http::Dialect kSqs{kDefaults, codes::kInvalidParameterValue};

// A range of an integer parameter: both ends worded alike.
constexpr std::array<Wording, 2> range(std::string_view message) {
  return {{{Violation::kBelow, &codes::kInvalidParameterValue, message},
           {Violation::kAbove, &codes::kInvalidParameterValue, message}}};
}

constexpr auto kDelayRange = range(
    "Value {value} for parameter DelaySeconds is invalid. Reason: DelaySeconds must be >= 0 "
    "and <= 900.");
constexpr auto kWaitRange = range(
    "Value {value} for parameter WaitTimeSeconds is invalid. Reason: Must be >= 0 and <= 20, if "
    "provided.");
constexpr auto kMaxMessagesRange = range(
    "Value {value} for parameter MaxNumberOfMessages is invalid. Reason: Must be between 1 and "
    "10, if provided.");
constexpr auto kReceiveVisibilityRange = range(
    "Value {value} for parameter VisibilityTimeout is invalid. Reason: Must be between 0 and "
    "43200, if provided.");
constexpr auto kVisibilityRange = range(
    "Value {value} for parameter VisibilityTimeout is invalid. Reason: Must be between 0 and "
    "43200.");
// ASSUMPTION: the wording (the reference documents the range 1-1000, not the message).
constexpr auto kMaxResultsRange = range(
    "Value {value} for parameter MaxResults is invalid. Reason: MaxResults must be an integer "
    "between 1 and 1000.");

// CreateQueue: 1-80 letters, digits, hyphens, underscores; a FIFO queue's name ends in ".fifo"
// (counted in the 80). The model then refuses FIFO queues (a DEVIATION of its own).
bool queue_name_ok(const nlohmann::json& v) {
  if (!v.is_string()) return false;
  std::string name = v.get<std::string>();
  if (name.size() > 5 && name.ends_with(".fifo") && name.size() <= 80) name.resize(name.size() - 5);
  return valid_queue_name(name);
}
constexpr std::string_view kQueueNameMessage =
    "Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length";
constexpr Wording kQueueName[] = {
    {Violation::kTooShort, &codes::kInvalidParameterValue, kQueueNameMessage},
    {Violation::kTooLong, &codes::kInvalidParameterValue, kQueueNameMessage},
    {Violation::kRejected, &codes::kInvalidParameterValue, kQueueNameMessage}};

bool message_text_ok(const nlohmann::json& v) {
  return v.is_string() && valid_message_text(v.get_ref<const std::string&>());
}
constexpr Wording kMessageBody[] = {
    {Violation::kRejected, &codes::kInvalidMessageContents,
     "Invalid characters found. Valid unicode characters are #x9 | #xA | #xD | #x20 to #xD7FF | "
     "#xE000 to #xFFFD | #x10000 to #x10FFFF"}};

constexpr Wording kAttributeType[] = {
    {Violation::kMissing, &codes::kInvalidParameterValue,
     "The message attribute '{key}' must contain non-empty message attribute type."}};
constexpr FieldRule kMessageAttributeValue[] = {
    {.name = "DataType", .required = true, .empty_is_missing = true, .wording = kAttributeType},
};
constexpr Wording kAttributeCount[] = {
    {Violation::kTooLong, &codes::kInvalidParameterValue,
     "Number of message attributes [{count}] exceeds the allowed maximum [10]."}};

bool batch_id_ok(const nlohmann::json& v) {
  return v.is_string() && v.get_ref<const std::string&>().find_first_not_of(
                              "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_") ==
                              std::string::npos;
}
constexpr std::string_view kBatchIdMessage =
    "A batch entry id can only contain alphanumeric characters, hyphens and underscores. It can "
    "be at most 80 letters long.";
constexpr Wording kBatchId[] = {
    {Violation::kMissing, &codes::kInvalidBatchEntryId, kBatchIdMessage},
    {Violation::kTooShort, &codes::kInvalidBatchEntryId, kBatchIdMessage},
    {Violation::kTooLong, &codes::kInvalidBatchEntryId, kBatchIdMessage},
    {Violation::kRejected, &codes::kInvalidBatchEntryId, kBatchIdMessage},
    {Violation::kRepeated, &codes::kBatchEntryIdsNotDistinct, "Id {value} repeated."}};
constexpr FieldRule kBatchEntry[] = {{.name = "Id",
                                      .required = true,
                                      .min_length = 1,
                                      .max_length = 80,
                                      .accepts = batch_id_ok,
                                      .distinct = true,
                                      .wording = kBatchId}};

// A batch's Entries: 1-10 of them; `missing` is "There should be at least one <Entry> in the
// request."
constexpr std::array<Wording, 3> entry_count(std::string_view missing) {
  return {{{Violation::kMissing, &codes::kEmptyBatchRequest, missing},
           {Violation::kTooShort, &codes::kEmptyBatchRequest, missing},
           {Violation::kTooLong, &codes::kTooManyEntriesInBatchRequest,
            "Maximum number of entries per request are 10. You have sent {count}."}}};
}
constexpr auto kSendEntries =
    entry_count("There should be at least one SendMessageBatchRequestEntry in the request.");
constexpr auto kDeleteEntries =
    entry_count("There should be at least one DeleteMessageBatchRequestEntry in the request.");
constexpr auto kVisibilityEntries = entry_count(
    "There should be at least one ChangeMessageVisibilityBatchRequestEntry in the request.");

constexpr FieldRule entries(std::span<const Wording> wording) {
  return {.name = "Entries",
          .required = true,
          .min_length = 1,
          .max_length = 10,
          .members = kBatchEntry,
          .wording = wording};
}

constexpr FieldRule kQueueUrl{.name = "QueueUrl", .required = true};

// --- the actions ---

constexpr FieldRule kCreateQueue[] = {{.name = "QueueName",
                                       .required = true,
                                       .min_length = 1,
                                       .max_length = 80,
                                       .accepts = queue_name_ok,
                                       .wording = kQueueName}};
constexpr FieldRule kGetQueueUrl[] = {{.name = "QueueName", .required = true}};
constexpr FieldRule kListQueues[] = {{.name = "MaxResults",
                                      .type = FieldType::kInteger,
                                      .min_value = 1,
                                      .max_value = 1000,
                                      .wording = kMaxResultsRange}};
constexpr FieldRule kQueueOnly[] = {kQueueUrl};
// One message: SendMessage's own rules, and those of each SendMessageBatch entry.
constexpr FieldRule kMessage[] = {
    {.name = "MessageBody",
     .required = true,
     .empty_is_missing = true,
     .accepts = message_text_ok,
     .wording = kMessageBody},
    {.name = "DelaySeconds",
     .type = FieldType::kInteger,
     .min_value = 0,
     .max_value = 900,
     .wording = kDelayRange},
    {.name = "MessageAttributes",
     .type = FieldType::kMap,
     .max_length = 10,
     .members = kMessageAttributeValue,
     .wording = kAttributeCount},
};
constexpr FieldRule kSendMessageBatch[] = {kQueueUrl, entries(kSendEntries)};
constexpr FieldRule kReceiveMessage[] = {
    kQueueUrl,
    {.name = "MaxNumberOfMessages",
     .type = FieldType::kInteger,
     .min_value = 1,
     .max_value = 10,
     .wording = kMaxMessagesRange},
    {.name = "VisibilityTimeout",
     .type = FieldType::kInteger,
     .min_value = 0,
     .max_value = 43200,
     .wording = kReceiveVisibilityRange},
    {.name = "WaitTimeSeconds",
     .type = FieldType::kInteger,
     .min_value = 0,
     .max_value = 20,
     .wording = kWaitRange},
};
// One receipt handle: DeleteMessage's rules, and each DeleteMessageBatch entry's.
constexpr FieldRule kHandle[] = {{.name = "ReceiptHandle", .required = true}};
constexpr FieldRule kDeleteMessageBatch[] = {kQueueUrl, entries(kDeleteEntries)};
// One visibility change: ChangeMessageVisibility's rules, and each batch entry's.
constexpr FieldRule kVisibility[] = {{.name = "ReceiptHandle", .required = true},
                                     {.name = "VisibilityTimeout",
                                      .type = FieldType::kInteger,
                                      .required = true,
                                      .min_value = 0,
                                      .max_value = 43200,
                                      .wording = kVisibilityRange}};
constexpr FieldRule kChangeVisibilityBatch[] = {kQueueUrl, entries(kVisibilityEntries)};

struct ActionRules {
  std::string_view action;
  http::FieldRules request;
  http::FieldRules message;  // one message, receipt handle or change: the request's or an entry's
  bool batch = false;        // `message` applies to each entry, not to the request
};

constexpr ActionRules kActions[] = {
    {"CreateQueue", kCreateQueue, {}},
    {"GetQueueUrl", kGetQueueUrl, {}},
    {"ListQueues", kListQueues, {}},
    {"DeleteQueue", kQueueOnly, {}},
    {"PurgeQueue", kQueueOnly, {}},
    {"GetQueueAttributes", kQueueOnly, {}},
    {"SetQueueAttributes", kQueueOnly, {}},
    {"SendMessage", kQueueOnly, kMessage},
    {"SendMessageBatch", kSendMessageBatch, kMessage, true},
    {"ReceiveMessage", kReceiveMessage, {}},
    {"DeleteMessage", kQueueOnly, kHandle},
    {"DeleteMessageBatch", kDeleteMessageBatch, kHandle, true},
    {"ChangeMessageVisibility", kQueueOnly, kVisibility},
    {"ChangeMessageVisibilityBatch", kChangeVisibilityBatch, kVisibility, true},
};

const ActionRules* rules_of(std::string_view operation) {
  for (const ActionRules& a : kActions) {
    if (a.action == operation) return &a;
  }
  return nullptr;
}

}  // namespace

std::optional<AwsError> check_request(std::string_view operation, const nlohmann::json& input) {
  const ActionRules* rules = rules_of(operation);
  if (rules == nullptr) return std::nullopt;  // not served: dispatch answers
  if (auto e = http::check_fields(input, rules->request, kSqs)) return e;
  if (rules->batch) return std::nullopt;
  return http::check_fields(input, rules->message, kSqs);
}

std::optional<AwsError> check_entry(std::string_view operation, const nlohmann::json& entry) {
  const ActionRules* rules = rules_of(operation);
  if (rules == nullptr || !rules->batch) return std::nullopt;
  return http::check_fields(entry, rules->message, kSqs);
}

}  // namespace emu::sqs
