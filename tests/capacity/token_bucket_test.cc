#include <doctest/doctest.h>

#include "emulator/capacity/token_bucket.h"

using namespace emu;
using emu::capacity::TokenBucket;

namespace {
// Sends `n` requests spread evenly over [start, start + span) and counts those admitted.
int send(TokenBucket& b, int n, Micros start, Micros span) {
  int served = 0;
  for (int i = 0; i < n; ++i) served += b.try_take(start + span * i / n) ? 1 : 0;
  return served;
}
}  // namespace

TEST_CASE("admits burst at once, then rate per second, and refuses beyond") {
  TokenBucket b(100, 50);
  CHECK(send(b, 80, 0, 0) == 50);
  CHECK(send(b, 30, kMicrosPerSecond / 10, 0) == 10);  // 10 tokens refilled in 100 ms
  CHECK(b.available(10 * kMicrosPerSecond) == doctest::Approx(50));  // capped at burst
}

TEST_CASE("the five worked examples of the API Gateway throttling guide (10000 rps, 5000)") {
  const Micros ms = kMicrosPerMilli;
  {  // 1. 10,000 requests spread evenly over one second -> all served
    TokenBucket b(10000, 5000);
    CHECK(send(b, 10000, 0, 1000 * ms) == 10000);
  }
  {  // 2. 10,000 in the first millisecond -> 5,000 served
    TokenBucket b(10000, 5000);
    CHECK(send(b, 10000, 0, 0) == 5000);
  }
  {  // 3. 5,000 in the first ms, then 5,000 spread over the remaining 999 ms -> all served
    TokenBucket b(10000, 5000);
    CHECK(send(b, 5000, 0, 0) == 5000);
    CHECK(send(b, 5000, ms, 999 * ms) == 5000);
  }
  {  // 4. 5,000 at t=0 and 5,000 at t=100 ms -> 6,000 served (1,000 tokens refilled)
    TokenBucket b(10000, 5000);
    CHECK(send(b, 5000, 0, 0) + send(b, 5000, 100 * ms, 0) == 6000);
  }
  {  // 5. 5,000 at t=0, 1,000 at t=101 ms, 4,000 over the remaining 899 ms -> all served
    TokenBucket b(10000, 5000);
    const int served = send(b, 5000, 0, 0) + send(b, 1000, 101 * ms, 0) +
                       send(b, 4000, 101 * ms, 899 * ms);
    CHECK(served == 10000);
  }
}

TEST_CASE("reconfiguring keeps tokens but caps them at the new burst") {
  TokenBucket b(10, 100);
  b.reconfigure(1, 5, 0);
  CHECK(b.available(0) == 5);
  CHECK(b.rate() == 1);
}
