// JsonSchema::valid_text: the schema compiled once into plain structs, checked against
// simdjson's DOM of the body. It mirrors JsonSchema::check (json_schema.cc), which stays the
// reference: wherever this walk cannot be sure to answer as that one would, it answers nullopt
// and the caller takes the reference path.
#include <cmath>
#include <map>
#include <vector>

#include <simdjson.h>

#include "emulator/apigateway/json_schema.h"

namespace emu::apigateway {

namespace {

enum TypeBit : unsigned {
  kObject = 1,
  kArray = 2,
  kString = 4,
  kNumber = 8,
  kInteger = 16,
  kBoolean = 32,
  kNull = 64,
  kAnyType = 127,
};

unsigned type_bit(const std::string& name) {
  static const std::map<std::string, unsigned> bits = {
      {"object", kObject},   {"array", kArray},     {"string", kString}, {"number", kNumber},
      {"integer", kInteger}, {"boolean", kBoolean}, {"null", kNull}};
  const auto it = bits.find(name);
  return it == bits.end() ? 0 : it->second;  // an unknown type name matches nothing
}

enum class Verdict { kValid, kInvalid, kUndecided };

// Past these, the reference path decides: a body that large would keep a big parser resident,
// and an object's repeated keys (nlohmann keeps the last value) are found by comparing keys
// pairwise.
constexpr std::size_t kLargestText = 1 << 20;
constexpr std::size_t kMostFieldsCompared = 64;
constexpr std::size_t kMaxDepth = 256;  // below parse_json's 512: deeper text takes the reference

}  // namespace

struct JsonSchema::Compiled {
  bool constrains = false;  // the schema is an object; otherwise it accepts everything
  unsigned types = kAnyType;
  bool has_enum = false;  // enum values are compared on the reference path
  double min_length = 0, max_length = INFINITY, minimum = -INFINITY, maximum = INFINITY;
  double min_items = 0, max_items = INFINITY;
  std::unique_ptr<Compiled> items;
  std::vector<std::string> required;
  std::map<std::string, std::unique_ptr<Compiled>, std::less<>> properties;
  enum class Extra { kAllowed, kForbidden, kSchema } extra = Extra::kAllowed;
  std::unique_ptr<Compiled> extra_schema;
};

namespace {

using Compiled = JsonSchema::Compiled;

double schema_number(const nlohmann::json& schema, const char* key, double fallback) {
  const auto it = schema.find(key);
  return it != schema.end() && it->is_number() ? it->get<double>() : fallback;
}

unsigned types_of(const nlohmann::json& schema) {
  const auto it = schema.find("type");
  if (it == schema.end()) return kAnyType;
  if (it->is_string()) return type_bit(it->get<std::string>());
  if (!it->is_array()) return kAnyType;
  unsigned bits = 0;
  for (const auto& t : *it) bits |= t.is_string() ? type_bit(t.get<std::string>()) : 0;
  return bits;
}

void compile_into(const nlohmann::json& schema, Compiled& c) {
  c.constrains = schema.is_object();
  if (!c.constrains) return;
  c.types = types_of(schema);
  const auto e = schema.find("enum");
  c.has_enum = e != schema.end() && e->is_array();
  c.min_length = schema_number(schema, "minLength", 0);
  c.max_length = schema_number(schema, "maxLength", INFINITY);
  c.minimum = schema_number(schema, "minimum", -INFINITY);
  c.maximum = schema_number(schema, "maximum", INFINITY);
  c.min_items = schema_number(schema, "minItems", 0);
  c.max_items = schema_number(schema, "maxItems", INFINITY);
  if (const auto items = schema.find("items"); items != schema.end() && items->is_object()) {
    c.items = std::make_unique<Compiled>();
    compile_into(*items, *c.items);
  }
  if (const auto req = schema.find("required"); req != schema.end() && req->is_array()) {
    for (const auto& name : *req) {
      if (name.is_string()) c.required.push_back(name.get<std::string>());
    }
  }
  if (const auto props = schema.find("properties"); props != schema.end() && props->is_object()) {
    for (const auto& [key, value] : props->items()) {
      auto& p = c.properties[key];
      p = std::make_unique<Compiled>();
      compile_into(value, *p);
    }
  }
  if (const auto extra = schema.find("additionalProperties"); extra != schema.end()) {
    if (extra->is_boolean() && !extra->get<bool>()) {
      c.extra = Compiled::Extra::kForbidden;
    } else {
      c.extra = Compiled::Extra::kSchema;
      c.extra_schema = std::make_unique<Compiled>();
      compile_into(*extra, *c.extra_schema);
    }
  }
}

Verdict verdict_of(const Compiled& c, simdjson::dom::element v);

bool has_type_bits(unsigned types, simdjson::dom::element v) {
  using T = simdjson::dom::element_type;
  switch (v.type()) {
    case T::OBJECT: return (types & kObject) != 0;
    case T::ARRAY: return (types & kArray) != 0;
    case T::STRING: return (types & kString) != 0;
    case T::INT64:
    case T::UINT64: return (types & (kNumber | kInteger)) != 0;
    case T::DOUBLE: {
      // ASSUMPTION (as json_schema.cc): a whole-valued 1.0 or 1e3 counts as an "integer".
      const double d = double(v);
      return (types & kNumber) != 0 ||
             ((types & kInteger) != 0 && std::isfinite(d) && d == std::floor(d));
    }
    case T::BOOL: return (types & kBoolean) != 0;
    case T::NULL_VALUE: return (types & kNull) != 0;
  }
  return false;
}

double number_of(simdjson::dom::element v) {
  using T = simdjson::dom::element_type;
  if (v.type() == T::INT64) return static_cast<double>(std::int64_t(v));
  if (v.type() == T::UINT64) return static_cast<double>(std::uint64_t(v));
  return double(v);
}

Verdict check_array(const Compiled& c, simdjson::dom::array a) {
  const double n = static_cast<double>(a.size());
  if (n < c.min_items || n > c.max_items) return Verdict::kInvalid;
  if (!c.items) return Verdict::kValid;
  for (const auto item : a) {
    if (const auto v = verdict_of(*c.items, item); v != Verdict::kValid) return v;
  }
  return Verdict::kValid;
}

Verdict check_object(const Compiled& c, simdjson::dom::object o) {
  for (const auto& name : c.required) {
    bool found = false;
    for (const auto field : o) found = found || field.key == name;
    if (!found) return Verdict::kInvalid;
  }
  if (c.properties.empty() && c.extra == Compiled::Extra::kAllowed) return Verdict::kValid;
  std::vector<simdjson::dom::key_value_pair> fields(o.begin(), o.end());
  if (fields.size() > kMostFieldsCompared) return Verdict::kUndecided;
  for (std::size_t i = 0; i < fields.size(); ++i) {
    bool repeated_later = false;
    for (std::size_t j = i + 1; j < fields.size(); ++j) {
      repeated_later = repeated_later || fields[j].key == fields[i].key;
    }
    if (repeated_later) continue;  // the last value of a repeated key is the one checked
    const auto prop = c.properties.find(fields[i].key);
    const Compiled* schema = prop != c.properties.end()            ? prop->second.get()
                             : c.extra == Compiled::Extra::kSchema ? c.extra_schema.get()
                                                                   : nullptr;
    if (prop == c.properties.end() && c.extra == Compiled::Extra::kForbidden) {
      return Verdict::kInvalid;
    }
    if (schema == nullptr) continue;
    if (const auto v = verdict_of(*schema, fields[i].value); v != Verdict::kValid) return v;
  }
  return Verdict::kValid;
}

Verdict verdict_of(const Compiled& c, simdjson::dom::element v) {
  using T = simdjson::dom::element_type;
  if (!c.constrains) return Verdict::kValid;
  if (!has_type_bits(c.types, v)) return Verdict::kInvalid;
  if (c.has_enum) return Verdict::kUndecided;
  switch (v.type()) {
    case T::STRING: {
      const double len = static_cast<double>(utf8_length(std::string_view(v)));
      return len < c.min_length || len > c.max_length ? Verdict::kInvalid : Verdict::kValid;
    }
    case T::INT64:
    case T::UINT64:
    case T::DOUBLE: {
      const double d = number_of(v);
      return d < c.minimum || d > c.maximum ? Verdict::kInvalid : Verdict::kValid;
    }
    case T::ARRAY: return check_array(c, simdjson::dom::array(v));
    case T::OBJECT: return check_object(c, simdjson::dom::object(v));
    default: return Verdict::kValid;
  }
}

// One parser per thread that refuses nesting past kMaxDepth (it keeps that limit as it grows).
simdjson::dom::parser& shallow_parser() {
  thread_local simdjson::dom::parser parser = [] {
    simdjson::dom::parser p;
    if (p.allocate(4096, kMaxDepth) != simdjson::SUCCESS) return simdjson::dom::parser();
    return p;
  }();
  return parser;
}

}  // namespace

std::shared_ptr<const JsonSchema::Compiled> JsonSchema::compile(const nlohmann::json& schema) {
  auto c = std::make_shared<JsonSchema::Compiled>();
  compile_into(schema, *c);
  return c;
}

std::optional<bool> JsonSchema::valid_text(std::string_view body) const {
  auto& parser = shallow_parser();
  // The walk below looks only where the schema does: the depth limit is the parser's.
  if (body.size() > kLargestText || parser.max_depth() > kMaxDepth) return std::nullopt;
  auto parsed = parser.parse(body.data(), body.size(), true);
  if (parsed.error()) return std::nullopt;
  const Verdict v = verdict_of(*compiled_, parsed.value_unsafe());
  if (v == Verdict::kUndecided) return std::nullopt;
  return v == Verdict::kValid;
}

}  // namespace emu::apigateway
