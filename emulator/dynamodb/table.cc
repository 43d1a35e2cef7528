#include "emulator/dynamodb/table.h"

#include <algorithm>
#include <cmath>

#include "emulator/core/random.h"

namespace emu::dynamodb {

std::uint64_t KeyEnc::digest() const {
  if (cached_digest == 0) {
    const std::uint64_t d = hash_bytes(range, hash_bytes(hash));
    cached_digest = d != 0 ? d : 1;
  }
  return cached_digest;
}

Table::Table(TableSchema schema) : schema_(std::move(schema)) {
  for (const auto& s : schema_.indexes) indexes_.push_back(Index{s, {}, 0});
}

KeyEnc Table::key_of(const Item& item) const {
  KeyEnc key;
  key.hash = sort_key(item.find(schema_.hash.name)->second);
  if (schema_.range) key.range = sort_key(item.find(schema_.range->name)->second);
  return key;
}

Item Table::key_item(const Item& item) const {
  Item out;
  if (auto it = item.find(schema_.hash.name); it != item.end()) out.emplace(it->first, it->second);
  if (schema_.range) {
    if (auto it = item.find(schema_.range->name); it != item.end()) {
      out.emplace(it->first, it->second);
    }
  }
  return out;
}

std::optional<IndexKeyEnc> Table::index_key(const IndexSchema& index, const Item& item,
                                            const KeyEnc& table_key) const {
  auto h = item.find(index.hash.name);
  if (h == item.end() || h->second.type() != index.hash.type) return std::nullopt;
  IndexKeyEnc key;
  key.hash = sort_key(h->second);
  if (index.range) {
    auto r = item.find(index.range->name);
    if (r == item.end() || r->second.type() != index.range->type) return std::nullopt;
    key.range = sort_key(r->second);
  }
  key.table_hash = table_key.digest();
  key.table = table_key;
  return key;
}

const Row* Table::find(const KeyEnc& key) const {
  const auto it = lookup_.find(key);
  found_key_ = it == lookup_.end() ? nullptr : &it->first;
  found_place_ = it == lookup_.end() ? nullptr : const_cast<RowPlace*>(&it->second);
  return found_place_ == nullptr ? nullptr : &found_place_->row->second;
}

Table::RowPlace* Table::place_of(const KeyEnc& key) {
  if (found_key_ != nullptr && *found_key_ == key) return found_place_;
  const auto it = lookup_.find(key);
  return it == lookup_.end() ? nullptr : &it->second;
}

const Index* Table::index(std::string_view name) const {
  for (const auto& i : indexes_) {
    if (i.schema.definition.index_name == name) return &i;
  }
  return nullptr;
}

std::optional<std::int64_t> Table::ttl_of(const Item& item) const {
  if (!schema_.ttl_enabled) return std::nullopt;
  auto it = item.find(schema_.ttl_attribute);
  if (it == item.end() || it->second.type() != Type::kN) return std::nullopt;
  const std::string& text = it->second.scalar();
  const auto point = text.find('.');
  const std::string whole = text.substr(0, point);
  if (whole.size() > 15) return std::nullopt;  // beyond any plausible epoch second
  return std::stoll(whole.empty() || whole == "-" ? "0" : whole);
}

bool Table::in_index(const IndexSchema& index, const Item& item) {
  const auto h = item.find(index.hash.name);
  if (h == item.end() || h->second.type() != index.hash.type) return false;
  if (!index.range) return true;
  const auto r = item.find(index.range->name);
  return r != item.end() && r->second.type() == index.range->type;
}

bool Table::same_index_key(const IndexSchema& index, const Item& a, const Item& b) {
  if (!in_index(index, a) || !in_index(index, b)) return false;
  // Key attributes are S, N or B: equal values are equal keys (numbers are canonical text).
  if (!(a.find(index.hash.name)->second == b.find(index.hash.name)->second)) return false;
  return !index.range || a.find(index.range->name)->second == b.find(index.range->name)->second;
}

void Table::ttl_replace(const KeyEnc& key, const Item* old_item, const Item* item) {
  if (!schema_.ttl_enabled) return;
  if (old_item != nullptr) {
    if (auto ttl = ttl_of(*old_item)) ttl_index_.erase({*ttl, key});
  }
  if (item != nullptr) {
    if (auto ttl = ttl_of(*item)) ttl_index_.insert({*ttl, key});
  }
}

void Table::index_remove(const KeyEnc& key, const Item& item, RowPlace& place) {
  for (std::size_t i = 0; i < indexes_.size(); ++i) {
    Index& index = indexes_[i];
    if (place.entries[i] == index.entries.end()) continue;
    index.size_bytes -= place.entries[i]->second.size;
    index.entries.erase(place.entries[i]);
    place.entries[i] = index.entries.end();
  }
  ttl_replace(key, &item, nullptr);
}

void Table::index_add(const KeyEnc& key, const ItemPtr& item, std::uint32_t size,
                      RowPlace& place) {
  place.entries.resize(indexes_.size());
  for (std::size_t i = 0; i < indexes_.size(); ++i) {
    Index& index = indexes_[i];
    place.entries[i] = index.entries.end();
    if (auto k = index_key(index.schema, *item, key)) {
      place.entries[i] = index.entries.insert_or_assign(std::move(*k), Row{item, size, 0, 0}).first;
      index.size_bytes += size;
    }
  }
  ttl_replace(key, nullptr, item.get());
}

void Table::clear_insert_seqs() {
  for (auto& [_, row] : rows_) row.insert_seq = 0;
}

void Table::assign_rowids(const std::function<std::int64_t(const KeyEnc&, const Row&)>& row_of) {
  // Every item is read once. Key order is not the order items lie in memory, so the rows are
  // visited in the order of their items' addresses (a snapshot then streams through memory
  // instead of missing the cache at every item), with the next items prefetched.
  std::vector<std::pair<const Item*, std::map<KeyEnc, Row>::iterator>> order;
  order.reserve(rows_.size());
  for (auto it = rows_.begin(); it != rows_.end(); ++it) {
    order.emplace_back(it->second.item.get(), it);
  }
  std::sort(order.begin(), order.end(),
            [](const auto& a, const auto& b) { return std::less<>()(a.first, b.first); });
  constexpr std::size_t kAhead = 4;
  for (std::size_t i = 0; i < order.size(); ++i) {
    if (i + kAhead < order.size()) __builtin_prefetch(order[i + kAhead].first);
    if (i + 1 < order.size() && !order[i + 1].first->empty()) {
      __builtin_prefetch(&*order[i + 1].first->begin());
    }
    auto row = order[i].second;
    row->second.rowid = row_of(row->first, row->second);
  }
}

void Table::index_replace(const KeyEnc& key, const Item& old_item, const ItemPtr& item,
                          std::uint32_t size, RowPlace& place) {
  for (std::size_t i = 0; i < indexes_.size(); ++i) {
    Index& index = indexes_[i];
    IndexEntry& entry = place.entries[i];
    if (entry != index.entries.end() && same_index_key(index.schema, old_item, *item)) {
      index.size_bytes += static_cast<std::int64_t>(size) - entry->second.size;
      entry->second = Row{item, size, 0, 0};
      continue;
    }
    if (entry != index.entries.end()) {
      index.size_bytes -= entry->second.size;
      index.entries.erase(entry);
      entry = index.entries.end();
    }
    if (auto k = index_key(index.schema, *item, key)) {
      entry = index.entries.insert_or_assign(std::move(*k), Row{item, size, 0, 0}).first;
      index.size_bytes += size;
    }
  }
  ttl_replace(key, &old_item, item.get());
}

void Table::write(const KeyEnc& key, ItemPtr item, std::uint32_t size, std::int64_t rowid,
                  std::uint64_t insert_seq) {
  RowPlace* found = place_of(key);
  const bool has_secondary = !indexes_.empty() || schema_.ttl_enabled;
  if (found != nullptr) {
    RowPlace& place = *found;
    const auto it = place.row;
    size_bytes_ -= it->second.size;
    if (!item) {
      if (has_secondary) index_remove(key, *it->second.item, place);
      rows_.erase(it);
      found_key_ = nullptr;
      found_place_ = nullptr;
      lookup_.erase(key);
      return;
    }
    if (has_secondary) index_replace(key, *it->second.item, item, size, place);
    size_bytes_ += size;
    it->second = Row{std::move(item), size, rowid, insert_seq};
    return;
  }
  if (!item) return;
  RowPlace place;
  place.row = rows_.emplace(key, Row{item, size, rowid, insert_seq}).first;
  if (has_secondary) index_add(key, item, size, place);
  size_bytes_ += size;
  lookup_.emplace(key, std::move(place));
}

Item* Table::exclusive_item(const KeyEnc& key) {
  RowPlace* place = place_of(key);
  if (place == nullptr) return nullptr;
  Row& row = place->row->second;
  if (row.insert_seq != 0) return nullptr;
  long owners = 1;
  for (std::size_t i = 0; i < place->entries.size(); ++i) {
    if (place->entries[i] != indexes_[i].entries.end()) ++owners;
  }
  if (row.item.use_count() != owners) return nullptr;
  // Stored items are made non-const (value.h), so writing through this pointer is defined.
  return const_cast<Item*>(row.item.get());
}

bool Table::places_item_by(std::string_view name) const {
  for (const auto& index : schema_.indexes) {
    if (name == index.hash.name || (index.range && name == index.range->name)) return true;
  }
  return schema_.ttl_enabled && name == schema_.ttl_attribute;
}

void Table::resized_in_place(const KeyEnc& key, std::uint32_t size) {
  RowPlace* place = place_of(key);
  Row& row = place->row->second;
  if (row.size == size) return;  // the common case: index entries (far in memory) untouched
  size_bytes_ += static_cast<std::int64_t>(size) - row.size;
  row.size = size;
  for (std::size_t i = 0; i < place->entries.size(); ++i) {
    if (place->entries[i] == indexes_[i].entries.end()) continue;
    Row& entry = place->entries[i]->second;
    indexes_[i].size_bytes += static_cast<std::int64_t>(size) - entry.size;
    entry.size = size;
  }
}

void Table::rebuild_ttl_index() {
  ttl_index_.clear();
  if (!schema_.ttl_enabled) return;
  for (const auto& [key, row] : rows_) {
    if (auto ttl = ttl_of(*row.item)) ttl_index_.insert({*ttl, key});
  }
}

}  // namespace emu::dynamodb
