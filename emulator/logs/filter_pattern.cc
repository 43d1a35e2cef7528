#include "emulator/logs/filter_pattern.h"

namespace emu::logs {

std::optional<FilterPattern> FilterPattern::parse(std::string_view pattern) {
  FilterPattern out;
  std::size_t i = 0;
  while (i < pattern.size()) {
    const char c = pattern[i];
    if (c == ' ' || c == '\t') {
      ++i;
      continue;
    }
    if (c == '{' || c == '[' || c == '?') return std::nullopt;
    bool exclude = false;
    if (c == '-' && i + 1 < pattern.size() && pattern[i + 1] != ' ') {
      exclude = true;
      ++i;
    }
    std::string term;
    if (pattern[i] == '"') {
      const auto close = pattern.find('"', i + 1);
      if (close == std::string_view::npos) return std::nullopt;
      term = std::string(pattern.substr(i + 1, close - i - 1));
      i = close + 1;
    } else {
      const auto end = pattern.find_first_of(" \t", i);
      term = std::string(pattern.substr(i, end == std::string_view::npos ? end : end - i));
      i = end == std::string_view::npos ? pattern.size() : end;
    }
    if (term.empty()) continue;
    (exclude ? out.excluded_ : out.required_).push_back(std::move(term));
  }
  return out;
}

bool FilterPattern::matches(std::string_view message) const {
  for (const auto& term : required_) {
    if (message.find(term) == std::string_view::npos) return false;
  }
  for (const auto& term : excluded_) {
    if (message.find(term) != std::string_view::npos) return false;
  }
  return true;
}

}  // namespace emu::logs
