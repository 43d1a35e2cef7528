// `loadgen calibrate`: fits the population model to one published day and writes a scenario
// that drives that day through the emulated pipeline (docs/calibration.md).
//
// From the published daily files of the day it derives:
//   devices per (OS, app version)  the largest of the version's active users, background-check
//                                  events, installs and onboardings (versions such as 1.2.0
//                                  send background checks but no active-user);
//   population                     OS split and app versions from those devices, provinces by OS
//                                  from active_users_pt_os (npts-ptso = region "None");
//   day metrics (day_model.h)      per (OS, version) rates of active-user, background-check (with
//                                  the count buckets as variants), installed and onboarded; per OS
//                                  the scheduled-check rates; exposed per (OS, province) with its
//                                  exposure status as variants (calibrate_exposed.cc); totals of
//                                  the other rare events (exposed-clear, otk-entered-v2, QR,
//                                  errors) with their exposure / date splits as variants.
// The emulated day deals these counts exactly (strata.h), so a published cell of 20 comes out 20
// at full scale and a masked one 1..19 (in files split by app version, whose rows all exist).
// ASSUMPTION: a masked cell (`<20`) is estimated as its file's known total minus the published
// numbers, shared evenly among the masked cells, at least 1 in files split by app version (the
// row exists, so the count is) and at most 19; a masked total as 10.
// Server-side and app-store files (server_otk_*, downloads*) do not come from phones: they are
// not fitted (compare.h reports them out of scope).
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include <nlohmann/json.hpp>

#include "loadgen/daily_csv.h"

namespace loadgen {

// A masked total (`<20` in a file with no other figure to derive it from) is taken as 10.
inline constexpr std::int64_t kMaskedTotal = 10;

struct CalibrateOptions {
  std::string published_dir;
  std::string date;    // YYYY-MM-DD
  double scale = 1.0;  // devices = the fitted population x scale
  std::string name;    // scenario name ("" = national-day-<date>)
};

// The fitted scenario (JSON). Throws CompareInputError (daily_csv.h) when a file is missing,
// unreadable or has no row for the day.
nlohmann::json calibrate(const CalibrateOptions& options);

// Parts of the fit.
// The day's rows of a published file ("exposed_pt"); throws CompareInputError when it is missing.
DayTable load_published(const CalibrateOptions& options, const std::string& file);
// The exposed metric (calibrate_exposed.cc): rates and exposure-status variants per
// "<os>@<region>", from `devices` per such group, so every published cell gets its count.
nlohmann::json exposed_metric(const CalibrateOptions& options,
                              const std::map<std::string, double>& devices);

}  // namespace loadgen
