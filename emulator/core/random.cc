#include "emulator/core/random.h"

#include <algorithm>
#include <cmath>

#include "emulator/core/assert.h"

namespace emu {

namespace {

std::uint64_t splitmix64(std::uint64_t& x) {
  std::uint64_t z = (x += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

constexpr double kTwoPi = 6.283185307179586476925286766559;

}  // namespace

std::uint64_t fnv1a64(std::string_view data, std::uint64_t basis) {
  std::uint64_t h = basis;
  for (unsigned char c : data) {
    h ^= c;
    h *= 0x100000001b3ULL;
  }
  return h;
}

std::uint64_t hash_bytes(std::string_view data, std::uint64_t seed) {
  constexpr std::uint64_t kMul = 0x9E3779B97F4A7C15ULL;
  auto mix = [](std::uint64_t x) {  // splitmix64's finaliser
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
    return x ^ (x >> 31);
  };
  std::uint64_t h = seed ^ (static_cast<std::uint64_t>(data.size()) * kMul);
  std::size_t i = 0;
  for (; i + 8 <= data.size(); i += 8) {
    std::uint64_t word = 0;
    for (int b = 7; b >= 0; --b) word = (word << 8) | static_cast<unsigned char>(data[i + b]);
    h = mix(h ^ word) * kMul;
  }
  std::uint64_t tail = 0;
  for (std::size_t b = data.size(); b > i; --b) tail = (tail << 8) | static_cast<unsigned char>(data[b - 1]);
  return mix(h ^ tail);
}

Random::Random(std::uint64_t seed) : seed_(seed) {
  std::uint64_t x = seed;
  for (auto& s : state_) s = splitmix64(x);
}

Random Random::derive(std::string_view name) const {
  std::uint64_t x = seed_ ^ fnv1a64(name);
  return Random(splitmix64(x));
}

// xoshiro256** (Blackman & Vigna, public domain).
std::uint64_t Random::next_u64() {
  const std::uint64_t result = rotl(state_[1] * 5, 7) * 9;
  const std::uint64_t t = state_[1] << 17;
  state_[2] ^= state_[0];
  state_[3] ^= state_[1];
  state_[1] ^= state_[2];
  state_[0] ^= state_[3];
  state_[2] ^= t;
  state_[3] = rotl(state_[3], 45);
  return result;
}

double Random::uniform01() { return static_cast<double>(next_u64() >> 11) * 0x1.0p-53; }

std::uint64_t Random::below(std::uint64_t n) {
  EMU_ASSERT(n > 0);
  // Lemire's nearly-divisionless method, with rejection for exact uniformity.
  __uint128_t m = static_cast<__uint128_t>(next_u64()) * n;
  auto low = static_cast<std::uint64_t>(m);
  if (low < n) {
    const std::uint64_t threshold = (0 - n) % n;
    while (low < threshold) {
      m = static_cast<__uint128_t>(next_u64()) * n;
      low = static_cast<std::uint64_t>(m);
    }
  }
  return static_cast<std::uint64_t>(m >> 64);
}

double Random::exponential(double mean) {
  // 1 - u is in (0, 1], so the log is finite.
  return -mean * std::log(1.0 - uniform01());
}

double Random::normal(double mean, double stddev) {
  // Box-Muller without caching the second value, so each call consumes exactly two draws.
  const double u1 = 1.0 - uniform01();
  const double u2 = uniform01();
  return mean + stddev * std::sqrt(-2.0 * std::log(u1)) * std::cos(kTwoPi * u2);
}

double Random::lognormal(double median, double sigma) {
  return median * std::exp(normal(0.0, sigma));
}

namespace {

// The canonical 8-4-4-4-12 text of a UUID's 128 bits.
std::string uuid_text(std::uint64_t hi, std::uint64_t lo) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out(36, '-');
  int pos = 0;
  auto put = [&](std::uint64_t v) {
    for (int i = 15; i >= 0; --i) {
      if (pos == 8 || pos == 13 || pos == 18 || pos == 23) ++pos;
      out[pos++] = kHex[(v >> (i * 4)) & 0xf];
    }
  };
  put(hi);
  put(lo);
  return out;
}

constexpr std::uint64_t kVariantMask = 0x3fffffffffffffffULL, kVariant = 0x8000000000000000ULL;

}  // namespace

std::string Random::uuid_v4() {
  std::uint64_t hi = next_u64();
  std::uint64_t lo = next_u64();
  hi = (hi & 0xffffffffffff0fffULL) | 0x0000000000004000ULL;  // version 4
  return uuid_text(hi, (lo & kVariantMask) | kVariant);
}

std::string Random::uuid_v7(std::int64_t unix_ms) {
  // Two draws, as uuid_v4, so a stream's later values do not depend on which kind it made.
  const std::uint64_t hi = next_u64();
  const std::uint64_t lo = next_u64();
  const auto ms =
      static_cast<std::uint64_t>(std::max<std::int64_t>(unix_ms, 0)) & 0xffffffffffffULL;
  return uuid_text((ms << 16) | 0x7000ULL | (hi & 0x0fffULL), (lo & kVariantMask) | kVariant);
}

}  // namespace emu
