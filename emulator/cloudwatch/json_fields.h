// Reading CloudWatch request fields that arrive as JSON (JSON protocol) or as strings (the
// query protocol converted to JSON): dimensions, string lists, numbers.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "emulator/core/metrics.h"

namespace emu::cloudwatch {

// [{"Name": n, "Value": v}, ...] -> Dimensions; anything else -> none.
Dimensions dimensions_of(const nlohmann::json& j);
nlohmann::json dimensions_json(const Dimensions& dims);
// The strings of array `key` of `j` (others skipped).
std::vector<std::string> strings_of(const nlohmann::json& j, const char* key);
// A number, or a string holding exactly one; nullopt otherwise.
std::optional<double> number_value(const nlohmann::json& v);
// Field `key` of `j` as number_value; nullopt when absent.
std::optional<double> number_of(const nlohmann::json& j, const char* key);

}  // namespace emu::cloudwatch
