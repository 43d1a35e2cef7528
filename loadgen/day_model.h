// A calibrated day of metrics per device (scenario `population.day`, written by `loadgen
// calibrate`): what each device's daily JS push carries for one UTC day. For every metric (an
// identifier) a rate, the number of such events per device that day, looked up by the device's
// "os/version", else "os@region" (its province, e.g. "android@SK"), else "os", else "*" (0 when
// none), and optional variants, the extra payload fields with their weights (background-check's
// "count", onboarded's "pushnotification" and "frameworkenabled", exposed's "isUserExposed", ...),
// looked up the same way.
// The group of devices a rate applies to gets exactly round(devices * rate) events, and each
// variant its share of them in whole numbers (strata.h); each event is stamped at a uniform time
// within the day (UTC), so the ETL dates every event on that day.
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
#include "loadgen/strata.h"

namespace loadgen {

struct DayVariant {
  double weight = 1;
  std::vector<std::pair<std::string, std::string>> fields;  // payload field -> value (strings)
};

struct DayMetric {
  std::string identifier;
  std::map<std::string, double> rate;  // "*" | "ios" | "ios@SK" | "ios/1.4.1" -> rate
  std::map<std::string, std::vector<DayVariant>> variants;  // same keys
};

struct DayModel {
  std::string date;  // YYYY-MM-DD
  emu::Micros day_start = 0;
  std::vector<DayMetric> metrics;

  // Throws ScenarioError naming `file` and the field under `path` when `j` is not a day model.
  static std::shared_ptr<const DayModel> from_json(const nlohmann::json& j, const std::string& file,
                                                   const std::string& path);

  // The payload entries (JSON objects, comma-separated, without brackets) of one device's day:
  // its share of each metric's events in its group (`ranks`, strata.h; `seed` keys the order in
  // which a group's events and variants are dealt); timestamps come from `r`.
  // Never empty: a device that gets nothing sends its likeliest metric (the API refuses an
  // empty payload), which calibrate avoids by giving each (os, version) a metric at rate 1.
  std::string entries(bool ios, const std::string& version, const std::string& region,
                      const GroupRanks& ranks, std::uint64_t seed, emu::Random& r) const;
};

// The rate or variants of `metric` for a device: "os/version", "os@region", "os", then "*".
double rate_for(const DayMetric& metric, bool ios, const std::string& version,
                const std::string& region);
const std::vector<DayVariant>* variants_for(const DayMetric& metric, bool ios,
                                            const std::string& version, const std::string& region);

}  // namespace loadgen
