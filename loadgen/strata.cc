#include "loadgen/strata.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace loadgen {

namespace {

std::uint64_t mix(std::uint64_t z) {
  z += 0x9E3779B97F4A7C15ULL;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

}  // namespace

std::uint64_t permute_index(std::uint64_t x, std::uint64_t n, std::uint64_t key) {
  if (n <= 1) return 0;
  // A balanced Feistel network on 2h bits is a bijection of [0, 4^h); walking the cycle until the
  // value falls back into [0, n) makes it one of [0, n) (4^h < 4n: under four steps on average).
  int h = 1;
  while ((std::uint64_t{1} << (2 * h)) < n) ++h;
  const std::uint64_t mask = (std::uint64_t{1} << h) - 1;
  do {
    std::uint64_t left = x >> h, right = x & mask;
    for (std::uint64_t round = 0; round < 4; ++round) {
      const std::uint64_t next = left ^ (mix(right ^ key ^ (round * 0xD6E8FEB86659FD93ULL)) & mask);
      left = right;
      right = next;
    }
    x = (left << h) | right;
  } while (x >= n);
  return x;
}

std::vector<std::int64_t> apportion(std::int64_t total, const std::vector<double>& weights) {
  std::vector<std::int64_t> out(weights.size(), 0);
  if (weights.empty() || total <= 0) return out;
  double sum = 0;
  for (const double w : weights) sum += std::max(0.0, w);
  std::vector<double> remainder(weights.size(), 0);
  std::int64_t dealt = 0;
  for (std::size_t i = 0; i < weights.size(); ++i) {
    const double exact = sum > 0 ? static_cast<double>(total) * std::max(0.0, weights[i]) / sum
                                 : static_cast<double>(total) / static_cast<double>(weights.size());
    out[i] = static_cast<std::int64_t>(std::floor(exact));
    remainder[i] = exact - static_cast<double>(out[i]);
    dealt += out[i];
  }
  std::vector<std::size_t> order(weights.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return remainder[a] > remainder[b]; });
  for (std::size_t i = 0; dealt < total; i = (i + 1) % order.size(), ++dealt) ++out[order[i]];
  return out;
}

std::uint64_t stable_hash(std::string_view text, std::uint64_t seed) {
  std::uint64_t h = 0xCBF29CE484222325ULL ^ mix(seed);
  for (const char c : text) h = (h ^ static_cast<unsigned char>(c)) * 0x100000001B3ULL;
  return mix(h);
}

Quotas::Quotas(const std::vector<std::string>& names, const std::vector<double>& shares,
               std::int64_t total)
    : names_(names), sizes_(apportion(total, shares)) {
  std::int64_t start = 0;
  for (const std::int64_t size : sizes_) {
    starts_.push_back(start);
    start += size;
  }
}

const std::string& Quotas::group(std::int64_t position, Rank& rank) const {
  // The last group whose start is <= position. An empty group (size 0) shares its start with
  // the group after it, so upper_bound passes over it: it is never chosen.
  auto it = std::upper_bound(starts_.begin(), starts_.end(), position);
  const auto i = static_cast<std::size_t>(it - starts_.begin()) - 1;
  rank = {position - starts_[i], sizes_[i]};
  return names_[i];
}

}  // namespace loadgen
