// What every component is built from: the configuration, the simulation's clock and scheduler,
// the durable store, the seeded randomness and the data dir. Owned by whoever runs the pipeline
// (`emulator serve`, the in-process scenario runner, a test) and outlives every component.
#pragma once

#include <filesystem>

#include "emulator/core/clock.h"
#include "emulator/core/config.h"
#include "emulator/core/random.h"
#include "emulator/core/scheduler.h"
#include "emulator/core/storage.h"

namespace emu {

struct Env {
  Config config;
  Clock& clock;
  Scheduler& scheduler;
  Storage& storage;
  // Root stream; each component takes its own with random.derive("<component>").
  Random random;
  // Every file the emulator writes lives under this directory.
  std::filesystem::path data_dir;
};

}  // namespace emu
