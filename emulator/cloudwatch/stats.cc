#include "emulator/cloudwatch/stats.h"

#include <algorithm>
#include <charconv>
#include <cmath>

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

bool bucket_less(const std::pair<int, double>& entry, int bucket) { return entry.first < bucket; }

}  // namespace

void Stats::add_to_bucket(int bucket, double count) {
  const auto it = std::lower_bound(histogram.begin(), histogram.end(), bucket, bucket_less);
  if (it != histogram.end() && it->first == bucket) {
    it->second += count;
  } else {
    histogram.insert(it, {bucket, count});
  }
}

void Stats::add(double value, double count) {
  if (sample_count <= 0) {
    minimum = maximum = value;
  } else {
    minimum = std::min(minimum, value);
    maximum = std::max(maximum, value);
  }
  sample_count += count;
  sum += value * count;
  add_to_bucket(bucket_of(value), count);
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
  // Both sorted: one pass, adding counts of shared buckets as a map's += would.
  std::vector<std::pair<int, double>> merged;
  merged.reserve(histogram.size() + o.histogram.size());
  auto a = histogram.begin();
  auto b = o.histogram.begin();
  while (a != histogram.end() || b != o.histogram.end()) {
    if (b == o.histogram.end() || (a != histogram.end() && a->first < b->first)) {
      merged.push_back(*a++);
    } else if (a == histogram.end() || b->first < a->first) {
      merged.push_back(*b++);
    } else {
      merged.emplace_back(a->first, a->second + b->second);
      ++a;
      ++b;
    }
  }
  histogram = std::move(merged);
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

nlohmann::json Stats::to_json() const {
  nlohmann::json buckets = nlohmann::json::array();
  for (const auto& [b, n] : histogram) buckets.push_back({b, n});
  return nlohmann::json::array({sample_count, sum, minimum, maximum, std::move(buckets)});
}

std::optional<Stats> Stats::from_json(const nlohmann::json& j) {
  if (!j.is_array() || j.size() != 5 || !j[4].is_array()) return std::nullopt;
  for (std::size_t i = 0; i < 4; ++i) {
    if (!j[i].is_number()) return std::nullopt;
  }
  Stats s;
  s.sample_count = j[0];
  s.sum = j[1];
  s.minimum = j[2];
  s.maximum = j[3];
  s.histogram.reserve(j[4].size());
  for (const auto& b : j[4]) {
    if (!b.is_array() || b.size() != 2 || !b[0].is_number_integer() || !b[1].is_number()) {
      return std::nullopt;
    }
    s.add_to_bucket(b[0].get<int>(), b[1].get<double>());
  }
  return s;
}

}  // namespace emu::cloudwatch
