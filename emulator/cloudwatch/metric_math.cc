#include "emulator/cloudwatch/metric_math.h"

#include <cctype>
#include <cmath>

#include "emulator/core/errors.h"

namespace emu::cloudwatch {

namespace {

AwsError invalid_math(const std::string& why) {
  return errors::cloudwatch::kValidationError("Invalid metrics math expression: " + why);
}

Series constant(double v) {
  Series s;
  s.scalar = v;
  return s;
}

// Applies `op` point by point; scalars broadcast.
Series combine(const Series& a, const Series& b, char op) {
  const auto apply = [op](double x, double y) -> std::optional<double> {
    switch (op) {
      case '+': return x + y;
      case '-': return x - y;
      case '*': return x * y;
      default: return y == 0 ? std::nullopt : std::optional<double>(x / y);
    }
  };
  if (a.scalar && b.scalar) {
    const auto v = apply(*a.scalar, *b.scalar);
    return v ? constant(*v) : Series{};
  }
  Series out;
  out.period = a.scalar ? b.period : a.period;
  std::map<Micros, double> keys;
  for (const auto& [t, v] : a.points) keys[t] = 0;
  for (const auto& [t, v] : b.points) keys[t] = 0;
  for (const auto& [t, unused] : keys) {
    const auto value_of = [time = t](const Series& s) {
      if (s.scalar) return *s.scalar;
      const auto it = s.points.find(time);
      return it == s.points.end() ? 0.0 : it->second;  // missing counts as 0
    };
    if (const auto v = apply(value_of(a), value_of(b))) out.points[t] = *v;
  }
  return out;
}

class Parser {
 public:
  Parser(const std::string& text, const SeriesLookup& lookup) : text_(text), lookup_(lookup) {}

  Result<Series> parse() {
    auto e = expression();
    if (!e) return e;
    skip();
    if (at_ < text_.size()) return invalid_math("unexpected '" + text_.substr(at_) + "'");
    return e;
  }

 private:
  void skip() {
    while (at_ < text_.size() && std::isspace(static_cast<unsigned char>(text_[at_]))) ++at_;
  }
  bool eat(char c) {
    skip();
    if (at_ < text_.size() && text_[at_] == c) {
      ++at_;
      return true;
    }
    return false;
  }

  Result<Series> expression() {
    auto left = term();
    if (!left) return left;
    Series acc = *left;
    while (true) {
      char op = 0;
      if (eat('+')) op = '+';
      else if (eat('-')) op = '-';
      else return acc;
      auto right = term();
      if (!right) return right;
      acc = combine(acc, *right, op);
    }
  }

  Result<Series> term() {
    auto left = factor();
    if (!left) return left;
    Series acc = *left;
    while (true) {
      char op = 0;
      if (eat('*')) op = '*';
      else if (eat('/')) op = '/';
      else return acc;
      auto right = factor();
      if (!right) return right;
      acc = combine(acc, *right, op);
    }
  }

  Result<Series> factor() {
    skip();
    if (eat('-')) {
      auto f = factor();
      if (!f) return f;
      return combine(constant(0), *f, '-');
    }
    if (eat('(')) {
      auto e = expression();
      if (!e) return e;
      if (!eat(')')) return invalid_math("missing ')'");
      return e;
    }
    if (at_ < text_.size() && (std::isdigit(static_cast<unsigned char>(text_[at_])) || text_[at_] == '.')) {
      std::size_t used = 0;
      const double v = std::stod(text_.substr(at_), &used);
      at_ += used;
      return constant(v);
    }
    std::string name;
    while (at_ < text_.size() && (std::isalnum(static_cast<unsigned char>(text_[at_])) || text_[at_] == '_')) {
      name += text_[at_++];
    }
    if (name.empty()) return invalid_math("expected a number, an id or a function");
    if (eat('(')) {
      auto arg = expression();
      if (!arg) return arg;
      if (!eat(')')) return invalid_math("missing ')' after " + name);
      return function(name, *arg);
    }
    auto series = lookup_(name);
    if (!series) return invalid_math("unknown id '" + name + "'");
    return *series;
  }

  Result<Series> function(const std::string& name, const Series& s) {
    if (name == "PERIOD") return constant(static_cast<double>(s.period) / kMicrosPerSecond);
    if (s.scalar) {
      if (name == "ABS") return constant(std::fabs(*s.scalar));
      return invalid_math(name + " needs a time series");
    }
    Series out;
    out.period = s.period;
    if (name == "ABS") {
      for (const auto& [t, v] : s.points) out.points[t] = std::fabs(v);
      return out;
    }
    if (name == "RATE" || name == "DIFF") {
      // Change from the previous point (per second for RATE); the first point has none.
      const std::pair<const Micros, double>* prev = nullptr;
      for (const auto& p : s.points) {
        if (prev != nullptr) {
          const double diff = p.second - prev->second;
          const double secs = static_cast<double>(p.first - prev->first) / kMicrosPerSecond;
          out.points[p.first] = name == "DIFF" ? diff : diff / secs;
        }
        prev = &p;
      }
      return out;
    }
    return invalid_math("unsupported function " + name);
  }

  const std::string& text_;
  const SeriesLookup& lookup_;
  std::size_t at_ = 0;
};

}  // namespace

Result<Series> evaluate_expression(const std::string& expression, const SeriesLookup& lookup) {
  try {
    return Parser(expression, lookup).parse();
  } catch (const std::exception&) {
    return invalid_math("cannot read a number in '" + expression + "'");
  }
}

}  // namespace emu::cloudwatch
