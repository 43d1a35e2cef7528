#include "emulator/dynamodb/key_filter.h"

namespace emu::dynamodb {

namespace {

constexpr int kBits = 6;             // bits set per key, all in one block
constexpr std::size_t kBitsPerKey = 12;
constexpr std::size_t kBlockWords = 8;  // 512 bits: one cache line

std::uint64_t mix(std::uint64_t x) {
  // splitmix64's finaliser: the digest's bits spread over the block choice and the bits.
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ULL;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

// Where a key's bits lie: its block (from the high bits of one mix, by multiply-shift range
// reduction) and the six 9-bit positions in it (from a second mix).
struct Place {
  std::size_t first_word;
  std::uint64_t positions;
};

Place place_of(std::size_t words, std::uint64_t digest) {
  const std::uint64_t h = mix(digest);
  const std::size_t blocks = words / kBlockWords;
  // 32 high bits times a count below 2^32 (a filter of 2^32 blocks would be terabytes) fits in
  // 64 bits, so no 128-bit product (not ISO C++: -Wpedantic) is needed.
  const auto block = static_cast<std::size_t>(((h >> 32) * std::uint64_t{blocks}) >> 32);
  return {block * kBlockWords, mix(h + 0x9e3779b97f4a7c15ULL)};
}

}  // namespace

bool KeyFilter::test(const Link& link, std::uint64_t digest) {
  const Place p = place_of(link.words.size(), digest);
  std::uint64_t bits = p.positions;
  for (int i = 0; i < kBits; ++i, bits >>= 9) {
    const auto bit = static_cast<unsigned>(bits & 511);
    if ((link.words[p.first_word + (bit >> 6)] & (1ULL << (bit & 63))) == 0) return false;
  }
  return true;
}

void KeyFilter::set(Link& link, std::uint64_t digest) {
  const Place p = place_of(link.words.size(), digest);
  std::uint64_t bits = p.positions;
  for (int i = 0; i < kBits; ++i, bits >>= 9) {
    const auto bit = static_cast<unsigned>(bits & 511);
    link.words[p.first_word + (bit >> 6)] |= 1ULL << (bit & 63);
  }
}

void KeyFilter::add(std::uint64_t digest) {
  if (links_.empty() || links_.back().keys >= links_.back().capacity) {
    Link link;
    link.capacity = links_.empty() ? first_capacity_ : 2 * links_.back().capacity;
    link.words.assign(link_bytes(link.capacity) / sizeof(std::uint64_t), 0);
    links_.push_back(std::move(link));
  }
  set(links_.back(), digest);
  ++links_.back().keys;
  ++keys_;
}

bool KeyFilter::may_contain(std::uint64_t digest) const {
  for (const auto& link : links_) {
    if (test(link, digest)) return true;
  }
  return false;
}

std::size_t KeyFilter::link_bytes(std::size_t capacity) {
  const std::size_t blocks = (capacity * kBitsPerKey + 511) / 512;
  return blocks * kBlockWords * sizeof(std::uint64_t);
}

std::size_t KeyFilter::bytes() const {
  std::size_t total = 0;
  for (const auto& link : links_) total += link.words.size() * sizeof(std::uint64_t);
  return total;
}

}  // namespace emu::dynamodb
