// `loadgen calibrate`'s fit of the exposed metric: whole counts per (OS, province, exposure
// status) that reproduce exposed, exposed_es, exposed_pt, exposed_pt_os and exposed_pt_es at
// once. Exposures are few (64 on 2021-06-20) and concentrated (Ontario and Saskatchewan held 29
// each), so a national rate with the province drawn independently cannot give them: the fit
// deals the day's events to its published cells instead (calibrate.h).
#include <algorithm>
#include <cmath>
#include <optional>

#include <fmt/format.h>

#include "loadgen/calibrate.h"
#include "loadgen/daily_csv.h"
#include "loadgen/strata.h"

namespace loadgen {

namespace {

using nlohmann::json;

constexpr std::int64_t kMaxMasked = 19;

std::string region_name(const std::string& published) {
  return published == "npts-ptso" ? "None" : published;
}

// Whole counts for `cells` (a number, or nullopt when masked) adding up to `total` where the
// masked cells allow it: numbers as published; the rest of the total dealt to the masked cells by
// `weights`, none above 19.
std::vector<std::int64_t> fill(const std::vector<std::optional<std::int64_t>>& cells,
                               std::int64_t total, const std::vector<double>& weights) {
  std::vector<std::int64_t> out(cells.size(), 0);
  std::int64_t left = total;
  std::vector<double> masked_weights(cells.size(), 0);
  for (std::size_t i = 0; i < cells.size(); ++i) {
    if (cells[i]) {
      out[i] = *cells[i];
      left -= *cells[i];
    } else {
      masked_weights[i] = std::max(weights[i], 1e-9);
    }
  }
  // Deal what is left; a cell over 19 keeps 19 and its excess goes round again.
  for (int round = 0; round < 8 && left > 0; ++round) {
    const std::vector<std::int64_t> dealt = apportion(left, masked_weights);
    left = 0;
    for (std::size_t i = 0; i < cells.size(); ++i) {
      if (cells[i]) continue;
      out[i] += dealt[i];
      if (out[i] > kMaxMasked) {
        left += out[i] - kMaxMasked;
        out[i] = kMaxMasked;
        masked_weights[i] = 0;
      }
    }
  }
  return out;
}

std::optional<std::int64_t> number(const DayTable& t, const std::string& key) {
  const auto it = t.rows.find(key);
  if (it == t.rows.end() || it->second.masked) return std::nullopt;
  return it->second.value;
}

// One province's split of `total` over `levels` (e.g. android, ios) from `table`'s cells
// "<region>,<level>", masked ones by `weights`.
std::vector<std::int64_t> split_province(const DayTable& table, const std::string& region,
                                         const std::vector<std::string>& levels, std::int64_t total,
                                         const std::vector<double>& weights) {
  std::vector<std::optional<std::int64_t>> cells;
  for (const auto& level : levels) cells.push_back(number(table, region + "," + level));
  return fill(cells, total, weights);
}

double devices_in(const std::map<std::string, double>& devices, const std::string& group) {
  const auto it = devices.find(group);
  return it != devices.end() ? it->second : 0;
}

}  // namespace

json exposed_metric(const CalibrateOptions& o, const std::map<std::string, double>& devices) {
  const DayTable by_region = load_published(o, "exposed_pt");
  const DayTable by_region_os = load_published(o, "exposed_pt_os");
  const DayTable by_region_status = load_published(o, "exposed_pt_es");
  const DayTable by_status = load_published(o, "exposed_es");
  const DayTable total_table = load_published(o, "exposed");
  std::int64_t total = 0;
  for (const auto& [key, cell] : total_table.rows) total += cell.masked ? kMaskedTotal : cell.value;

  // Provinces: the published numbers, the rest of the day's total by their devices.
  std::vector<std::string> regions;
  std::vector<std::optional<std::int64_t>> cells;
  std::vector<double> weights;
  for (const auto& [region, cell] : by_region.rows) {
    regions.push_back(region);
    cells.push_back(cell.masked ? std::nullopt : std::optional<std::int64_t>(cell.value));
    const std::string name = region_name(region);
    weights.push_back(devices_in(devices, "android@" + name) + devices_in(devices, "ios@" + name));
  }
  const std::vector<std::int64_t> per_region = fill(cells, total, weights);
  // Exposure status nationally, for provinces whose split is masked.
  const std::int64_t exposed_total = number(by_status, "exposed-expose").value_or(kMaskedTotal);
  const auto exposed = static_cast<double>(exposed_total);
  const auto monitoring =
      static_cast<double>(number(by_status, "monitoring-surveillance")
                              .value_or(std::max<std::int64_t>(0, total - exposed_total)));

  json rate = json::object(), variants = json::object();
  for (std::size_t i = 0; i < regions.size(); ++i) {
    const std::string name = region_name(regions[i]);
    const double android_devices = devices_in(devices, "android@" + name);
    const double ios_devices = devices_in(devices, "ios@" + name);
    const auto os = split_province(by_region_os, regions[i], {"android", "ios"}, per_region[i],
                                   {android_devices, ios_devices});
    const auto status =
        split_province(by_region_status, regions[i], {"exposed-expose", "monitoring-surveillance"},
                       per_region[i], {exposed, monitoring});
    // Both splits at once (the north-west corner rule): Android takes the exposed first.
    const std::int64_t android_exposed = std::min(os[0], status[0]);
    const std::int64_t cell[2][2] = {
        {android_exposed, os[0] - android_exposed},
        {status[0] - android_exposed,
         std::max<std::int64_t>(0, os[1] - (status[0] - android_exposed))}};
    for (const int ios : {0, 1}) {
      const double group = ios ? ios_devices : android_devices;
      const std::int64_t events = cell[ios][0] + cell[ios][1];
      if (events <= 0 || group <= 0) continue;
      const std::string key = std::string(ios ? "ios@" : "android@") + name;
      rate[key] = std::stod(fmt::format("{:.9g}", static_cast<double>(events) / group));
      variants[key] = {{cell[ios][0], {{"isUserExposed", "true"}}},
                       {cell[ios][1], {{"isUserExposed", "false"}}}};
    }
  }
  return {{"rate", rate}, {"variants", variants}};
}

}  // namespace loadgen
