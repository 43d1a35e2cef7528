// `loadgen calibrate` on the published files for 2021-06-20 (tests/data), and the population
// model's calibrated parts: by-OS shares and the per-device day of metrics.
#include <doctest/doctest.h>

#include <cmath>
#include <map>

#include "loadgen/calibrate.h"
#include "loadgen/day_model.h"
#include "loadgen/population.h"
#include "loadgen/scenario.h"
#include "loadgen/strata.h"
#include "tests/test_support.h"

using namespace loadgen;
using nlohmann::json;

namespace {

json fitted(double scale = 1.0) {
  CalibrateOptions o;
  o.published_dir = (emu::test::data_dir() / "published-2021-06-14-to-20").string();
  o.date = "2021-06-20";
  o.scale = scale;
  return calibrate(o);
}

// Counts of identifier (and identifier|field=value) over the JS bodies of `n` devices.
std::map<std::string, double> tally(const Scenario& s, std::int64_t n) {
  PopulationModel pop(s.population, s.seed);
  std::map<std::string, double> out;
  for (std::int64_t i = 0; i < n; ++i) {
    const Device d = pop.device(i);
    const json body = json::parse(pop.body(d, ClientKind::kJsBatch, 1, s.start + 1000, 7));
    out[d.ios ? "ios" : "android"] += 1;
    for (const auto& e : body["payload"]) {
      const std::string id = e["identifier"];
      out[id] += 1;
      CHECK(e["timestamp"].get<std::int64_t>() >= 1624147200000);  // 2021-06-20T00:00Z
      CHECK(e["timestamp"].get<std::int64_t>() < 1624233600000);   // 2021-06-21T00:00Z
      if (e.contains("count")) out[id + "|count=" + e["count"].get<std::string>()] += 1;
      CHECK(e["region"] == *d.province);
    }
  }
  return out;
}

}  // namespace

TEST_CASE("calibrate derives the population and per-device rates from the published day") {
  const json s = fitted();
  const json& p = s["population"];
  // Devices: active users plus versions that send background checks but no active-user.
  CHECK(p["devices"].get<double>() > 4464499);
  CHECK(p["devices"].get<double>() < 4464499 * 1.01);
  CHECK(p["ios_share"].get<double>() == doctest::Approx(2330215.0 / 4464499).epsilon(0.01));
  CHECK(p["provinces_by_os"]["android"].contains("None"));  // npts-ptso
  const json& m = p["day"]["metrics"];
  CHECK(m["active-user"]["rate"]["ios/1.4.1"] == 1.0);
  CHECK(m["active-user"]["rate"]["android/1.2.0"] == 0.0);  // no active-user row for 1.2.0
  CHECK(m["background-check"]["rate"]["android/1.2.0"] == 1.0);
  // iOS 1.4.1: 398,960 + 1,631,761 + 4,351 checks (and masked cells) for 2,211,220 devices.
  CHECK(m["background-check"]["rate"]["ios/1.4.1"].get<double>() ==
        doctest::Approx(2035072.0 / 2211220).epsilon(0.001));
  CHECK(m["scheduled-check-successful-today"]["rate"]["ios"].get<double>() >
        1.3);  // more than one per device
  CHECK(s["start"] == "2021-06-21T00:00:00Z");
  CHECK(p["day"]["date"] == "2021-06-20");
  CHECK(fitted(0.05)["population"]["devices"].get<double>() ==
        doctest::Approx(p["devices"].get<double>() * 0.05).epsilon(1e-4));
}

TEST_CASE(
    "a calibrated population sends each device's day, dated that day, with the fitted shares") {
  const Scenario s = Scenario::from_json(fitted(), "fitted.json");
  REQUIRE(s.population.day);
  const std::int64_t n = 40000;
  const auto counts = tally(s, n);
  CHECK(counts.at("ios") / n == doctest::Approx(s.population.ios_share).epsilon(0.03));
  // Every device with an active-user version sends exactly one: nearly all of them.
  CHECK(counts.at("active-user") / n == doctest::Approx(4464499.0 / 4490000).epsilon(0.02));
  // Published: background checks 1-6 = 1,194,544, 7-12 = 1,827,305 of 4.46 M active users.
  CHECK(counts.at("background-check|count=3") / n ==
        doctest::Approx(1194544.0 / 4490000).epsilon(0.05));
  CHECK(counts.at("background-check|count=8") / n ==
        doctest::Approx(1827305.0 / 4490000).epsilon(0.05));
  CHECK(counts.at("scheduled-check-successful-today") / n ==
        doctest::Approx((999781.0 + 3079761.0) / 4490000).epsilon(0.05));
}

TEST_CASE("a device's day is the same on every send and resend") {
  const Scenario s = Scenario::from_json(fitted(), "fitted.json");
  PopulationModel pop(s.population, s.seed);
  const Device d = pop.device(12);
  const auto payload = [&](std::uint64_t salt) {
    return json::parse(
        pop.body(d, ClientKind::kJsBatch, 3, s.start + salt * 1000, salt))["payload"];
  };
  CHECK(payload(1) == payload(2));
}

