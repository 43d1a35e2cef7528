#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "emulator/ledger/entry_counter.h"
#include "tests/test_support.h"

using emu::ledger::count_payload_entries;

TEST_CASE("counts the payload entries of the seed's payloads like a full parse does") {
  for (const char* name : {"metrics-terraform-test_payload_small.json",
                           "metrics-terraform-test_payload_large.json",
                           "metrics-terraform-test_payload_gigantic.json",
                           "app-MetricsJsonSerializer.spec-expected.json",
                           "staging-terraform-schema-example-2021-02-04.json"}) {
    const std::string body = emu::test::read_data(std::string("payloads/") + name);
    const auto parsed = nlohmann::json::parse(body);
    const std::int64_t expected =
        parsed.contains("payload") && parsed["payload"].is_array() ? parsed["payload"].size() : 0;
    CHECK_MESSAGE(count_payload_entries(body) == expected, name);
  }
}

TEST_CASE("edge cases: nesting, strings with brackets, duplicates, malformed input") {
  CHECK(count_payload_entries(R"({"payload":[]})") == 0);
  CHECK(count_payload_entries(R"({"payload":[1, "a,b]", {"x":[1,2]}, [3,[4]], null]})") == 5);
  CHECK(count_payload_entries(R"({"a":{"payload":[1,2]},"payload":[1]})") == 1);
  CHECK(count_payload_entries(R"({"payload":[1,2],"payload":[1,2,3]})") == 3);
  CHECK(count_payload_entries(R"({"payload":{"0":1}})") == 0);
  CHECK(count_payload_entries(R"({"pay\"load":[1,2]})") == 0);
  CHECK(count_payload_entries(R"(  { "payload" : [ {} , {} ] } )") == 2);
  CHECK(count_payload_entries(R"({"payload":[1,2)") == 0);
  CHECK(count_payload_entries(R"([{"payload":[1]}])") == 0);
  CHECK(count_payload_entries("") == 0);
  CHECK(count_payload_entries(std::string(100000, '[')) == 0);
  CHECK(count_payload_entries("{\"payload\":[\"\\\"]\",2]}") == 2);
  // Runs of backslashes: an even run leaves the quote closing, an odd one escapes it.
  CHECK(count_payload_entries(R"({"payload":["a\\",["x"],"b\\\"],",3]})") == 4);
  CHECK(count_payload_entries(R"({"payload":["\\\\"],"n":["\"]"]})") == 1);
}
