// PutMetricData: the metric data of a request validated whole (a rejected request stores
// nothing), then stored.
#include <cmath>
#include <set>

#include "emulator/cloudwatch/json_fields.h"
#include "emulator/cloudwatch/wire.h"
#include "emulator/cloudwatch/wire_errors.h"
#include "emulator/core/errors.h"

namespace emu::cloudwatch {

namespace {

using nlohmann::json;

AwsError exclusive(const std::string& where, const char* a, const char* b) {
  return errors::cloudwatch::kInvalidParameterCombination(
      "The parameters " + where + "." + a + " and " + where + "." + b +
      " are mutually exclusive and you have specified both.");
}

Status finite(std::optional<double> v, const std::string& parameter) {
  if (!v || !std::isfinite(*v) || std::fabs(*v) > 1e108) {
    return invalid("The value for parameter " + parameter + " is invalid.");
  }
  return ok_status();
}

// One MetricDatum's values as statistics (the request has passed the shape check: members
// have their model types).
Result<Stats> datum_stats(const json& d, const std::string& where) {
  const bool value = d.contains("Value"), values = d.contains("Values"),
             set = d.contains("StatisticValues");
  if (value && values) return exclusive(where, "Value", "Values");
  if (value && set) return exclusive(where, "Value", "StatisticValues");
  if (values && set) return exclusive(where, "Values", "StatisticValues");
  Stats stats;
  if (set) {
    const json& s = d["StatisticValues"];
    for (const char* f : {"SampleCount", "Sum", "Minimum", "Maximum"}) {
      auto ok = finite(s.contains(f) ? number_value(s[f]) : std::nullopt,
                       where + ".StatisticValues." + f);
      if (!ok) return ok.error();
    }
    stats.sample_count = *number_value(s["SampleCount"]);
    stats.sum = *number_value(s["Sum"]);
    stats.minimum = *number_value(s["Minimum"]);
    stats.maximum = *number_value(s["Maximum"]);
    // DEVIATION: percentiles of a StatisticSet are taken from its min, mean and max.
    Stats shape;
    shape.add(stats.minimum);
    shape.add(stats.sum / std::max(1.0, stats.sample_count), std::max(0.0, stats.sample_count - 2));
    shape.add(stats.maximum);
    stats.histogram = shape.histogram;
    return stats;
  }
  if (values) {
    const json& list = d["Values"];
    const json counts = d.value("Counts", json::array());
    if (d.contains("Counts") && counts.size() != list.size()) {
      return invalid("The parameters " + where + ".Values and " + where +
                     ".Counts must be of the same size.");
    }
    for (std::size_t k = 0; k < list.size(); ++k) {
      auto ok = finite(number_value(list[k]), where + ".Values");
      if (!ok) return ok.error();
      const double count = k < counts.size() ? number_value(counts[k]).value_or(-1) : 1;
      if (!std::isfinite(count) || count < 0) {
        return invalid("The value for parameter " + where + ".Counts is invalid.");
      }
      stats.add(*number_value(list[k]), count);
    }
    return stats;
  }
  auto ok = finite(value ? number_value(d["Value"]) : std::nullopt, where + ".Value");
  if (!ok) return ok.error();
  stats.add(*number_value(d["Value"]));
  return stats;
}

}  // namespace

Result<json> CloudWatchWire::put_metric_data(const json& in, Micros now) {
  // Namespace, the counts and each datum's name and dimensions passed the rules (wire_rules.cc).
  const std::string ns = in.value("Namespace", "");
  if (faults_ != nullptr) {
    const FaultDecision fault = faults_->check("cloudwatch", "PutMetricData", ns, now);
    fault_latency_ += fault.extra_latency;
    if (fault.error) return *fault.error;  // nothing stored
  }
  // Validate everything first: a rejected request stores nothing.
  struct Pending {
    MetricKey key;
    Stats stats;
    Micros at;
  };
  std::vector<Pending> pending;
  for (std::size_t i = 0; i < in["MetricData"].size(); ++i) {
    const json& d = in["MetricData"][i];
    const std::string where = "MetricData.member." + std::to_string(i + 1);
    Pending p;
    p.key = {ns, d["MetricName"].get<std::string>(),
             dimensions_of(d.value("Dimensions", json::array())), d.value("Unit", "None")};
    p.at = now;
    if (d.contains("Timestamp")) {
      const auto t = timestamp_of(d["Timestamp"]);
      if (!t) return invalid("The parameter " + where + ".Timestamp must be a timestamp.");
      if (*t < now - 14 * kMicrosPerDay || *t > now + 2 * 3600 * kMicrosPerSecond) {
        return invalid("The parameter " + where + ".Timestamp must specify a time no more than "
                       "two weeks in the past or two hours in the future.");
      }
      p.at = *t;
    }
    auto stats = datum_stats(d, where);
    if (!stats) return stats.error();
    p.stats = std::move(*stats);
    pending.push_back(std::move(p));
  }
  // DEVIATION: at most kMaxMetrics metrics; AWS has no quota on custom metrics. A request that
  // would register more stores nothing.
  std::set<std::string> added;
  for (const auto& p : pending) {
    const MetricKey& k = p.key;
    if (!store_.find(k.name_space, k.name, k.dimensions, k.unit)) added.insert(canonical(k));
  }
  if (store_.size() + added.size() > kMaxMetrics) {
    return errors::cloudwatch::kLimitExceeded(
        "The emulator holds at most " + std::to_string(kMaxMetrics) +
        " metrics; this request would add " + std::to_string(added.size()) + " more.");
  }
  for (auto& p : pending) store_.put_statistics(store_.metric(p.key), p.stats, p.at);
  return json::object();
}

}  // namespace emu::cloudwatch
