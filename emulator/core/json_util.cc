#include "emulator/core/json_util.h"

#include <algorithm>
#include <cstring>
#include <type_traits>

#include <simdjson.h>

namespace emu {

namespace {

// Cheap pre-scan: the deepest bracket nesting outside strings. Lets us refuse a 10 MB "[[[[..."
// body before the recursive parser ever sees it.
int max_nesting(std::string_view text) {
  int depth = 0, deepest = 0;
  const char* p = text.data();
  const char* const end = p + text.size();
  while (p < end) {
    const char c = *p++;
    if (c == '"') {
      // Jump from quote to quote (strings are most of a body); a quote after an odd run of
      // backslashes is escaped.
      for (;;) {
        const auto* q = static_cast<const char*>(std::memchr(p, '"', static_cast<size_t>(end - p)));
        if (q == nullptr) return deepest;  // unterminated: the parser will refuse it
        const char* run = q;
        while (run > p && run[-1] == '\\') --run;
        p = q + 1;
        if ((q - run) % 2 == 0) break;
      }
    } else if (c == '[' || c == '{') {
      deepest = std::max(deepest, ++depth);
    } else if (c == ']' || c == '}') {
      --depth;
    }
  }
  return deepest;
}

// A parser keeps buffers sized for the largest document it has seen: one per thread for
// ordinary bodies, a throwaway one for larger ones (so a 10 MB body does not stay resident).
constexpr std::size_t kLargeDocument = 1 << 20;

// simdjson finds structure and decodes strings and numbers many times faster than nlohmann's
// character-by-character lexer (most of what parsing a request body cost); its DOM is then
// copied into nlohmann's, which the rest of the code reads. Documents simdjson refuses go to
// nlohmann's parser, which stays the reference for what is accepted (so both agree on every
// error by construction), and the copy mirrors nlohmann's choices where they differ:
// non-negative integers become number_unsigned, and a repeated key keeps its first position
// and its last value. ASSUMPTION: "-0" becomes unsigned 0 where nlohmann says integer 0; both
// read and print as 0.
//
// The copies enforce max_depth: they refuse (false) a container nested deeper than
// `depth_left`. Only documents simdjson refuses, which go to nlohmann, are pre-scanned by
// max_nesting.
template <class Json>
bool copy_element(simdjson::dom::element e, Json& out, int depth_left) {
  using simdjson::dom::element_type;
  switch (e.type()) {
    case element_type::OBJECT: {
      if (depth_left == 0) return false;
      out = Json::object();
      const simdjson::dom::object object(e);
      if constexpr (std::is_same_v<Json, nlohmann::ordered_json>) {
        // An ordered object is a vector: size it once instead of growing it member by member.
        out.template get_ref<typename Json::object_t&>().reserve(object.size());
      }
      for (auto field : object) {
        Json value;
        if (!copy_element(field.value, value, depth_left - 1)) return false;
        out[std::string(field.key)] = std::move(value);
      }
      return true;
    }
    case element_type::ARRAY: {
      if (depth_left == 0) return false;
      out = Json::array();
      auto& elements = out.template get_ref<typename Json::array_t&>();
      const simdjson::dom::array array(e);
      elements.reserve(array.size());
      for (auto child : array) {
        elements.emplace_back();
        if (!copy_element(child, elements.back(), depth_left - 1)) return false;
      }
      return true;
    }
    case element_type::STRING:
      out = std::string(std::string_view(e));
      return true;
    case element_type::INT64: {
      const std::int64_t v = std::int64_t(e);
      if (v >= 0) {
        out = static_cast<std::uint64_t>(v);
      } else {
        out = v;
      }
      return true;
    }
    case element_type::UINT64:
      out = std::uint64_t(e);
      return true;
    case element_type::DOUBLE:
      out = double(e);
      return true;
    case element_type::BOOL:
      out = bool(e);
      return true;
    case element_type::NULL_VALUE:
      out = nullptr;
      return true;
  }
  return false;
}

// copy_element's result written over `out`, reusing its strings, arrays and objects where the
// new document has the same shape as the old (the records of one stream mostly do), so that a
// recycled document allocates almost nothing. Members keep copy_element's rule for repeated
// keys (first position, last value).
bool copy_into(simdjson::dom::element e, nlohmann::ordered_json& out, int depth_left) {
  using Json = nlohmann::ordered_json;
  using simdjson::dom::element_type;
  switch (e.type()) {
    case element_type::OBJECT: {
      if (depth_left == 0) return false;
      if (!out.is_object()) out = Json::object();
      auto& members = out.get_ref<Json::object_t&>();
      std::size_t placed = 0;  // members[0, placed) hold this document's members
      for (auto field : simdjson::dom::object(e)) {
        if (placed < members.size() && members.begin()[placed].first == field.key) {
          if (!copy_into(field.value, members.begin()[placed++].second, depth_left - 1)) {
            return false;
          }
          continue;
        }
        while (members.size() > placed) members.pop_back();  // keys are const: no reuse past here
        auto same = std::find_if(members.begin(), members.end(),
                                 [&](const auto& m) { return m.first == field.key; });
        if (same == members.end()) {
          members.emplace_back(std::string(field.key), Json());
          same = members.end() - 1;
          ++placed;
        }
        if (!copy_into(field.value, same->second, depth_left - 1)) return false;
      }
      while (members.size() > placed) members.pop_back();
      return true;
    }
    case element_type::ARRAY: {
      if (depth_left == 0) return false;
      if (!out.is_array()) out = Json::array();
      auto& elements = out.get_ref<Json::array_t&>();
      std::size_t i = 0;
      for (auto child : simdjson::dom::array(e)) {
        if (i == elements.size()) elements.emplace_back();
        if (!copy_into(child, elements[i++], depth_left - 1)) return false;
      }
      elements.resize(i);
      return true;
    }
    case element_type::STRING:
      if (out.is_string()) {
        out.get_ref<std::string&>().assign(std::string_view(e));
      } else {
        out = std::string(std::string_view(e));
      }
      return true;
    default:  // numbers, booleans and null hold nothing to reuse
      return copy_element(e, out, depth_left);
  }
}

// simdjson's parse of `text`: one parser per thread, or one of its own (kept in `own`) for a
// large document.
simdjson::simdjson_result<simdjson::dom::element> simd_parse(
    std::string_view text, std::optional<simdjson::dom::parser>& own) {
  thread_local simdjson::dom::parser shared;
  simdjson::dom::parser& parser = text.size() > kLargeDocument ? own.emplace() : shared;
  return parser.parse(text.data(), text.size(), true);
}

// nlohmann's parse: the reference, for what simdjson refuses.
template <class Json>
std::optional<Json> reference_parse(std::string_view text, int max_depth) {
  if (max_nesting(text) > max_depth) return std::nullopt;
  Json j = Json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return std::nullopt;
  return j;
}

template <class Json>
std::optional<Json> parse_with(std::string_view text, int max_depth) {
  std::optional<simdjson::dom::parser> own;
  auto parsed = simd_parse(text, own);
  if (parsed.error()) return reference_parse<Json>(text, max_depth);
  Json j;
  if (!copy_element(parsed.value_unsafe(), j, max_depth)) return std::nullopt;  // too deep
  return j;
}

}  // namespace

std::optional<nlohmann::json> parse_json(std::string_view text, int max_depth) {
  return parse_with<nlohmann::json>(text, max_depth);
}

std::optional<nlohmann::ordered_json> parse_ordered_json(std::string_view text, int max_depth) {
  return parse_with<nlohmann::ordered_json>(text, max_depth);
}

bool parse_ordered_json_into(std::string_view text, nlohmann::ordered_json& out, int max_depth) {
  std::optional<simdjson::dom::parser> own;
  auto parsed = simd_parse(text, own);
  if (!parsed.error()) return copy_into(parsed.value_unsafe(), out, max_depth);
  auto j = reference_parse<nlohmann::ordered_json>(text, max_depth);
  if (!j) return false;
  out = std::move(*j);
  return true;
}

std::string dump_compact(const nlohmann::json& j) {
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string dump_compact(const nlohmann::ordered_json& j) {
  return j.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

}  // namespace emu
