#include "emulator/functions/js.h"

#include <charconv>
#include <cstdint>
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "emulator/core/json_util.h"
#include "emulator/core/time.h"

namespace emu::js {

std::optional<Value> parse(std::string_view text) { return parse_ordered_json(text); }

bool parse_into(std::string_view text, Value& out) { return parse_ordered_json_into(text, out); }

double as_number(const Value& v) {
  // Checked first: nlohmann's is_number_integer() is also true for unsigned values.
  if (v.is_number_unsigned()) return static_cast<double>(v.get<std::uint64_t>());
  if (v.is_number_integer()) return static_cast<double>(v.get<std::int64_t>());
  return v.get<double>();
}

std::string number_to_string(double d) {
  if (std::isnan(d)) return "NaN";
  if (d == 0) return "0";
  if (std::isinf(d)) return d < 0 ? "-Infinity" : "Infinity";
  // Shortest round-trip digits, then ECMAScript's layout rules (Number::toString step 6-12).
  char buf[64];
  const auto res = std::to_chars(buf, buf + sizeof buf, std::fabs(d), std::chars_format::scientific);
  const std::string_view sci(buf, static_cast<size_t>(res.ptr - buf));
  const size_t e_pos = sci.find('e');
  std::string digits;
  for (char c : sci.substr(0, e_pos)) {
    if (c != '.') digits.push_back(c);
  }
  const int exponent = std::atoi(std::string(sci.substr(e_pos + 1)).c_str());
  const int k = static_cast<int>(digits.size());
  const int n = exponent + 1;  // decimal point position
  std::string out = d < 0 ? "-" : "";
  if (k <= n && n <= 21) {
    out += digits + std::string(static_cast<size_t>(n - k), '0');
  } else if (0 < n && n <= 21) {
    out += digits.substr(0, static_cast<size_t>(n)) + "." + digits.substr(static_cast<size_t>(n));
  } else if (-6 < n && n <= 0) {
    out += "0." + std::string(static_cast<size_t>(-n), '0') + digits;
  } else {
    out += digits.substr(0, 1);
    if (k > 1) out += "." + digits.substr(1);
    out += (n - 1 >= 0 ? "e+" : "e-") + std::to_string(std::abs(n - 1));
  }
  return out;
}

namespace {

void append_string(std::string& out, const std::string& s) {
  out.push_back('"');
  for (unsigned char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20) {
          char esc[8];
          std::snprintf(esc, sizeof esc, "\\u%04x", c);
          out += esc;
        } else {
          out.push_back(static_cast<char>(c));
        }
    }
  }
  out.push_back('"');
}

void append(std::string& out, const Value& v) {
  switch (v.type()) {
    case Value::value_t::object: {
      out.push_back('{');
      bool first = true;
      for (const auto& [key, member] : v.items()) {
        if (!first) out.push_back(',');
        first = false;
        append_string(out, key);
        out.push_back(':');
        append(out, member);
      }
      out.push_back('}');
      return;
    }
    case Value::value_t::array: {
      out.push_back('[');
      for (size_t i = 0; i < v.size(); ++i) {
        if (i > 0) out.push_back(',');
        append(out, v[i]);
      }
      out.push_back(']');
      return;
    }
    case Value::value_t::string:
      append_string(out, v.get_ref<const std::string&>());
      return;
    case Value::value_t::boolean:
      out += v.get<bool>() ? "true" : "false";
      return;
    case Value::value_t::number_integer:
    case Value::value_t::number_unsigned:
    case Value::value_t::number_float: {
      const double d = as_number(v);
      out += std::isfinite(d) ? number_to_string(d) : "null";  // JSON.stringify(NaN) is null
      return;
    }
    default:
      out += "null";
  }
}

bool is_js_space(std::string_view s, size_t i, size_t* width) {
  const unsigned char c = static_cast<unsigned char>(s[i]);
  if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f') {
    *width = 1;
    return true;
  }
  // U+00A0, U+FEFF, U+2028, U+2029 (the common non-ASCII JS whitespace; others rare in metrics).
  static constexpr std::string_view kWide[] = {"\xC2\xA0", "\xEF\xBB\xBF", "\xE2\x80\xA8",
                                               "\xE2\x80\xA9"};
  for (auto w : kWide) {
    if (s.substr(i, w.size()) == w) {
      *width = w.size();
      return true;
    }
  }
  return false;
}

std::string_view trim_js_space(std::string_view s) {
  size_t width = 0;
  while (!s.empty() && is_js_space(s, 0, &width)) s.remove_prefix(width);
  while (!s.empty()) {
    bool trimmed = false;
    for (size_t w : {1u, 2u, 3u}) {
      if (s.size() >= w && is_js_space(s, s.size() - w, &width) && width == w) {
        s.remove_suffix(w);
        trimmed = true;
        break;
      }
    }
    if (!trimmed) break;
  }
  return s;
}

