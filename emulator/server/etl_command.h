// `emulator etl`: runs one ETL task now over a data dir's aggregate_metrics, offline (no
// server), and writes its CSVs to that data dir's S3 buckets. Prints the run report as JSON.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

namespace emu::server {

struct EtlCommandOptions {
  std::filesystem::path data_dir;
  std::optional<std::filesystem::path> config_file;
  std::string task = "masked_inapp_metrics";
  std::string date;  // "YYYY-MM-DD", the last day to publish; "" = yesterday (UTC)
};

// Exit code: 0 when the task succeeded, 1 when it failed (report says why), 2 on bad options.
int run_etl_command(const EtlCommandOptions& options);

}  // namespace emu::server
