#include "emulator/dynamodb/row_cache.h"

namespace emu::dynamodb {

namespace {

// Heap bytes of a string beyond its object (libstdc++ keeps up to 15 bytes inline).
std::size_t heap_of(const std::string& s) { return s.size() > 15 ? s.capacity() + 1 : 0; }

std::size_t value_memory(const AttributeValue& v) {
  std::size_t bytes = heap_of(v.scalar());
  switch (v.type()) {
    case Type::kL:
      for (const auto& e : v.list_value()) bytes += sizeof(AttributeValue) + value_memory(e);
      return bytes + 32;
    case Type::kM:
      return bytes + 32 + item_memory(v.map_value());
    case Type::kSS:
    case Type::kNS:
    case Type::kBS:
      for (const auto& e : v.set_value()) bytes += sizeof(std::string) + heap_of(e);
      return bytes + 32;
    default:
      return bytes;
  }
}

}  // namespace

std::size_t item_memory(const Item& item) {
  // The members' array as allocated: room not yet used is held too.
  std::size_t bytes = sizeof(Item) + (item.capacity() - item.size()) * sizeof(Item::value_type);
  for (const auto& [name, value] : item) {
    bytes += sizeof(std::pair<std::string, AttributeValue>) + heap_of(name) + value_memory(value);
  }
  return bytes;
}

std::uint32_t RowCache::charge_of(const CacheEntry& entry) {
  // The map node (key, entry, hash links) and the item's control block.
  std::size_t bytes = sizeof(CacheEntry) + sizeof(KeyEnc) + 64 + heap_of(entry.key->hash) +
                      heap_of(entry.key->range);
  if (entry.row.item) bytes += 32 + item_memory(*entry.row.item);
  if (entry.packed) bytes += sizeof(PackedItem) + heap_of(entry.packed->blob);
  return static_cast<std::uint32_t>(bytes);
}

void RowCache::add(CacheEntry& entry) {
  entry.charge = charge_of(entry);
  used_ += entry.charge;
  ++rows_;
  if (hand_ == nullptr) {
    entry.prev = entry.next = &entry;
    hand_ = &entry;
    return;
  }
  // Behind the hand: a new row is the last the hand reaches.
  entry.next = hand_;
  entry.prev = hand_->prev;
  hand_->prev->next = &entry;
  hand_->prev = &entry;
}

void RowCache::remove(CacheEntry& entry) {
  used_ -= entry.charge;
  if (entry.dirty) {
    dirty_ -= entry.charge;
    entry.table->dirty_charge_ -= entry.charge;
  }
  --rows_;
  if (entry.next == &entry) {
    hand_ = nullptr;
  } else {
    if (hand_ == &entry) hand_ = entry.next;
    entry.prev->next = entry.next;
    entry.next->prev = entry.prev;
  }
  entry.prev = entry.next = nullptr;
}

void RowCache::demote(CacheEntry& entry) {
  if (hand_ == &entry || entry.next == &entry) {
    hand_ = &entry;
    return;
  }
  entry.prev->next = entry.next;
  entry.next->prev = entry.prev;
  entry.next = hand_;
  entry.prev = hand_->prev;
  hand_->prev->next = &entry;
  hand_->prev = &entry;
  hand_ = &entry;
}

void RowCache::recharge(CacheEntry& entry) {
  const std::uint32_t charge = charge_of(entry);
  used_ = used_ - entry.charge + charge;
  if (entry.dirty) {
    dirty_ = dirty_ - entry.charge + charge;
    entry.table->dirty_charge_ = entry.table->dirty_charge_ - entry.charge + charge;
  }
  entry.charge = charge;
}

void RowCache::mark_dirty(CacheEntry& entry) {
  if (entry.dirty) return;
  entry.dirty = true;
  dirty_ += entry.charge;
  entry.table->dirty_charge_ += entry.charge;
}

void RowCache::mark_clean(CacheEntry& entry) {
  if (!entry.dirty) return;
  entry.dirty = false;
  dirty_ -= entry.charge;
  entry.table->dirty_charge_ -= entry.charge;
}

void RowCache::trim() {
  // Two full turns of the hand at most: the first clears the bits, the second finds victims;
  // beyond that only dirty rows are left.
  std::size_t steps = 2 * rows_;
  while (used_ > budget_ && hand_ != nullptr && steps-- > 0) {
    CacheEntry& entry = *hand_;
    hand_ = entry.next;
    if (entry.referenced) {
      entry.referenced = false;
      continue;
    }
    if (entry.dirty) continue;
    ++evictions_;
    entry.table->evict(entry);  // calls remove(entry) and frees it
  }
}

}  // namespace emu::dynamodb
