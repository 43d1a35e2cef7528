#include "loadgen/planner.h"

#include <algorithm>
#include <cmath>

namespace loadgen {

namespace {
constexpr Micros kDay = emu::kMicrosPerDay;

std::uint64_t phase_id(int phase, std::uint64_t k) {
  return (static_cast<std::uint64_t>(phase + 1) << 40) | k;
}

// The first (local or UTC) midnight at or after `t` for a device at `offset_hours`.
Micros next_midnight(Micros t, double offset_hours) {
  const auto offset = static_cast<Micros>(offset_hours * 3600.0 * emu::kMicrosPerSecond);
  const Micros local = t + offset;
  Micros midnight_local = emu::floor_to(local, kDay);
  if (midnight_local < local) midnight_local += kDay;
  return midnight_local - offset;
}
}  // namespace

std::optional<Micros> Planner::arrival(const Phase& p, std::uint64_t k) {
  if (p.type == Phase::Type::kTrace) {
    if (k >= p.trace.size()) return std::nullopt;
    return p.trace[static_cast<std::size_t>(k)];
  }
  const double n = static_cast<double>(k);
  const double d = emu::to_seconds(p.duration);
  double t = 0;
  if (p.type == Phase::Type::kConstant || p.rate == p.to_rate) {
    if (p.rate <= 0) return std::nullopt;
    t = n / p.rate;
  } else {
    // Arrivals N(t) = r0 t + (r1 - r0) t^2 / (2D); the k-th arrival solves N(t) = k.
    const double a = (p.to_rate - p.rate) / (2 * d), b = p.rate;
    const double disc = b * b + 4 * a * n;
    if (disc < 0) return std::nullopt;
    t = (-b + std::sqrt(disc)) / (2 * a);
  }
  if (!(t < d)) return std::nullopt;
  return emu::seconds(t);
}

Planner::Planner(const Scenario& s, const PopulationModel& population, int shard, int shards)
    : scenario_(s), population_(population), shard_(shard), shards_(shards),
      end_(s.start + s.duration) {
  next_k_.assign(s.schedule.size(), static_cast<std::uint64_t>(shard));
  waves_.resize(s.schedule.size());
  wave_pos_.assign(s.schedule.size(), 0);
  wave_round_.assign(s.schedule.size(), 0);
  for (int i = 0; i < static_cast<int>(s.schedule.size()); ++i) {
    const Phase& p = s.schedule[static_cast<std::size_t>(i)];
    if (p.type == Phase::Type::kClosed) continue;  // driven by the HTTP driver's closed loop
    if (p.type != Phase::Type::kMidnight && p.type != Phase::Type::kBackground) {
      push_phase(i);
      continue;
    }
    auto& wave = waves_[static_cast<std::size_t>(i)];
    const Micros from = s.start + p.from;
    for (std::int64_t dev = shard; dev < population.size(); dev += shards) {
      emu::Random r(s.seed ^ (0xA24BAED4963EE407ULL * static_cast<std::uint64_t>(dev + 1)) ^
                    static_cast<std::uint64_t>(i));
      if (!r.bernoulli(p.share)) continue;
      const Device d = population.device(dev);
      // Native sends come only from their platform's devices.
      if ((p.kind == ClientKind::kIosSingle && !d.ios) ||
          (p.kind == ClientKind::kAndroidForced && d.ios)) {
        continue;
      }
      // A midnight wave: once after the device's midnight. Background: the first of its runs,
      // repeated every interval by next().
      const Micros at =
          p.type == Phase::Type::kBackground
              ? from + static_cast<Micros>(r.uniform01() * static_cast<double>(p.interval))
              : next_midnight(from, p.local_midnight ? d.utc_offset_hours : 0) +
                    static_cast<Micros>(r.uniform01() * static_cast<double>(p.within));
      if (at >= end_) continue;
      wave.push_back({at, dev});
    }
    // In time order, then by id, which grows with the device.
    std::sort(wave.begin(), wave.end(), [](const WaveSend& a, const WaveSend& b) {
      return a.at != b.at ? a.at < b.at : a.device < b.device;
    });
    wave.shrink_to_fit();
    if (!wave.empty()) heap_.push(wave_send(i, wave[0], 0));
  }
}

Send Planner::wave_send(int i, const WaveSend& first, std::uint64_t round) const {
  const Phase& p = scenario_.schedule[static_cast<std::size_t>(i)];
  Send send;
  send.at = first.at + static_cast<Micros>(round) * p.interval;
  send.device = first.device;
  send.kind = p.kind;
  send.entries = p.kind == ClientKind::kJsBatch ? population_.device(first.device).queue : 1;
  send.id = phase_id(i, static_cast<std::uint64_t>(first.device) | (round << 32));
  send.source = i;
  return send;
}

void Planner::push_phase(int i) {
  const Phase& p = scenario_.schedule[static_cast<std::size_t>(i)];
  const std::uint64_t k = next_k_[static_cast<std::size_t>(i)];
  const auto offset = arrival(p, k);
  if (!offset) return;
  Send send;
  send.at = scenario_.start + p.from + *offset;
  if (send.at >= end_) return;
  const std::uint64_t id = phase_id(i, k);
  emu::Random r(scenario_.seed ^ (id * 0x9E3779B97F4A7C15ULL));
  send.device = static_cast<std::int64_t>(r.below(static_cast<std::uint64_t>(population_.size())));
  send.kind = p.kind;
  send.entries = p.kind == ClientKind::kJsBatch ? population_.device(send.device).queue : 1;
  send.id = id;
  send.source = i;
  next_k_[static_cast<std::size_t>(i)] = k + static_cast<std::uint64_t>(shards_);
  heap_.push(send);
}

std::optional<Send> Planner::next() {
  if (heap_.empty()) return std::nullopt;
  Send s = heap_.top();
  heap_.pop();
  if (s.source >= 0) {
    const Phase& p = scenario_.schedule[static_cast<std::size_t>(s.source)];
    if (p.type == Phase::Type::kMidnight || p.type == Phase::Type::kBackground) {
      push_wave_next(s.source);
    } else {
      push_phase(s.source);
    }
  }
  ++planned_;
  return s;
}

void Planner::push_wave_next(int i) {
  const auto index = static_cast<std::size_t>(i);
  const auto& wave = waves_[index];
  auto& pos = wave_pos_[index];
  if (++pos == wave.size()) {
    // A midnight wave ends; background runs start their next round, one interval later.
    if (scenario_.schedule[index].type != Phase::Type::kBackground) return;
    pos = 0;
    ++wave_round_[index];
  }
  const Send next = wave_send(i, wave[pos], wave_round_[index]);
  if (next.at < end_) heap_.push(next);
}

void Planner::resend(const Send& failed) {
  const Population& pop = population_.settings();
  if (failed.attempt >= pop.max_resends) return;
  Send again = failed;
  again.attempt = failed.attempt + 1;
  again.source = -1;
  again.at = failed.at + emu::seconds(pop.resend_after_seconds);
  if (failed.kind == ClientKind::kJsBatch) again.entries = failed.entries + pop.growth_per_resend;
  if (again.at < end_) heap_.push(again);
}

}  // namespace loadgen
