#include "loadgen/histogram.h"

#include <algorithm>
#include <bit>
#include <cmath>

namespace loadgen {

namespace {
constexpr std::int64_t kMaxValue = (std::int64_t{1} << 32) - 1;  // ~71 minutes in µs
}  // namespace

// Values below 2^sub_bits have a bucket each; above, each power of two is split into
// 2^(sub_bits-1) buckets (the upper half of a row of 2^sub_bits, as HdrHistogram lays it out).
Histogram::Histogram(int sub_bits)
    : sub_bits_(sub_bits),
      sub_count_(std::int64_t{1} << sub_bits),
      counts_(static_cast<std::size_t>((32 - sub_bits + 1) * (std::int64_t{1} << sub_bits)), 0) {}

int Histogram::index_of(std::int64_t v) const {
  v = std::clamp<std::int64_t>(v, 0, kMaxValue);
  if (v < sub_count_) return static_cast<int>(v);
  const int bits = 64 - std::countl_zero(static_cast<std::uint64_t>(v));  // v < 2^bits
  const int shift = bits - sub_bits_;                                     // >= 1
  const std::int64_t sub = v >> shift;  // in [sub_count/2, sub_count)
  return static_cast<int>(shift * sub_count_ + sub);
}

std::int64_t Histogram::highest_equivalent(int index) const {
  const int shift = index / static_cast<int>(sub_count_);
  const std::int64_t sub = index % sub_count_;
  if (shift == 0) return sub;
  return ((sub + 1) << shift) - 1;
}

void Histogram::reset() {
  std::fill(counts_.begin(), counts_.end(), 0);
  total_ = 0;
  min_ = INT64_MAX;
  max_ = 0;
  sum_ = 0;
}

void Histogram::record(std::int64_t micros, std::uint64_t count) {
  if (count == 0) return;
  micros = std::max<std::int64_t>(0, micros);
  counts_[static_cast<std::size_t>(index_of(micros))] += count;
  total_ += count;
  min_ = std::min(min_, micros);
  max_ = std::max(max_, micros);
  sum_ += micros * static_cast<std::int64_t>(count);
}

void Histogram::merge(const Histogram& o) {
  if (o.sub_bits_ != sub_bits_) {  // different precision: re-record at bucket values
    for (std::size_t i = 0; i < o.counts_.size(); ++i) {
      if (o.counts_[i] != 0) record(o.highest_equivalent(static_cast<int>(i)), o.counts_[i]);
    }
    return;
  }
  for (std::size_t i = 0; i < counts_.size(); ++i) counts_[i] += o.counts_[i];
  total_ += o.total_;
  min_ = std::min(min_, o.min_);
  max_ = std::max(max_, o.max_);
  sum_ += o.sum_;
}

std::int64_t Histogram::percentile(double p) const {
  if (total_ == 0) return 0;
  const auto rank = static_cast<std::uint64_t>(
      std::max(1.0, std::ceil(std::clamp(p, 0.0, 100.0) / 100.0 * static_cast<double>(total_))));
  std::uint64_t seen = 0;
  for (std::size_t i = 0; i < counts_.size(); ++i) {
    seen += counts_[i];
    if (seen >= rank) return std::min(highest_equivalent(static_cast<int>(i)), max_);
  }
  return max_;
}

nlohmann::json Histogram::to_json() const {
  nlohmann::json buckets = nlohmann::json::array();
  for (std::size_t i = 0; i < counts_.size(); ++i) {
    if (counts_[i] != 0) buckets.push_back({i, counts_[i]});
  }
  return {{"sub_bits", sub_bits_}, {"buckets", buckets}, {"min", min()}, {"max", max_},
          {"sum", sum_}, {"count", total_}};
}

Histogram Histogram::from_json(const nlohmann::json& j) {
  Histogram h(j.value("sub_bits", 11));
  for (const auto& b : j.at("buckets")) {
    const auto i = b[0].get<std::size_t>();
    if (i < h.counts_.size()) h.counts_[i] += b[1].get<std::uint64_t>();
  }
  h.total_ = j.value("count", std::uint64_t{0});
  h.min_ = h.total_ ? j.value("min", std::int64_t{0}) : INT64_MAX;
  h.max_ = j.value("max", std::int64_t{0});
  h.sum_ = j.value("sum", std::int64_t{0});
  return h;
}

}  // namespace loadgen
