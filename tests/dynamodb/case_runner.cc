// Runs DynamoDB wire cases from data files: one case a line,
//
//   <Action> <request JSON> => <HTTP status> [<error code> [<message>]]
//
// e.g.  DeleteItem {"TableName":"abc","Key":{}} => 400 ValidationException The provided ...
//
// sent in file order to one fresh emulator (so a file can create the tables it needs first).
// A DynamoDB Streams action (ListStreams, GetRecords, ...) goes to the Streams endpoint
// (X-Amz-Target DynamoDBStreams_20120810.<Action>) over the same tables.
// The response must have that status and, for errors, __type <AWS prefix>#<code> and exactly
// that message (none when the line gives none; "~<regex>" matches a pattern instead). An
// "N validation errors detected: a; b" message matches in any order of its parts, as AWS
// lists them in no fixed order; a part written "/regex/" matches a pattern. Lines starting with
// # and blank lines are ignored.
//
//   dynamodb_cases FILE...      exit 0 when every case of every file passes, 1 otherwise
#include "emulator/dynamodb/actions/action.h"
#include "emulator/dynamodb/wire.h"
#include "tests/dynamodb/fixture.h"
#include "tests/wire_cases.h"

using namespace emu;
using namespace emu::dynamodb;
using emu::test::Case;
using nlohmann::json;

namespace {

std::string check(const Case& c, const http::HttpResponse& r) {
  json body;
  if (auto verdict = emu::test::status_and_body(c, r, body)) return *verdict;
  const std::string type = std::string(error_type_prefix(c.code)) + c.code;
  if (body.value("__type", "") != type) return "body " + r.body;
  const std::string message = body.value("message", body.value("Message", ""));
  if (!emu::test::message_matches(c.message, message)) return "body " + r.body;
  return "";
}

bool is_stream_action(const Case& c) { return find_stream_action(c.action) != nullptr; }

http::HttpRequest request_for(const Case& c) {
  const char* prefix = is_stream_action(c) ? "DynamoDBStreams_20120810." : "DynamoDB_20120810.";
  return emu::test::json_protocol_request(prefix + c.action, "dynamodb", c.request);
}

// Runs one file against a fresh emulator; returns {cases, failures}.
std::pair<int, int> run_file(const std::string& path) {
  dynamodb::test::Fixture fixture;
  DynamoDbService service(*fixture.db, Random(7));
  DynamoDbStreamsService streams(*fixture.db, Random(8), "ca-central-1");
  return emu::test::run_case_file(path, [&](const Case& c) {
    http::Service& endpoint = is_stream_action(c) ? static_cast<http::Service&>(streams)
                                                  : static_cast<http::Service&>(service);
    return check(c, endpoint.handle(request_for(c), fixture.now()));
  });
}

}  // namespace

int main(int argc, char** argv) { return emu::test::run_case_files(argc, argv, run_file); }
