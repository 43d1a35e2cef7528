#include "emulator/etl/accumulator.h"

#include <algorithm>
#include <cstring>

#include "emulator/core/assert.h"
#include "emulator/core/time.h"

namespace emu::etl {

namespace {
bool has_versions(const FileSpec& spec) {
  return std::find(spec.dims.begin(), spec.dims.end(), Dim::kAppVersion) != spec.dims.end();
}

// The counter at `slot`, growing `counts` to hold it (vector growth is geometric, so rows that
// arrive in date order cost amortised O(1)).
std::int64_t& counter(std::vector<std::int64_t>& counts, std::size_t slot, std::size_t cells) {
  if (slot >= counts.size()) counts.resize((slot / cells + 1) * cells, 0);
  return counts[slot];
}

void add_counts(std::vector<std::int64_t>& into, const std::vector<std::int64_t>& from) {
  if (into.size() < from.size()) into.resize(from.size(), 0);
  for (std::size_t s = 0; s < from.size(); ++s) into[s] += from[s];
}
}  // namespace

Accumulator::Accumulator(std::int64_t first_day, std::int64_t last_day)
    : first_day_(first_day), last_day_(last_day) {
  for (const auto& spec : catalog()) {
    FileCounts f;
    f.spec = &spec;
    for (Dim d : spec.dims) {
      if (d == Dim::kAppVersion) continue;
      f.radices.push_back(levels_of(d).size());
      f.cells *= levels_of(d).size();
    }
    f.versioned = has_versions(spec);
    files_.push_back(std::move(f));
  }
  for (size_t i = 0; i < files_.size(); ++i) {
    const int id = identifiers_.intern(files_[i].spec->identifier);
    if (files_by_identifier_.size() <= static_cast<size_t>(id)) files_by_identifier_.resize(id + 1);
    files_by_identifier_[static_cast<size_t>(id)].push_back(static_cast<int>(i));
  }
}

namespace {
// Hash of a short key from its length and its first and last eight bytes: enough to spread
// identifiers and version strings, at a fraction of a byte-by-byte hash's cost.
std::uint64_t quick_hash(std::string_view key) {
  std::uint64_t head = 0, tail = 0;
  std::memcpy(&head, key.data(), std::min<std::size_t>(8, key.size()));
  if (key.size() > 8) std::memcpy(&tail, key.data() + key.size() - 8, 8);
  std::uint64_t h = (head ^ (tail * 0x9e3779b97f4a7c15ULL) ^ key.size()) * 0xbf58476d1ce4e5b9ULL;
  return h ^ (h >> 31);
}
// Equality of short strings with word loads instead of a memcmp call per lookup.
bool same(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  if (a.size() > 16) return std::memcmp(a.data(), b.data(), a.size()) == 0;
  if (a.size() >= 8) {
    std::uint64_t a1, a2, b1, b2;
    std::memcpy(&a1, a.data(), 8);
    std::memcpy(&b1, b.data(), 8);
    std::memcpy(&a2, a.data() + a.size() - 8, 8);
    std::memcpy(&b2, b.data() + b.size() - 8, 8);
    return a1 == b1 && a2 == b2;
  }
  std::uint64_t x = 0, y = 0;
  std::memcpy(&x, a.data(), a.size());
  std::memcpy(&y, b.data(), b.size());
  return x == y;
}

}  // namespace

std::size_t StringIds::slot_of(std::string_view key) const {
  const std::uint64_t h = quick_hash(key);
  std::size_t slot = static_cast<std::size_t>(h) & (slots_.size() - 1);
  while (slots_[slot] >= 0 && !same(keys_[static_cast<std::size_t>(slots_[slot])], key)) {
    slot = (slot + 1) & (slots_.size() - 1);
  }
  return slot;
}

int StringIds::find(std::string_view key) const { return slots_[slot_of(key)]; }

int StringIds::intern(std::string_view key) {
  const std::size_t slot = slot_of(key);
  if (slots_[slot] >= 0) return slots_[slot];
  const int id = static_cast<int>(keys_.size());
  keys_.emplace_back(key);
  slots_[slot] = id;
  if (keys_.size() * 2 > slots_.size()) {  // keep the load factor under 1/2
    std::vector<int> bigger(slots_.size() * 2, -1);
    slots_.swap(bigger);
    for (std::size_t i = 0; i < keys_.size(); ++i) slots_[slot_of(keys_[i])] = static_cast<int>(i);
  }
  return id;
}

// Rows come grouped by date more often than not: remember the last date parsed.
std::int64_t Accumulator::day_of(std::string_view date) {
  if (same(date, last_date_text_)) return last_date_day_;
  const auto parsed = parse_date(date);
  last_date_text_.assign(date);
  last_date_day_ = parsed ? days_from_civil(*parsed) : INT64_MIN;
  return last_date_day_;
}

void Accumulator::add(const AggregateRow& row) {
  ++rows_seen_;
  const int identifier = identifiers_.find(row.identifier);
  if (identifier < 0 || row.metric_count == 0) return;
  const std::int64_t day = day_of(row.date);
  if (day < first_day_ || day > last_day_) return;
  const std::int64_t offset = day - first_day_;
  // Each dimension's level is computed at most once per row, however many files use it.
  constexpr int kDims = static_cast<int>(Dim::kNotification) + 1;
  int levels[kDims];
  std::fill(std::begin(levels), std::end(levels), -2);
  int version = -2;
  for (int index : files_by_identifier_[static_cast<size_t>(identifier)]) {
    FileCounts& f = files_[static_cast<size_t>(index)];
    std::size_t cell = 0;
    std::size_t radix = 0;
    bool keep = true;
    for (Dim d : f.spec->dims) {
      if (d == Dim::kAppVersion) {
        if (version == -2) version = row.appversion.empty() ? -1 : versions_.intern(row.appversion);
        keep = keep && version >= 0;
        continue;
      }
      int& level = levels[static_cast<int>(d)];
      if (level == -2) level = level_of(d, row);
      if (level < 0) {
        keep = false;
        break;
      }
      cell = cell * f.radices[radix++] + static_cast<std::size_t>(level);
    }
    if (!keep) continue;
    const std::size_t slot = static_cast<std::size_t>(offset) * f.cells + cell;
    if (f.versioned) {
      const auto v = static_cast<std::size_t>(version);
      if (f.by_version.size() <= v) f.by_version.resize(v + 1);
      counter(f.by_version[v], slot, f.cells) += row.metric_count;
    } else {
      counter(f.dense, slot, f.cells) += row.metric_count;
    }
    f.first_seen = std::min(f.first_seen, day);
  }
}

void Accumulator::merge(const Accumulator& other) {
  EMU_ASSERT(other.first_day_ == first_day_ && other.last_day_ == last_day_);
  rows_seen_ += other.rows_seen_;
  for (std::size_t i = 0; i < files_.size(); ++i) {
    FileCounts& mine = files_[i];
    const FileCounts& theirs = other.files_[i];
    mine.first_seen = std::min(mine.first_seen, theirs.first_seen);
    if (!mine.versioned) {
      add_counts(mine.dense, theirs.dense);
      continue;
    }
    for (std::size_t v = 0; v < theirs.by_version.size(); ++v) {
      if (theirs.by_version[v].empty()) continue;
      const auto id = static_cast<std::size_t>(versions_.intern(other.versions_.at(static_cast<int>(v))));
      if (mine.by_version.size() <= id) mine.by_version.resize(id + 1);
      add_counts(mine.by_version[id], theirs.by_version[v]);
    }
  }
}

}  // namespace emu::etl
