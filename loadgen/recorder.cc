#include "loadgen/recorder.h"

#include <algorithm>

namespace loadgen {

namespace {
constexpr int kSecondPrecision = 7;  // per-second histograms: ~1%

std::uint64_t mix(std::uint64_t h, std::uint64_t v) {
  for (int i = 0; i < 8; ++i) {
    h ^= (v >> (i * 8)) & 0xff;
    h *= 0x100000001b3ULL;
  }
  return h;
}
}  // namespace

Recorder::Recorder(Micros start) : start_(start) {}

Second& Recorder::at(Micros t) {
  const auto index = static_cast<std::size_t>(std::max<Micros>(0, t - start_) / emu::kMicrosPerSecond);
  if (index >= seconds_.size()) seconds_.resize(index + 1);
  return seconds_[index];
}

void Recorder::planned(Micros t) {
  ++planned_;
  ++at(t).planned;
}

void Recorder::answered(Micros planned_at, int status, Micros latency, Micros service, bool late) {
  ++answered_;
  Second& s = at(planned_at);
  ++s.sent;
  if (late) {
    ++s.late;
    ++late_;
  }
  if (status == 0) ++s.errors;
  else if (status < 300) ++s.ok2xx;
  else if (status < 400) ++s.c3xx;
  else if (status < 500) ++s.c4xx;
  else ++s.c5xx;
  ++statuses_[status];
  latency_.record(latency);
  service_.record(service);
  const auto second = std::max<Micros>(0, planned_at - start_) / emu::kMicrosPerSecond;
  auto it = open_.find(second);
  if (it == open_.end()) it = open_.emplace(second, Histogram(kSecondPrecision)).first;
  it->second.record(latency);
  digest_ = mix(mix(mix(digest_, static_cast<std::uint64_t>(planned_at)), static_cast<std::uint64_t>(status)),
                static_cast<std::uint64_t>(latency));
}

void Recorder::sample_concurrency(Micros t, double value) {
  Second& s = at(t);
  s.lambda_concurrency = std::max(s.lambda_concurrency, value);
}

void Recorder::lambda_throttled(Micros t, std::uint64_t count) { at(t).lambda_throttles += count; }

void Recorder::sample_scaling_ceiling(Micros t, double value) {
  Second& s = at(t);
  s.scaling_ceiling = std::max(s.scaling_ceiling, value);
}

void Recorder::close_seconds(Micros now) {
  const auto upto = std::max<Micros>(0, now - start_) / emu::kMicrosPerSecond;
  while (!open_.empty() && open_.begin()->first < upto) {
    auto node = open_.extract(open_.begin());
    Second& s = seconds_[static_cast<std::size_t>(node.key())];
    s.p50_us = node.mapped().percentile(50);
    s.p99_us = node.mapped().percentile(99);
    s.max_us = node.mapped().max();
  }
}

void Recorder::finish() { close_seconds(INT64_MAX / 2); }

nlohmann::json Recorder::to_json() const {
  nlohmann::json series = nlohmann::json::array();
  for (const auto& s : seconds_) {
    series.push_back({s.planned, s.sent, s.late, s.ok2xx, s.c3xx, s.c4xx, s.c5xx, s.errors,
                      s.p50_us, s.p99_us, s.max_us, s.lambda_concurrency, s.lambda_throttles,
                      s.scaling_ceiling});
  }
  nlohmann::json statuses = nlohmann::json::object();
  for (const auto& [code, n] : statuses_) statuses[std::to_string(code)] = n;
  return {{"start", emu::format_iso8601(start_)},
          {"planned", planned_},
          {"answered", answered_},
          {"late", late_},
          {"statuses", statuses},
          {"latency_histogram", latency_.to_json()},
          {"service_histogram", service_.to_json()},
          {"series_columns", {"planned", "sent", "late", "2xx", "3xx", "4xx", "5xx", "errors",
                              "p50_us", "p99_us", "max_us", "lambda_concurrency", "lambda_throttles",
                              "scaling_ceiling"}},
          {"series", series}};
}

Recorder Recorder::from_json(const nlohmann::json& j) {
  Recorder r(*emu::parse_iso8601(j.at("start").get<std::string>()));
  r.planned_ = j.at("planned");
  r.answered_ = j.at("answered");
  r.late_ = j.value("late", std::uint64_t{0});
  for (const auto& [code, n] : j.at("statuses").items()) r.statuses_[std::stoi(code)] = n;
  r.latency_ = Histogram::from_json(j.at("latency_histogram"));
  r.service_ = Histogram::from_json(j.at("service_histogram"));
  for (const auto& row : j.at("series")) {
    Second s;
    s.planned = row[0]; s.sent = row[1]; s.late = row[2]; s.ok2xx = row[3]; s.c3xx = row[4];
    s.c4xx = row[5]; s.c5xx = row[6]; s.errors = row[7]; s.p50_us = row[8]; s.p99_us = row[9];
    s.max_us = row[10]; s.lambda_concurrency = row[11];
    if (row.size() > 13) {  // summaries written before these columns existed lack them
      s.lambda_throttles = row[12];
      s.scaling_ceiling = row[13];
    }
    r.seconds_.push_back(s);
  }
  return r;
}

void Recorder::merge(const Recorder& o) {
  // Shards share the scenario's start; counts add, histograms merge exactly. Per-second
  // percentiles of merged shards take the worse shard's (a bound, not an exact merge).
  planned_ += o.planned_;
  answered_ += o.answered_;
  late_ += o.late_;
  for (const auto& [code, n] : o.statuses_) statuses_[code] += n;
  latency_.merge(o.latency_);
  service_.merge(o.service_);
  if (o.seconds_.size() > seconds_.size()) seconds_.resize(o.seconds_.size());
  for (std::size_t i = 0; i < o.seconds_.size(); ++i) {
    Second& a = seconds_[i];
    const Second& b = o.seconds_[i];
    a.planned += b.planned; a.sent += b.sent; a.late += b.late; a.ok2xx += b.ok2xx;
    a.c3xx += b.c3xx; a.c4xx += b.c4xx; a.c5xx += b.c5xx; a.errors += b.errors;
    a.p50_us = std::max(a.p50_us, b.p50_us);
    a.p99_us = std::max(a.p99_us, b.p99_us);
    a.max_us = std::max(a.max_us, b.max_us);
    a.lambda_concurrency += b.lambda_concurrency;
    a.lambda_throttles += b.lambda_throttles;
    a.scaling_ceiling = std::max(a.scaling_ceiling, b.scaling_ceiling);
  }
  digest_ ^= o.digest_;
}

}  // namespace loadgen
