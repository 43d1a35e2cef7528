// SQS on the wire, both protocols over one set of operations (aws-fidelity section 4):
//   JSON 1.0: POST /, X-Amz-Target: AmazonSQS.<Op> (boto3 >= 1.34.90, AWS CLI v2, SDKs since
//             2023); errors {"__type":"com.amazonaws.sqs#<Code>"} plus x-amzn-query-error.
//   query:    POST / (or the queue URL) with a form body Action=<Op>&... (Debian's boto3 1.26
//             and awscli 1.x, older SDKs); XML results and <ErrorResponse> errors.
// Query parameters are first converted to the JSON request shape, so each operation is written
// once; each action's documented request rules are one table in wire_rules.cc, checked before
// the operation runs (docs/wire-validation.md). Long polling (WaitTimeSeconds) holds the reply on
// the real-time edge until a message arrives or the wait ends; under the virtual clock it answers
// at once.
#pragma once

#include <nlohmann/json.hpp>

#include "emulator/http/aws_wire.h"
#include "emulator/http/json_shape.h"
#include "emulator/http/router.h"
#include "emulator/sqs/model.h"

namespace emu::sqs {

class SqsWire final : public http::Service {
 public:
  SqsWire(SqsModel& model, Random random) : model_(model), random_(std::move(random)) {}
  std::string_view name() const override { return "sqs"; }
  bool accepts(const http::HttpRequest& request) const override;
  http::HttpResponse handle(const http::HttpRequest& request, Micros now) override;

 private:
  struct Call {
    std::string operation;
    nlohmann::json input;
    bool query = false;
    std::string endpoint;  // "http://<Host>" as the client addressed us
  };
  http::HttpResponse handle_call(const http::HttpRequest& request, Micros now);
  std::string url_for(const Call& call, const Queue& queue) const;
  Result<nlohmann::json> dispatch(const Call& call, Micros now);
  // The operations on one queue (after its QueueUrl resolved), and among them those on messages.
  Result<nlohmann::json> queue_operation(const Call& call, const std::string& url, Queue& queue,
                                         Micros now);
  Result<nlohmann::json> message_operation(const Call& call, Queue& queue, Micros now);
  Result<nlohmann::json> receive(const Call& call, Queue& queue, Micros now);
  http::HttpResponse render(const Call& call, Result<nlohmann::json> result,
                            const std::string& request_id) const;
  http::HttpResponse long_poll(const Call& call, Queue& queue, std::int64_t wait_seconds,
                               const std::string& request_id, Micros now);

  SqsModel& model_;
  Random random_;
};

// Query form parameters -> the JSON protocol's request object for `operation`;
// InvalidQueryParameter when a list index ("AttributeName.N") is not 1..1,000,000.
Result<nlohmann::json> query_to_json(const std::string& operation, const http::QueryParams& params);
// The JSON protocol's input shape of `operation` (nullptr for operations not served).
const http::Shape* input_shape(std::string_view operation);
// The first failure of a request of `operation` against the action's documented rules
// (wire_rules.cc), worded as SQS words it; nullopt when it passes (or the action is not served).
// For a batch action, the rules of the request itself (its entries' count and ids).
std::optional<AwsError> check_request(std::string_view operation, const nlohmann::json& input);
// Those of one entry of a batch `operation` (a failing entry is reported in "Failed").
std::optional<AwsError> check_entry(std::string_view operation, const nlohmann::json& entry);
// A JSON result -> the query protocol's <OpResponse><OpResult>...</OpResult>...</OpResponse>.
std::string json_to_query_xml(const std::string& operation, const nlohmann::json& result,
                              const std::string& request_id);
// The query protocol's error code for a JSON short code ("QueueDoesNotExist" ->
// "AWS.SimpleQueueService.NonExistentQueue").
std::string query_code(const std::string& json_code);

}  // namespace emu::sqs
