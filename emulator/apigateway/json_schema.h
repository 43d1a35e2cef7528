// The subset of JSON Schema draft-04 that API Gateway request models use: type (incl. "integer"
// and type arrays), required, properties, additionalProperties (boolean or schema), items
// (one schema), minItems/maxItems, minLength/maxLength (strings only: counted in Unicode code
// points), enum, minimum/maximum. Annotation keywords (title, default, $schema) are ignored, as
// a validator must ignore them.
//
// The seed's model sets minLength/maxLength on the integer `metricstimestamp`; draft-04 applies
// those keywords to strings only, so they have no effect there (seed spec 2.1, [I]).
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace emu::apigateway {

class JsonSchema {
 public:
  explicit JsonSchema(nlohmann::json schema);
  // nullopt when `instance` is valid; otherwise a short description of the first violation
  // (for the execution log; API Gateway's client answer is always "Invalid request body").
  std::optional<std::string> first_violation(const nlohmann::json& instance) const;
  bool valid(const nlohmann::json& instance) const { return !first_violation(instance); }
  // Whether the JSON text `body` is valid, decided on simdjson's DOM against the schema compiled
  // at construction (no nlohmann document is built: parsing into one and walking the schema's
  // maps cost 13 % of the national day). nullopt when it cannot decide as `valid` would: text
  // simdjson refuses, text over 1 MiB, nesting past 256, a value an `enum` constrains, an
  // object of more than 64 members whose members the schema checks (a repeated key counts by
  // its last value, found by comparing keys pairwise). The caller then parses with parse_json
  // and asks `valid`. Both answer alike (a test compares them over mutated payloads).
  std::optional<bool> valid_text(std::string_view body) const;

  struct Compiled;

 private:
  std::optional<std::string> check(const nlohmann::json& schema, const nlohmann::json& value,
                                   const std::string& where) const;
  // The schema as valid_text walks it (json_schema_text.cc).
  static std::shared_ptr<const Compiled> compile(const nlohmann::json& schema);
  nlohmann::json schema_;
  std::shared_ptr<const Compiled> compiled_;
};

// Number of Unicode code points in UTF-8 text (invalid bytes count one each).
std::size_t utf8_length(std::string_view text);

}  // namespace emu::apigateway
