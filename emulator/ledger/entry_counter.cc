#include "emulator/ledger/entry_counter.h"

#include <cstring>

namespace emu::ledger {

namespace {

// Skips a JSON string starting at body[i] == '"'; returns the index after the closing quote, or
// npos if unterminated.
size_t skip_string(std::string_view body, size_t i) {
  // memchr to each quote (strings are most of a body's bytes); a quote closes the string when
  // an even number of backslashes precedes it.
  for (size_t start = i + 1;;) {
    const void* quote = std::memchr(body.data() + start, '"', body.size() - start);
    if (quote == nullptr) return std::string_view::npos;
    const size_t at = static_cast<size_t>(static_cast<const char*>(quote) - body.data());
    size_t run = at;
    while (run > start && body[run - 1] == '\\') --run;
    if ((at - run) % 2 == 0) return at + 1;
    start = at + 1;
  }
}

bool is_space(char c) { return c == ' ' || c == '\n' || c == '\r' || c == '\t'; }

size_t skip_space(std::string_view body, size_t i) {
  while (i < body.size() && is_space(body[i])) ++i;
  return i;
}

// Counts elements of the array starting at body[i] == '['. Returns -1 if it does not close.
std::int64_t count_array(std::string_view body, size_t i) {
  int depth = 0;
  std::int64_t elements = 0;
  bool element_open = false;
  for (; i < body.size(); ++i) {
    const char c = body[i];
    if (c == '"') {
      if (depth == 1 && !element_open) element_open = true;
      i = skip_string(body, i);
      if (i == std::string_view::npos) return -1;
      --i;
      continue;
    }
    if (c == '[' || c == '{') {
      if (depth == 1 && !element_open) element_open = true;
      ++depth;
    } else if (c == ']' || c == '}') {
      if (--depth == 0) return elements + (element_open ? 1 : 0);
    } else if (c == ',' && depth == 1) {
      elements += element_open ? 1 : 0;
      element_open = false;
    } else if (depth == 1 && !is_space(c)) {
      element_open = true;
    }
  }
  return -1;
}

}  // namespace

std::int64_t count_payload_entries(std::string_view body) {
  size_t i = skip_space(body, 0);
  if (i >= body.size() || body[i] != '{') return 0;
  int depth = 0;
  std::int64_t result = 0;  // JSON.parse keeps the last duplicate key; so do we
  bool expect_key = false;
  for (; i < body.size(); ++i) {
    const char c = body[i];
    if (c == '"') {
      const size_t end = skip_string(body, i);
      if (end == std::string_view::npos) return 0;
      if (depth == 1 && expect_key) {
        const std::string_view key = body.substr(i + 1, end - i - 2);
        size_t j = skip_space(body, end);
        if (j < body.size() && body[j] == ':') {
          j = skip_space(body, j + 1);
          if (key == "payload") {
            if (j < body.size() && body[j] == '[') {
              const std::int64_t n = count_array(body, j);
              if (n < 0) return 0;
              result = n;
            } else {
              result = 0;
            }
          }
          expect_key = false;
          i = j - 1;
          continue;
        }
      }
      i = end - 1;
      continue;
    }
    if (c == '{' || c == '[') {
      ++depth;
      if (depth == 1) expect_key = true;
    } else if (c == '}' || c == ']') {
      --depth;
    } else if (c == ',' && depth == 1) {
      expect_key = true;
    }
  }
  return depth == 0 ? result : 0;
}

}  // namespace emu::ledger
