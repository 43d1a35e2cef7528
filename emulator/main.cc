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

// jemalloc's options, read at its first allocation (when it is the allocator: emu_use_jemalloc).
// One arena rather than 4 per core: each thread that allocates would otherwise get an arena of
// its own, whose set-up and partly used pages cost ~260 KiB of an idle `emulator serve`'s RSS
// (issue 15's target is 10 MiB; bench/startup). The threads that allocate much are two (the
// simulation and the HTTP I/O thread), and the thread caches take most allocations without
// the arena's lock.
extern "C" {
const char* malloc_conf = "narenas:1";
}

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

// `serve`'s command line, as CLI11 fills it.
struct ServeArgs {
  emu::server::ServeOptions options;
  std::string data_dir, config_file, clock_mode = "real", start = "2021-06-26T23:00:00Z";
  CLI::Option* start_option = nullptr;
};

CLI::App* add_serve_command(CLI::App& app, ServeArgs& a) {
  CLI::App* serve = app.add_subcommand("serve", "Serve the pipeline over HTTP until SIGINT/SIGTERM");
  serve->add_option("--port", a.options.port, "TCP port (0 = any free port)")
      ->default_val(4566)
      ->check(CLI::Range(0, 65535));
  serve->add_option("--host", a.options.host, "Address to bind")->default_val("127.0.0.1");
  serve->add_option("--data-dir", a.data_dir,
                    "Directory for all state (default: a fresh temporary directory, "
                    "removed on exit)");
  serve->add_option("--config", a.config_file, "JSON file overriding any default setting")
      ->check(CLI::ExistingFile);
  serve
      ->add_option("--clock", a.clock_mode,
                   "real, or virtual (time moves via POST /_emulator/clock)")
      ->check(CLI::IsMember({"real", "virtual"}))
      ->default_val("real");
  a.start_option =
      serve
          ->add_option(
              "--start", a.start,
              "Virtual clock start time (ISO-8601 UTC, with a time of day; needs --clock virtual)")
          ->default_val("2021-06-26T23:00:00Z");
  return serve;
}

// `serve` after parsing: checks what CLI11 cannot (--start with a virtual clock, a time of
// day) and serves.
int run_serve(ServeArgs& a) {
  emu::server::ServeOptions& serve_options = a.options;
  if (!a.data_dir.empty()) serve_options.data_dir = a.data_dir;
  if (!a.config_file.empty()) serve_options.config_file = a.config_file;
  serve_options.virtual_clock = a.clock_mode == "virtual";
  if (a.start_option->count() > 0 && !serve_options.virtual_clock) {
    std::fprintf(stderr,
                 "emulator: --start: sets the virtual clock's start; expected --clock virtual "
                 "with it (a real clock reads the system time)\n");
    return 2;
  }
  const auto start_time = emu::parse_iso8601(a.start);
  if (!start_time || a.start.find('T') == std::string::npos) {
    std::fprintf(stderr,
                 "emulator: --start: expected an ISO-8601 UTC time with a time of day, e.g. "
                 "2021-06-27T00:00:00Z, got \"%s\"\n",
                 a.start.c_str());
    return 2;
  }
  serve_options.virtual_start = *start_time;
  return emu::server::serve(serve_options);
}

// `config`'s command line.
struct ConfigArgs {
  bool print_defaults = false;
  std::string config_file;
};

CLI::App* add_config_command(CLI::App& app, ConfigArgs& a) {
  CLI::App* config = app.add_subcommand("config", "Show the configuration");
  config->add_flag("--print-defaults", a.print_defaults,
                   "Print the complete effective configuration (JSON)");
  config->add_option("--config", a.config_file, "Merge this file over the defaults first")
      ->check(CLI::ExistingFile);
  return config;
}

int run_config(const ConfigArgs& a) {
  if (!a.print_defaults && a.config_file.empty()) {
    std::fprintf(stderr, "emulator config: nothing to do (try --print-defaults)\n");
    return 2;
  }
  return print_config(a.config_file);
}

// `etl`'s command line.
struct EtlArgs {
  emu::server::EtlCommandOptions options;
  std::string config_file;
};

CLI::App* add_etl_command(CLI::App& app, EtlArgs& a) {
  CLI::App* etl = app.add_subcommand(
      "etl", "Run one ETL task now over a data dir (offline) and print its report");
  etl->add_option("--data-dir", a.options.data_dir, "The data dir of an emulator run")
      ->required()
      ->check(CLI::ExistingDirectory);
  etl->add_option("--task", a.options.task, "masked_inapp_metrics or unmasked_inapp_metrics")
      ->default_val("masked_inapp_metrics");
  etl->add_option("--date", a.options.date,
                  "Last day to publish, YYYY-MM-DD, at most today (default: yesterday)");
  etl->add_option("--config", a.config_file, "JSON file overriding any default setting")
      ->check(CLI::ExistingFile);
  return etl;
}

int run_etl(EtlArgs& a) {
  if (!a.config_file.empty()) a.options.config_file = a.config_file;
  return emu::server::run_etl_command(a.options);
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{
      "COVID Alert metrics pipeline emulator: API Gateway, Lambda, DynamoDB, SQS, S3 "
      "and CloudWatch on one port, with AWS's limits and the seed's quirks."};
  app.set_version_flag("--version", std::string(EMU_VERSION));
  app.require_subcommand(1);
  ServeArgs serve_args;
  add_serve_command(app, serve_args);
  ConfigArgs config_args;
  CLI::App* config = add_config_command(app, config_args);
  EtlArgs etl_args;
  CLI::App* etl = add_etl_command(app, etl_args);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? 0 : 2;
  }
  if (config->parsed()) return run_config(config_args);
  if (etl->parsed()) return run_etl(etl_args);
  return run_serve(serve_args);
}
