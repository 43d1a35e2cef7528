// `loadgen sweep`'s grid: the keys of `--set KEY=V1,V2,...` and the scenario of each point.
// A key names a setting of the scenario's `emulator` block (`lambda.scaling.regime`, or with
// the prefix `emulator.`) or of its population (`population.devices`). Every point is checked
// up front (the key exists, the value has the setting's type, the scenario still parses), so a
// bad flag exits 2 before anything runs, with a message naming the key and the value.
#pragma once

#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace loadgen {

// A bad --set flag (exit 2). what() names the flag, the key or value, and what was expected.
class SweepInputError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct SweepKey {
  std::string key;                     // as written (without the "emulator." prefix)
  bool population = false;             // population.<field>, else an emulator setting
  std::vector<std::string> path;       // the key's segments after the prefix
  std::vector<nlohmann::json> values;  // typed as the setting is
  std::vector<std::string> texts;      // as written
};

// Bound: a grid larger than this is refused (each point is a whole run).
inline constexpr std::size_t kMaxSweepPoints = 1000;

struct SweepPoint {
  std::size_t index = 0;
  std::vector<std::size_t> choice;  // value index per key
  nlohmann::json scenario;          // the scenario as the point runs it
  std::string label;                // "key=value, key=value"
};

// Parses "KEY=V1,V2,..." against the scenario (its JSON, as read from `scenario_file`).
SweepKey parse_sweep_key(const std::string& spec);
// Every point of the grid, first key varying slowest; each point's scenario validated.
// Relative trace files are made absolute (the point's scenario is written elsewhere).
std::vector<SweepPoint> sweep_points(const nlohmann::json& scenario, const std::string& scenario_file,
                                     std::vector<SweepKey>& keys);

}  // namespace loadgen
