// The rate rule's memory: clients are forgotten once their window is empty, which changes no
// answer, and at most max_tracked_clients are held.
#include <doctest/doctest.h>

#include <deque>
#include <map>

#include "emulator/core/random.h"
#include "emulator/waf/rate_limiter.h"

using namespace emu;
using namespace emu::waf;

namespace {

constexpr Micros kSlot = 30 * kMicrosPerSecond;  // a 300 s window in RateLimiter::kSlots slots

// The rule as written: every request's slot, kept forever; a client's count is the requests in
// the last kSlots slots.
struct Reference {
  std::int64_t limit;
  std::map<std::string, std::deque<std::int64_t>> slots;
  bool count_and_check(const std::string& client, Micros now) {
    const std::int64_t slot = now / kSlot;
    auto& mine = slots[client];
    mine.push_back(slot);
    std::int64_t n = 0;
    for (const auto s : mine) n += s > slot - RateLimiter::kSlots ? 1 : 0;
    return n > limit;
  }
};

std::string ip(std::uint64_t n) { return "10.0." + std::to_string(n / 256) + "." + std::to_string(n % 256); }

}  // namespace

TEST_CASE("forgetting idle clients changes no verdict, and memory follows the last window") {
  RateLimiter limiter(20, 300);
  Reference reference{20, {}};
  Random random(42);
  Micros now = 0;
  std::size_t most_tracked = 0, blocked = 0;
  for (int i = 0; i < 200000; ++i) {
    now += static_cast<Micros>(random.exponential(20 * kMicrosPerMilli));
    // 500 regular clients (some past the limit), and a stream of clients seen once.
    const std::string client = random.bernoulli(0.5) ? ip(random.below(500)) : "once-" + std::to_string(i);
    const bool over = limiter.count_and_check(client, now);
    REQUIRE(over == reference.count_and_check(client, now));
    blocked += over ? 1 : 0;
    most_tracked = std::max(most_tracked, limiter.tracked_clients());
  }
  // ~67 minutes of traffic, ~100,000 clients seen once: only those of the last window (plus
  // the slot being filled) are held, about 300 s / 20 ms / 2 of them + the 500 regulars.
  CHECK(reference.slots.size() > 100000);
  CHECK(blocked > 0);  // regulars average 15 requests a window against a limit of 20
  CHECK(most_tracked <= 500 + (300 + 30) * 1000 / 20 / 2 * 11 / 10);
  CHECK(limiter.forgotten_early() == 0);
  // A window later, everyone is forgotten, and a returning client starts from zero.
  const Micros later = now + 300 * kMicrosPerSecond + kSlot;
  CHECK_FALSE(limiter.count_and_check("10.0.0.1", later));
  CHECK(limiter.tracked_clients() == 1);
  CHECK(limiter.count("10.0.0.1", later) == 1);
}

TEST_CASE("a client whose window still holds requests is kept and keeps counting") {
  RateLimiter limiter(3, 300);
  CHECK_FALSE(limiter.count_and_check("a", 0));
  CHECK_FALSE(limiter.count_and_check("a", 100 * kMicrosPerSecond));
  // Others arrive after a's first slot left the window; a's second slot has not.
  CHECK_FALSE(limiter.count_and_check("b", 320 * kMicrosPerSecond));
  CHECK(limiter.tracked_clients() == 2);
  CHECK(limiter.count("a", 320 * kMicrosPerSecond) == 1);
  CHECK_FALSE(limiter.count_and_check("a", 330 * kMicrosPerSecond));
  CHECK_FALSE(limiter.count_and_check("a", 331 * kMicrosPerSecond));
  CHECK(limiter.count_and_check("a", 332 * kMicrosPerSecond));  // 4 in the window: over 3
  // b sent nothing more: gone one window after its slot, when anyone is counted.
  CHECK_FALSE(limiter.count_and_check("c", 620 * kMicrosPerSecond));
  CHECK(limiter.count("b", 620 * kMicrosPerSecond) == 0);
  CHECK(limiter.tracked_clients() == 2);  // a (slot 11 still in the window) and c
}

TEST_CASE("at most max_tracked_clients are held; the least recently counted goes first") {
  RateLimiter limiter(2, 300, 100);
  for (int i = 0; i < 1000; ++i) {
    limiter.count_and_check(ip(static_cast<std::uint64_t>(i)), i * kMicrosPerMilli);
    REQUIRE(limiter.tracked_clients() <= 100);
  }
  CHECK(limiter.tracked_clients() == 100);
  CHECK(limiter.forgotten_early() == 900);
  CHECK(limiter.count(ip(999), kMicrosPerSecond) == 1);
  CHECK(limiter.count(ip(0), kMicrosPerSecond) == 0);  // forgotten early: counts restart
  // A client counted again moves to the back and survives the next newcomer.
  limiter.count_and_check(ip(900), 2 * kMicrosPerSecond);
  limiter.count_and_check("newcomer", 2 * kMicrosPerSecond);
  CHECK(limiter.count(ip(900), 2 * kMicrosPerSecond) == 2);
  CHECK(limiter.count(ip(901), 2 * kMicrosPerSecond) == 0);
}
