// The seed system's two tables (seed-system.md section 4), created from the configuration:
//   raw_metrics       PAY_PER_REQUEST, hash uuid (S), TTL on expdate, stream NEW_IMAGE
//   aggregate_metrics PAY_PER_REQUEST, hash pk (S), range sk (S),
//                     GSI IdentifierIndex (hash identifier S, projection ALL)
// Names come from /create_metrics/table_name and /aggregate_metrics/table_name; billing mode,
// capacity and persistence from /dynamodb/tables/{raw_metrics,aggregate_metrics} (keyed by
// role, not by name). Tables that already exist (reloaded from the data dir) are left alone.
#pragma once

#include "emulator/core/config.h"
#include "emulator/dynamodb/model.h"

namespace emu::dynamodb {

// Throws ConfigError for invalid table settings, std::runtime_error if creation fails.
void create_seed_tables(Database& db, const Config& config, Micros now);

}  // namespace emu::dynamodb
