// The data behind report.html, as the JSON its script draws from: per-second series on the
// scenario's clock (epoch milliseconds, UTC), the scenario's main local zone, key moments
// (local midnights of the population's zones, fault windows), alarm ALARM periods, alarms
// (fired first, with metric and threshold), create_metrics' concurrency limits and the
// latency spectrum. Kept apart from the HTML so that it can be tested as data.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "loadgen/outcome.h"

namespace loadgen {

nlohmann::json report_data(const Scenario& scenario, const Recorder& recorder, const Outcome& outcome);

// "UTC-4", "UTC-2:30", "UTC".
std::string zone_label(double utc_offset_hours);

}  // namespace loadgen
