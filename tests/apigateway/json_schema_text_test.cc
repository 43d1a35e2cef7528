// JsonSchema::valid_text (simdjson, compiled schema) against JsonSchema::valid (nlohmann, the
// reference): the same verdict on every body it decides, over the seed's payloads mutated at
// random and over a schema that uses every keyword.
#include <doctest/doctest.h>

#include "emulator/apigateway/json_schema.h"
#include "emulator/core/json_util.h"
#include "emulator/core/random.h"
#include "tests/test_support.h"

namespace emu::apigateway {
extern const char* const kMetricsModelJson;  // the seed's model, embedded (request_model.cc)
}

using emu::apigateway::JsonSchema;

namespace {

JsonSchema seed_model() {
  return JsonSchema(nlohmann::json::parse(emu::apigateway::kMetricsModelJson));
}

// A schema using every keyword the validator knows.
JsonSchema every_keyword() {
  return JsonSchema(nlohmann::json::parse(R"({
    "type": "object", "required": ["id", "tags"],
    "properties": {
      "id": {"type": ["integer", "string"], "minimum": 1, "maximum": 99, "maxLength": 4},
      "ratio": {"type": "number", "minimum": 0.5},
      "flag": {"type": "boolean"}, "nothing": {"type": "null"},
      "tags": {"type": "array", "minItems": 1, "maxItems": 3,
               "items": {"type": "string", "minLength": 2}},
      "kind": {"enum": ["a", "b"]},
      "open": {"type": "object", "additionalProperties": {"type": "integer"}},
      "shut": {"type": "object", "properties": {"x": {}}, "additionalProperties": false},
      "weird": {"type": "nonsense"}, "untyped": {"minimum": 3}
    }})"));
}

// The reference's answer for a body: text that does not parse is invalid.
bool reference_valid(const JsonSchema& schema, const std::string& body) {
  const auto parsed = emu::parse_json(body);
  return parsed && schema.valid(*parsed);
}

const char* const kSamples[] = {"1",         "1.0",
                                "1.5",       "-3",
                                "0",         "100",
                                "\"\"",      "\"ab\"",
                                "\"abcde\"", "true",
                                "null",      "[]",
                                "[\"ab\"]",  "{}",
                                "{\"x\":1}", "[\"ab\",\"cd\",\"ef\",\"gh\"]",
                                "1e3",       "18446744073709551615"};

// One random change somewhere in `j`: a value replaced by a sample, a member removed or added.
void mutate(nlohmann::json& j, emu::Random& r) {
  if ((j.is_object() || j.is_array()) && !j.empty() && r.bernoulli(0.7)) {
    auto it = j.begin();
    std::advance(it, static_cast<long>(r.below(j.size())));
    if (r.bernoulli(0.15)) {
      if (j.is_object())
        j.erase(it.key());
      else
        j.erase(it);
      return;
    }
    mutate(*it, r);
    return;
  }
  const auto sample = nlohmann::json::parse(kSamples[r.below(std::size(kSamples))]);
  if (j.is_object() && r.bernoulli(0.5)) {
    const char* keys[] = {"id", "tags", "kind", "open", "shut", "flag", "payload", "appos", "x"};
    j[keys[r.below(std::size(keys))]] = sample;
  } else {
    j = sample;
  }
}

// Both paths on `mutations` random mutations of `base` (1 to 3 changes each): the same verdict
// wherever valid_text decides. Returns how many it decided.
int compare_mutations(const JsonSchema& schema, const nlohmann::json& base, std::uint64_t seed,
                      int mutations) {
  emu::Random r(seed);
  int decided = 0;
  for (int i = 0; i < mutations; ++i) {
    auto j = base;
    for (int k = 0; k < 1 + static_cast<int>(r.below(3)); ++k) mutate(j, r);
    const std::string body = j.dump();
    const auto fast = schema.valid_text(body);
    if (!fast) continue;
    ++decided;
    CHECK_MESSAGE(*fast == reference_valid(schema, body), body);
  }
  return decided;
}

}  // namespace

TEST_CASE("valid_text decides the seed's payloads, and as the reference does") {
  const JsonSchema model = seed_model();
  for (const char* name :
       {"metrics-terraform-test_payload_small.json", "metrics-terraform-test_payload_large.json",
        "app-MetricsJsonSerializer.spec-expected.json"}) {
    const auto body = emu::test::read_data(std::string("payloads/") + name);
    REQUIRE(model.valid_text(body).has_value());
    CHECK(*model.valid_text(body));
    CHECK(compare_mutations(model, nlohmann::json::parse(body), 11, 400) > 300);
  }
}

TEST_CASE("valid_text agrees with the reference on every keyword") {
  const JsonSchema schema = every_keyword();
  const auto base = nlohmann::json::parse(
      R"({"id": 5, "ratio": 0.7, "flag": true, "nothing": null, "tags": ["ab", "cd"],
          "open": {"a": 1}, "shut": {"x": 2}, "untyped": 4})");
  REQUIRE(schema.valid_text(base.dump()) == std::optional<bool>(true));
  CHECK(compare_mutations(schema, base, 12, 3000) > 1500);
}

TEST_CASE("valid_text: repeated keys, enum, depth and bad text") {
  const JsonSchema schema = every_keyword();
  // nlohmann keeps a repeated key's last value: so does valid_text.
  CHECK(schema.valid_text(R"({"id": "toolong", "id": 5, "tags": ["ab"]})") ==
        std::optional<bool>(true));
  CHECK(schema.valid_text(R"({"id": 5, "id": "toolong", "tags": ["ab"]})") ==
        std::optional<bool>(false));
  CHECK(reference_valid(schema, R"({"id": "toolong", "id": 5, "tags": ["ab"]})"));
  // enum is left to the reference; so are text simdjson refuses and nesting past its limit.
  CHECK_FALSE(schema.valid_text(R"({"id": 5, "tags": ["ab"], "kind": "a"})").has_value());
  CHECK_FALSE(schema.valid_text(R"({"id": 5,)").has_value());
  const std::string deep =
      R"({"id": 5, "tags": ["ab"], "x": )" + std::string(300, '[') + std::string(300, ']') + "}";
  CHECK_FALSE(schema.valid_text(deep).has_value());
  CHECK(reference_valid(schema, deep));
}
