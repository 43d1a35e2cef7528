#include <doctest/doctest.h>

#include "emulator/core/time.h"

using namespace emu;

TEST_CASE("civil dates round-trip through day counts") {
  CHECK(days_from_civil({1970, 1, 1}) == 0);
  CHECK(days_from_civil({2021, 6, 27}) == 18805);
  CHECK(civil_from_days(18805) == CivilDate{2021, 6, 27});
  CHECK(civil_from_days(-1) == CivilDate{1969, 12, 31});
  for (std::int64_t d = -800; d < 30000; d += 37) CHECK(days_from_civil(civil_from_days(d)) == d);
  CHECK(weekday_from_days(days_from_civil({2021, 3, 7})) == 0);  // a Sunday
  CHECK(weekday_from_days(days_from_civil({2021, 6, 27})) == 0);
  CHECK(weekday_from_days(days_from_civil({2021, 6, 28})) == 1);
}

TEST_CASE("the seed's pinDate: event 1615231884409 ms is 2021-03-08 UTC") {
  CHECK(format_date(utc_date(1615231884409LL * kMicrosPerMilli)) == "2021-03-08");
}

TEST_CASE("ISO-8601 formatting and parsing") {
  const Micros t = *parse_iso8601("2021-06-27T04:00:00Z");
  CHECK(format_iso8601(t) == "2021-06-27T04:00:00.000Z");
  CHECK(format_iso8601_seconds(t + 1500 * kMicrosPerMilli) == "2021-06-27T04:00:01");
  CHECK(*parse_iso8601("2021-06-27T00:00:00-04:00") == t);
  CHECK(*parse_iso8601("2021-06-27T05:30:00+01:30") == t);
  CHECK(*parse_iso8601("2021-06-27T04:00:00.25Z") == t + 250 * kMicrosPerMilli);
  CHECK(*parse_iso8601("2021-06-27") == t - 4 * kMicrosPerHour);
  CHECK(*parse_iso8601("2021-06-27T04:00") == t);
  CHECK_FALSE(parse_iso8601("2021-02-30T00:00:00Z"));
  CHECK_FALSE(parse_iso8601("2021-06-27T24:00:00Z"));
  CHECK_FALSE(parse_iso8601("yesterday"));
  CHECK_FALSE(parse_iso8601("2021-06-27T04:00:00Zjunk"));
  CHECK(format_http_date(t) == "Sun, 27 Jun 2021 04:00:00 GMT");
}

TEST_CASE("floor_to rounds towards negative infinity") {
  CHECK(floor_to(-1, kMicrosPerDay) == -kMicrosPerDay);
  CHECK(floor_to(kMicrosPerDay + 5, kMicrosPerDay) == kMicrosPerDay);
  CHECK(utc_midnight(*parse_iso8601("2021-06-27T23:59:59Z")) == *parse_iso8601("2021-06-27"));
}
