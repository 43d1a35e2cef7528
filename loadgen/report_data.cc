#include "loadgen/report_data.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include <fmt/format.h>

namespace loadgen {

namespace {

using nlohmann::json;

double epoch_ms(Micros t) { return static_cast<double>(t / emu::kMicrosPerMilli); }

// Offset -> (its provinces, their share of the population), largest share first.
struct Zone {
  double offset_hours = 0;
  std::string provinces;
  double share = 0;
};

std::vector<Zone> zones_of(const Population& p) {
  std::map<double, Zone> by_offset;
  for (const auto& [province, share] : p.provinces) {
    const auto it = p.utc_offset_hours.find(province);
    if (it == p.utc_offset_hours.end() || share <= 0) continue;
    Zone& z = by_offset[it->second];
    z.offset_hours = it->second;
    z.provinces += (z.provinces.empty() ? "" : ", ") + province;
    z.share += share;
  }
  std::vector<Zone> zones;
  for (auto& [offset, z] : by_offset) zones.push_back(std::move(z));
  std::sort(zones.begin(), zones.end(), [](const Zone& a, const Zone& b) { return a.share > b.share; });
  return zones;
}

// A fault's "from"/"to" as the emulator reads them: "+HH:MM:SS" after the run's start, or an
// ISO-8601 UTC time (the run has already validated them).
std::optional<Micros> fault_time(const json& v, Micros start) {
  if (!v.is_string()) return std::nullopt;
  const auto s = v.get<std::string>();
  unsigned h = 0, m = 0, sec = 0;
  if (!s.empty() && s[0] == '+' && std::sscanf(s.c_str(), "+%u:%u:%u", &h, &m, &sec) == 3) {
    return start + h * emu::kMicrosPerHour + m * emu::kMicrosPerMinute + sec * emu::kMicrosPerSecond;
  }
  return emu::parse_iso8601(s);
}

json moments(const Scenario& s, const Outcome& o, Micros end) {
  json markers = json::array(), windows = json::array();
  for (const auto& z : zones_of(s.population)) {
    const Micros offset = static_cast<Micros>(z.offset_hours * static_cast<double>(emu::kMicrosPerHour));
    // Local midnight is UTC midnight - offset; walk the days the run covers.
    for (Micros m = emu::utc_midnight(s.start) - offset - emu::kMicrosPerDay; m <= end; m += emu::kMicrosPerDay) {
      if (m < s.start) continue;
      markers.push_back({{"t", epoch_ms(m)},
                         {"label", fmt::format("00:00 {} ({})", zone_label(z.offset_hours), z.provinces)}});
    }
  }
  const json config = o.settings.is_object() ? o.settings.value("effective_emulator_config", json::object())
                                             : json::object();
  for (const auto& f : config.value("faults", json::array())) {
    const auto from = fault_time(f.value("from", json()), s.start).value_or(s.start);
    const auto to = fault_time(f.value("to", json()), s.start).value_or(end);
    if (to <= s.start || from >= end) continue;
    windows.push_back({{"from", epoch_ms(std::max(from, s.start))},
                       {"to", epoch_ms(std::min(to, end))},
                       {"label", fmt::format("fault: {} {} {} -> {}", f.value("service", "*"),
                                             f.value("operation", "*"), f.value("resource", "*"),
                                             f.value("error", f.contains("latency_ms") ? "slow" : "error"))}});
  }
  return {{"markers", markers}, {"fault_windows", windows}};
}

json alarms_of(const Outcome& o, Micros end) {
  json fired = json::array(), quiet = json::array(), periods = json::array();
  for (const auto& [name, t] : o.alarms) {
    json states = json::array();
    bool was_in_alarm = false;
    for (std::size_t i = 0; i < t.states.size(); ++i) {
      const auto& [since, state] = t.states[i];
      states.push_back({{"t", epoch_ms(since)}, {"state", state}});
      if (state != "ALARM") continue;
      was_in_alarm = true;
      const Micros until = i + 1 < t.states.size() ? t.states[i + 1].first : end;
      periods.push_back({{"alarm", name}, {"from", epoch_ms(since)}, {"to", epoch_ms(until)}});
    }
    json a = {{"name", name}, {"fired", was_in_alarm}, {"states", states}, {"definition", t.definition}};
    (was_in_alarm ? fired : quiet).push_back(std::move(a));
  }
  for (auto& a : quiet) fired.push_back(std::move(a));
  return {{"alarms", fired}, {"alarm_periods", periods}};
}

json series_of(const Recorder& r) {
  json::array_t planned, sent, ok, c4, c5, errors, p50, p99, concurrency, throttles, ceiling;
  const auto ms = [](std::int64_t us) { return static_cast<double>(us) / 1000.0; };
  for (const auto& sec : r.seconds()) {
    planned.push_back(sec.planned);
    sent.push_back(sec.sent);
    ok.push_back(sec.ok2xx);
    c4.push_back(sec.c4xx);
    c5.push_back(sec.c5xx);
    errors.push_back(sec.errors);
    p50.push_back(sec.sent ? json(ms(sec.p50_us)) : json(nullptr));
    p99.push_back(sec.sent ? json(ms(sec.p99_us)) : json(nullptr));
    concurrency.push_back(sec.lambda_concurrency);
    throttles.push_back(sec.lambda_throttles);
    ceiling.push_back(sec.scaling_ceiling > 0 ? json(sec.scaling_ceiling) : json(nullptr));
  }
  return {{"planned", planned}, {"sent", sent}, {"2xx", ok}, {"4xx", c4}, {"5xx", c5},
          {"transport_errors", errors}, {"p50_ms", p50}, {"p99_ms", p99},
          {"lambda_concurrency", concurrency}, {"lambda_throttles", throttles},
          {"scaling_ceiling", ceiling}};
}

// Latency against percentile on the usual log scale of 1 / (1 - p): x = -log10(1 - p), so
// x = 2 is p99 and x = 5 p99.999.
json spectrum_of(const Recorder& r) {
  json points = json::array();
  for (int i = 0; i <= 500; ++i) {
    const double x = 5.0 * i / 500.0;
    const double p = 100.0 * (1.0 - std::pow(10.0, -x));
    points.push_back({x, static_cast<double>(r.latency().percentile(p)) / 1000.0,
                      static_cast<double>(r.service().percentile(p)) / 1000.0});
  }
  return points;
}

}  // namespace

std::string zone_label(double utc_offset_hours) {
  if (utc_offset_hours == 0) return "UTC";
  const double magnitude = std::abs(utc_offset_hours);
  const int hours = static_cast<int>(magnitude);
  const int minutes = static_cast<int>(std::lround((magnitude - hours) * 60));
  return fmt::format("UTC{}{}{}", utc_offset_hours < 0 ? "-" : "+", hours,
                     minutes ? fmt::format(":{:02}", minutes) : "");
}

json report_data(const Scenario& s, const Recorder& r, const Outcome& o) {
  const Micros end = std::max(s.start + s.duration + s.drain,
                              r.start() + static_cast<Micros>(r.seconds().size()) * emu::kMicrosPerSecond);
  const auto zones = zones_of(s.population);
  const double offset = zones.empty() ? 0 : zones.front().offset_hours;
  json zone = {{"offset_hours", offset},
               {"label", zone_label(offset) + (zones.empty() ? "" : " (" + zones.front().provinces + ")")}};
  json data = {{"mode", o.mode},
               {"start", epoch_ms(r.start())},
               {"end", epoch_ms(end)},
               {"zone", zone},
               {"series", series_of(r)},
               {"limits", o.lambda_limits.is_null() ? json::object() : o.lambda_limits},
               {"spectrum", spectrum_of(r)}};
  data.update(moments(s, o, end));
  data.update(alarms_of(o, end));
  return data;
}

}  // namespace loadgen
