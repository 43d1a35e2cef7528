// The subset of JSON Schema draft-04 that API Gateway request models use: type (incl. "integer"
// and type arrays), required, properties, additionalProperties (boolean or schema), items
// (one schema), minItems/maxItems, minLength/maxLength (strings only: counted in Unicode code
// points), enum, minimum/maximum. Annotation keywords (title, default, $schema) are ignored, as
// a validator must ignore them.
//
// The seed's model sets minLength/maxLength on the integer `metricstimestamp`; draft-04 applies
// those keywords to strings only, so they have no effect there (seed spec 2.1, [I]).
#pragma once

#include <optional>
#include <string>

#include <nlohmann/json.hpp>

namespace emu::apigateway {

class JsonSchema {
 public:
  explicit JsonSchema(nlohmann::json schema);
  // nullopt when `instance` is valid; otherwise a short description of the first violation
  // (for the execution log; API Gateway's client answer is always "Invalid request body").
  std::optional<std::string> first_violation(const nlohmann::json& instance) const;
  bool valid(const nlohmann::json& instance) const { return !first_violation(instance); }

 private:
  std::optional<std::string> check(const nlohmann::json& schema, const nlohmann::json& value,
                                   const std::string& where) const;
  nlohmann::json schema_;
};

// Number of Unicode code points in UTF-8 text (invalid bytes count one each).
std::size_t utf8_length(const std::string& text);

}  // namespace emu::apigateway
