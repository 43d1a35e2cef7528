// Emulated time: a plain count of microseconds since the Unix epoch, in UTC.
//
// Every model takes `now` as a Micros value; only the Clock (clock.h) produces it. Helpers here
// are pure functions for turning Micros into calendar dates and ISO-8601 text and back.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace emu {

using Micros = std::int64_t;

constexpr Micros kMicrosPerMilli = 1'000;
constexpr Micros kMicrosPerSecond = 1'000'000;
constexpr Micros kMicrosPerMinute = 60 * kMicrosPerSecond;
constexpr Micros kMicrosPerHour = 60 * kMicrosPerMinute;
constexpr Micros kMicrosPerDay = 24 * kMicrosPerHour;

constexpr Micros seconds(double s) { return static_cast<Micros>(s * kMicrosPerSecond); }
constexpr Micros millis(double ms) { return static_cast<Micros>(ms * kMicrosPerMilli); }
constexpr double to_seconds(Micros t) { return static_cast<double>(t) / kMicrosPerSecond; }
constexpr double to_millis(Micros t) { return static_cast<double>(t) / kMicrosPerMilli; }

// Floor division that rounds towards negative infinity (times before 1970 stay correct).
constexpr Micros floor_to(Micros t, Micros unit) {
  Micros q = t / unit;
  if ((t % unit) != 0 && ((t < 0) != (unit < 0))) --q;
  return q * unit;
}

struct CivilDate {
  int year = 1970;
  unsigned month = 1;  // 1..12
  unsigned day = 1;    // 1..31
  friend bool operator==(const CivilDate&, const CivilDate&) = default;
};

// Days since 1970-01-01 <-> proleptic Gregorian calendar date.
std::int64_t days_from_civil(const CivilDate& date);
CivilDate civil_from_days(std::int64_t days);

// Day of week of a day count: 0 = Sunday ... 6 = Saturday.
unsigned weekday_from_days(std::int64_t days);

// UTC calendar date of `t`.
CivilDate utc_date(Micros t);
// Start of the UTC day containing `t`.
Micros utc_midnight(Micros t);

// "YYYY-MM-DD".
std::string format_date(const CivilDate& date);
std::optional<CivilDate> parse_date(std::string_view text);

// "2021-06-27T04:00:00.000Z" (milliseconds, always UTC).
std::string format_iso8601(Micros t);
// "2021-06-27T04:00:00" with no fraction and no zone suffix (SQS/CloudWatch query forms use
// other spellings; see their wire layers).
std::string format_iso8601_seconds(Micros t);
// Accepts "YYYY-MM-DD", "YYYY-MM-DDTHH:MM[:SS[.fff...]]" followed by "Z", "+HH:MM", "-HH:MM"
// or nothing (taken as UTC). Returns nullopt for anything else.
std::optional<Micros> parse_iso8601(std::string_view text);

// RFC 7231 date for HTTP headers: "Sun, 27 Jun 2021 04:00:00 GMT".
std::string format_http_date(Micros t);

}  // namespace emu
