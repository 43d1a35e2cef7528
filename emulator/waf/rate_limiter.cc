#include "emulator/waf/rate_limiter.h"

#include <algorithm>

namespace emu::waf {

RateLimiter::RateLimiter(std::int64_t limit, std::int64_t window_seconds)
    : limit_(limit), slot_length_(std::max<Micros>(1, window_seconds * kMicrosPerSecond / kSlots)) {}

void RateLimiter::roll(Window& w, std::int64_t slot) {
  const std::int64_t shift = slot - w.newest_slot;
  if (shift <= 0) return;
  if (shift >= kSlots) {
    w.counts.fill(0);
  } else {
    std::move_backward(w.counts.begin(), w.counts.end() - shift, w.counts.end());
    std::fill(w.counts.begin(), w.counts.begin() + shift, 0);
  }
  w.newest_slot = slot;
}

std::int64_t RateLimiter::total(const Window& w, std::int64_t slot) const {
  std::int64_t sum = 0;
  for (int i = 0; i < kSlots; ++i) {
    if (w.newest_slot - i > slot - kSlots) sum += w.counts[i];
  }
  return sum;
}

bool RateLimiter::count_and_check(const std::string& client, Micros now) {
  const std::int64_t slot = floor_to(now, slot_length_) / slot_length_;
  evict_idle(slot);
  Window& w = windows_[client];
  roll(w, slot);
  ++w.counts[0];
  return total(w, slot) > limit_;
}

std::int64_t RateLimiter::count(const std::string& client, Micros now) const {
  const auto it = windows_.find(client);
  if (it == windows_.end()) return 0;
  const std::int64_t slot = floor_to(now, slot_length_) / slot_length_;
  return total(it->second, slot);
}

std::int64_t RateLimiter::clients_over_limit(Micros now) const {
  const std::int64_t slot = floor_to(now, slot_length_) / slot_length_;
  std::int64_t n = 0;
  for (const auto& [client, w] : windows_) n += total(w, slot) > limit_ ? 1 : 0;
  return n;
}

// Clients silent for a whole window hold no information; drop them once per window so memory
// follows the number of recently active clients.
void RateLimiter::evict_idle(std::int64_t slot) {
  if (slot - last_eviction_slot_ < kSlots) return;
  last_eviction_slot_ = slot;
  std::erase_if(windows_, [slot](const auto& entry) {
    return entry.second.newest_slot <= slot - kSlots;
  });
}

}  // namespace emu::waf
