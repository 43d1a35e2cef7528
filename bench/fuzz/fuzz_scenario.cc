// The scenario loader: the input after its first byte is a scenario file (JSON when the first
// byte is even, YAML when odd), loaded as `loadgen run` loads it (Scenario::from_file, the mode
// checks for both modes, its "emulator" block merged into the configuration). A refused file
// must be a ScenarioError or ConfigError (reported naming file and field, exit 2); any other
// exception is a crash.
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "bench/fuzz/fuzz_target.h"
#include "emulator/core/config.h"
#include "loadgen/scenario.h"

EMU_FUZZ_TARGET(scenario) {
  if (input.empty()) return;
  static const auto dir = [] {
    auto d = std::filesystem::temp_directory_path() /
             ("emu-fuzz-scenario-" + std::to_string(::getpid()));
    std::filesystem::create_directories(d);
    return d;
  }();
  const auto file = dir / (static_cast<unsigned char>(input[0]) % 2 == 0 ? "s.json" : "s.yaml");
  std::ofstream(file, std::ios::binary | std::ios::trunc) << input.substr(1);
  try {
    const auto scenario = loadgen::Scenario::from_file(file.string());
    for (const bool http : {false, true}) {
      try {
        loadgen::check_mode(scenario, http);
      } catch (const loadgen::ScenarioError&) {
      }
    }
    emu::Config config = emu::Config::defaults();
    config.merge(scenario.emulator, scenario.file + " (emulator)");
  } catch (const loadgen::ScenarioError&) {
  } catch (const emu::ConfigError&) {
  }
}
