// Runs SQS wire cases from data files (the line format is tests/wire_cases.h's):
//
//   SendMessage {"QueueUrl":"http://127.0.0.1:4566/000000000000/q"} => 400
//   MissingRequiredParameterException The request ...
//
// each sent over the JSON protocol (a request written as a JSON string is a query-protocol form
// instead, checked by its <ErrorResponse>: tests/wire_cases.h) (X-Amz-Target AmazonSQS.<Action>),
// in file order, to one fresh SQS (so a file can create the queues it needs first). An error must
// carry
// __type com.amazonaws.sqs#<code> (com.amazon.coral.service# for SerializationException), that
// message, and the x-amzn-query-error header naming the query protocol's code for it
// ("AWS.SimpleQueueService.NonExistentQueue;Sender"), which errors.h maps.
//
//   sqs_cases FILE...      exit 0 when every case of every file passes, 1 otherwise
#include "emulator/core/errors.h"
#include "emulator/sqs/model.h"
#include "emulator/sqs/wire.h"
#include "tests/wire_cases.h"

using namespace emu;
using namespace emu::sqs;
using emu::test::Case;
using nlohmann::json;

namespace {

std::string check(const Case& c, const http::HttpResponse& r) {
  if (c.request.is_string()) return test::query_case_mismatch(c, r);
  json body;
  if (auto verdict = emu::test::status_and_body(c, r, body)) return *verdict;
  const bool framework = c.code == errors::sqs::kSerialization;
  const std::string type =
      std::string(framework ? errors::sqs::kSerialization.type_prefix : errors::sqs::kPrefix) +
      c.code;
  if (body.value("__type", "") != type) return "body " + r.body;
  if (!test::message_matches(c.message, body.value("message", ""))) return "body " + r.body;
  const std::string query_error = framework ? "" : query_code(c.code) + ";Sender";
  return test::query_error_mismatch(r, query_error);
}

http::HttpRequest request_for(const Case& c) {
  if (c.request.is_string()) {
    return test::query_protocol_request(c.action, "sqs", c.request.get<std::string>());
  }
  return test::json_protocol_request("AmazonSQS." + c.action, "sqs", c.request);
}

// Runs one file against a fresh SQS under a fixed clock; returns {cases, failures}.
std::pair<int, int> run_file(const std::string& path) {
  SqsModel model(nullptr, "000000000000", "ca-central-1", "http://127.0.0.1:4566", SqsLimits{},
                 Random(7));
  SqsWire wire(model, Random(8));
  constexpr Micros kNow = 1'624'752'000 * kMicrosPerSecond;  // 2021-06-27
  return test::run_case_file(
      path, [&](const Case& c) { return check(c, wire.handle(request_for(c), kNow)); });
}

}  // namespace

int main(int argc, char** argv) { return test::run_case_files(argc, argv, run_file); }
