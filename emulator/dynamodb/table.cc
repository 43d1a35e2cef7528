#include "emulator/dynamodb/table.h"

#include <algorithm>

#include "emulator/core/random.h"
#include "emulator/dynamodb/row_cache.h"

namespace emu::dynamodb {

std::uint64_t KeyEnc::digest() const {
  if (cached_digest == 0) {
    const std::uint64_t d = hash_bytes(range, hash_bytes(hash));
    cached_digest = d != 0 ? d : 1;
  }
  return cached_digest;
}

Table::Table(TableSchema schema, ItemStore& store, RowCache& cache)
    : schema_(std::move(schema)), store_(store), cache_(cache) {
  for (const auto& s : schema_.indexes) indexes_.push_back(Index{s, {}});
}

Table::~Table() {
  for (auto& [_, entry] : entries_) cache_.remove(entry);
  cache_.uncharge_fixed(filter_charge_);
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

const Index* Table::index(std::string_view name) const {
  for (const auto& i : indexes_) {
    if (i.schema.definition.index_name == name) return &i;
  }
  return nullptr;
}

std::size_t Table::index_number(const IndexSchema& index) const {
  for (std::size_t i = 0; i < indexes_.size(); ++i) {
    if (indexes_[i].schema.definition.index_name == index.definition.index_name) return i;
  }
  return indexes_.size();
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

// ---- the cache ----

CacheEntry* Table::load(const KeyEnc& key) {
  auto stored = store_.get(schema_.number, key.hash, key.range);
  cache_.count_load(stored.has_value());
  if (!stored) return nullptr;
  return adopt(key, std::move(*stored));
}

CacheEntry* Table::adopt(const KeyEnc& key, StoredRow stored) {
  auto [it, _] = entries_.try_emplace(key);
  CacheEntry& entry = it->second;
  entry.table = this;
  entry.key = &it->first;
  entry.row = Row{std::move(stored.item), stored.size, stored.id, stored.rec_seq};
  entry.stored = true;
  entry.stored_insert_seq = stored.rec_seq;
  cache_.add(entry);
  return &entry;
}

CacheEntry* Table::cached(const KeyEnc& key) {
  // The operation that found a row goes on to write it (and, in place, to ask whether it may
  // and to record the change): one hash lookup for all of them.
  if (last_ == nullptr || !(*last_->key == key)) {
    const auto it = entries_.find(key);
    last_ = it == entries_.end() ? nullptr : &it->second;
  }
  if (last_ != nullptr && last_->packed) unpack(*last_);
  return last_;
}

void Table::pack(CacheEntry& entry) {
  thread_local std::string buffer;
  buffer.clear();
  encode_item(*entry.row.item, buffer);
  auto packed = std::make_unique<PackedItem>();
  packed->blob.assign(buffer);  // exactly its length: the buffer keeps the largest capacity
  packed->ttl = ttl_of(*entry.row.item);
  entry.row.item.reset();
  entry.packed = std::move(packed);
  cache_.recharge(entry);
  cache_.count_pack();
}

void Table::unpack(CacheEntry& entry) {
  entry.row.item = decode_stored_item(entry.packed->blob, entry.row.rowid);
  entry.packed.reset();
  cache_.recharge(entry);
}

void Table::pack_dirty_rows() {
  for (CacheEntry* entry : dirty_) {
    // A shared item (a stream record's image) would stay in memory anyway.
    if (entry->row.item && entry->row.item.use_count() == 1) pack(*entry);
  }
}

const Row* Table::find(const KeyEnc& key) {
  CacheEntry* entry = cached(key);
  if (entry != nullptr) return hit(*entry);
  if (filter_ready() && !filter_->may_contain(key.digest())) {
    cache_.count_filtered();
  } else {
    entry = last_ = load(key);
  }
  // The write that usually follows (PutItem or UpdateItem of a new item) need not ask the store
  // again.
  if (entry == nullptr) {
    absent_ = key;
    return nullptr;
  }
  return entry->row.item ? &entry->row : nullptr;
}

const Row* Table::hit(CacheEntry& entry) {
  // Used again: a second chance against eviction (a row read or written once gets none).
  entry.referenced = true;
  cache_.count_hit();
  return entry.row.item ? &entry.row : nullptr;
}

const Row* Table::peek(const KeyEnc& key) const {
  const auto it = entries_.find(key);
  return it != entries_.end() && it->second.row.item ? &it->second.row : nullptr;
}

void Table::mark_dirty(CacheEntry& entry) {
  if (!entry.dirty) dirty_.push_back(&entry);
  cache_.mark_dirty(entry);
}

void Table::note_index_changes(const KeyEnc& key, const Item* old_item, const Item* new_item,
                               std::uint32_t old_size, std::uint32_t new_size,
                               std::int64_t rowid) {
  for (std::size_t i = 0; i < indexes_.size(); ++i) {
    Index& index = indexes_[i];
    const bool old_in = old_item != nullptr && in_index(index.schema, *old_item);
    const bool new_in = new_item != nullptr && in_index(index.schema, *new_item);
    index.stats.items += (new_in ? 1 : 0) - (old_in ? 1 : 0);
    index.stats.bytes += (new_in ? new_size : 0) - static_cast<std::int64_t>(old_in ? old_size : 0);
    if (old_in && new_in && same_index_key(index.schema, *old_item, *new_item)) continue;
    if (!old_in && !new_in) continue;
    PendingIndexChange change{i, {}, {}, rowid};
    if (old_in) change.old_key = index_key(index.schema, *old_item, key);
    if (new_in) change.new_key = index_key(index.schema, *new_item, key);
    index_changes_.push_back(std::move(change));
  }
}

void Table::write(const KeyEnc& key, ItemPtr item, std::uint32_t size, std::uint64_t insert_seq) {
  CacheEntry* entry = cached(key);
  if (entry == nullptr && !(absent_ && *absent_ == key)) entry = load(key);
  absent_.reset();  // from here on the key has an entry (or is still absent, if deleted)
  if (entry == nullptr) {
    if (!item) return;  // deleting what is not there
    auto [created, _] = entries_.try_emplace(key);
    entry = last_ = &created->second;
    entry->table = this;
    entry->key = &created->first;
    entry->row.rowid = store_.next_id(schema_.number);
    cache_.add(*entry);
    if (filter_) filter_->add(key.digest());
  }
  Row& row = entry->row;
  const Item* old_item = row.item.get();
  if (old_item != nullptr) {
    --item_count_;
    size_bytes_ -= row.size;
    if (!item) ++removed_since_filter_;
  }
  if (item) {
    ++item_count_;
    size_bytes_ += size;
  }
  if (!indexes_.empty()) note_index_changes(key, old_item, item.get(), row.size, size, row.rowid);
  row.insert_seq = item ? insert_seq : 0;
  row.item = std::move(item);
  row.size = row.item ? size : 0;
  mark_dirty(*entry);
  cache_.recharge(*entry);
}

Item* Table::exclusive_item(const KeyEnc& key) {
  CacheEntry* entry = cached(key);
  if (entry == nullptr) return nullptr;
  Row& row = entry->row;
  if (!row.item || row.insert_seq != 0 || row.item.use_count() != 1) return nullptr;
  // Stored items are made non-const (value.h), so writing through this pointer is defined.
  return const_cast<Item*>(row.item.get());
}

bool Table::places_item_by(std::string_view name) const {
  for (const auto& index : schema_.indexes) {
    if (name == index.hash.name || (index.range && name == index.range->name)) return true;
  }
  return schema_.ttl_enabled && name == schema_.ttl_attribute;
}

void Table::changed_in_place(const KeyEnc& key, std::uint32_t size) {
  CacheEntry& entry = *cached(key);
  Row& row = entry.row;
  const std::int64_t delta = static_cast<std::int64_t>(size) - row.size;
  mark_dirty(entry);
  if (delta == 0) return;  // the common case: the charge stays as it was
  size_bytes_ += delta;
  for (auto& index : indexes_) {
    if (in_index(index.schema, *row.item)) index.stats.bytes += delta;
  }
  row.size = size;
  cache_.recharge(entry);
}

void Table::drop_filter() {
  cache_.uncharge_fixed(filter_charge_);
  filter_.reset();
  filter_charge_ = 0;
  filter_scan_done_ = false;
  filter_scan_after_.reset();
}

void Table::upkeep_filter(std::size_t max_bytes, std::size_t step) {
  if (filter_ && (filter_->bytes() > max_bytes ||
                  removed_since_filter_ > static_cast<std::int64_t>(filter_->keys() / 2) + 1024)) {
    drop_filter();  // too big for the budget, or mostly deleted keys: start again below
  }
  if (!filter_) {
    // From the table's first row (a run's new table is empty: every first write of a key would
    // otherwise ask the store, 40,000 times in the midnight incident before a 20,000-row
    // threshold), with room for the table to double before a new link is needed. The first
    // link must fit, or a tiny cache would build and drop one at every operation.
    const std::size_t capacity =
        std::max<std::size_t>(65536, 2 * static_cast<std::size_t>(item_count_));
    if (KeyFilter::link_bytes(capacity) > max_bytes) return;
    filter_ = std::make_unique<KeyFilter>(capacity);
    removed_since_filter_ = 0;
    // Rows written but not stored yet are only here.
    for (const auto& [key, entry] : entries_) filter_->add(key.digest());
  }
  if (!filter_scan_done_) {
    std::size_t read = 0;
    RangeRead range;
    if (filter_scan_after_) {
      range.lower = RangeBound{{filter_scan_after_->hash, filter_scan_after_->range}, false};
    }
    Reader reader = read_rows(std::move(range));
    while (read < step && reader.next_key()) {
      filter_->add(reader.key().digest());
      filter_scan_after_ = reader.key();
      ++read;
    }
    filter_scan_done_ = read < step;
  }
  cache_.uncharge_fixed(filter_charge_);
  filter_charge_ = filter_->bytes();
  cache_.charge_fixed(filter_charge_);
}

void Table::evict(CacheEntry& entry) {
  if (last_ == &entry) last_ = nullptr;
  cache_.remove(entry);
  entries_.erase(*entry.key);
}

void Table::clear_insert_seqs() {
  for (auto& [_, entry] : entries_) {
    entry.row.insert_seq = 0;
    entry.stored_insert_seq = 0;
  }
  store_.clear_rec_seqs(schema_.number);
}

void Table::flush(const std::function<void(std::uint64_t, std::int64_t)>& materialize) {
  std::vector<const KeyEnc*> deleted;
  // In row id order: ids are given as rows are created, so the writes walk the store's table
  // b-tree from one end to the other instead of jumping about it.
  std::sort(dirty_.begin(), dirty_.end(),
            [](const CacheEntry* a, const CacheEntry* b) { return a->row.rowid < b->row.rowid; });
  for (CacheEntry* entry : dirty_) {
    Row& row = entry->row;
    const bool created = !entry->stored;
    // A flushed INSERT record points at the stored content: it keeps it before it changes.
    if (entry->stored && entry->stored_insert_seq != 0) {
      materialize(entry->stored_insert_seq, row.rowid);
    }
    if (entry->packed) {
      store_.put_encoded(schema_.number, row.rowid, *entry->key, entry->packed->blob, row.size,
                         entry->packed->ttl, row.insert_seq, entry->stored);
    } else if (row.item) {
      store_.put(schema_.number, row.rowid, *entry->key, *row.item, row.size, ttl_of(*row.item),
                 row.insert_seq, entry->stored);
    }
    if (entry->packed || row.item) {
      cache_.count_write();
      entry->stored = true;
      entry->stored_insert_seq = row.insert_seq;
    } else {
      if (entry->stored) store_.remove(row.rowid);
      deleted.push_back(entry->key);
    }
    cache_.mark_clean(*entry);
    // A row created since the last flush and not used again (a raw_metrics POST) is the first to
    // give way. A stored row changed once (an aggregate read back and updated) is not: it will
    // likely change again.
    if (created && !entry->referenced && (row.item || entry->packed)) cache_.demote(*entry);
  }
  dirty_.clear();
  for (const auto& change : index_changes_) {
    if (change.old_key) store_.remove_index_entry(schema_.number, change.index, *change.old_key);
    if (change.new_key) {
      store_.put_index_entry(schema_.number, change.index, *change.new_key, change.rowid);
    }
  }
  index_changes_.clear();
  for (const KeyEnc* key : deleted) {
    const auto it = entries_.find(*key);
    if (last_ == &it->second) last_ = nullptr;
    cache_.remove(it->second);
    entries_.erase(it);
  }
}

nlohmann::json Table::stats_json() const {
  nlohmann::json indexes = nlohmann::json::array();
  for (const auto& i : indexes_) indexes.push_back({i.stats.items, i.stats.bytes});
  return {{"items", item_count_}, {"bytes", size_bytes_}, {"indexes", indexes}};
}

void Table::restore_stats(const nlohmann::json& stats) {
  item_count_ = stats.at("items").get<std::int64_t>();
  size_bytes_ = stats.at("bytes").get<std::int64_t>();
  const auto& indexes = stats.at("indexes");
  for (std::size_t i = 0; i < indexes_.size() && i < indexes.size(); ++i) {
    indexes_[i].stats = {indexes[i].at(0).get<std::int64_t>(), indexes[i].at(1).get<std::int64_t>()};
  }
}

// ---- range reads ----

Table::Reader Table::read_rows(RangeRead range) {
  auto cursor = store_.rows(schema_.number, range);
  return Reader(*this, std::move(cursor), std::move(range));
}

Table::Reader Table::read_index(std::size_t index, RangeRead range) {
  auto cursor = store_.index_entries(schema_.number, static_cast<std::int64_t>(index), range);
  return Reader(*this, std::move(cursor), std::move(range));
}

const Row* Table::Reader::next() {
  if (!cursor_.next()) return nullptr;
  // The cache's row when it holds one: the same content (the store was flushed before the
  // read), without decoding it again.
  const KeyEnc key{std::string(cursor_.hk()), std::string(cursor_.rk())};
  if (const auto it = table_.entries_.find(key); it != table_.entries_.end() && it->second.row.item) {
    return &it->second.row;
  }
  current_ = Row{cursor_.item(), cursor_.size(), cursor_.id(), 0};
  return &current_;
}

bool Table::Reader::next_key() { return cursor_.next(); }

KeyEnc Table::Reader::key() const {
  return KeyEnc{std::string(cursor_.hk()), std::string(cursor_.rk())};
}

IndexKeyEnc Table::Reader::index_key() const {
  return IndexKeyEnc{std::string(cursor_.ih()), std::string(cursor_.ir()), cursor_.th(), key()};
}

void Table::for_each_row(const std::function<void(const Row&)>& visit) {
  Reader reader = read_rows({});
  while (const Row* row = reader.next()) visit(*row);
}

std::vector<ItemStore::Expired> Table::expired(std::int64_t from, std::int64_t up_to,
                                               std::size_t limit) {
  return store_.expired(schema_.number, from, up_to, limit);
}

const Row* Table::find_expired(const KeyEnc& key, const ItemStore::Expired& stored) {
  if (CacheEntry* entry = cached(key)) return hit(*entry);
  cache_.count_load(true);
  CacheEntry* entry = last_ = adopt(key, StoredRow{stored.id,
                                                   {},
                                                   {},
                                                   decode_stored_item(stored.encoded, stored.id),
                                                   stored.size,
                                                   stored.rec_seq});
  return &entry->row;
}

void Table::rebuild_ttl_index() {
  store_.recompute_ttls(schema_.number, [this](const Item& item) { return ttl_of(item); });
}

}  // namespace emu::dynamodb
