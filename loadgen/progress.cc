#include "loadgen/progress.h"

#include <unistd.h>

#include <algorithm>
#include <fstream>

#include <fmt/format.h>

#include "emulator/core/clock.h"

namespace loadgen {

namespace {

// 1234567 -> "1,234,567"
std::string grouped(std::uint64_t n) {
  std::string digits = std::to_string(n), out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

std::string duration(double seconds) {
  const auto s = static_cast<std::int64_t>(std::max(0.0, seconds) + 0.5);
  if (s < 60) return fmt::format("{}s", s);
  if (s < 3600) return fmt::format("{}m{:02}s", s / 60, s % 60);
  return fmt::format("{}h{:02}m", s / 3600, s / 60 % 60);
}

std::uint64_t per_second(std::uint64_t count, Micros wall) {
  if (wall <= 0) return 0;
  return static_cast<std::uint64_t>(static_cast<double>(count) / emu::to_seconds(wall) + 0.5);
}

}  // namespace

std::uint64_t resident_bytes() {
  std::ifstream statm("/proc/self/statm");
  std::uint64_t size = 0, resident = 0;
  if (!(statm >> size >> resident)) return 0;
  return resident * static_cast<std::uint64_t>(sysconf(_SC_PAGESIZE));
}

Progress::Progress(bool enabled, Micros start, Micros end, std::FILE* out)
    : enabled_(enabled), start_(start), end_(std::max(end, start + 1)), out_(out) {
  if (enabled_) wall_start_ = wall_last_ = emu::wall::monotonic_now();
}

std::string Progress::line(Micros now, std::uint64_t requests, std::uint64_t entries,
                           Micros wall_interval, Micros wall_total, std::uint64_t rss_bytes) const {
  const Micros done = std::clamp(now - start_, Micros{0}, end_ - start_);
  const double fraction = static_cast<double>(done) / static_cast<double>(end_ - start_);
  const double eta = done > 0 ? emu::to_seconds(wall_total) * (1 - fraction) / fraction : 0;
  const auto requests_rate = per_second(requests - std::min(requests, last_requests_), wall_interval);
  const auto entries_rate = per_second(entries - std::min(entries, last_entries_), wall_interval);
  return fmt::format("virtual {}Z  {:.1f}%  requests {} ({}/s)  entries {} ({}/s)  rss {} MiB  eta {}",
                     emu::format_iso8601_seconds(start_ + done), 100 * fraction, grouped(requests),
                     grouped(requests_rate), grouped(entries), grouped(entries_rate),
                     rss_bytes >> 20, done > 0 ? duration(eta) : "?");
}

void Progress::write(Micros now, std::uint64_t requests, std::uint64_t entries, Micros wall_now) {
  std::string text = line(now, requests, entries, wall_now - wall_last_, wall_now - wall_start_,
                          resident_bytes());
  const std::size_t width = text.size();
  if (width < last_width_) text.append(last_width_ - width, ' ');  // cover a longer line
  std::fprintf(out_, "\r%s", text.c_str());
  std::fflush(out_);
  last_width_ = width;
  wall_last_ = wall_now;
  last_requests_ = requests;
  last_entries_ = entries;
  written_ = true;
}

void Progress::update(Micros now, std::uint64_t requests, std::uint64_t entries) {
  if (!enabled_) return;
  const Micros wall_now = emu::wall::monotonic_now();
  if (written_ && wall_now - wall_last_ < kInterval) return;
  write(now, requests, entries, wall_now);
}

void Progress::finish(Micros now, std::uint64_t requests, std::uint64_t entries) {
  if (!enabled_) return;
  write(now, requests, entries, emu::wall::monotonic_now());
  std::fputc('\n', out_);
  std::fflush(out_);
}

}  // namespace loadgen
