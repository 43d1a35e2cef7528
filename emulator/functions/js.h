// JavaScript semantics the seed's Node functions rely on, so the C++ handlers produce the same
// bytes and the same decisions: JSON.parse/JSON.stringify (key order, number formatting),
// String() as template literals render values, ToNumber, truthiness, parseInt, parseFloat and
// the Date arithmetic of pinDate.
//
// Values are nlohmann::ordered_json (JSON.parse keeps key order; so does ordered_json). JS's
// `undefined` is represented by an absent key or by std::nullopt.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace emu::js {

using Value = nlohmann::ordered_json;

// JSON.parse. nullopt on a syntax error (JS would throw SyntaxError).
// DEVIATION: lone UTF-16 surrogate escapes ("\ud800"), which JSON.parse accepts, are rejected.
std::optional<Value> parse(std::string_view text);
// JSON.parse into `out`, reusing the memory of what `out` held (for parsing many similar
// documents). False on a syntax error; `out` then holds some other value.
bool parse_into(std::string_view text, Value& out);

// JSON.stringify: compact, keys in order, numbers as Number::toString, non-ASCII unescaped.
// Integers outside +-2^53 lose precision exactly as they do in a JS number.
std::string stringify(const Value& value);

// Number::toString(10) for a double ("1e+21", "0.000001", "1e-7", "-0" -> "0").
std::string number_to_string(double d);

// The value as a JS number (integers become doubles).
double as_number(const Value& number_value);

// String(value) / `${value}` for a present value; "undefined" for nullopt.
std::string to_string(const Value* value);

// ToNumber(value); NaN for undefined (nullptr), objects and unparsable strings.
double to_number(const Value* value);

// object[key]: the member, or nullptr (undefined) when absent or `object` is not an object.
const Value* member(const Value& object, const char* key);

// JS truthiness: false for undefined, null, false, 0, -0, NaN and "".
bool truthy(const Value* value);

// parseInt(String(value), 10) and parseFloat(String(value)); NaN when nothing parses.
double parse_int(const Value* value);
double parse_float(const Value* value);

// The seed's pinDate: new Date(); setTime(timestamp); setHours(0,0,0,0) in the Lambda's zone
// (UTC); toISOString().split('T')[0]. nullopt where JS throws RangeError (invalid time value).
std::optional<std::string> pin_date(const Value* timestamp);

}  // namespace emu::js
