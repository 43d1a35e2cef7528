// The configuration loader: the input is a --config file, loaded as
// `emulator serve` loads it (Config::from_file, the fault rules checked before anything is
// created) and then built into a whole pipeline. A refused file must be a ConfigError (which
// serve reports, naming file and field, with exit 2); any other exception is a crash.
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "bench/fuzz/fuzz_target.h"
#include "emulator/core/clock.h"
#include "emulator/core/config.h"
#include "emulator/core/scheduler.h"
#include "emulator/core/storage.h"
#include "emulator/faults/fault_injector.h"
#include "emulator/pipeline/pipeline.h"

namespace {

std::filesystem::path scratch_dir() {
  static const auto dir = [] {
    auto d =
        std::filesystem::temp_directory_path() / ("emu-fuzz-config-" + std::to_string(::getpid()));
    std::filesystem::create_directories(d);
    return d;
  }();
  return dir;
}

void build_pipeline(const emu::Config& config) {
  const auto data_dir = scratch_dir() / "data";
  std::filesystem::remove_all(data_dir);
  std::filesystem::create_directories(data_dir);
  emu::VirtualClock clock(*emu::parse_iso8601("2021-06-27T03:55:00Z"));
  emu::Scheduler scheduler(clock);
  emu::Storage storage(":memory:", "OFF");
  emu::Env env{config, clock, scheduler, storage, emu::Random(42), data_dir};
  emu::PipelineOptions options;
  options.access_log = false;
  emu::Pipeline pipeline(env, options);
}

}  // namespace

EMU_FUZZ_TARGET(config) {
  const auto file = scratch_dir() / "config.json";
  std::ofstream(file, std::ios::binary | std::ios::trunc) << input;
  try {
    const auto config = emu::Config::from_file(file);
    (void)emu::faults::ConfigFaultInjector(config.at("/faults"), 0, emu::Random(0));
    build_pipeline(config);
  } catch (const emu::ConfigError&) {
    // Refused with the file and field named: what the loader is for.
  }
}
