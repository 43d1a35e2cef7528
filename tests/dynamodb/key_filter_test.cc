#include <doctest/doctest.h>

#include "emulator/core/random.h"
#include "emulator/dynamodb/key_filter.h"

using emu::Random;
using emu::dynamodb::KeyFilter;

TEST_CASE("a key filter never forgets a key and rarely claims one it never saw") {
  KeyFilter filter(1000);  // small first link: the chain grows several times
  Random r(5);
  std::vector<std::uint64_t> added;
  for (int i = 0; i < 200000; ++i) {
    added.push_back(r.next_u64());
    filter.add(added.back());
  }
  for (const auto d : added) REQUIRE(filter.may_contain(d));
  int false_maybe = 0;
  for (int i = 0; i < 100000; ++i) false_maybe += filter.may_contain(r.next_u64()) ? 1 : 0;
  // 12 bits per key, 6 bits per probe, a chain of growing links: about 1 % per link probed.
  CHECK(false_maybe < 6000);
  CHECK(filter.keys() == 200000);
  // Doubling links: at most twice the bits the keys need, 12 bits each.
  CHECK(filter.bytes() <= 2 * 200000 * 12 / 8 + 64 * 64);
}

TEST_CASE(
    "a filter's first link takes what link_bytes says, which owners check before making one") {
  // 12 bits per key, rounded up to whole 64-byte blocks.
  CHECK(KeyFilter::link_bytes(65536) == 98304);
  CHECK(KeyFilter::link_bytes(1000) == 1536);
  CHECK(KeyFilter::link_bytes(1) == 64);
  for (const std::size_t capacity : {std::size_t{1}, std::size_t{1000}, std::size_t{65536}}) {
    KeyFilter filter(capacity);
    CHECK(filter.bytes() == 0);  // nothing until the first key
    filter.add(42);
    CHECK(filter.bytes() == KeyFilter::link_bytes(capacity));
  }
}
