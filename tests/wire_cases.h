// Wire cases as data, shared by the per-service case runners (tests/dynamodb, tests/sqs): one
// case a line,
//
//   <Action> <request JSON> => <HTTP status> [<error code> [<message>]]
//
// A request that is a JSON string is a query-protocol form body instead ("Action=<Action>&..."
// is added in front), for the services that speak both (SQS, CloudWatch): its error code is the
// query protocol's, read with the message from the <ErrorResponse> document.
//
// The message is exact, or "~<regex>"; an "N validation errors detected: a; b" message matches
// in any order of its parts (AWS lists them in no fixed order) and a part written "/regex/"
// matches a pattern. Lines starting with # and blank lines are ignored.
#pragma once

#include <algorithm>
#include <fstream>
#include <functional>
#include <iostream>
#include <optional>
#include <regex>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "emulator/http/message.h"

namespace emu::test {

using nlohmann::json;

// A JSON-protocol request of `target` (X-Amz-Target) with `body`, signed for `signing_service`
// as the AWS CLI signs (the emulator checks the credential's shape, not the signature).
inline http::HttpRequest json_protocol_request(const std::string& target,
                                               const std::string& signing_service,
                                               const json& body) {
  http::HttpRequest r;
  r.method = "POST";
  r.path = "/";
  r.headers.emplace("Host", "127.0.0.1:4566");
  r.headers.emplace("X-Amz-Target", target);
  r.headers.emplace("Content-Type", "application/x-amz-json-1.0");
  r.headers.emplace("Authorization", "AWS4-HMAC-SHA256 Credential=AKID/20210627/ca-central-1/" +
                                         signing_service +
                                         "/aws4_request, SignedHeaders=host, Signature=abc");
  r.body = body.dump();
  return r;
}

// A query-protocol request: POST / with `form` (its Action first), signed for `signing_service`.
inline http::HttpRequest query_protocol_request(const std::string& action,
                                                const std::string& signing_service,
                                                const std::string& form) {
  http::HttpRequest r;
  r.method = "POST";
  r.path = "/";
  r.headers.emplace("Host", "127.0.0.1:4566");
  r.headers.emplace("Content-Type", "application/x-www-form-urlencoded; charset=utf-8");
  r.headers.emplace("Authorization", "AWS4-HMAC-SHA256 Credential=AKID/20210627/ca-central-1/" +
                                         signing_service +
                                         "/aws4_request, SignedHeaders=host, Signature=abc");
  r.body = "Action=" + action + (form.empty() ? "" : "&" + form);
  return r;
}

// The text of the first <tag> element of an XML document, entities decoded; "" if none.
inline std::string xml_element(const std::string& xml, const std::string& tag) {
  const auto open = xml.find("<" + tag + ">");
  if (open == std::string::npos) return "";
  const auto start = open + tag.size() + 2;
  const auto close = xml.find("</" + tag + ">", start);
  std::string text = xml.substr(start, close == std::string::npos ? close : close - start);
  for (const auto& [entity, c] :
       {std::pair{"&lt;", "<"}, std::pair{"&gt;", ">"}, std::pair{"&quot;", "\""},
        std::pair{"&apos;", "'"}, std::pair{"&#39;", "'"}, std::pair{"&amp;", "&"}}) {
    for (auto at = text.find(entity); at != std::string::npos; at = text.find(entity, at + 1)) {
      text.replace(at, std::string_view(entity).size(), c);
    }
  }
  return text;
}

// "" when the response names the query protocol's code as `expected` says (empty: no header),
// else what differs.
inline std::string query_error_mismatch(const http::HttpResponse& r, const std::string& expected) {
  const std::string got(r.header("x-amzn-query-error"));
  return got == expected ? "" : "x-amzn-query-error '" + got + "', not '" + expected + "'";
}

struct Case {
  std::string action;
  json request;
  int status = 0;
  std::string code;
  std::string message;
};

// The first checks of every case: the status, then, for an error, a JSON object body. Returns
// the verdict when these decide it ("" passes a success case; otherwise what differs), or
// nullopt with `body` parsed for the service's own checks of the error.
inline std::optional<std::string> status_and_body(const Case& c, const http::HttpResponse& r,
                                                  json& body) {
  if (r.status != c.status) return "status " + std::to_string(r.status) + ": " + r.body;
  if (c.code.empty()) return "";
  body = json::parse(r.body, nullptr, false);
  if (!body.is_object()) return "body is not a JSON object: " + r.body;
  return std::nullopt;
}

inline std::optional<Case> parse_line(const std::string& line, std::string& problem) {
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
inline std::pair<std::string, std::vector<std::string>> message_parts(const std::string& message) {
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

// The patterns come from JavaScript (dynalite's tests), where a brace that does not make a
// quantifier ("{n}", "{n,}", "{n,m}") is a literal; std::regex refuses those, so they are
// escaped here.
inline std::string ecmascript_pattern(const std::string& js) {
  static const std::regex kQuantifier(R"(^\{\d+(,\d*)?\})");
  std::string out;
  bool in_quantifier = false;
  for (std::size_t i = 0; i < js.size(); ++i) {
    const char c = js[i];
    if (c == '\\' && i + 1 < js.size()) {
      out += js.substr(i++, 2);
    } else if (c == '{' && !std::regex_search(js.substr(i), kQuantifier)) {
      out += "\\{";
    } else if (c == '{') {
      in_quantifier = true;
      out += c;
    } else if (c == '}' && !in_quantifier) {
      out += "\\}";
    } else {
      in_quantifier = in_quantifier && c != '}';
      out += c;
    }
  }
  return out;
}

// One expected part: the text, or "/regex/" (a part whose value AWS prints unpredictably).
inline bool part_matches(const std::string& expected, const std::string& got) {
  if (expected.size() > 2 && expected.front() == '/' && expected.back() == '/') {
    try {
      return std::regex_search(
          got, std::regex(ecmascript_pattern(expected.substr(1, expected.size() - 2))));
    } catch (const std::regex_error&) {
      return false;
    }
  }
  return expected == got;
}

inline bool message_matches(const std::string& expected, const std::string& got) {
  if (!expected.empty() && expected[0] == '~') {
    try {
      return std::regex_search(got, std::regex(ecmascript_pattern(expected.substr(1))));
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

// The verdict of a query-protocol case: the status, then the <Code> and <Message> of the error
// document ("" passes).
inline std::string query_case_mismatch(const Case& c, const http::HttpResponse& r) {
  if (r.status != c.status) return "status " + std::to_string(r.status) + ": " + r.body;
  if (c.code.empty()) return "";
  if (xml_element(r.body, "Code") != c.code ||
      !message_matches(c.message, xml_element(r.body, "Message"))) {
    return "body " + r.body;
  }
  return "";
}

// Runs every case of the file at `path` through `run` (which answers "" for a pass, else what
// was wrong), in order; prints failures. Returns {cases, failures}; a file without cases fails.
inline std::pair<int, int> run_case_file(const std::string& path,
                                         const std::function<std::string(const Case&)>& run) {
  std::ifstream in(path);
  if (!in) {
    std::cerr << path << ": cannot open\n";
    return {0, 1};
  }
  int cases = 0, failures = 0, line_number = 0;
  for (std::string line; std::getline(in, line);) {
    ++line_number;
    if (line.empty() || line[0] == '#') continue;
    std::string problem;
    auto c = parse_line(line, problem);
    ++cases;
    if (c) problem = run(*c);
    if (!problem.empty()) {
      ++failures;
      std::cerr << path << ":" << line_number << ": " << problem << "\n  case: " << line << "\n";
    }
  }
  if (cases == 0) std::cerr << path << ": no cases\n";
  return {cases, cases == 0 ? 1 : failures};
}

// main() of a runner: every file named on the command line; exit 0 when all cases pass.
inline int run_case_files(int argc, char** argv,
                          const std::function<std::pair<int, int>(const std::string&)>& run_file) {
  int cases = 0, failures = 0;
  for (int i = 1; i < argc; ++i) {
    auto [n, failed] = run_file(argv[i]);
    cases += n;
    failures += failed;
  }
  std::cout << cases - failures << "/" << cases << " cases passed\n";
  return failures == 0 && argc > 1 ? 0 : 1;
}

}  // namespace emu::test