// The longest prefix of `s` that is a StrDecimalLiteral; NaN if none.
double parse_decimal_prefix(std::string_view s, bool allow_fraction) {
  size_t i = 0;
  bool negative = false;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) negative = s[i++] == '-';
  if (allow_fraction && s.substr(i, 8) == "Infinity") return negative ? -INFINITY : INFINITY;
  const size_t start = i;
  size_t int_digits = 0, frac_digits = 0;
  while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) ++i, ++int_digits;
  if (allow_fraction && i < s.size() && s[i] == '.') {
    size_t j = i + 1;
    while (j < s.size() && std::isdigit(static_cast<unsigned char>(s[j]))) ++j, ++frac_digits;
    if (int_digits + frac_digits > 0) i = j;
  }
  if (int_digits + frac_digits == 0) return NAN;
  if (allow_fraction && i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    size_t j = i + 1;
    if (j < s.size() && (s[j] == '+' || s[j] == '-')) ++j;
    const size_t exp_start = j;
    while (j < s.size() && std::isdigit(static_cast<unsigned char>(s[j]))) ++j;
    if (j > exp_start) i = j;
  }
  const std::string text(s.substr(start, i - start));
  const double magnitude = std::strtod(text.c_str(), nullptr);
  return negative ? -magnitude : magnitude;
}

}  // namespace

std::string stringify(const Value& value) {
  std::string out;
  append(out, value);
  return out;
}

std::string to_string(const Value* v) {
  if (v == nullptr) return "undefined";
  switch (v->type()) {
    case Value::value_t::string:
      return v->get<std::string>();
    case Value::value_t::boolean:
      return v->get<bool>() ? "true" : "false";
    case Value::value_t::null:
      return "null";
    case Value::value_t::number_integer:
    case Value::value_t::number_unsigned:
    case Value::value_t::number_float:
      return number_to_string(as_number(*v));
    case Value::value_t::array: {
      std::string out;
      for (size_t i = 0; i < v->size(); ++i) {
        if (i > 0) out.push_back(',');
        const Value& item = (*v)[i];
        if (!item.is_null()) out += to_string(&item);
      }
      return out;
    }
    default:
      return "[object Object]";
  }
}

double to_number(const Value* v) {
  if (v == nullptr) return NAN;
  switch (v->type()) {
    case Value::value_t::null:
      return 0;
    case Value::value_t::boolean:
      return v->get<bool>() ? 1 : 0;
    case Value::value_t::number_integer:
    case Value::value_t::number_unsigned:
    case Value::value_t::number_float:
      return as_number(*v);
    case Value::value_t::string:
    case Value::value_t::array: {
      const std::string text = to_string(v);
      const std::string_view s = trim_js_space(text);
      if (s.empty()) return 0;
      if (s.size() > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
        double value = 0;
        for (char c : s.substr(2)) {
          if (!std::isxdigit(static_cast<unsigned char>(c))) return NAN;
          value = value * 16 + (std::isdigit(static_cast<unsigned char>(c))
                                    ? c - '0'
                                    : std::tolower(static_cast<unsigned char>(c)) - 'a' + 10);
        }
        return value;
      }
      // The whole string must be a decimal literal (C's strtod would also take hex floats).
      if (s.find_first_of("xX") != std::string_view::npos) return NAN;
      const double d = parse_decimal_prefix(s, true);
      if (std::isnan(d)) return NAN;
      char* end = nullptr;
      const std::string str(s);
      if (s == "Infinity" || s == "+Infinity" || s == "-Infinity") return d;
      std::strtod(str.c_str(), &end);
      return end == str.c_str() + str.size() ? d : NAN;
    }
    default:
      return NAN;
  }
}

const Value* member(const Value& object, const char* key) {
  if (!object.is_object()) return nullptr;
  const auto it = object.find(key);
  return it == object.end() ? nullptr : &*it;
}

bool truthy(const Value* v) {
  if (v == nullptr || v->is_null()) return false;
  if (v->is_boolean()) return v->get<bool>();
  if (v->is_number()) {
    const double d = as_number(*v);
    return d != 0 && !std::isnan(d);
  }
  if (v->is_string()) return !v->get_ref<const std::string&>().empty();
  return true;
}

double parse_int(const Value* v) {
  const std::string text = to_string(v);
  return parse_decimal_prefix(trim_js_space(text), false);
}

double parse_float(const Value* v) {
  const std::string text = to_string(v);
  return parse_decimal_prefix(trim_js_space(text), true);
}

std::optional<std::string> pin_date(const Value* timestamp) {
  const double ms = to_number(timestamp);
  if (!std::isfinite(ms) || std::fabs(ms) > 8.64e15) return std::nullopt;  // TimeClip -> NaN
  const auto whole_ms = static_cast<std::int64_t>(std::trunc(ms));
  const std::int64_t day = floor_to(whole_ms, 86400000LL) / 86400000LL;
  // Batches carry a few distinct days: formatting the last one again is a comparison.
  thread_local std::int64_t last_day = INT64_MIN;
  thread_local std::string last_text;
  if (day == last_day) return last_text;
  const CivilDate date = civil_from_days(day);
  char buf[32];
  if (date.year >= 0 && date.year <= 9999) {
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", date.year, date.month, date.day);
  } else {
    std::snprintf(buf, sizeof buf, "%c%06d-%02u-%02u", date.year < 0 ? '-' : '+',
                  std::abs(date.year), date.month, date.day);
  }
  last_day = day;
  last_text = buf;
  return last_text;
}

}  // namespace emu::js
