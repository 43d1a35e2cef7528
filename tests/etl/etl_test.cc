#include <doctest/doctest.h>

#include <algorithm>

#include "emulator/etl/csv_writer.h"
#include "emulator/etl/etl.h"
#include "tests/etl/fixtures.h"

using namespace emu;
using namespace emu::etl;
using namespace emu::etl::test;

namespace {

OwnedRow row(const char* identifier, const char* date, std::int64_t n) {
  OwnedRow r;
  r.identifier = identifier;
  r.date = date;
  r.metric_count = n;
  return r;
}

std::int64_t day(const char* d) { return days_from_civil(*parse_date(d)); }

struct Fixture {
  MemoryRows rows;
  MemoryBucket bucket;
  RecordingMetricSink metrics;
  Etl etl{EtlSettings::from_config(Config::defaults()), rows, bucket, &metrics};
  const std::string& masked(const char* metric, const char* period) {
    return bucket.get("masked-metrics-tdvfd-production", metric, period);
  }
  const std::string& unmasked(const char* metric, const char* period) {
    return bucket.get("unmasked-metrics-tdvfd-production", metric, period);
  }
};

}  // namespace

TEST_CASE("masking: 19 -> <20, 20 -> 20; the unmasked bucket has raw numbers") {
  Fixture f;
  f.rows.rows = {row("installed", "2021-03-01", 19), row("installed", "2021-03-02", 20)};
  REQUIRE(f.etl.run("masked_inapp_metrics", day("2021-03-02"), 0).ok);
  REQUIRE(f.etl.run("unmasked_inapp_metrics", day("2021-03-02"), 0).ok);
  CHECK(f.masked("installs", "daily-journalier") == "date,count-nombre\n2021-03-01,<20\n2021-03-02,20\n");
  CHECK(f.unmasked("installs", "daily-journalier") == "date,count-nombre\n2021-03-01,19\n2021-03-02,20\n");
}

TEST_CASE("full cross product with zero rows, regions in published order, None -> npts-ptso") {
  Fixture f;
  OwnedRow a = row("exposed", "2021-03-01", 25), b = row("exposed", "2021-03-02", 30);
  a.region = "None";
  b.region = "NS";
  f.rows.rows = {a, b};
  f.etl.run("unmasked_inapp_metrics", day("2021-03-02"), 0);
  const auto csv = parse_csv(f.unmasked("exposed_pt", "daily-journalier"));
  CHECK(csv.size() == 1 + 2 * 14);
  CHECK(csv[6] == std::vector<std::string>{"2021-03-01", "NT", "0"});
  CHECK(csv[7] == std::vector<std::string>{"2021-03-01", "NS", "0"});
  CHECK(csv[14] == std::vector<std::string>{"2021-03-01", "npts-ptso", "25"});
  CHECK(csv[21] == std::vector<std::string>{"2021-03-02", "NS", "30"});
}

TEST_CASE("weeks end on Sunday, months on their last day (leap years too); partial periods wait") {
  CHECK(period_end(day("2021-03-01"), Period::kWeekly) == day("2021-03-07"));
  CHECK(period_end(day("2021-03-07"), Period::kWeekly) == day("2021-03-07"));
  CHECK(period_end(day("2024-02-10"), Period::kMonthly) == day("2024-02-29"));
  CHECK(period_end(day("2021-02-10"), Period::kMonthly) == day("2021-02-28"));
  CHECK(period_end(day("2021-12-31"), Period::kMonthly) == day("2021-12-31"));
  Fixture f;
  for (const char* d : {"2024-02-26", "2024-02-27", "2024-02-28", "2024-02-29", "2024-03-01"}) {
    f.rows.rows.push_back(row("installed", d, 100));
  }
  f.etl.run("unmasked_inapp_metrics", day("2024-03-02"), 0);  // Saturday: week not complete
  CHECK(f.unmasked("installs", "monthly-mensuel") == "date,count-nombre\n2024-02-29,400\n");
  CHECK(f.unmasked("installs", "weekly-hebdomadaire") == "date,count-nombre\n");
  f.etl.run("unmasked_inapp_metrics", day("2024-03-03"), 0);
  CHECK(f.unmasked("installs", "weekly-hebdomadaire") == "date,count-nombre\n2024-03-03,500\n");
}

TEST_CASE("each file counts only its identifier and valid categories") {
  Fixture f;
  OwnedRow debug = row("ExposureNotificationCheck", "2021-07-12", 50);
  OwnedRow parse = row("error-500-qr-parse", "2021-07-12", 30);
  parse.appos = "ios";
  OwnedRow url = row("error-500-qr-url", "2021-07-12", 40);
  OwnedRow odd_os = row("error-500-qr-parse", "2021-07-12", 5);
  odd_os.appos = "windows";
  f.rows.rows = {debug, parse, url, odd_os};
  f.etl.run("unmasked_inapp_metrics", day("2021-07-12"), 0);
  CHECK(f.unmasked("error_500_qr_parse", "daily-journalier") == "date,count-nombre\n2021-07-12,35\n");
  CHECK(f.unmasked("error_500_qr_parse_os", "daily-journalier") ==
        "date,os-se,count-nombre\n2021-07-12,android,0\n2021-07-12,ios,30\n");
  for (const auto& [key, body] : f.bucket.objects) {
    CHECK(body.find("ExposureNotificationCheck") == std::string::npos);
  }
  CHECK(f.unmasked("otk", "daily-journalier") == "date,count-nombre\n");  // no data: header only
}

