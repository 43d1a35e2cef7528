// Runs DynamoDB wire cases from data files: one case a line,
//
//   <Action> <request JSON> => <HTTP status> [<error code> [<message>]]
//
// e.g.  DeleteItem {"TableName":"abc","Key":{}} => 400 ValidationException The provided ...
//
// sent in file order to one fresh emulator (so a file can create the tables it needs first).
// The response must have that status and, for errors, __type <AWS prefix>#<code> and exactly
// that message (none when the line gives none; "~<regex>" matches a pattern instead). An
// "N validation errors detected: a; b" message matches in any order of its parts, as AWS
// lists them in no fixed order; a part written "/regex/" matches a pattern. Lines starting with
// # and blank lines are ignored.
//
//   dynamodb_cases FILE...      exit 0 when every case of every file passes, 1 otherwise
#include <algorithm>
#include <fstream>
#include <iostream>
#include <regex>
#include <sstream>

#include "emulator/dynamodb/wire.h"
#include "tests/dynamodb/fixture.h"

using namespace emu;
using namespace emu::dynamodb;
using nlohmann::json;

namespace {

struct Case {
  std::string action;
  json request;
  int status = 0;
  std::string code;
  std::string message;
};

std::optional<Case> parse_line(const std::string& line, std::string& problem) {
  Case c;
  const auto space = line.find(' ');
  if (space == std::string::npos)
    return problem = "expected '<Action> <JSON> => <status>'", std::nullopt;
  c.action = line.substr(0, space);
  for (auto arrow = line.find(" => ", space); arrow != std::string::npos;
       arrow = line.find(" => ", arrow + 1)) {
    auto request = json::parse(line.substr(space + 1, arrow - space - 1), nullptr, false);
    if (request.is_discarded()) continue;
    c.request = std::move(request);
    std::istringstream rest(line.substr(arrow + 4));
    if (!(rest >> c.status)) return problem = "expected an HTTP status after =>", std::nullopt;
    rest >> c.code;
    std::getline(rest >> std::ws, c.message);
    return c;
  }
  return problem = "expected a JSON request followed by ' => '", std::nullopt;
}

// "N validation errors detected: a; b; c" -> {"N validation errors detected: ", {a, b, c}};
// any other message -> {"", {message}}.
std::pair<std::string, std::vector<std::string>> message_parts(const std::string& message) {
  static const std::regex kAggregate(R"(^(\d+ validation errors? detected: )(.*)$)");
  std::smatch m;
  if (!std::regex_match(message, m, kAggregate)) return {"", {message}};
  std::vector<std::string> parts;
  const std::string rest = m[2];
  for (std::size_t pos = 0;;) {
    const auto next = rest.find("; Value ", pos);
    const auto next_pattern = rest.find("; /Value ", pos);
    const auto cut = std::min(next, next_pattern);
    parts.push_back(rest.substr(pos, cut == std::string::npos ? cut : cut - pos));
    if (cut == std::string::npos) break;
    pos = cut + 2;
  }
  return {m[1], parts};
}

// One expected part: the text, or "/regex/" (a part whose value AWS prints unpredictably).
bool part_matches(const std::string& expected, const std::string& got) {
  if (expected.size() > 2 && expected.front() == '/' && expected.back() == '/') {
    try {
      return std::regex_search(got, std::regex(expected.substr(1, expected.size() - 2)));
    } catch (const std::regex_error&) {
      return false;
    }
  }
  return expected == got;
}

bool message_matches(const std::string& expected, const std::string& got) {
  if (!expected.empty() && expected[0] == '~') {
    try {
      return std::regex_search(got, std::regex(expected.substr(1)));
    } catch (const std::regex_error&) {
      return false;
    }
  }
  auto [expected_head, expected_parts] = message_parts(expected);
  auto [got_head, got_parts] = message_parts(got);
  if (expected_head != got_head || expected_parts.size() != got_parts.size()) return false;
  // Each expected part matches a different part of the answer, in any order.
  std::vector<bool> used(got_parts.size(), false);
  for (const auto& e : expected_parts) {
    bool found = false;
    for (std::size_t i = 0; i < got_parts.size() && !found; ++i) {
      if (!used[i] && part_matches(e, got_parts[i])) used[i] = found = true;
    }
    if (!found) return false;
  }
  return true;
}

std::string check(const Case& c, const http::HttpResponse& r) {
  if (r.status != c.status) return "status " + std::to_string(r.status) + ": " + r.body;
  if (c.code.empty()) return "";
  auto body = json::parse(r.body, nullptr, false);
  if (!body.is_object()) return "body is not a JSON object: " + r.body;
  const std::string type = std::string(error_type_prefix(c.code)) + c.code;
  if (body.value("__type", "") != type) return "body " + r.body;
  const std::string message = body.value("message", body.value("Message", ""));
  if (!message_matches(c.message, message)) return "body " + r.body;
  return "";
}

http::HttpRequest request_for(const Case& c) {
  http::HttpRequest r;
  r.method = "POST";
  r.path = "/";
  r.headers.emplace("X-Amz-Target", "DynamoDB_20120810." + c.action);
  r.headers.emplace("Content-Type", "application/x-amz-json-1.0");
  r.headers.emplace("Authorization",
                    "AWS4-HMAC-SHA256 Credential=AKID/20210627/ca-central-1/dynamodb/"
                    "aws4_request, SignedHeaders=host, Signature=abc");
  r.body = c.request.dump();
  return r;
}

// Runs one file; returns {cases, failures}.
std::pair<int, int> run_file(const std::string& path) {
  std::ifstream in(path);
  if (!in) {
    std::cerr << path << ": cannot open\n";
    return {0, 1};
  }
  test::Fixture fixture;
  DynamoDbService service(*fixture.db, Random(7));
  int cases = 0, failures = 0, line_number = 0;
  for (std::string line; std::getline(in, line);) {
    ++line_number;
    if (line.empty() || line[0] == '#') continue;
    std::string problem;
    auto c = parse_line(line, problem);
    ++cases;
    if (c) problem = check(*c, service.handle(request_for(*c), fixture.now()));
    if (!problem.empty()) {
      ++failures;
      std::cerr << path << ":" << line_number << ": " << problem << "\n  case: " << line << "\n";
    }
  }
  if (cases == 0) std::cerr << path << ": no cases\n";
  return {cases, cases == 0 ? 1 : failures};
}

}  // namespace

int main(int argc, char** argv) {
  int cases = 0, failures = 0;
  for (int i = 1; i < argc; ++i) {
    auto [n, failed] = run_file(argv[i]);
    cases += n;
    failures += failed;
  }
  std::cout << cases - failures << "/" << cases << " cases passed\n";
  return failures == 0 && argc > 1 ? 0 : 1;
}