TEST_CASE("by-OS shares draw the same numbers in the same order as the plain shares") {
  // A scenario without a calibrated day draws province, OS and version exactly as before the
  // by-OS fields existed (the smoke scenario's digest is unchanged); with by-OS tables equal to
  // the plain ones every device is the same.
  const json schedule = {{{"type", "constant"}, {"rate", 1}, {"duration", 60}}};
  const Scenario plain =
      Scenario::from_json({{"name", "t"}, {"duration", 60}, {"schedule", schedule}}, "t.json");
  json by_os = {
      {"name", "t"}, {"duration", 60}, {"schedule", schedule}, {"population", json::object()}};
  for (const std::string os : {"android", "ios"}) {
    by_os["population"]["provinces_by_os"][os] = plain.population.provinces;
    by_os["population"]["app_versions_by_os"][os] = plain.population.app_versions;
  }
  const Scenario same = Scenario::from_json(by_os, "t.json");
  PopulationModel a(plain.population, plain.seed), b(same.population, same.seed);
  for (int i = 0; i < 2000; ++i) {
    const Device x = a.device(i), y = b.device(i);
    REQUIRE(*x.province == *y.province);
    REQUIRE(x.ios == y.ios);
    REQUIRE(*x.app_version == *y.app_version);
    REQUIRE(x.queue == y.queue);
  }
  // And an OS-specific table takes effect: every iOS device in Yukon, every Android one in PEI.
  by_os["population"]["provinces_by_os"] = {{"android", {{"PE", 1}}}, {"ios", {{"YT", 1}}}};
  const Scenario split = Scenario::from_json(by_os, "t.json");
  PopulationModel c(split.population, split.seed);
  for (int i = 0; i < 200; ++i) CHECK(*c.device(i).province == (c.device(i).ios ? "YT" : "PE"));
}

TEST_CASE("day model validation names the field") {
  const auto error_of = [](const json& day,
                           const std::string& start = "2021-06-21T00:00:00Z") -> std::string {
    try {
      Scenario::from_json({{"name", "t"},
                           {"start", start},
                           {"duration", 60},
                           {"population", {{"day", day}}},
                           {"schedule", {{{"type", "constant"}, {"rate", 1}, {"duration", 60}}}}},
                          "t.json");
    } catch (const ScenarioError& e) {
      return e.what();
    }
    return "";
  };
  const json good = {{"date", "2021-06-20"}, {"metrics", {{"active-user", {{"rate", 1}}}}}};
  CHECK(error_of(good).empty());
  CHECK(error_of(good, "2021-06-20T12:00:00Z")
            .find("t.json: population.day.date: expected a day that has ended") == 0);
  CHECK(error_of({{"date", "June 20"}, {"metrics", good["metrics"]}}).find("population.day.date") !=
        std::string::npos);
  CHECK(error_of({{"date", "2021-06-20"}, {"metrics", {{"x", {{"rate", {{"windows", 1}}}}}}}})
            .find("population.day.metrics.x.rate.windows") != std::string::npos);
  CHECK(
      error_of({{"date", "2021-06-20"},
                {"metrics", {{"x", {{"rate", 1}, {"variants", {{"*", {{1, {{"count", 3}}}}}}}}}}}})
          .find("population.day.metrics.x.variants.*[0].count") != std::string::npos);
}

TEST_CASE("the fitted exposures give each published province, OS and status cell its count") {
  // Published 2021-06-20: 64 exposures; ON 29 and SK 29 (the rest masked); SK Android exactly
  // 20; ON and SK 25 exposed each. The fit's rates times the devices the population deals each
  // (OS, province) must give exactly these (strata.h deals round(devices x rate) per group).
  const Scenario s = Scenario::from_json(fitted(), "fitted.json");
  PopulationModel pop(s.population, s.seed);
  std::map<std::string, std::int64_t> devices;
  for (std::int64_t i = 0; i < s.population.devices; ++i) {
    const Device d = pop.device(i);
    ++devices[(d.ios ? "ios@" : "android@") + *d.province];
  }
  const DayMetric* exposed = nullptr;
  for (const auto& m : s.population.day->metrics)
    exposed = m.identifier == "exposed" ? &m : exposed;
  REQUIRE(exposed != nullptr);
  std::map<std::string, std::int64_t> by_region, by_region_os, exposed_by_region;
  std::int64_t total = 0;
  for (const auto& [group, n] : devices) {
    const auto rate = exposed->rate.find(group);
    if (rate == exposed->rate.end()) continue;
    const auto events =
        static_cast<std::int64_t>(std::floor(static_cast<double>(n) * rate->second + 0.5));
    const std::string os = group.substr(0, group.find('@')),
                      region = group.substr(group.find('@') + 1);
    std::vector<double> weights;
    for (const auto& v : exposed->variants.at(group)) weights.push_back(v.weight);
    by_region[region] += events;
    by_region_os[region + "," + os] += events;
    exposed_by_region[region] += apportion(events, weights)[0];  // isUserExposed "true" first
    total += events;
  }
  CHECK(total == 64);
  CHECK(by_region["ON"] == 29);
  CHECK(by_region["SK"] == 29);
  CHECK(by_region_os["SK,android"] == 20);
  CHECK(exposed_by_region["ON"] == 25);
  CHECK(exposed_by_region["SK"] == 25);
  for (const auto& cell : by_region_os) {
    // (Not a structured binding: clang 14 cannot capture one in CHECK_MESSAGE's lambda.)
    if (cell.first != "SK,android") CHECK_MESSAGE(cell.second < 20, cell.first);  // published <20
  }
}
