// AWS calls against an in-process pipeline, for the fault hook tests: signed-looking requests
// (the router picks the service by SigV4 scope and target), the seed's request body, and what
// the tables and the DLQ hold.
#pragma once

#include <string>

#include "tests/pipeline/in_process.h"

namespace emu::faults::test {

using emu::testing::InProcess;
using nlohmann::json;

inline json rule(const json& r) { return {{"faults", {r}}}; }

inline http::HttpRequest signed_request(const std::string& service, const std::string& method,
                                        const std::string& path) {
  http::HttpRequest r;
  r.method = method;
  r.path = path;
  r.headers.emplace("Authorization", "AWS4-HMAC-SHA256 Credential=AKID/20210626/ca-central-1/" +
                                         service +
                                         "/aws4_request, SignedHeaders=host, Signature=0");
  return r;
}

inline http::HttpResponse send(InProcess& p, const http::HttpRequest& r) {
  auto response = p.pipeline.handle(r);
  p.storage.commit();
  return response;
}

inline std::string dlq_url(InProcess& p) {
  auto queue = p.pipeline.sqs().queue(p.config.string("/sqs/dead_letter_queue/name"));
  REQUIRE(queue.ok());
  return p.pipeline.sqs().url_of(**queue);
}

inline std::int64_t dlq_size(InProcess& p) {
  auto queue = p.pipeline.sqs().queue(p.config.string("/sqs/dead_letter_queue/name"));
  REQUIRE(queue.ok());
  return (*queue)->size();
}

// An SQS call in the JSON protocol on the DLQ.
inline http::HttpResponse sqs(InProcess& p, const std::string& op, json input) {
  auto r = signed_request("sqs", "POST", "/");
  r.headers.emplace("X-Amz-Target", "AmazonSQS." + op);
  r.headers.emplace("Content-Type", "application/x-amz-json-1.0");
  input["QueueUrl"] = dlq_url(p);
  r.body = input.dump();
  return send(p, r);
}

inline http::HttpResponse s3(InProcess& p, const std::string& method, const std::string& path,
                             const std::string& query_string = "", const std::string& body = "") {
  auto r = signed_request("s3", method, path);
  r.query = query_string;
  r.body = body;
  return send(p, r);
}

// A query-protocol call (CloudWatch "monitoring", SNS "sns").
inline http::HttpResponse query(InProcess& p, const std::string& service, const std::string& form) {
  auto r = signed_request(service, "POST", "/");
  r.headers.emplace("Content-Type", "application/x-www-form-urlencoded");
  r.body = form;
  return send(p, r);
}

inline http::HttpResponse dynamodb(InProcess& p, const std::string& op, const json& input) {
  auto r = signed_request("dynamodb", "POST", "/");
  r.headers.emplace("X-Amz-Target", "DynamoDB_20120810." + op);
  r.headers.emplace("Content-Type", "application/x-amz-json-1.0");
  r.body = input.dump();
  return send(p, r);
}

// A JS batch of three metrics, as the app posts it.
inline std::string metrics_body(int i) {
  static const char* const kIdentifiers[] = {"installed", "onboarded", "active-user", "exposed"};
  constexpr std::int64_t kDayMs = 1624665600000;  // 2021-06-26T00:00:00Z
  json payload = json::array();
  for (int k = 0; k < 3; ++k) {
    payload.push_back({{"identifier", kIdentifiers[(i + k) % 4]},
                       {"region", k == 0 ? "ON" : "QC"},
                       {"timestamp", kDayMs + 1000LL * i}});
  }
  return json{{"metricstimestamp", kDayMs},
              {"appversion", "1.2.10"},
              {"appos", i % 2 ? "ios" : "android"},
              {"osversion", "14"},
              {"manufacturer", "x"},
              {"model", "y"},
              {"androidreleaseversion", "11"},
              {"payload", payload}}
      .dump();
}

inline std::int64_t rows(InProcess& p, const std::string& table) {
  std::int64_t n = 0;
  p.pipeline.dynamodb().for_each_row(table, [&](const dynamodb::Item&) { ++n; });
  return n;
}

// The sum of metricCount over aggregate_metrics.
inline std::int64_t aggregate_count(InProcess& p) {
  std::int64_t n = 0;
  p.pipeline.dynamodb().for_each_row("aggregate_metrics", [&](const dynamodb::Item& item) {
    n += std::stoll(item.at("metricCount").scalar());
  });
  return n;
}

}  // namespace emu::faults::test
