// The in-app CSV files the ETL publishes (the set in cds-snc/covid-alert-data), their columns,
// category levels and how each aggregate row maps onto them.
//
// Mapping rules that the published data shows: region None -> "npts-ptso"; full cross product
// of dates x category levels (zero rows included) except files split by app version, which list
// only the (os, version) pairs seen that day; weekly/monthly values are averages (truncated)
// for active_users* and daily_background_check_*, sums otherwise.
// Rules it does not show are ASSUMPTIONs (docs/etl.md): rows whose region, OS or category value
// is not one of the levels are left out of the files split by that dimension (but counted in
// the totals); exposure status of `exposed` comes from isUserExposed "true"/"false"; of
// `otk-entered-v2` from isUserExposed "" (monitoring) vs anything else (exposed).
#pragma once

#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "emulator/etl/ports.h"

namespace emu::etl {

enum class Dim {
  kRegion,
  kOs,
  kAppVersion,
  kChecks,            // background-check count bucket
  kExposureStatus,    // exposed: isUserExposed true/false
  kOtkExposure,       // otk: isUserExposed "" vs proximity/outbreak
  kDateProvided,      // otk: withDate
  kFrameworkStatus,   // onboarded: frameworkenabled
  kNotification,      // onboarded: pushnotification
};

enum class Aggregation { kSum, kAverage };

struct FileSpec {
  std::string name;        // "active_users_pt"
  std::string identifier;  // "active-user"
  std::vector<Dim> dims;   // column order after `date`
  Aggregation aggregation = Aggregation::kSum;
};

// Every in-app file, in publication order.
const std::vector<FileSpec>& catalog();

// Column header of a dimension ("region", "os-se", ...).
const char* header_of(Dim dim);
// The fixed category levels of a dimension in published order (empty for kAppVersion).
const std::vector<std::string>& levels_of(Dim dim);
// The level index a row falls in for `dim`, or -1 when the row is left out. For kAppVersion
// this is not used (versions are interned by the accumulator).
int level_of(Dim dim, const AggregateRow& row);

// "1.2.9" < "1.2.10" < "1.4.0": numeric comparison of dot-separated parts.
bool version_less(std::string_view a, std::string_view b);

}  // namespace emu::etl
