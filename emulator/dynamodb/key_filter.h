// A table's stored keys as a Bloom filter, so that a lookup of a key the table does not hold
// (every PutItem of a new raw_metrics uuid, every first UpdateItem of an aggregate) is answered
// "absent" from memory instead of by a B-tree descent in SQLite. "Maybe" still asks the store:
// the filter decides nothing, it only saves lookups.
//
// Blocked (the k = 6 bits of a key lie in one 64-byte line: one cache miss per probe) and
// scalable: a chain of filters, each with twice the capacity of the one before, so the table
// may grow without the filter being rebuilt (a probe checks every link). Deleted keys stay in
// it (more false "maybe"s, never a false "absent"); the owner rebuilds it when deletions pass
// the live keys.
//
// Memory: 12 bits per key of capacity (false "maybe" about 1 %), charged by the owner to the
// row cache's budget; a filter that would take more than a quarter of it is not kept.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace emu::dynamodb {

class KeyFilter {
 public:
  explicit KeyFilter(std::size_t first_capacity = 65536) : first_capacity_(first_capacity) {}

  void add(std::uint64_t digest);
  bool may_contain(std::uint64_t digest) const;
  std::size_t bytes() const;
  // Memory of a link made for `capacity` keys (the first link of a filter of that capacity).
  static std::size_t link_bytes(std::size_t capacity);
  std::size_t keys() const { return keys_; }

 private:
  struct Link {
    std::vector<std::uint64_t> words;  // blocks of 8 words
    std::size_t capacity = 0;
    std::size_t keys = 0;
  };
  static bool test(const Link& link, std::uint64_t digest);
  static void set(Link& link, std::uint64_t digest);

  std::size_t first_capacity_;
  std::vector<Link> links_;
  std::size_t keys_ = 0;
};

}  // namespace emu::dynamodb
