#include "emulator/http/json_shape.h"

#include <charconv>
#include <cmath>
#include <limits>

#include "emulator/core/errors.h"

namespace emu::http {

namespace {

using nlohmann::json;

const char* type_name(ShapeKind kind) {
  switch (kind) {
    case ShapeKind::kString: return "String";
    case ShapeKind::kInteger: return "Integer";
    case ShapeKind::kLong: return "Long";
    case ShapeKind::kDouble: return "Double";
    case ShapeKind::kBoolean: return "Boolean";
    case ShapeKind::kBlob: return "Blob";
    case ShapeKind::kTimestamp: return "Date";
    default: return "Object";
  }
}

// Coral's message for a scalar member holding the wrong JSON type. ASSUMPTION: Double and Date
// (timestamp) members read like the Integer and Long ones dynalite recorded.
std::string scalar_mismatch(const json& v, ShapeKind kind) {
  if (v.is_array()) return "Start of list found where not expected";
  if (v.is_object()) return "Start of structure or map found where not expected.";
  const std::string target = kind == ShapeKind::kBlob ? std::string("a Blob")
                                                      : std::string("an ") + type_name(kind);
  if (v.is_boolean()) return "class java.lang.Boolean can not be converted to " + target;
  if (v.is_number()) {
    return "class com.amazon.coral.value.json.numbers.TruncatingBigNumber can not be converted "
           "to " + target;
  }
  if (kind == ShapeKind::kBoolean) return "'" + v.get<std::string>() + "' can not be converted to an Boolean";
  return "class java.lang.String can not be converted to " + target;
}

// Integer members: Coral truncates fractions (TruncatingBigNumber). ASSUMPTION: a value outside
// the member's range is refused with the number message rather than wrapped.
std::optional<std::string> conform_integer(json& v, ShapeKind kind) {
  const double lo = kind == ShapeKind::kInteger ? std::numeric_limits<std::int32_t>::min() : -9.2e18;
  const double hi = kind == ShapeKind::kInteger ? std::numeric_limits<std::int32_t>::max() : 9.2e18;
  if (!v.is_number()) return scalar_mismatch(v, kind);
  if (v.is_number_unsigned()) {
    if (v.get<std::uint64_t>() > static_cast<std::uint64_t>(hi)) return scalar_mismatch(v, kind);
    v = static_cast<std::int64_t>(v.get<std::uint64_t>());
    return std::nullopt;
  }
  const double d = v.get<double>();
  if (!(d >= lo && d <= hi)) return scalar_mismatch(v, kind);
  if (v.is_number_float()) v = static_cast<std::int64_t>(std::trunc(d));
  return std::nullopt;
}

std::optional<std::string> conform_list(json& v, const Shape& shape);
std::optional<std::string> conform_map(json& v, const Shape& shape);
std::optional<std::string> conform_structure(json& v, const Shape& shape);

std::optional<std::string> conform(json& v, const Shape& shape) {
  switch (shape.kind) {
    case ShapeKind::kString:
    case ShapeKind::kBlob:
      if (v.is_string()) return std::nullopt;
      return scalar_mismatch(v, shape.kind);
    case ShapeKind::kInteger:
    case ShapeKind::kLong:
      return conform_integer(v, shape.kind);
    case ShapeKind::kDouble:
      if (v.is_number()) return std::nullopt;
      return scalar_mismatch(v, shape.kind);
    case ShapeKind::kBoolean:
      if (v.is_boolean()) return std::nullopt;
      return scalar_mismatch(v, shape.kind);
    case ShapeKind::kTimestamp:
      // Epoch seconds as botocore sends them; ISO-8601 text is accepted too.
      if (v.is_number() || v.is_string()) return std::nullopt;
      return scalar_mismatch(v, shape.kind);
    case ShapeKind::kList: return conform_list(v, shape);
    case ShapeKind::kMap: return conform_map(v, shape);
    case ShapeKind::kStructure: return conform_structure(v, shape);
  }
  return std::nullopt;
}

std::optional<std::string> conform_list(json& v, const Shape& shape) {
  if (v.is_object()) return "Start of structure or map found where not expected.";
  if (!v.is_array()) return "Expected list or null";
  for (auto& element : v) {
    // DEVIATION: a null list element is refused (what AWS answers is not recorded); the
    // operations never have to handle one.
    if (element.is_null()) return std::string("Null list elements are not allowed");
    if (auto e = conform(element, *shape.member)) return e;
  }
  return std::nullopt;
}

std::optional<std::string> conform_map(json& v, const Shape& shape) {
  if (v.is_array()) return "Start of list found where not expected";
  if (!v.is_object()) return "Expected map or null";
  for (auto it = v.begin(); it != v.end();) {
    if (it->is_null()) {
      it = v.erase(it);
      continue;
    }
    if (auto e = conform(*it, *shape.member)) return e;
    ++it;
  }
  return std::nullopt;
}

std::optional<std::string> conform_structure(json& v, const Shape& shape) {
  if (v.is_array()) return "Start of list found where not expected";
  if (!v.is_object()) return "Expected null";
  for (const auto& [name, member] : shape.fields) {
    const auto it = v.find(name);
    if (it == v.end()) continue;
    if (it->is_null()) {
      v.erase(it);
      continue;
    }
    if (auto e = conform(*it, *member)) return e;
  }
  return std::nullopt;
}

// ---- query protocol ----

AwsError not_of_type(const std::string& path, const std::string& text, const char* what) {
  // ASSUMPTION: the wording; AWS answers InvalidParameterValue naming the parameter.
  return errors::common::kInvalidParameterValue("The value '" + text + "' for parameter " + path +
                                                " is not " + what + ".");
}

Status query_conform(json& v, const Shape& shape, const std::string& path);

Status query_scalar(json& v, const Shape& shape, const std::string& path) {
  if (!v.is_string()) {
    return invalid_query_parameter("parameter " + path + " must be a single value, not a list or "
                                   "structure");
  }
  const std::string text = v.get<std::string>();
  switch (shape.kind) {
    case ShapeKind::kInteger:
    case ShapeKind::kLong: {
      const auto n = parse_int64(text);
      const bool in_range =
          n && (shape.kind == ShapeKind::kLong || (*n >= std::numeric_limits<std::int32_t>::min() &&
                                                   *n <= std::numeric_limits<std::int32_t>::max()));
      if (!in_range) return not_of_type(path, text, "an integer in range");
      v = *n;
      return ok_status();
    }
    case ShapeKind::kDouble: {
      const auto d = parse_double(text);
      if (!d) return not_of_type(path, text, "a number");
      v = *d;
      return ok_status();
    }
    case ShapeKind::kBoolean:
      if (text != "true" && text != "false") return not_of_type(path, text, "a boolean");
      v = text == "true";
      return ok_status();
    default:
      return ok_status();
  }
}

Status query_conform(json& v, const Shape& shape, const std::string& path) {
  switch (shape.kind) {
    case ShapeKind::kList: {
      if (!v.is_array()) return invalid_query_parameter("parameter " + path + " must be a list (" + path + ".member.N)");
      for (std::size_t i = 0; i < v.size(); ++i) {
        auto s = query_conform(v[i], *shape.member, path + ".member." + std::to_string(i + 1));
        if (!s) return s;
      }
      return ok_status();
    }
    case ShapeKind::kMap:
    case ShapeKind::kStructure: {
      if (!v.is_object()) return invalid_query_parameter("parameter " + path + " must be a structure");
      if (shape.kind == ShapeKind::kMap) {
        for (auto& [key, value] : v.items()) {
          auto s = query_conform(value, *shape.member, path + "." + key);
          if (!s) return s;
        }
        return ok_status();
      }
      for (const auto& [name, member] : shape.fields) {
        const auto it = v.find(name);
        if (it == v.end()) continue;
        auto s = query_conform(*it, *member, path.empty() ? name : path + "." + name);
        if (!s) return s;
      }
      return ok_status();
    }
    default:
      return query_scalar(v, shape, path);
  }
}

}  // namespace

const Shape* Shape::field(std::string_view name) const {
  for (const auto& [n, s] : fields) {
    if (n == name) return s;
  }
  return nullptr;
}

const Shape& string_shape() { static const Shape s{ShapeKind::kString, nullptr, {}}; return s; }
const Shape& integer_shape() { static const Shape s{ShapeKind::kInteger, nullptr, {}}; return s; }
const Shape& long_shape() { static const Shape s{ShapeKind::kLong, nullptr, {}}; return s; }
const Shape& double_shape() { static const Shape s{ShapeKind::kDouble, nullptr, {}}; return s; }
const Shape& boolean_shape() { static const Shape s{ShapeKind::kBoolean, nullptr, {}}; return s; }
const Shape& blob_shape() { static const Shape s{ShapeKind::kBlob, nullptr, {}}; return s; }
const Shape& timestamp_shape() { static const Shape s{ShapeKind::kTimestamp, nullptr, {}}; return s; }

Shape list_of(const Shape& member) { return Shape{ShapeKind::kList, &member, {}}; }
Shape map_of(const Shape& value) { return Shape{ShapeKind::kMap, &value, {}}; }
Shape structure(std::initializer_list<std::pair<std::string, const Shape*>> fields) {
  return Shape{ShapeKind::kStructure, nullptr, fields};
}

std::optional<std::string> conform_json(json& value, const Shape& shape) {
  return conform(value, shape);
}

Status conform_query(json& value, const Shape& shape) { return query_conform(value, shape, ""); }

std::optional<std::int64_t> parse_int64(std::string_view text) {
  if (!text.empty() && text.front() == '+') text.remove_prefix(1);
  std::int64_t n = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return n;
}

std::optional<double> parse_double(std::string_view text) {
  if (!text.empty() && text.front() == '+') text.remove_prefix(1);
  double d = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), d);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return d;
}

AwsError invalid_query_parameter(const std::string& detail) {
  return errors::common::kInvalidQueryParameter(
      "The AWS query string is malformed or does not adhere to AWS standards: " + detail + ".");
}

}  // namespace emu::http
