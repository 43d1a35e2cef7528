// Planned send times, in order: the scenario's phases (constant and ramp rates with exact
// spacing, midnight waves where each device posts once within N seconds after its local or UTC
// midnight, background runs where each device posts once per interval at its own offset) merged
// with the resends of failed sends (each client resends its whole, grown,
// queue at its next background run). `shard i/n` keeps the i-th of n disjoint slices: the
// k-th arrival of a rate phase goes to shard k mod n, a device's midnight send to shard
// device mod n, and a resend to the shard of the send it repeats.
//
// Memory: a midnight or background phase holds one (time, device) pair, 16 bytes, per device
// taking part (population.devices x share, set by the scenario); everything else a send
// carries is derived again when it is due. The heap holds one send per rate phase and per
// wave, plus the resends waiting for their time: at most the failed sends of the last
// population.resend_after_seconds, times population.max_resends.
#pragma once

#include <optional>
#include <queue>
#include <vector>

#include "loadgen/population.h"
#include "loadgen/scenario.h"

namespace loadgen {

struct Send {
  Micros at = 0;             // planned time (absolute)
  std::int64_t device = 0;
  ClientKind kind = ClientKind::kJsBatch;
  int entries = 1;
  int attempt = 0;           // 0 = first send, then resends
  std::uint64_t id = 0;      // unique per original send (resends keep it)
  int source = -1;           // phase index, or -1 for a resend
};

class Planner {
 public:
  Planner(const Scenario& scenario, const PopulationModel& population, int shard = 0, int shards = 1);
  std::optional<Send> next();
  // The client treated `failed` as a failure: it sends again at its next background run.
  void resend(const Send& failed);
  std::uint64_t planned() const { return planned_; }
  // Time of the k-th (0-based) arrival of a rate phase, relative to its start; nullopt when
  // the phase ends first.
  static std::optional<Micros> arrival(const Phase& phase, std::uint64_t k);

 private:
  struct Later {
    bool operator()(const Send& a, const Send& b) const {
      return a.at != b.at ? a.at > b.at : a.id > b.id;
    }
  };
  // A wave's first sends, in time order: what each device does, not the whole Send.
  struct WaveSend {
    Micros at = 0;
    std::int64_t device = 0;
  };
  void push_phase(int phase);
  void push_wave_next(int phase);
  Send wave_send(int phase, const WaveSend& first, std::uint64_t round) const;

  const Scenario& scenario_;
  const PopulationModel& population_;
  int shard_, shards_;
  Micros end_;
  std::vector<std::uint64_t> next_k_;               // per rate phase
  std::vector<std::vector<WaveSend>> waves_;        // per midnight/background phase, sorted
  std::vector<std::size_t> wave_pos_;
  std::vector<std::uint64_t> wave_round_;  // background phases: how many intervals have passed
  std::priority_queue<Send, std::vector<Send>, Later> heap_;
  std::uint64_t planned_ = 0;
};

}  // namespace loadgen
