// `emulator`: the COVID Alert metrics pipeline, emulated on one machine.
//   emulator serve [--port 4566] [--host 127.0.0.1] [--data-dir DIR] [--config FILE]
//                  [--clock real|virtual] [--start ISO-8601]
//   emulator config --print-defaults [--config FILE]
//   emulator etl --data-dir DIR [--task masked_inapp_metrics] [--date YYYY-MM-DD] [--config FILE]
// Exit codes: 0 success, 2 bad usage or configuration (with a message naming what is wrong).
#include <cstdio>
#include <iostream>

#include <CLI/CLI.hpp>

#include "emulator/core/config.h"
#include "emulator/server/etl_command.h"
#include "emulator/server/serve.h"

namespace {

int print_config(const std::string& config_file) {
  try {
    const emu::Config config =
        config_file.empty() ? emu::Config::defaults() : emu::Config::from_file(config_file);
    std::cout << config.json().dump(2) << "\n";
    return 0;
  } catch (const emu::ConfigError& e) {
    std::fprintf(stderr, "emulator: config error: %s\n", e.what());
    return 2;
  }
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"COVID Alert metrics pipeline emulator: API Gateway, Lambda, DynamoDB, SQS, S3 "
               "and CloudWatch on one port, with AWS's limits and the seed's quirks."};
  app.set_version_flag("--version", std::string(EMU_VERSION));
  app.require_subcommand(1);

  emu::server::ServeOptions serve_options;
  std::string data_dir, config_file, clock_mode = "real", start = "2021-06-26T23:00:00Z";
  CLI::App* serve = app.add_subcommand("serve", "Serve the pipeline over HTTP until SIGINT/SIGTERM");
  serve->add_option("--port", serve_options.port, "TCP port (0 = any free port)")
      ->default_val(4566)
      ->check(CLI::Range(0, 65535));
  serve->add_option("--host", serve_options.host, "Address to bind")->default_val("127.0.0.1");
  serve->add_option("--data-dir", data_dir,
                    "Directory for all state (default: a fresh temporary directory, "
                    "removed on exit)");
  serve->add_option("--config", config_file, "JSON file overriding any default setting")
      ->check(CLI::ExistingFile);
  serve->add_option("--clock", clock_mode, "real, or virtual (time moves via POST /_emulator/clock)")
      ->check(CLI::IsMember({"real", "virtual"}))
      ->default_val("real");
  CLI::Option* start_option =
      serve->add_option("--start", start, "Virtual clock start time (ISO-8601 UTC, with a time of day; needs --clock virtual)")
          ->default_val("2021-06-26T23:00:00Z");

  bool print_defaults = false;
  std::string print_config_file;
  CLI::App* config = app.add_subcommand("config", "Show the configuration");
  config->add_flag("--print-defaults", print_defaults,
                   "Print the complete effective configuration (JSON)");
  config->add_option("--config", print_config_file, "Merge this file over the defaults first")
      ->check(CLI::ExistingFile);

  emu::server::EtlCommandOptions etl_options;
  std::string etl_config;
  CLI::App* etl = app.add_subcommand(
      "etl", "Run one ETL task now over a data dir (offline) and print its report");
  etl->add_option("--data-dir", etl_options.data_dir, "The data dir of an emulator run")
      ->required()
      ->check(CLI::ExistingDirectory);
  etl->add_option("--task", etl_options.task, "masked_inapp_metrics or unmasked_inapp_metrics")
      ->default_val("masked_inapp_metrics");
  etl->add_option("--date", etl_options.date,
                  "Last day to publish, YYYY-MM-DD, at most today (default: yesterday)");
  etl->add_option("--config", etl_config, "JSON file overriding any default setting")
      ->check(CLI::ExistingFile);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? 0 : 2;
  }

  if (config->parsed()) {
    if (!print_defaults && print_config_file.empty()) {
      std::fprintf(stderr, "emulator config: nothing to do (try --print-defaults)\n");
      return 2;
    }
    return print_config(print_config_file);
  }
  if (etl->parsed()) {
    if (!etl_config.empty()) etl_options.config_file = etl_config;
    return emu::server::run_etl_command(etl_options);
  }
  if (!data_dir.empty()) serve_options.data_dir = data_dir;
  if (!config_file.empty()) serve_options.config_file = config_file;
  serve_options.virtual_clock = clock_mode == "virtual";
  if (start_option->count() > 0 && !serve_options.virtual_clock) {
    std::fprintf(stderr, "emulator: --start: sets the virtual clock's start; expected --clock virtual "
                         "with it (a real clock reads the system time)\n");
    return 2;
  }
  const auto start_time = emu::parse_iso8601(start);
  if (!start_time || start.find('T') == std::string::npos) {
    std::fprintf(stderr, "emulator: --start: expected an ISO-8601 UTC time with a time of day, e.g. "
                         "2021-06-27T00:00:00Z, got \"%s\"\n",
                 start.c_str());
    return 2;
  }
  serve_options.virtual_start = *start_time;
  return emu::server::serve(serve_options);
}
