// A configurable random distribution of a non-negative quantity (durations, sizes, counts).
//
// JSON forms (config and scenario files):
//   {"type": "constant", "value": 20}
//   {"type": "uniform", "min": 5, "max": 50}
//   {"type": "exponential", "mean": 20}
//   {"type": "normal", "mean": 20, "stddev": 5}
//   {"type": "lognormal", "median": 20, "sigma": 0.5}
// Optional "min"/"max" clamp the drawn value for every type except uniform (where they are the
// bounds). Samples are never negative.
#pragma once

#include <limits>
#include <string>

#include <nlohmann/json_fwd.hpp>

#include "emulator/core/random.h"

namespace emu {

class Distribution {
 public:
  enum class Kind { kConstant, kUniform, kExponential, kNormal, kLogNormal };

  static Distribution constant(double value);
  // Parses the JSON forms above. Throws ConfigError naming `where` (e.g. "/lambda/functions/
  // create_metrics/duration_ms") on a malformed value.
  static Distribution from_json(const nlohmann::json& j, const std::string& where);
  nlohmann::json to_json() const;

  double sample(Random& random) const;
  // The distribution's median, for reports (exact for all kinds, ignoring clamps).
  double median() const;
  Kind kind() const { return kind_; }

 private:
  Kind kind_ = Kind::kConstant;
  double a_ = 0.0;  // value | min | mean | mean | median
  double b_ = 0.0;  // -     | max | -    | stddev | sigma
  double lo_ = 0.0;
  double hi_ = std::numeric_limits<double>::infinity();
};

}  // namespace emu
