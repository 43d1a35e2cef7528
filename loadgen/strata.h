// Exact quotas for a calibrated population (`population.day`): the target is one particular
// published day, so every category must hold the count the fit asks for, not a random sample of
// it (a masked published cell of "<20" must come out 1..19, a cell of exactly 20 must not fall
// under the threshold). So nothing in a calibrated population is drawn independently:
//   - the devices are dealt to (OS, app version) and (OS, province) groups in exact numbers
//     (largest remainder of the shares), through a seeded permutation of the device indices, so
//     the groups interleave over the schedule as random draws would;
//   - a device knows its rank within each of its groups (GroupRanks), and a metric with rate r in
//     a group of n devices gives the device at (shifted) rank k floor((k+1)r + 1/2) -
//     floor(kr + 1/2) events: the group gets exactly round(n r), spread evenly over its ranks;
//   - a metric's variants (payload fields) are dealt over the group's events in exact numbers
//     (largest remainder of their weights), in a seeded permuted order.
// Every figure is then a function of (seed, device index) alone, as before: resends repeat the
// same day and a population of millions costs no memory.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace loadgen {

// A device's position within one of its groups: index in [0, size).
struct Rank {
  std::int64_t index = 0, size = 0;
};

// The groups a calibrated day's rates are keyed by ("*", "os", "os@region", "os/version").
struct GroupRanks {
  Rank all, os, region, version;
};

// A bijection of [0, n) chosen by `key` (a four-round Feistel network with cycle walking).
std::uint64_t permute_index(std::uint64_t x, std::uint64_t n, std::uint64_t key);

// `total` split in proportion to `weights` in whole numbers that add up to `total`: each gets the
// floor of its share, the rest go one each to the largest remainders (ties to the first).
std::vector<std::int64_t> apportion(std::int64_t total, const std::vector<double>& weights);

// A stable 64-bit hash of text (FNV-1a): keys of permutations, the same on every platform.
std::uint64_t stable_hash(std::string_view text, std::uint64_t seed);

// Named groups of exact sizes laid end to end: the group of a position and its rank within it.
class Quotas {
 public:
  Quotas() = default;
  Quotas(const std::vector<std::string>& names, const std::vector<double>& shares,
         std::int64_t total);
  bool empty() const { return names_.empty(); }
  // The group holding `position` (in [0, total)) and the position's rank within it.
  const std::string& group(std::int64_t position, Rank& rank) const;

 private:
  std::vector<std::string> names_;
  std::vector<std::int64_t> starts_, sizes_;
};

}  // namespace loadgen
