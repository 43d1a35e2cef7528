#include "emulator/core/json_util.h"

#include <algorithm>
#include <cstring>

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

}  // namespace

std::optional<nlohmann::json> parse_json(std::string_view text, int max_depth) {
  if (max_nesting(text) > max_depth) return std::nullopt;
  nlohmann::json j = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return std::nullopt;
  return j;
}

std::optional<nlohmann::ordered_json> parse_ordered_json(std::string_view text, int max_depth) {
  if (max_nesting(text) > max_depth) return std::nullopt;
  nlohmann::ordered_json j = nlohmann::ordered_json::parse(text, nullptr, false);
  if (j.is_discarded()) return std::nullopt;
  return j;
}

std::string dump_compact(const nlohmann::ordered_json& j) {
  return j.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

std::string dump_compact(const nlohmann::json& j) {
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace emu
