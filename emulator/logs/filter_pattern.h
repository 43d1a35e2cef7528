// CloudWatch Logs filter patterns for unstructured events: every term must appear in the
// message (case-sensitive), a "quoted phrase" as a whole, and a term written -term must not.
// An empty pattern matches everything.
// DEVIATION: JSON ({ $.x = 1 }), space-delimited ([a, b]) and ?OR patterns are refused with
// InvalidParameterException rather than evaluated.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace emu::logs {

class FilterPattern {
 public:
  // nullopt when the pattern uses a syntax this emulator does not evaluate (or a quote is
  // unterminated).
  static std::optional<FilterPattern> parse(std::string_view pattern);
  bool matches(std::string_view message) const;

 private:
  std::vector<std::string> required_, excluded_;
};

}  // namespace emu::logs
