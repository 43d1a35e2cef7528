// The `loadgen sweep` subcommand's flags (kept apart from main.cc).
#pragma once

#include <CLI/CLI.hpp>

#include "loadgen/sweep.h"

namespace loadgen {

CLI::App* add_sweep_command(CLI::App& app, SweepOptions& options);
// Runs the parsed sweep; `argv0` locates this binary, which runs each point.
int run_sweep_command(SweepOptions& options, const char* argv0);

}  // namespace loadgen
