// The bounded memory in front of the item store: every table's cached rows share one budget
// (`dynamodb.cache_mib`). Each row is charged an estimate of the memory it holds (its item's
// attributes and strings, its key, the entry itself).
//
// Eviction is CLOCK (a row used since the hand last passed gets a second chance): a cache hit
// costs one flag, not a list move. Only clean rows are evicted; dirty rows wait for the next
// flush, which the owner runs when dirty rows pass half the budget (dirty_limit_reached()).
// trim() runs between operations only (Database calls it as each operation begins), so a row
// pointer an operation holds is never evicted under it.
//
// Thread rules: simulation thread only.
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>

#include "emulator/dynamodb/table.h"

namespace emu::dynamodb {

// Estimated bytes of memory an item holds beyond its owner's pointer.
std::size_t item_memory(const Item& item);

class RowCache {
 public:
  static constexpr std::size_t kUnbounded = std::numeric_limits<std::size_t>::max();
  explicit RowCache(std::size_t budget_bytes) : budget_(budget_bytes) {}

  void add(CacheEntry& entry);
  void remove(CacheEntry& entry);
  // The entry's row changed: charges its new size.
  void recharge(CacheEntry& entry);
  void mark_dirty(CacheEntry& entry);
  void mark_clean(CacheEntry& entry);
  // The entry is the next the hand considers: a row written once and not used since (a
  // raw_metrics POST) gives way before rows that are used again (the aggregates).
  void demote(CacheEntry& entry);

  // Evicts clean rows, oldest use first, until the cache is within its budget (or only dirty
  // rows are left).
  void trim();
  bool over_budget() const { return used_ > budget_; }
  bool dirty_limit_reached() const { return budget_ != kUnbounded && dirty_ > budget_ / 2; }

  std::size_t budget() const { return budget_; }
  std::size_t used() const { return used_; }
  std::size_t dirty_bytes() const { return dirty_; }
  std::size_t rows() const { return rows_; }
  std::uint64_t evictions() const { return evictions_; }
  // Lookups answered from memory, rows read from the store, and lookups the store answered
  // "absent".
  void count_hit() { ++hits_; }
  void count_filtered() { ++filtered_; }
  std::uint64_t filtered() const { return filtered_; }
  // Memory the cache's budget also pays for (the tables' key filters).
  void charge_fixed(std::size_t bytes) { used_ += bytes; fixed_ += bytes; }
  void uncharge_fixed(std::size_t bytes) { used_ -= bytes; fixed_ -= bytes; }
  std::size_t fixed_bytes() const { return fixed_; }
  void count_load(bool found) { ++(found ? loads_ : absent_); }
  // Rows packed (Table::pack_dirty_rows), and rows written to the store, each time.
  void count_pack() { ++packs_; }
  void count_write() { ++writes_; }
  std::uint64_t packs() const { return packs_; }
  std::uint64_t writes() const { return writes_; }
  std::uint64_t hits() const { return hits_; }
  std::uint64_t loads() const { return loads_; }
  std::uint64_t absent() const { return absent_; }

  static std::uint32_t charge_of(const CacheEntry& entry);

 private:
  std::size_t budget_;
  std::size_t used_ = 0, dirty_ = 0, rows_ = 0;
  std::uint64_t evictions_ = 0, hits_ = 0, loads_ = 0, absent_ = 0, filtered_ = 0, packs_ = 0,
                writes_ = 0;
  std::size_t fixed_ = 0;
  CacheEntry* hand_ = nullptr;  // the CLOCK hand: the next entry to consider
};

}  // namespace emu::dynamodb
