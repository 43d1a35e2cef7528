#include "emulator/cloudwatch/metric_store.h"

#include <algorithm>
#include <charconv>
#include <cmath>

#include <SQLiteCpp/Statement.h>
#include <nlohmann/json.hpp>

namespace emu::cloudwatch {

namespace {

constexpr double kBucketGrowth = 1.01;  // 1% wide buckets
const double kLogGrowth = std::log(kBucketGrowth);
constexpr int kZeroBucket = -100000;  // values <= 0 (latencies and counts are never negative)

int bucket_of(double v) {
  if (v <= 0) return kZeroBucket;
  return static_cast<int>(std::floor(std::log(v) / kLogGrowth));
}

double bucket_value(int bucket) {
  if (bucket == kZeroBucket) return 0;
  return std::exp((bucket + 0.5) * kLogGrowth);  // the bucket's geometric middle
}

}  // namespace

void Stats::add(double value, double count) {
  if (sample_count <= 0) {
    minimum = maximum = value;
  } else {
    minimum = std::min(minimum, value);
    maximum = std::max(maximum, value);
  }
  sample_count += count;
  sum += value * count;
  histogram[bucket_of(value)] += count;
}

void Stats::merge(const Stats& o) {
  if (o.empty()) return;
  if (empty()) {
    *this = o;
    return;
  }
  sample_count += o.sample_count;
  sum += o.sum;
  minimum = std::min(minimum, o.minimum);
  maximum = std::max(maximum, o.maximum);
  for (const auto& [b, n] : o.histogram) histogram[b] += n;
}

std::optional<double> Stats::statistic(const std::string& name) const {
  if (empty()) return std::nullopt;
  if (name == "SampleCount") return sample_count;
  if (name == "Sum") return sum;
  if (name == "Average") return sum / sample_count;
  if (name == "Minimum") return minimum;
  if (name == "Maximum") return maximum;
  if (name.size() < 2 || name[0] != 'p') return std::nullopt;
  double p = 0;
  const auto r = std::from_chars(name.data() + 1, name.data() + name.size(), p);
  if (r.ec != std::errc() || r.ptr != name.data() + name.size() || p < 0 || p > 100) {
    return std::nullopt;
  }
  if (p == 100) return maximum;
  if (p == 0) return minimum;
  // The smallest bucket whose cumulative count reaches p% of the samples.
  const double rank = std::ceil(p / 100.0 * sample_count);
  double seen = 0;
  for (const auto& [b, n] : histogram) {
    seen += n;
    if (seen >= rank) return std::clamp(bucket_value(b), minimum, maximum);
  }
  return maximum;
}

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
  SQLite::Statement rows(db, "SELECT metric, minute, stats FROM cw_minutes");
  while (rows.executeStep()) {
    const auto id = static_cast<MetricId>(rows.getColumn(0).getInt64());
    if (id >= minutes_.size()) continue;
    const auto j = nlohmann::json::parse(rows.getColumn(2).getString(), nullptr, false);
    if (!j.is_array() || j.size() != 5) continue;
    Stats s;
    s.sample_count = j[0];
    s.sum = j[1];
    s.minimum = j[2];
    s.maximum = j[3];
    for (const auto& b : j[4]) s.histogram[b[0].get<int>()] = b[1].get<double>();
    minutes_[id][rows.getColumn(1).getInt64()] = std::move(s);
  }
}

void MetricStore::flush() {
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
    const Stats& s = it->second;
    nlohmann::json histogram = nlohmann::json::array();
    for (const auto& [b, n] : s.histogram) histogram.push_back({b, n});
    put.reset();
    put.bind(1, static_cast<std::int64_t>(id));
    put.bind(2, static_cast<std::int64_t>(minute));
    put.bind(3, nlohmann::json::array({s.sample_count, s.sum, s.minimum, s.maximum, histogram}).dump());
    put.exec();
  }
  dirty_.clear();
  current_.clear();  // the next put() of each metric marks its minute dirty again
}

MetricId MetricStore::metric(const MetricKey& key) {
  const std::string text = canonical(key);
  const auto it = index_.find(text);
  if (it != index_.end()) return it->second;
  const auto id = static_cast<MetricId>(keys_.size());
  keys_.push_back(key);
  minutes_.emplace_back();
  index_.emplace(text, id);
  return id;
}

void MetricStore::put(MetricId id, double value, Micros timestamp) {
  const Micros minute = floor_to(timestamp, 60 * kMicrosPerSecond);
  if (current_.size() < minutes_.size()) current_.resize(minutes_.size());
  Current& c = current_[id];
  if (c.minute != minute) {
    c.minute = minute;
    c.stats = &minutes_[id][minute];
    if (storage_ != nullptr) dirty_.emplace(id, minute);
  }
  c.stats->add(value);
}

void MetricStore::put_statistics(MetricId id, const Stats& stats, Micros timestamp) {
  const Micros minute = floor_to(timestamp, 60 * kMicrosPerSecond);
  minutes_[id][minute].merge(stats);
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

std::vector<Datapoint> MetricStore::query(MetricId id, Micros start, Micros end,
                                          Micros period) const {
  std::vector<Datapoint> out;
  if (id >= minutes_.size() || period <= 0 || end <= start) return out;
  const auto& minutes = minutes_[id];
  // Windows end at `end`, going back: [end - k*period, end - (k-1)*period).
  const std::int64_t windows = (end - start + period - 1) / period;
  for (std::int64_t k = windows; k >= 1; --k) {
    const Micros from = end - k * period;
    const Micros to = from + period;
    Datapoint d;
    d.timestamp = from;
    for (auto it = minutes.lower_bound(from); it != minutes.end() && it->first < to; ++it) {
      d.stats.merge(it->second);
    }
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

}  // namespace emu::cloudwatch