TEST_CASE("otk exposure status and date provided, onboarding categories") {
  Fixture f;
  OwnedRow plain = row("otk-entered-v2", "2021-04-01", 21), exposed = plain, late = plain;
  plain.with_date = "true";
  exposed.is_user_exposed = "proximity,outbreak";
  exposed.with_date = "false";
  late.date = "2021-04-03";
  late.with_date = "maybe";
  f.rows.rows = {plain, exposed, late};
  f.etl.run("unmasked_inapp_metrics", day("2021-04-03"), 0);
  CHECK(f.unmasked("otk_es", "daily-journalier").find(
            "2021-04-01,exposed-expose,21\n2021-04-01,monitoring-surveillance,21\n") !=
        std::string::npos);
  const auto dp = parse_csv(f.unmasked("otk_pt_dp", "daily-journalier"));
  CHECK(dp.size() == 1 + 3 * 14 * 2);  // the "maybe" row only changes the totals
  CHECK(f.unmasked("otk", "daily-journalier").find("2021-04-03,21\n") != std::string::npos);
}

TEST_CASE("every file of the catalog is written for the three periods") {
  Fixture f;
  f.rows.rows = {row("active-user", "2021-03-01", 1)};
  const auto report = f.etl.run("masked_inapp_metrics", day("2021-03-31"), 0);
  CHECK(report.files_written == catalog().size() * 3);
  CHECK(f.bucket.objects.size() == catalog().size() * 3);
  CHECK(f.bucket.objects.count(
            "masked-metrics-tdvfd-production/csv/monthly-mensuel/active_users_os_av.monthly-mensuel.csv") == 1);
}

TEST_CASE("scheduled at 03:00 and 04:00 UTC for the previous day; failures emit EcsTaskError") {
  VirtualClock clock(*parse_iso8601("2021-03-02T00:00:00Z"));
  Scheduler scheduler(clock);
  Fixture f;
  f.rows.rows = {row("installed", "2021-03-01", 25)};
  f.etl.schedule(scheduler);
  scheduler.run_until(*parse_iso8601("2021-03-02T02:59:59Z"));
  CHECK(f.etl.history().empty());
  scheduler.run_until(*parse_iso8601("2021-03-02T04:00:00Z"));
  REQUIRE(f.etl.history().size() == 2);
  CHECK(f.etl.history()[0].task == "masked_inapp_metrics");
  CHECK(f.etl.history()[0].started_at == "2021-03-02T03:00:00.000Z");
  CHECK(f.etl.history()[0].through == "2021-03-01");
  CHECK(f.etl.history()[1].task == "unmasked_inapp_metrics");
  f.bucket.fail_after = 3;
  scheduler.run_until(*parse_iso8601("2021-03-03T03:00:00Z"));
  REQUIRE(f.etl.history().size() == 3);
  CHECK_FALSE(f.etl.history()[2].ok);
  CHECK(f.etl.history()[2].files_written == 0);
  CHECK(f.metrics.sum("EcsTaskError-masked_inapp_metrics") == 1);
  f.rows.fail = true;
  CHECK_FALSE(f.etl.run("unmasked_inapp_metrics", day("2021-03-02"), 0).ok);
  CHECK(f.metrics.sum("EcsTaskError-unmasked_inapp_metrics") == 1);
  CHECK_FALSE(f.etl.run("nope", day("2021-03-02"), 0).ok);
}

TEST_CASE("the counts cover the days with data, not the days up to the last one") {
  // A last day millions of days away once cost gigabytes of zeroed counters (and 75 s).
  const std::int64_t first = day("2021-02-25"), far = day("9999-12-31");
  Accumulator empty(first, far);
  for (const auto& file : empty.files()) {
    CHECK(file.dense.empty());
    CHECK(file.by_version.empty());
  }
  Accumulator acc(first, far);
  acc.add(row("installed", "2021-03-01", 5).view());
  const auto& installs = *std::find_if(acc.files().begin(), acc.files().end(),
                                       [](const auto& f) { return f.spec->name == "installs"; });
  CHECK(installs.dense.size() == 5 * installs.cells);  // 2021-02-25 .. 2021-03-01
  // A second accumulator whose data reaches further merges into a shorter one.
  Accumulator later(first, far);
  later.add(row("installed", "2021-03-10", 7).view());
  acc.merge(later);
  CHECK(installs.dense.size() == 14 * installs.cells);
  CHECK(installs.dense[4 * installs.cells] == 5);
  CHECK(installs.dense[13 * installs.cells] == 7);
}

TEST_CASE("days after the last with data are published as zero rows up to the last day") {
  Fixture f;
  f.rows.rows = {row("installed", "2021-03-01", 25)};
  REQUIRE(f.etl.run("unmasked_inapp_metrics", day("2021-03-03"), 0).ok);
  CHECK(f.unmasked("installs", "daily-journalier") ==
        "date,count-nombre\n2021-03-01,25\n2021-03-02,0\n2021-03-03,0\n");
}

TEST_CASE("an on-demand run may publish through today on the emulator's clock, not later") {
  const Micros now = *parse_iso8601("2021-06-27T10:00:00Z");
  CHECK_FALSE(refuse_through_day(day("2021-06-27"), now));
  CHECK_FALSE(refuse_through_day(day("2021-01-31"), now));  // before etl.first_date: headers only
  const auto refused = refuse_through_day(day("9999-12-31"), now);
  REQUIRE(refused);
  CHECK(*refused == "9999-12-31 has not begun; accepted: 0000-01-01 to 2021-06-27 "
                    "(today on the emulator's clock)");
  CHECK(refuse_through_day(day("2021-06-28"), now));
}
