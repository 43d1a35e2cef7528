#include "emulator/waf/rate_limiter.h"

#include <algorithm>

namespace emu::waf {

RateLimiter::RateLimiter(std::int64_t limit, std::int64_t window_seconds, std::size_t max_clients)
    : limit_(limit),
      slot_length_(std::max<Micros>(1, window_seconds * kMicrosPerSecond / kSlots)),
      max_clients_(std::max<std::size_t>(1, max_clients)) {}

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

void RateLimiter::unlink(Entry& e) {
  Window& w = e.second;
  (w.older != nullptr ? w.older->second.newer : oldest_) = w.newer;
  (w.newer != nullptr ? w.newer->second.older : newest_) = w.older;
  w.older = w.newer = nullptr;
}

void RateLimiter::link_newest(Entry& e) {
  e.second.older = newest_;
  e.second.newer = nullptr;
  (newest_ != nullptr ? newest_->second.newer : oldest_) = &e;
  newest_ = &e;
}

void RateLimiter::forget(Entry& e) {
  unlink(e);
  windows_.erase(windows_.find(e.first));  // by iterator: the key dies with the node
}

// A client whose newest slot is a whole window old counts 0 now and ever after until it sends
// again, exactly as a client never seen.
void RateLimiter::forget_idle(std::int64_t slot) {
  while (oldest_ != nullptr && oldest_->second.newest_slot <= slot - kSlots) forget(*oldest_);
}

bool RateLimiter::count_and_check(const std::string& client, Micros now) {
  const std::int64_t slot = floor_to(now, slot_length_) / slot_length_;
  forget_idle(slot);
  auto it = windows_.find(client);
  if (it == windows_.end()) {
    if (windows_.size() >= max_clients_) {
      ++forgotten_early_;
      forget(*oldest_);
    }
    it = windows_.emplace(client, Window{}).first;
  } else {
    unlink(*it);
  }
  link_newest(*it);
  Window& w = it->second;
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

}  // namespace emu::waf
