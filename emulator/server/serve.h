// `emulator serve`: the pipeline over HTTP on one port, until SIGINT/SIGTERM.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include "emulator/core/time.h"

namespace emu::server {

struct ServeOptions {
  std::string host = "127.0.0.1";
  int port = 4566;                                  // 0 picks a free port (printed when ready)
  std::optional<std::filesystem::path> data_dir;    // default: a fresh temporary directory
  std::optional<std::filesystem::path> config_file;
  bool virtual_clock = false;
  Micros virtual_start = 0;                         // used when virtual_clock
};

// Runs the server; returns the process exit code (0 after a clean shutdown, 2 on a setup
// error such as an unusable config, data dir or port, with a message on stderr).
int serve(const ServeOptions& options);

}  // namespace emu::server
