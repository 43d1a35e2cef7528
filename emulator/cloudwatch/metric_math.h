// CloudWatch metric math, the subset the seed's alarms use and a little more: numbers, series
// ids, + - * /, parentheses, unary minus, and the functions ABS, RATE, DIFF, PERIOD
// (aws-fidelity 6.4). Series are aligned by timestamp; a point missing on one side counts as 0
// in arithmetic; a division by zero drops the point.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>

#include "emulator/core/result.h"
#include "emulator/core/time.h"

namespace emu::cloudwatch {

struct Series {
  std::map<Micros, double> points;  // timestamp -> value
  Micros period = 0;                // seconds between points, for RATE and PERIOD
  std::optional<double> scalar;     // set for a plain number
};

// Resolves an id ("m1", "current") to its series, or nullopt if unknown.
using SeriesLookup = std::function<std::optional<Series>(const std::string& id)>;

// Evaluates `expression`; errors name what was wrong (ValidationError).
Result<Series> evaluate_expression(const std::string& expression, const SeriesLookup& lookup);

}  // namespace emu::cloudwatch
