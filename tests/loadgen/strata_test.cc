// Exact quotas for calibrated populations (loadgen/strata.h): the permutation is a bijection, the
// apportionment adds up, and a calibrated day deals every group exactly round(devices x rate)
// events with its variants in whole shares, which is what lets a published cell of 20 come out
// 20 and a masked one 1..19.
#include <doctest/doctest.h>

#include <map>
#include <set>

#include "loadgen/day_model.h"
#include "loadgen/population.h"
#include "loadgen/scenario.h"
#include "loadgen/strata.h"

using namespace loadgen;
using nlohmann::json;

TEST_CASE("permute_index is a bijection of [0, n) that depends on its key") {
  for (const std::uint64_t n : {1, 2, 3, 7, 64, 1000, 4097}) {
    std::set<std::uint64_t> seen;
    for (std::uint64_t x = 0; x < n; ++x) {
      const std::uint64_t y = permute_index(x, n, 42);
      REQUIRE(y < n);
      seen.insert(y);
    }
    CHECK(seen.size() == n);
  }
  int same = 0;
  for (std::uint64_t x = 0; x < 1000; ++x)
    same += permute_index(x, 1000, 1) == permute_index(x, 1000, 2);
  CHECK(same < 20);  // two keys, two different orders
}

TEST_CASE("apportion deals whole numbers that add up, by largest remainder") {
  CHECK(apportion(10, {1, 1, 1}) == std::vector<std::int64_t>{4, 3, 3});
  CHECK(apportion(29, {20, 9}) == std::vector<std::int64_t>{20, 9});
  CHECK(apportion(7, {0, 5, 2}) == std::vector<std::int64_t>{0, 5, 2});
  CHECK(apportion(0, {1, 2}) == std::vector<std::int64_t>{0, 0});
  // A small weight next to a large one still gets its unit when the total allows it.
  CHECK(apportion(1001, {1, 1000}) == std::vector<std::int64_t>{1, 1000});
  std::int64_t sum = 0;
  for (const auto n : apportion(4495295, {0.3, 0.2, 0.1, 0.4})) sum += n;
  CHECK(sum == 4495295);
}

TEST_CASE("a calibrated day deals each group exactly round(devices x rate) events") {
  // 5,003 devices; rates per version, per province and for everyone; a 3-device version at rate
  // 1/3 must send exactly one event (a masked published cell), a province exactly 20.
  const json scenario = {
      {"name", "t"},
      {"start", "2021-06-21T00:00:00Z"},
      {"duration", 60},
      {"schedule", {{{"type", "constant"}, {"rate", 1}, {"duration", 60}}}},
      {"population",
       {{"devices", 5003},
        {"ios_share", 0.4},
        {"app_versions_by_os",
         {{"android", {{"1.4.3", 3000.0 / 3002}, {"1.2.7", 2.0 / 3002}}},
          {"ios", {{"1.4.1", 1998.0 / 2001}, {"1.2.1", 3.0 / 2001}}}}},
        {"provinces_by_os",
         {{"android", {{"ON", 0.5}, {"SK", 0.25}, {"NU", 0.25}}}, {"ios", {{"ON", 1}}}}},
        {"day",
         {{"date", "2021-06-20"},
          {"metrics",
           {{"active-user", {{"rate", 1}}},
            {"onboarded", {{"rate", {{"ios/1.2.1", 1.0 / 3}, {"android/1.2.7", 0.5}}}}},
            {"exposed",
             {{"rate", {{"android@SK", 20.0 / 750}}},
              {"variants",
               {{"android@SK",
                 {{17, {{"isUserExposed", "true"}}}, {3, {{"isUserExposed", "false"}}}}}}}}},
            {"background-check",
             {{"rate", 0.7},
              {"variants",
               {{"*",
                 {{1, {{"count", "3"}}}, {5, {{"count", "8"}}}, {1, {{"count", "40"}}}}}}}}}}}}}}}};
  const Scenario s = Scenario::from_json(scenario, "t.json");
  PopulationModel pop(s.population, s.seed);
  std::map<std::string, std::int64_t> devices, events;
  for (std::int64_t i = 0; i < s.population.devices; ++i) {
    const Device d = pop.device(i);
    const std::string os = d.ios ? "ios" : "android";
    ++devices[os + "/" + *d.app_version];
    ++devices[os + "@" + *d.province];
    const json body = json::parse(pop.body(d, ClientKind::kJsBatch, 1, s.start, 1));
    for (const auto& e : body["payload"]) {
      const std::string id = e["identifier"];
      ++events[id];
      if (id == "onboarded") ++events["onboarded " + os + "/" + *d.app_version];
      if (id == "exposed")
        ++events["exposed " + os + "@" + *d.province + " " + e["isUserExposed"].get<std::string>()];
      if (id == "background-check") ++events["count=" + e["count"].get<std::string>()];
    }
  }
  // Groups of exactly the dealt sizes: 2,001 iOS devices, 3 on 1.2.1, 750 Android in SK.
  CHECK(devices["ios/1.2.1"] == 3);
  CHECK(devices["android/1.2.7"] == 2);
  CHECK(devices["android@SK"] == 750);
  CHECK(devices["ios@ON"] == 2001);
  CHECK(events["active-user"] == 5003);
  CHECK(events["onboarded ios/1.2.1"] == 1);
  CHECK(events["onboarded android/1.2.7"] == 1);
  CHECK(events["onboarded"] == 2);
  CHECK(events["exposed android@SK true"] == 17);
  CHECK(events["exposed android@SK false"] == 3);
  CHECK(events["exposed"] == 20);
  // round(5003 x 0.7) = 3502 checks, dealt 1:5:1 in whole numbers.
  CHECK(events["background-check"] == 3502);
  CHECK(events["count=3"] == 500);
  CHECK(events["count=8"] == 2502);
  CHECK(events["count=40"] == 500);
}
