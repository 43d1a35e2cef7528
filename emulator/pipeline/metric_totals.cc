#include "emulator/pipeline/metric_totals.h"

namespace emu {

MetricId MetricTotals::metric(const MetricKey& key) {
  for (MetricId i = 0; i < entries_.size(); ++i) {
    if (entries_[i].key == key) return i;
  }
  Entry e;
  e.key = key;
  if (next_ != nullptr) e.next_id = next_->metric(key);
  entries_.push_back(std::move(e));
  return static_cast<MetricId>(entries_.size() - 1);
}

void MetricTotals::put(MetricId id, double value, Micros timestamp) {
  Entry& e = entries_[id];
  e.sum += value;
  ++e.samples;
  if (next_ != nullptr) next_->put(e.next_id, value, timestamp);
}

double MetricTotals::sum(const std::string& name_space, const std::string& name,
                         const Dimensions& dims) const {
  for (const auto& e : entries_) {
    if (e.key.name_space == name_space && e.key.name == name && e.key.dimensions == dims) {
      return e.sum;
    }
  }
  return 0;
}

nlohmann::json MetricTotals::to_json() const {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& e : entries_) {
    nlohmann::json dims = nlohmann::json::object();
    for (const auto& [k, v] : e.key.dimensions) dims[k] = v;
    out.push_back({{"namespace", e.key.name_space}, {"metric", e.key.name},
                   {"dimensions", dims}, {"samples", e.samples}, {"sum", e.sum}});
  }
  return out;
}

}  // namespace emu
