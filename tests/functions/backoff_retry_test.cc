#include <doctest/doctest.h>

#include "emulator/functions/backoff_retry.h"
#include "emulator/functions/js.h"
#include "tests/functions/fakes.h"

using namespace emu;
using namespace emu::functions;
using namespace emu::functions::test;

namespace {
using Kind = BackoffReport::Outcome::Kind;
using Mode = BackoffSettings::Mode;

BackoffSettings settings(Mode mode) {
  BackoffSettings s;
  s.mode = mode;
  s.dead_letter_queue_url = "dlq";
  return s;
}

SqsRecordView record(std::string body, std::optional<std::string> delay) {
  return {"m", std::move(body), std::move(delay)};
}
}  // namespace

TEST_CASE("updates the table with each message body, in order") {
  FakeDocuments table;
  FakeQueue queue;
  BackoffRetry fn(settings(Mode::kIntended), table, queue);
  const auto r = fn.handle({record(R"({"name":"a"})", "1"), record(R"({"name":"b"})", "1")}, 0);
  REQUIRE(table.updates.size() == 2);
  CHECK(table.updates[0]["name"] == "a");
  CHECK(table.updates[1]["name"] == "b");
  CHECK(r.outcomes[0].kind == Kind::kApplied);
  CHECK_FALSE(r.function_error);
}

TEST_CASE("intended backoff: 1 -> 2, 4 -> 16 (the seed's test), capped at 900") {
  FakeDocuments table;
  table.fail = true;
  FakeQueue queue;
  BackoffRetry fn(settings(Mode::kIntended), table, queue);
  CHECK(fn.intended_delay(1) == 2);
  CHECK(fn.intended_delay(2) == 4);
  CHECK(fn.intended_delay(4) == 16);
  CHECK(fn.intended_delay(16) == 256);
  CHECK(fn.intended_delay(256) == 900);
  CHECK(fn.intended_delay(900) == 900);
  const auto r = fn.handle({record(R"({"name":"a"})", "4")}, 0);
  REQUIRE(queue.sent.size() == 1);
  CHECK(queue.sent[0].delay_seconds == 16);
  CHECK(queue.sent[0].attributes.at("DelaySeconds").string_value == "16");
  CHECK(queue.sent[0].body == R"({"name":"a"})");
  CHECK(r.outcomes[0].kind == Kind::kRequeued);
}

TEST_CASE("faithful NaN bug: the re-enqueue is rejected and the message is lost") {
  FakeDocuments table;
  table.fail = true;
  FakeQueue queue;
  BackoffRetry fn(settings(Mode::kFaithfulNanBug), table, queue);
  const auto r = fn.handle({record(R"({"name":"a"})", "1")}, 0);
  CHECK(queue.sent.empty());
  CHECK(r.outcomes[0].kind == Kind::kLost);
  CHECK(r.outcomes[0].reason.find("InvalidParameterValue") != std::string::npos);
  CHECK_FALSE(r.function_error);  // the handler resolves, so SQS deletes the message
}

TEST_CASE("faithful event shape: a TypeError fails the invocation after earlier updates") {
  FakeDocuments table;
  FakeQueue queue;
  BackoffRetry ok_first(settings(Mode::kFaithfulEventShape), table, queue);
  table.fail = false;
  auto r = ok_first.handle({record(R"({"n":1})", "1")}, 0);
  CHECK_FALSE(r.function_error);
  table.fail = true;
  r = ok_first.handle({record(R"({"n":1})", "1"), record(R"({"n":2})", "1")}, 0);
  CHECK(r.function_error);
  CHECK(table.updates.size() == 2);  // the second record was never reached
  CHECK(queue.sent.empty());
}

TEST_CASE("an unparsable body fails the invocation (JSON.parse is outside the try)") {
  FakeDocuments table;
  FakeQueue queue;
  BackoffRetry fn(settings(Mode::kIntended), table, queue);
  CHECK(fn.handle({record("{", "1")}, 0).function_error);
}
