// Seeded, reproducible randomness with our own distributions.
//
// std::*_distribution algorithms differ between standard libraries, which would make a run's
// results depend on the compiler; these do not. One master seed; each component derives its own
// independent stream by name (derive("lambda.create_metrics")), so adding draws in one component
// never shifts another's sequence.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace emu {

class Random {
 public:
  explicit Random(std::uint64_t seed);

  // An independent stream identified by `name`, reproducible from (seed, name).
  Random derive(std::string_view name) const;
  std::uint64_t seed() const { return seed_; }

  std::uint64_t next_u64();
  // Uniform in [0, 1).
  double uniform01();
  // Uniform in [lo, hi).
  double uniform(double lo, double hi) { return lo + (hi - lo) * uniform01(); }
  // Uniform integer in [0, n); n > 0.
  std::uint64_t below(std::uint64_t n);
  // True with probability p.
  bool bernoulli(double p) { return p >= 1.0 || (p > 0.0 && uniform01() < p); }
  double exponential(double mean);
  double normal(double mean, double stddev);
  // Log-normal with the given median (e^mu) and shape sigma.
  double lognormal(double median, double sigma);
  // Random (version 4) UUID in canonical lower-case text form.
  std::string uuid_v4();
  // Time-ordered (version 7, RFC 9562) UUID: the 48-bit Unix time in milliseconds, then 74
  // random bits. UUIDs made later sort after earlier ones (those of one millisecond at random).
  std::string uuid_v7(std::int64_t unix_ms);

 private:
  std::uint64_t seed_;
  std::uint64_t state_[4];
};

// FNV-1a 64-bit hash, used to derive stream seeds from names and for digests.
std::uint64_t fnv1a64(std::string_view data, std::uint64_t basis = 0xcbf29ce484222325ULL);
// A faster 64-bit hash of bytes (eight at a time), the same in every run and build (std::hash
// is free to change between library versions; orders derived from this one are not).
std::uint64_t hash_bytes(std::string_view data, std::uint64_t seed = 0);

}  // namespace emu
