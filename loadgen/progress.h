// Live progress of an in-process run on stderr: one line, rewritten in place (\r) at most every
// kInterval of wall time and finished with a newline, e.g.
//   virtual 2021-06-27T03:16:42Z  11.7%  requests 158,976 (16,888/s)
//     entries 1,102,258 (113,113/s)  rss 419 MiB  eta 1m16s            (on one line)
// "/s" is per wall second over the last interval; the ETA extrapolates the virtual time covered
// per wall second so far. Nothing is written unless enabled (by default, when stderr is a
// terminal). Wall time comes from emu::wall, never from the virtual clock.
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>

#include "emulator/core/time.h"

namespace loadgen {

using emu::Micros;

class Progress {
 public:
  static constexpr Micros kInterval = 2 * emu::kMicrosPerSecond;

  // The run covers virtual time [start, end). `out` is where lines go (stderr).
  Progress(bool enabled, Micros start, Micros end, std::FILE* out = stderr);
  // Reports the run at virtual time `now` with `requests` sent and `entries` in them; writes a
  // line when kInterval of wall time has passed since the last (the first call writes one).
  void update(Micros now, std::uint64_t requests, std::uint64_t entries);
  // Writes the final line and its newline (if enabled).
  void finish(Micros now, std::uint64_t requests, std::uint64_t entries);

  // The line for these figures (for tests): `wall_interval` is the wall time since the last
  // line, `wall_total` since the start, `rss_bytes` the resident set.
  std::string line(Micros now, std::uint64_t requests, std::uint64_t entries, Micros wall_interval,
                   Micros wall_total, std::uint64_t rss_bytes) const;

 private:
  void write(Micros now, std::uint64_t requests, std::uint64_t entries, Micros wall_now);

  bool enabled_;
  Micros start_, end_;
  std::FILE* out_;
  Micros wall_start_ = 0, wall_last_ = 0;
  bool written_ = false;
  std::uint64_t last_requests_ = 0, last_entries_ = 0;
  std::size_t last_width_ = 0;
};

// The process's resident set size, from /proc/self/statm (0 if unreadable).
std::uint64_t resident_bytes();

}  // namespace loadgen
