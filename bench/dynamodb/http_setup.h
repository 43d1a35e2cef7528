// What the bench does outside the timed loops: check that a server answers, create the seed's
// tables where they are missing (moto), and wait for the emulator to be idle.
#pragma once

#include "http_options.h"

namespace bench {

// Prints why to stderr when `t` does not accept a connection.
bool reachable(const Target& t);

// CreateTable raw_metrics and aggregate_metrics on `t` (an existing table is fine). Prints
// why to stderr on a failure.
bool create_tables(const Target& t);

// Polls the emulator's GET /_emulator/state until the raw_metrics stream mapping has no
// records left to deliver (lag_records 0), at most 30 s. Prints one line when it gives up, or
// when `t` has no such state (not an emulator), and then returns at once.
void wait_until_idle(const Target& t);

}  // namespace bench
