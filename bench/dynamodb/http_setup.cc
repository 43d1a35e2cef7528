#include "http_setup.h"

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>
#include <utility>

#include <nlohmann/json.hpp>

#include "emulator/core/clock.h"
#include "http_connection.h"
#include "http_requests.h"

namespace bench {

namespace {

constexpr Micros kRequestTimeout = 10 * emu::kMicrosPerSecond;
constexpr Micros kIdleWaitLimit = 30 * emu::kMicrosPerSecond;
constexpr Micros kIdlePollInterval = 100 * emu::kMicrosPerMilli;

// One request on a fresh connection, bounded to `timeout`. Returns the status (0 on a
// transport error or timeout) and the answer's body.
std::pair<int, std::string> request_once(const Target& t, const std::string& bytes, Micros timeout) {
  asio::io_context io;
  const auto endpoints = resolve(io, t);
  RequestTemplate tmpl{bytes, 0, 0, 0};
  Connection c(io, tmpl);
  if (!connect_now(c, endpoints)) return {0, "cannot connect to " + t.url};
  char no_answer[64];
  std::snprintf(no_answer, sizeof no_answer, "no answer within %g s", emu::to_seconds(timeout));
  std::pair<int, std::string> answer{0, no_answer};
  exchange(c, [&](int status, const std::string& error) {
    answer = {status, status == 200 ? c.parser->get().body() : error};
  });
  io.run_for(std::chrono::microseconds(timeout));
  return answer;
}

// The raw_metrics stream mapping's backlog: records appended to the stream that the
// aggregator's Lambda has not finished with. Empty when the answer has no such field.
std::optional<std::uint64_t> stream_lag(const Target& t, Micros timeout, std::string& why) {
  const auto [status, body] = request_once(t, get_request(t, "/_emulator/state"), timeout);
  if (status != 200) {
    why = status == 0 ? body : std::to_string(status);
    return std::nullopt;
  }
  static const nlohmann::json::json_pointer kLag("/event_source_mappings/raw_metrics_stream/lag_records");
  const auto state = nlohmann::json::parse(body, nullptr, false);
  if (state.is_discarded() || !state.contains(kLag) || !state.at(kLag).is_number_unsigned()) {
    why = "no " + kLag.to_string() + " in it";
    return std::nullopt;
  }
  return state.at(kLag).get<std::uint64_t>();
}

}  // namespace

bool reachable(const Target& t) {
  asio::io_context io;
  tcp::socket probe(io);
  beast::error_code ec;
  asio::connect(probe, resolve(io, t), ec);
  if (ec) std::fprintf(stderr, "bench_dynamodb_http: cannot connect to %s: %s\n", t.url.c_str(), ec.message().c_str());
  return !ec;
}

bool create_tables(const Target& t) {
  const std::string raw =
      R"({"TableName":"raw_metrics","BillingMode":"PAY_PER_REQUEST",)"
      R"("KeySchema":[{"AttributeName":"uuid","KeyType":"HASH"}],)"
      R"("AttributeDefinitions":[{"AttributeName":"uuid","AttributeType":"S"}]})";
  const std::string aggregate =
      R"({"TableName":"aggregate_metrics","BillingMode":"PAY_PER_REQUEST",)"
      R"("KeySchema":[{"AttributeName":"pk","KeyType":"HASH"},{"AttributeName":"sk","KeyType":"RANGE"}],)"
      R"("AttributeDefinitions":[{"AttributeName":"pk","AttributeType":"S"},)"
      R"({"AttributeName":"sk","AttributeType":"S"}]})";
  for (const auto* body : {&raw, &aggregate}) {
    const auto [status, answer] = request_once(t, dynamodb_request(t, "CreateTable", *body), kRequestTimeout);
    const bool exists = status == 400 && answer.find("ResourceInUseException") != std::string::npos;
    if (status != 200 && !exists) {
      std::fprintf(stderr, "bench_dynamodb_http: CreateTable on %s failed: %s %s\n", t.url.c_str(),
                   status == 0 ? "" : std::to_string(status).c_str(), answer.c_str());
      return false;
    }
  }
  return true;
}

void wait_until_idle(const Target& t) {
  const Micros deadline = emu::wall::monotonic_now() + kIdleWaitLimit;
  for (;;) {
    const Micros left = deadline - emu::wall::monotonic_now();
    std::string why;
    const auto lag = stream_lag(t, std::clamp(left, kIdlePollInterval, kRequestTimeout), why);
    if (!lag) {
      std::printf("idle wait skipped: GET %s/_emulator/state: %s\n", t.url.c_str(), why.c_str());
      break;
    }
    if (*lag == 0) return;
    if (emu::wall::monotonic_now() + kIdlePollInterval > deadline) {
      std::printf("idle wait gave up after %.0f s: raw_metrics stream lag still %llu records\n",
                  emu::to_seconds(kIdleWaitLimit), static_cast<unsigned long long>(*lag));
      break;
    }
    emu::wall::sleep_for(kIdlePollInterval);
  }
  std::fflush(stdout);
}

}  // namespace bench
