#include "emulator/cloudwatch/metric_store.h"

#include <algorithm>
#include <limits>

#include <SQLiteCpp/Statement.h>
#include <nlohmann/json.hpp>

namespace emu::cloudwatch {

namespace {
constexpr Micros kAllInMemory = std::numeric_limits<Micros>::min();
constexpr Micros kNoneInMemory = std::numeric_limits<Micros>::max();
}  // namespace

std::string canonical(const MetricKey& key, bool with_unit) {
  Dimensions dims = key.dimensions;
  std::sort(dims.begin(), dims.end());
  std::string out = key.name_space + '\x1f' + key.name;
  for (const auto& [k, v] : dims) out += '\x1f' + k + '=' + v;
  if (with_unit) out += '\x1e' + key.unit;
  return out;
}

MetricStore::MetricStore(Storage* storage) : storage_(storage) {
  if (storage_ == nullptr) return;
  auto& db = storage_->db();
  db.exec(
      "CREATE TABLE IF NOT EXISTS cw_metrics (id INTEGER PRIMARY KEY, key TEXT NOT NULL);"
      "CREATE TABLE IF NOT EXISTS cw_minutes (metric INTEGER NOT NULL, minute INTEGER NOT NULL,"
      " stats TEXT NOT NULL, PRIMARY KEY (metric, minute));");
  SQLite::Statement keys(db, "SELECT id, key FROM cw_metrics ORDER BY id");
  while (keys.executeStep()) {
    const auto j = nlohmann::json::parse(keys.getColumn(1).getString(), nullptr, false);
    if (!j.is_object()) continue;
    Dimensions dims;
    for (const auto& d : j.value("dimensions", nlohmann::json::array())) dims.emplace_back(d[0], d[1]);
    const MetricId id = metric({j.value("namespace", ""), j.value("name", ""), dims, j.value("unit", "")});
    if (id != static_cast<MetricId>(keys.getColumn(0).getInt64())) break;  // ids are dense
  }
  saved_keys_ = keys_.size();
  // Their minutes stay on disk until a query, a put or keep_in_memory() needs them.
  std::fill(memory_from_.begin(), memory_from_.end(), kNoneInMemory);
}

void MetricStore::flush() {
  current_.clear();  // the next put() of each metric marks its minute dirty again
  if (storage_ == nullptr || (dirty_.empty() && saved_keys_ == keys_.size())) return;
  storage_->ensure_transaction();
  auto& db = storage_->db();
  for (; saved_keys_ < keys_.size(); ++saved_keys_) {
    const MetricKey& k = keys_[saved_keys_];
    nlohmann::json dims = nlohmann::json::array();
    for (const auto& [n, v] : k.dimensions) dims.push_back({n, v});
    SQLite::Statement st(db, "INSERT OR REPLACE INTO cw_metrics VALUES (?, ?)");
    st.bind(1, static_cast<std::int64_t>(saved_keys_));
    st.bind(2, nlohmann::json{{"namespace", k.name_space}, {"name", k.name},
                              {"dimensions", dims}, {"unit", k.unit}}.dump());
    st.exec();
  }
  SQLite::Statement put(db, "INSERT OR REPLACE INTO cw_minutes VALUES (?, ?, ?)");
  for (const auto& [id, minute] : dirty_) {
    const auto it = minutes_[id].find(minute);
    if (it == minutes_[id].end()) continue;
    put.reset();
    put.bind(1, static_cast<std::int64_t>(id));
    put.bind(2, static_cast<std::int64_t>(minute));
    put.bind(3, it->second.to_json().dump());
    put.exec();
  }
  dirty_.clear();
}

MetricId MetricStore::metric(const MetricKey& key) {
  const std::string text = canonical(key);
  const auto it = index_.find(text);
  if (it != index_.end()) return it->second;
  const auto id = static_cast<MetricId>(keys_.size());
  keys_.push_back(key);
  minutes_.emplace_back();
  memory_from_.push_back(kAllInMemory);  // nothing of it is on disk yet
  index_.emplace(text, id);
  return id;
}

Stats& MetricStore::minute_stats(MetricId id, Micros minute) {
  const auto [it, inserted] = minutes_[id].try_emplace(minute);
  if (inserted && minute < memory_from_[id] && storage_ != nullptr) {
    std::map<Micros, Stats> stored;
    read_minutes(id, minute, minute + 1, stored);
    if (!stored.empty()) it->second = std::move(stored.begin()->second);
  }
  return it->second;
}

void MetricStore::put(MetricId id, double value, Micros timestamp) {
  const Micros minute = floor_to(timestamp, kMicrosPerMinute);
  if (current_.size() < minutes_.size()) current_.resize(minutes_.size());
  Current& c = current_[id];
  if (c.minute != minute) {
    c.minute = minute;
    c.stats = &minute_stats(id, minute);
    if (storage_ != nullptr) dirty_.emplace(id, minute);
  }
  c.stats->add(value);
}

void MetricStore::put_statistics(MetricId id, const Stats& stats, Micros timestamp) {
  const Micros minute = floor_to(timestamp, kMicrosPerMinute);
  minute_stats(id, minute).merge(stats);
  if (storage_ != nullptr) dirty_.emplace(id, minute);
}

std::optional<MetricId> MetricStore::find(const std::string& name_space, const std::string& name,
                                          const Dimensions& dimensions,
                                          const std::string& unit) const {
  const MetricKey probe{name_space, name, dimensions, unit};
  if (!unit.empty()) {
    const auto it = index_.find(canonical(probe));
    if (it == index_.end()) return std::nullopt;
    return it->second;
  }
  const std::string text = canonical(probe, false);
  for (MetricId id = 0; id < keys_.size(); ++id) {
    if (canonical(keys_[id], false) == text) return id;
  }
  return std::nullopt;
}

void MetricStore::read_minutes(MetricId id, Micros from, Micros to,
                               std::map<Micros, Stats>& into) const {
  SQLite::Statement st(storage_->db(),
                       "SELECT minute, stats FROM cw_minutes WHERE metric = ? AND minute >= ? "
                       "AND minute < ? ORDER BY minute");
  st.bind(1, static_cast<std::int64_t>(id));
  st.bind(2, static_cast<std::int64_t>(from));
  st.bind(3, static_cast<std::int64_t>(to));
  while (st.executeStep()) {
    const Micros minute = st.getColumn(0).getInt64();
    if (into.count(minute) > 0) continue;
    const auto stored = nlohmann::json::parse(st.getColumn(1).getString(), nullptr, false);
    if (auto stats = Stats::from_json(stored)) into.emplace(minute, std::move(*stats));
  }
}

std::vector<Datapoint> MetricStore::query(MetricId id, Micros start, Micros end,
                                          Micros period) const {
  std::vector<Datapoint> out;
  if (id >= minutes_.size() || period <= 0 || end <= start) return out;
  const auto& minutes = minutes_[id];
  // Windows end at `end`, going back: [end - k*period, end - (k-1)*period).
  const std::int64_t windows = (end - start + period - 1) / period;
  const Micros first = end - windows * period;
  // Minutes before memory_from_ come from SQLite, overlaid with any a late put brought back.
  const Micros split = memory_from_[id];
  std::map<Micros, Stats> older;
  if (storage_ != nullptr && first < split) {
    const Micros older_end = std::min(split, end);
    for (auto it = minutes.lower_bound(first); it != minutes.end() && it->first < older_end; ++it) {
      older.emplace(it->first, it->second);
    }
    read_minutes(id, first, older_end, older);
  }
  const Micros recent_from = std::max(first, split);  // split is INT64_MIN without storage
  for (std::int64_t k = windows; k >= 1; --k) {
    const Micros from = end - k * period;
    const Micros to = from + period;
    Datapoint d;
    d.timestamp = from;
    for (auto it = older.lower_bound(from); it != older.end() && it->first < to; ++it) {
      d.stats.merge(it->second);
    }
    const auto recent = minutes.lower_bound(std::max(from, recent_from));
    for (auto it = recent; it != minutes.end() && it->first < to; ++it) d.stats.merge(it->second);
    if (!d.stats.empty()) out.push_back(std::move(d));
  }
  return out;
}

void MetricStore::prune(Micros before) {
  current_.clear();  // may point into erased minutes
  for (auto& minutes : minutes_) minutes.erase(minutes.begin(), minutes.lower_bound(before));
  if (storage_ != nullptr) {
    storage_->ensure_transaction();
    SQLite::Statement st(storage_->db(), "DELETE FROM cw_minutes WHERE minute < ?");
    st.bind(1, static_cast<std::int64_t>(before));
    st.exec();
  }
}

void MetricStore::keep_in_memory(Micros now, const std::vector<Micros>& windows) {
  if (storage_ == nullptr) return;  // memory is the only copy: prune() bounds it
  flush();                          // what leaves memory must be on disk first
  for (MetricId id = 0; id < minutes_.size(); ++id) {
    const Micros window = std::max(kRecentWindow, id < windows.size() ? windows[id] : 0);
    const Micros from = floor_to(now - window, kMicrosPerMinute);
    auto& minutes = minutes_[id];
    if (from < memory_from_[id]) {
      // The window grew (a new alarm, or the first call after a restart): load what it covers.
      read_minutes(id, from, memory_from_[id], minutes);
    }
    minutes.erase(minutes.begin(), minutes.lower_bound(from));
    memory_from_[id] = from;
  }
}

std::size_t MetricStore::minutes_in_memory() const {
  std::size_t n = 0;
  for (const auto& minutes : minutes_) n += minutes.size();
  return n;
}

}  // namespace emu::cloudwatch
