// A calibrated day of metrics per device (scenario `population.day`, written by `loadgen
// calibrate`): what each device's daily JS push carries for one UTC day. For every metric (an
// identifier) a rate, the expected number of such events a device records that day, looked up by
// the device's "os/version", else "os", else "*" (0 when none), and optional variants, the extra
// payload fields with their weights (background-check's "count", onboarded's "pushnotification"
// and "frameworkenabled", exposed's "isUserExposed", ...), looked up the same way.
// A device records floor(rate) events plus one more with probability frac(rate), each stamped
// at a uniform time within the day (UTC), so the ETL dates every event on that day.
//
// ASSUMPTION: the whole day travels in the device's daily JS push after the next 00:00 UTC
// (spec section 10): native sends (Android's forced active-user, iOS single POSTs) carry the same
// identifiers and fields and differ only in when they arrive, which the ETL's daily files do not
// show. A device draws its day from (seed, device) alone, so a resend repeats the same day.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "emulator/core/random.h"
#include "emulator/core/time.h"

namespace loadgen {

// Quasi-random draws for a calibrated population: dimension k of device i is
// frac(offset_k + (i + 1) * sqrt(p_k)) for the k-th prime p_k (a Kronecker sequence, offsets from
// the seed). Over a population the draws fill [0, 1) evenly in every dimension and every pair, so
// the day's counts per category match their expectation to within a few events instead of
// carrying sampling noise (at 1/20 scale, 180 installs would be off by 7 % from noise alone):
// the target is a particular published day, not a random sample of one.
class QuasiDraws {
 public:
  QuasiDraws(std::uint64_t seed, std::int64_t index) : seed_(seed), index_(index) {}
  double u(int dimension) const;  // dimension < kDimensions
  static constexpr int kDimensions = 64;

 private:
  std::uint64_t seed_;
  std::int64_t index_;
};

struct DayVariant {
  double weight = 1;
  std::vector<std::pair<std::string, std::string>> fields;  // payload field -> value (strings)
};

struct DayMetric {
  std::string identifier;
  std::map<std::string, double> rate;                       // "*" | "ios" | "ios/1.4.1" -> rate
  std::map<std::string, std::vector<DayVariant>> variants;  // same keys
};

struct DayModel {
  std::string date;  // YYYY-MM-DD
  emu::Micros day_start = 0;
  std::vector<DayMetric> metrics;

  // Throws ScenarioError naming `file` and the field under `path` when `j` is not a day model.
  static std::shared_ptr<const DayModel> from_json(const nlohmann::json& j, const std::string& file,
                                                   const std::string& path);

  // The payload entries (JSON objects, comma-separated, without brackets) of one device's day.
  // Never empty: a device that draws nothing sends its likeliest metric (the API refuses an
  // empty payload), which calibrate avoids by giving each (os, version) a metric at rate 1.
  // Metric m's count uses quasi dimension 3 + 2m, its first event's variant 4 + 2m; the rest
  // (timestamps, later variants) come from `r`.
  std::string entries(bool ios, const std::string& version, const std::string& region,
                      const QuasiDraws& q, emu::Random& r) const;
};

// The rate or variants of `metric` for a device: "os/version", then "os", then "*".
double rate_for(const DayMetric& metric, bool ios, const std::string& version);
const std::vector<DayVariant>* variants_for(const DayMetric& metric, bool ios,
                                            const std::string& version);

}  // namespace loadgen
