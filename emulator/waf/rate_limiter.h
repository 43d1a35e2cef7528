// WAF rate-based rule state: requests per client key over a trailing window, kept as counts in
// fixed slots so memory per client is small and constant (millions of phones in a virtual day).
//
// ASSUMPTION: AWS WAF documents that it counts requests over the trailing window (5 minutes for
// the seed's rule) and re-evaluates about every 30 seconds; we count in 30-second slots and
// decide on every request with the count including that request, so blocking starts at the
// first request over the limit rather than up to 30 s later.
//
// Memory: a client is forgotten as soon as its window is empty (its newest slot has left the
// window), which changes no answer: a forgotten client and an empty window both count 0. So
// the clients held are those counted within the last window, and at most `max_clients`
// (waf.rate_limit.max_tracked_clients). DEVIATION: past that many, the least recently counted
// client is forgotten early, its requests in the window no longer counted; AWS documents no
// such limit (only that at most 10,000 addresses are rate limited at once).
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
  static constexpr std::size_t kDefaultMaxClients = 1000000;

  // `limit` requests allowed per `window_seconds` (divided into kSlots slots), for at most
  // `max_clients` clients at once.
  RateLimiter(std::int64_t limit, std::int64_t window_seconds,
              std::size_t max_clients = kDefaultMaxClients);
  // Moving keeps the map's nodes, so the recency list stays valid; copying would not.
  RateLimiter(RateLimiter&&) = default;
  RateLimiter& operator=(RateLimiter&&) = default;
  RateLimiter(const RateLimiter&) = delete;
  RateLimiter& operator=(const RateLimiter&) = delete;

  // Counts one request from `client` at `now` (which never decreases from call to call); true
  // if the client is now over the limit.
  bool count_and_check(const std::string& client, Micros now);
  // Requests counted for `client` in the window ending at `now`.
  std::int64_t count(const std::string& client, Micros now) const;
  std::size_t tracked_clients() const { return windows_.size(); }
  std::int64_t clients_over_limit(Micros now) const;
  // Clients forgotten before their window emptied because max_clients were held.
  std::uint64_t forgotten_early() const { return forgotten_early_; }

 private:
  struct Window;
  using Entry = std::pair<const std::string, Window>;
  struct Window {
    std::int64_t newest_slot = 0;               // slot index (now / slot length) of counts[0]
    std::array<std::uint32_t, kSlots> counts{};  // counts[i] = requests in slot newest_slot - i
    // The recency list through the map's nodes (whose addresses never change): least recently
    // counted first, so the clients whose windows emptied are always at its front.
    Entry* older = nullptr;
    Entry* newer = nullptr;
  };
  static void roll(Window& w, std::int64_t slot);
  std::int64_t total(const Window& w, std::int64_t slot) const;
  void forget_idle(std::int64_t slot);
  void forget(Entry& entry);
  void unlink(Entry& entry);
  void link_newest(Entry& entry);

  std::int64_t limit_;
  Micros slot_length_;
  std::size_t max_clients_;
  std::unordered_map<std::string, Window> windows_;
  Entry* oldest_ = nullptr;
  Entry* newest_ = nullptr;
  std::uint64_t forgotten_early_ = 0;
};

}  // namespace emu::waf
