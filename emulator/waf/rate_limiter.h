// WAF rate-based rule state: requests per client key over a trailing window, kept as counts in
// fixed slots so memory per client is small and constant (millions of phones in a virtual day).
//
// ASSUMPTION: AWS WAF documents that it counts requests over the trailing window (5 minutes for
// the seed's rule) and re-evaluates about every 30 seconds; we count in 30-second slots and
// decide on every request with the count including that request, so blocking starts at the
// first request over the limit rather than up to 30 s later.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <unordered_map>

#include "emulator/core/time.h"

namespace emu::waf {

class RateLimiter {
 public:
  static constexpr int kSlots = 10;

  // `limit` requests allowed per `window_seconds` (divided into kSlots slots).
  RateLimiter(std::int64_t limit, std::int64_t window_seconds);

  // Counts one request from `client` at `now`; true if the client is now over the limit.
  bool count_and_check(const std::string& client, Micros now);
  // Requests counted for `client` in the window ending at `now`.
  std::int64_t count(const std::string& client, Micros now) const;
  std::size_t tracked_clients() const { return windows_.size(); }
  std::int64_t clients_over_limit(Micros now) const;

 private:
  struct Window {
    std::int64_t newest_slot = 0;               // slot index (now / slot length) of counts[0]
    std::array<std::uint32_t, kSlots> counts{};  // counts[i] = requests in slot newest_slot - i
  };
  static void roll(Window& w, std::int64_t slot);
  std::int64_t total(const Window& w, std::int64_t slot) const;
  void evict_idle(std::int64_t slot);

  std::int64_t limit_;
  Micros slot_length_;
  std::unordered_map<std::string, Window> windows_;
  std::int64_t last_eviction_slot_ = 0;
};

}  // namespace emu::waf
