#include "emulator/core/distribution.h"

#include <algorithm>
#include <cmath>

#include <nlohmann/json.hpp>

#include "emulator/core/config.h"

namespace emu {

Distribution Distribution::constant(double value) {
  Distribution d;
  d.kind_ = Kind::kConstant;
  d.a_ = value;
  return d;
}

namespace {

double required_number(const nlohmann::json& j, const char* key, const std::string& where) {
  if (!j.contains(key) || !j.at(key).is_number()) {
    throw ConfigError(where + "/" + key, "a number");
  }
  const double v = j.at(key).get<double>();
  if (!std::isfinite(v) || v < 0) throw ConfigError(where + "/" + key, "a non-negative number");
  return v;
}

void check_keys(const nlohmann::json& j, std::initializer_list<const char*> allowed,
                const std::string& where) {
  for (const auto& [key, value] : j.items()) {
    if (std::none_of(allowed.begin(), allowed.end(),
                     [&name = key](const char* a) { return name == a; })) {
      throw ConfigError(where + "/" + key, "no such key (allowed: type and its parameters)");
    }
  }
}

}  // namespace

Distribution Distribution::from_json(const nlohmann::json& j, const std::string& where) {
  if (j.is_number()) return constant(required_number({{"value", j}}, "value", where));
  if (!j.is_object() || !j.contains("type") || !j.at("type").is_string()) {
    throw ConfigError(where, "a number or an object with a \"type\" of constant, uniform, "
                             "exponential, normal or lognormal");
  }
  const std::string type = j.at("type").get<std::string>();
  Distribution d;
  if (type == "constant") {
    check_keys(j, {"type", "value"}, where);
    d.kind_ = Kind::kConstant;
    d.a_ = required_number(j, "value", where);
    return d;
  }
  if (type == "uniform") {
    check_keys(j, {"type", "min", "max"}, where);
    d.kind_ = Kind::kUniform;
    d.a_ = required_number(j, "min", where);
    d.b_ = required_number(j, "max", where);
    if (d.b_ < d.a_) throw ConfigError(where + "/max", "a number >= min");
    return d;
  }
  if (type == "exponential") {
    check_keys(j, {"type", "mean", "min", "max"}, where);
    d.kind_ = Kind::kExponential;
    d.a_ = required_number(j, "mean", where);
  } else if (type == "normal") {
    check_keys(j, {"type", "mean", "stddev", "min", "max"}, where);
    d.kind_ = Kind::kNormal;
    d.a_ = required_number(j, "mean", where);
    d.b_ = required_number(j, "stddev", where);
  } else if (type == "lognormal") {
    check_keys(j, {"type", "median", "sigma", "min", "max"}, where);
    d.kind_ = Kind::kLogNormal;
    d.a_ = required_number(j, "median", where);
    d.b_ = required_number(j, "sigma", where);
  } else {
    throw ConfigError(where + "/type", "one of constant, uniform, exponential, normal, lognormal");
  }
  if (j.contains("min")) d.lo_ = required_number(j, "min", where);
  if (j.contains("max")) d.hi_ = required_number(j, "max", where);
  if (d.hi_ < d.lo_) throw ConfigError(where + "/max", "a number >= min");
  return d;
}

nlohmann::json Distribution::to_json() const {
  nlohmann::json j;
  switch (kind_) {
    case Kind::kConstant:
      return {{"type", "constant"}, {"value", a_}};
    case Kind::kUniform:
      return {{"type", "uniform"}, {"min", a_}, {"max", b_}};
    case Kind::kExponential:
      j = {{"type", "exponential"}, {"mean", a_}};
      break;
    case Kind::kNormal:
      j = {{"type", "normal"}, {"mean", a_}, {"stddev", b_}};
      break;
    case Kind::kLogNormal:
      j = {{"type", "lognormal"}, {"median", a_}, {"sigma", b_}};
      break;
  }
  if (lo_ > 0) j["min"] = lo_;
  if (std::isfinite(hi_)) j["max"] = hi_;
  return j;
}

double Distribution::sample(Random& random) const {
  double v = 0;
  switch (kind_) {
    case Kind::kConstant:
      return a_;
    case Kind::kUniform:
      return random.uniform(a_, b_);
    case Kind::kExponential:
      v = random.exponential(a_);
      break;
    case Kind::kNormal:
      v = random.normal(a_, b_);
      break;
    case Kind::kLogNormal:
      v = random.lognormal(a_, b_);
      break;
  }
  return std::clamp(v, lo_, hi_);
}

double Distribution::median() const {
  switch (kind_) {
    case Kind::kConstant:
      return a_;
    case Kind::kUniform:
      return (a_ + b_) / 2;
    case Kind::kExponential:
      return std::clamp(a_ * std::log(2.0), lo_, hi_);
    case Kind::kNormal:
    case Kind::kLogNormal:
      return std::clamp(a_, lo_, hi_);
  }
  return a_;
}

}  // namespace emu
