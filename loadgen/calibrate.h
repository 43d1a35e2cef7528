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
//                                  the scheduled-check rates; totals of the rare events (exposed,
//                                  exposed-clear, otk-entered-v2, QR, errors) with their
//                                  exposure / date / permission splits as variants.
// ASSUMPTION: a masked cell (`<20`) is estimated as its file's known total minus the published
// numbers, shared evenly among the masked cells, at least 1 in files split by app version (the
// row exists, so the count is) and at most 19; a masked total as 10.
// Server-side and app-store files (server_otk_*, downloads*) do not come from phones: they are
// not fitted (compare.h reports them out of scope).
#pragma once

#include <string>

#include <nlohmann/json.hpp>

namespace loadgen {

struct CalibrateOptions {
  std::string published_dir;
  std::string date;    // YYYY-MM-DD
  double scale = 1.0;  // devices = the fitted population x scale
  std::string name;    // scenario name ("" = national-day-<date>)
};

// The fitted scenario (JSON). Throws CompareInputError (daily_csv.h) when a file is missing,
// unreadable or has no row for the day.
nlohmann::json calibrate(const CalibrateOptions& options);

}  // namespace loadgen
