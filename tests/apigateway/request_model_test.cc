#include <doctest/doctest.h>

#include "emulator/apigateway/request_model.h"
#include "tests/test_support.h"

using namespace emu::apigateway;
using Outcome = RequestModel::Outcome;

namespace {
std::string payload(const std::string& name) { return emu::test::read_data("payloads/" + name); }
const RequestModel& model() {
  static const RequestModel m = RequestModel::seed_metrics_model();
  return m;
}
Outcome check(const std::string& body) { return model().validate("application/json", body); }
}  // namespace

TEST_CASE("the seed's own payloads satisfy model 1.4.2") {
  CHECK(check(payload("metrics-terraform-test_payload_small.json")) == Outcome::kValid);
  CHECK(check(payload("metrics-terraform-test_payload_large.json")) == Outcome::kValid);
  CHECK(check(payload("metrics-terraform-test_payload_gigantic.json")) == Outcome::kValid);
  CHECK(check(payload("app-MetricsJsonSerializer.spec-expected.json")) == Outcome::kValid);
}

TEST_CASE("payload as an object (large_single's inner body) fails: payload must be an array") {
  const auto wrapper = nlohmann::json::parse(payload("metrics-terraform-test_payload_large_single.json"));
  CHECK(check(wrapper["body"].dump()) == Outcome::kInvalid);
}

TEST_CASE("required fields, types and lengths") {
  const std::string ok =
      R"({"metricstimestamp":1,"appversion":"1.2.10","appos":"ios","payload":[{"identifier":"a","region":"ON","timestamp":1}]})";
  CHECK(check(ok) == Outcome::kValid);
  auto with = [&](const std::string& key, const nlohmann::json& value) {
    auto j = nlohmann::json::parse(ok);
    if (value.is_discarded()) {
      j.erase(key);
    } else {
      j[key] = value;
    }
    return check(j.dump());
  };
  const nlohmann::json removed(nlohmann::json::value_t::discarded);
  for (const char* key : {"metricstimestamp", "appversion", "appos", "payload"}) {
    CHECK_MESSAGE(with(key, removed) == Outcome::kInvalid, key);
  }
  CHECK(with("metricstimestamp", "1") == Outcome::kInvalid);
  CHECK(with("metricstimestamp", 1.5) == Outcome::kInvalid);
  CHECK(with("metricstimestamp", 1621957249091000000.0) == Outcome::kValid);  // maxLength ignored
  CHECK(with("appversion", "1234567890") == Outcome::kValid);
  CHECK(with("appversion", "12345678901") == Outcome::kInvalid);               // > 10
  CHECK(with("appversion", "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
                           "\xc3\xa9\xc3\xa9") == Outcome::kValid);              // 10 code points
  CHECK(with("appos", std::string(20, 'a')) == Outcome::kValid);
  CHECK(with("appos", std::string(21, 'a')) == Outcome::kInvalid);
  CHECK(with("appos", 3) == Outcome::kInvalid);
  CHECK(with("payload", nlohmann::json::array()) == Outcome::kInvalid);         // minItems 1
  CHECK(with("payload", nlohmann::json::array({1})) == Outcome::kInvalid);      // items object
  CHECK(with("payload", nlohmann::json::array({{{"identifier", "a"}, {"region", "ON"}}})) ==
        Outcome::kInvalid);                                                     // no timestamp
  CHECK(with("symptomonset", "yes") == Outcome::kInvalid);
  CHECK(with("symptomonset", true) == Outcome::kValid);
  CHECK(with("anything", nlohmann::json::object()) == Outcome::kValid);  // additional allowed
  // Item fields have no declared types: any JSON value passes.
  CHECK(with("payload", nlohmann::json::array({{{"identifier", 1}, {"region", nullptr},
                                                {"timestamp", "x"}}})) == Outcome::kValid);
}

TEST_CASE("non-JSON bodies fail validation; other content types skip it") {
  CHECK(check("") == Outcome::kInvalid);
  CHECK(check("not json") == Outcome::kInvalid);
  CHECK(check("[]") == Outcome::kInvalid);
  CHECK(check("\xff\xfe{}") == Outcome::kInvalid);
  CHECK(check(std::string(100000, '[')) == Outcome::kInvalid);
  CHECK(model().validate("text/plain", "not json") == Outcome::kNotValidated);
  CHECK(model().validate("", "not json") == Outcome::kInvalid);
  CHECK(model().validate("Application/JSON; charset=utf-8", "{}") == Outcome::kInvalid);
  CHECK(is_json_media_type(" application/json ;charset=UTF-8"));
  CHECK_FALSE(is_json_media_type("application/jsonx"));
}
