#include "emulator/core/time.h"

#include <charconv>
#include <cstdio>

namespace emu {

// Howard Hinnant's civil-date algorithms (public domain), valid for the whole int64 day range
// that matters here.
std::int64_t days_from_civil(const CivilDate& date) {
  const std::int64_t y = static_cast<std::int64_t>(date.year) - (date.month <= 2 ? 1 : 0);
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const std::int64_t yoe = y - era * 400;
  const std::int64_t m = date.month;
  const std::int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + date.day - 1;
  const std::int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

CivilDate civil_from_days(std::int64_t days) {
  days += 719468;
  const std::int64_t era = (days >= 0 ? days : days - 146096) / 146097;
  const std::int64_t doe = days - era * 146097;
  const std::int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const std::int64_t y = yoe + era * 400;
  const std::int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const std::int64_t mp = (5 * doy + 2) / 153;
  const unsigned d = static_cast<unsigned>(doy - (153 * mp + 2) / 5 + 1);
  const unsigned m = static_cast<unsigned>(mp < 10 ? mp + 3 : mp - 9);
  return CivilDate{static_cast<int>(y + (m <= 2 ? 1 : 0)), m, d};
}

unsigned weekday_from_days(std::int64_t days) {
  return static_cast<unsigned>(days >= -4 ? (days + 4) % 7 : (days + 5) % 7 + 6);
}

CivilDate utc_date(Micros t) { return civil_from_days(floor_to(t, kMicrosPerDay) / kMicrosPerDay); }

Micros utc_midnight(Micros t) { return floor_to(t, kMicrosPerDay); }

std::string format_date(const CivilDate& date) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", date.year, date.month, date.day);
  return buf;
}

namespace {

bool read_digits(std::string_view text, size_t pos, size_t count, int& out) {
  if (pos + count > text.size()) return false;
  for (size_t i = pos; i < pos + count; ++i) {
    if (text[i] < '0' || text[i] > '9') return false;
  }
  std::from_chars(text.data() + pos, text.data() + pos + count, out);
  return true;
}

unsigned days_in_month(int year, unsigned month) {
  static constexpr unsigned kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return month == 2 && leap ? 29 : kDays[month - 1];
}

}  // namespace

std::optional<CivilDate> parse_date(std::string_view text) {
  int y = 0, m = 0, d = 0;
  if (text.size() < 10 || !read_digits(text, 0, 4, y) || text[4] != '-' ||
      !read_digits(text, 5, 2, m) || text[7] != '-' || !read_digits(text, 8, 2, d)) {
    return std::nullopt;
  }
  if (m < 1 || m > 12 || d < 1 || static_cast<unsigned>(d) > days_in_month(y, m)) {
    return std::nullopt;
  }
  return CivilDate{y, static_cast<unsigned>(m), static_cast<unsigned>(d)};
}

std::string format_iso8601(Micros t) {
  const Micros day_start = utc_midnight(t);
  const CivilDate date = utc_date(t);
  const Micros in_day = t - day_start;
  char buf[64];
  std::snprintf(buf, sizeof buf, "%sT%02lld:%02lld:%02lld.%03lldZ", format_date(date).c_str(),
                static_cast<long long>(in_day / kMicrosPerHour),
                static_cast<long long>(in_day / kMicrosPerMinute % 60),
                static_cast<long long>(in_day / kMicrosPerSecond % 60),
                static_cast<long long>(in_day / kMicrosPerMilli % 1000));
  return buf;
}

std::string format_iso8601_seconds(Micros t) {
  return format_iso8601(t).substr(0, 19);
}

std::optional<Micros> parse_iso8601(std::string_view text) {
  const auto date = parse_date(text);
  if (!date) return std::nullopt;
  Micros t = days_from_civil(*date) * kMicrosPerDay;
  size_t pos = 10;
  if (pos == text.size()) return t;
  if (text[pos] != 'T' && text[pos] != ' ') return std::nullopt;
  int hh = 0, mm = 0, ss = 0;
  if (!read_digits(text, pos + 1, 2, hh) || text.size() < pos + 6 || text[pos + 3] != ':' ||
      !read_digits(text, pos + 4, 2, mm) || hh > 23 || mm > 59) {
    return std::nullopt;
  }
  pos += 6;
  if (pos < text.size() && text[pos] == ':') {
    if (!read_digits(text, pos + 1, 2, ss) || ss > 60) return std::nullopt;
    pos += 3;
  }
  t += hh * kMicrosPerHour + mm * kMicrosPerMinute + ss * kMicrosPerSecond;
  if (pos < text.size() && text[pos] == '.') {
    Micros scale = kMicrosPerSecond / 10;
    ++pos;
    const size_t first = pos;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
      t += (text[pos] - '0') * scale;
      scale /= 10;
      ++pos;
    }
    if (pos == first) return std::nullopt;
  }
  if (pos == text.size()) return t;
  if (text[pos] == 'Z' && pos + 1 == text.size()) return t;
  if ((text[pos] == '+' || text[pos] == '-') && text.size() == pos + 6 && text[pos + 3] == ':') {
    int oh = 0, om = 0;
    if (!read_digits(text, pos + 1, 2, oh) || !read_digits(text, pos + 4, 2, om)) {
      return std::nullopt;
    }
    const Micros offset = oh * kMicrosPerHour + om * kMicrosPerMinute;
    return text[pos] == '+' ? t - offset : t + offset;
  }
  return std::nullopt;
}

std::string format_http_date(Micros t) {
  static constexpr const char* kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                            "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  const std::int64_t days = floor_to(t, kMicrosPerDay) / kMicrosPerDay;
  const CivilDate date = civil_from_days(days);
  const Micros in_day = t - days * kMicrosPerDay;
  char buf[64];
  std::snprintf(buf, sizeof buf, "%s, %02u %s %04d %02lld:%02lld:%02lld GMT",
                kDays[weekday_from_days(days)], date.day, kMonths[date.month - 1], date.year,
                static_cast<long long>(in_day / kMicrosPerHour),
                static_cast<long long>(in_day / kMicrosPerMinute % 60),
                static_cast<long long>(in_day / kMicrosPerSecond % 60));
  return buf;
}

}  // namespace emu
