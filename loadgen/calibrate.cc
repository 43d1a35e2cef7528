#include "loadgen/calibrate.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <functional>
#include <map>

#include <fmt/format.h>

#include "emulator/core/time.h"
#include "loadgen/daily_csv.h"

namespace loadgen {

namespace {

using nlohmann::json;
using Counts = std::map<std::string, double>;

constexpr double kThreshold = 20;

}  // namespace

DayTable load_published(const CalibrateOptions& o, const std::string& file) {
  const auto path = std::filesystem::path(o.published_dir) / (file + kDailySuffix);
  if (!std::filesystem::exists(path))
    throw CompareInputError(path.string() + ": missing (calibrate needs it)");
  return read_day(path, o.date);
}

namespace {

DayTable load(const CalibrateOptions& o, const std::string& file) {
  return load_published(o, file);
}

std::string before_comma(const std::string& key) { return key.substr(0, key.find(',')); }
std::string after_comma(const std::string& key) { return key.substr(key.find(',') + 1); }

// A file's cells with masked ones estimated: per group (group_of(key)), the group's total minus
// its numbers, shared among its masked cells, within [floor, 19].
Counts filled(const DayTable& t, const std::function<std::string(const std::string&)>& group_of,
              const Counts& group_totals, double floor) {
  Counts known, masked_cells;
  for (const auto& [key, cell] : t.rows) {
    const std::string g = group_of(key);
    known[g] += cell.masked ? 0 : static_cast<double>(cell.value);
    masked_cells[g] += cell.masked ? 1 : 0;
  }
  Counts out;
  for (const auto& [key, cell] : t.rows) {
    if (!cell.masked) {
      out[key] = static_cast<double>(cell.value);
      continue;
    }
    const std::string g = group_of(key);
    const auto total = group_totals.find(g);
    const double left =
        total == group_totals.end() ? kMaskedTotal * masked_cells[g] : total->second - known[g];
    out[key] = std::clamp(left / masked_cells[g], floor, kThreshold - 1);
  }
  return out;
}

// A file's cells as totals (masked ones as kMaskedTotal), for group totals.
Counts totals(const DayTable& t) {
  Counts out;
  for (const auto& [key, cell] : t.rows)
    out[key] = cell.masked ? kMaskedTotal : static_cast<double>(cell.value);
  return out;
}

// The day's total of a file without categories; 0 when the file has no row for the day.
double day_total(const CalibrateOptions& o, const std::string& file) {
  const DayTable t = load(o, file);
  if (t.rows.empty()) return 0;
  const Cell& c = t.rows.begin()->second;
  return c.masked ? kMaskedTotal : static_cast<double>(c.value);
}

// Nine significant digits: short files, and a version of one device in millions keeps its share.
double rounded(double v) { return std::stod(fmt::format("{:.9g}", v)); }

struct Fit {
  Counts devices;                        // "os,version" -> devices
  Counts active, installs, onboarded;    // "os,version" -> events
  std::map<std::string, Counts> checks;  // "os,version" -> bucket -> events
  double all_devices = 0;
};

// Devices per (os, version): the largest of its per-version counts.
Fit fit_devices(const CalibrateOptions& o) {
  Fit f;
  f.active =
      filled(load(o, "active_users_os_av"), before_comma, totals(load(o, "active_users_os")), 1);
  f.installs = filled(load(o, "installs_os_av"), before_comma, totals(load(o, "installs_os")), 1);
  f.onboarded =
      filled(load(o, "onboarded_os_av"), before_comma, totals(load(o, "onboarded_os")), 1);
  // background_checks_nc_os_av keys are "bucket,os,version"; its totals come per "bucket,os".
  const auto bucket_os = [](const std::string& key) { return key.substr(0, key.rfind(',')); };
  for (const auto& [key, n] : filled(load(o, "background_checks_nc_os_av"), bucket_os,
                                     totals(load(o, "background_checks_nc_os")), 1)) {
    f.checks[after_comma(key)][before_comma(key)] = n;
  }
  for (const Counts* c : {&f.active, &f.installs, &f.onboarded}) {
    for (const auto& [key, n] : *c) f.devices[key] = std::max(f.devices[key], n);
  }
  for (const auto& [key, buckets] : f.checks) {
    double sum = 0;
    for (const auto& [bucket, n] : buckets) sum += n;
    f.devices[key] = std::max(f.devices[key], sum);
  }
  for (const auto& [key, n] : f.devices) f.all_devices += n;
  if (f.all_devices <= 0)
    throw CompareInputError(o.published_dir + ": no active users on " + o.date);
  return f;
}

// A count per (os, version) as a rate per device, keyed "os/version".
json per_version_rates(const Fit& f, const Counts& events) {
  json rate = json::object();
  for (const auto& [key, devices] : f.devices) {
    const auto it = events.find(key);
    rate[before_comma(key) + "/" + after_comma(key)] =
        rounded(it == events.end() ? 0 : it->second / devices);
  }
  return rate;
}

// The count a payload carries for a published bucket (the aggregator's bucketCount).
std::string count_for_bucket(const std::string& bucket) {
  static const std::map<std::string, std::string> values = {
      {"0", "0"}, {"1-6", "3"}, {"7-12", "8"}, {"13-30", "20"}, {"30+", "40"}};
  const auto it = values.find(bucket);
  if (it == values.end())
    throw CompareInputError("background_checks_nc_os_av: unknown bucket \"" + bucket + "\"");
  return it->second;
}

json background_checks(const Fit& f) {
  json rate = json::object(), variants = json::object();
  for (const auto& [key, devices] : f.devices) {
    const std::string k = before_comma(key) + "/" + after_comma(key);
    const auto it = f.checks.find(key);
    double sum = 0;
    json list = json::array();
    if (it != f.checks.end()) {
      for (const auto& [bucket, n] : it->second) {
        sum += n;
        list.push_back({rounded(n), {{"count", count_for_bucket(bucket)}}});
      }
    }
    rate[k] = rounded(sum / devices);
    if (!list.empty()) variants[k] = list;
  }
  return {{"rate", rate}, {"variants", variants}};
}

json per_os_rate(const CalibrateOptions& o, const Fit& f, const std::string& file) {
  const Counts by_os = totals(load(o, file));
  json rate = json::object();
  for (const std::string os : {"android", "ios"}) {
    double devices = 0;
    for (const auto& [key, n] : f.devices) devices += before_comma(key) == os ? n : 0;
    const auto it = by_os.find(os);
    rate[os] =
        rounded(devices > 0 && it != by_os.end() ? std::min(1000.0, it->second / devices) : 0);
  }
  return rate;
}

json onboarded_variants(const CalibrateOptions& o) {
  double onboarded = 0;
  for (const auto& [os, n] : totals(load(o, "onboarded_os"))) onboarded += n;
  const Counts cells = filled(
      load(o, "onboarded_fs_np"), [](const std::string&) { return std::string(); },
      {{"", onboarded}}, 0);
  static const std::map<std::string, std::string> framework = {{"enabled-active", "true"},
                                                               {"disabled-desactive", "false"}};
  static const std::map<std::string, std::string> permission = {
      {"blocked-bloque", "blocked"}, {"granted-autorise", "granted"}, {"denied-refuse", "denied"}};
  json list = json::array();
  for (const auto& [key, n] : cells) {
    const auto fs = framework.find(before_comma(key));
    const auto np = permission.find(after_comma(key));
    if (fs == framework.end() || np == permission.end()) continue;
    list.push_back(
        {rounded(n), {{"pushnotification", np->second}, {"frameworkenabled", fs->second}}});
  }
  return list;
}

// Weights of a two-level split of a rare event (e.g. exposed-expose / monitoring-surveillance).
std::pair<double, double> split(const CalibrateOptions& o, const std::string& file,
                                const std::string& first, const std::string& second) {
  const DayTable t = load(o, file);
  const Counts cells = filled(
      t, [](const std::string& key) { return key.substr(key.rfind(',') + 1); }, {}, 0);
  double a = 0, b = 0;
  for (const auto& [key, n] : cells) {
    const std::string level = key.substr(key.rfind(',') + 1);
    a += level == first ? n : 0;
    b += level == second ? n : 0;
  }
  if (a + b <= 0) return {1, 1};
  return {a, b};
}

// Devices per "<os>@<region>": the province shares of active_users_pt_os applied to the OS's
// devices (which also count versions that send no active-user), as the population deals them.
Counts region_devices(const CalibrateOptions& o, const Fit& f) {
  Counts by_os, sum_by_os, out;
  for (const auto& [key, n] : f.devices) by_os[before_comma(key)] += n;
  const Counts cells =
      filled(load(o, "active_users_pt_os"), after_comma, totals(load(o, "active_users_os")), 0);
  for (const auto& [key, n] : cells) sum_by_os[after_comma(key)] += n;
  for (const auto& [key, n] : cells) {
    const std::string os = after_comma(key), region = before_comma(key);
    if (sum_by_os[os] <= 0) continue;
    out[os + "@" + (region == "npts-ptso" ? "None" : region)] = n * by_os[os] / sum_by_os[os];
  }
  return out;
}

json day_metrics(const CalibrateOptions& o, const Fit& f) {
  json metrics = json::object();
  metrics["active-user"] = {{"rate", per_version_rates(f, f.active)}};
  metrics["background-check"] = background_checks(f);
  metrics["scheduled-check-started-today"] = {
      {"rate", per_os_rate(o, f, "daily_background_check_started_os")}};
  metrics["scheduled-check-successful-today"] = {
      {"rate", per_os_rate(o, f, "daily_background_check_successfully_completed_os")}};
  metrics["installed"] = {{"rate", per_version_rates(f, f.installs)}};
  metrics["onboarded"] = {{"rate", per_version_rates(f, f.onboarded)},
                          {"variants", {{"*", onboarded_variants(o)}}}};
  const auto rare = [&](const std::string& file) {
    return rounded(day_total(o, file) / f.all_devices);
  };
  metrics["exposed"] = exposed_metric(o, region_devices(o, f));
  metrics["exposed-clear"] = {{"rate", rare("clear_exposed")}};
  const auto [otk_exposed, otk_monitoring] =
      split(o, "otk_es", "exposed-expose", "monitoring-surveillance");
  const auto [with_date, no_date] = split(o, "otk_pt_dp", "date", "no_date-date_so");
  const double dated = with_date / (with_date + no_date);
  json otk = json::array();
  for (const auto& [weight, fields] : std::vector<std::pair<double, json>>{
           {otk_exposed * dated, {{"isUserExposed", "proximity"}, {"withDate", "true"}}},
           {otk_exposed * (1 - dated), {{"isUserExposed", "proximity"}, {"withDate", "false"}}},
           {otk_monitoring * dated, {{"withDate", "true"}}},
           {otk_monitoring * (1 - dated), {{"withDate", "false"}}}}) {
    otk.push_back({rounded(weight), fields});
  }
  metrics["otk-entered-v2"] = {{"rate", rare("otk")}, {"variants", {{"*", otk}}}};
  metrics["qr-code-successfully-scanned"] = {{"rate", rare("qr_code_successfully_scanned")}};
  metrics["error-400-keys-download"] = {{"rate", rare("error_400_keys_download")}};
  metrics["error-500-qr-parse"] = {{"rate", rare("error_500_qr_parse")}};
  metrics["error-500-qr-url"] = {{"rate", rare("error_500_qr_url")}};
  return metrics;
}

json population(const CalibrateOptions& o, const Fit& f) {
  json versions = {{"android", json::object()}, {"ios", json::object()}};
  double ios = 0;
  for (const auto& [key, n] : f.devices) {
    versions[before_comma(key)][after_comma(key)] = rounded(n / f.all_devices);
    ios += before_comma(key) == "ios" ? n : 0;
  }
  json provinces = {{"android", json::object()}, {"ios", json::object()}};
  for (const auto& [key, n] :
       filled(load(o, "active_users_pt_os"), after_comma, totals(load(o, "active_users_os")), 0)) {
    const std::string region = before_comma(key) == "npts-ptso" ? "None" : before_comma(key);
    provinces[after_comma(key)][region] = rounded(n / f.all_devices);
  }
  return {{"devices", std::max<std::int64_t>(1, std::llround(f.all_devices * o.scale))},
          {"ios_share", rounded(ios / f.all_devices)},
          {"provinces_by_os", provinces},
          {"app_versions_by_os", versions},
          // No province: the app sends "None"; such devices are mostly in the East.
          {"utc_offset_hours", {{"None", -4}}},
          {"day", {{"date", o.date}, {"metrics", day_metrics(o, f)}}}};
}

}  // namespace

json calibrate(const CalibrateOptions& o) {
  if (!std::filesystem::is_directory(o.published_dir))
    throw CompareInputError(o.published_dir + ": not a directory");
  const auto day = emu::parse_iso8601(o.date + "T00:00:00Z");
  if (!day || o.date.size() != 10)
    throw CompareInputError("--date: expected YYYY-MM-DD, got \"" + o.date + "\"");
  const Fit f = fit_devices(o);
  const std::string next_day = emu::format_iso8601(*day + emu::kMicrosPerDay).substr(0, 10);
  json scenario = {
      {"name", o.name.empty() ? "national-day-" + o.date : o.name},
      {"description", "Fitted by `loadgen calibrate` to the published daily files for " + o.date +
                          " (" + std::to_string(std::llround(f.all_devices)) +
                          " devices) at scale " + fmt::format("{}", o.scale) +
                          ": each device's day of metrics travels in its daily JS push within two "
                          "hours after the next "
                          "00:00 UTC; the 03:00 ETL publishes the day. Compare with `loadgen "
                          "compare OUT PUBLISHED --date " +
                          o.date + " --scale " + fmt::format("{}", o.scale) + "`."},
      {"seed", std::stoll(o.date.substr(0, 4) + o.date.substr(5, 2) + o.date.substr(8, 2))},
      {"start", next_day + "T00:00:00Z"},
      {"duration", 10800},
      {"drain", 1800},
      {"population", population(o, f)},
      {"schedule",
       {{{"type", "midnight"},
         {"midnight", "utc"},
         {"within", 7200},
         {"share", 1.0},
         {"kind", "js"}}}},
      {"expectations", {{{"ledger", "nothing_lost"}}, {{"figure", "etl_failures"}, {"max", 0}}}}};
  return scenario;
}

}  // namespace loadgen
