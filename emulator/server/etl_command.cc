#include "emulator/server/etl_command.h"

#include <cstdio>
#include <iostream>

#include "emulator/core/clock.h"
#include "emulator/pipeline/pipeline.h"

namespace emu::server {

int run_etl_command(const EtlCommandOptions& options) {
  const auto db_path = options.data_dir / "emulator.db";
  if (!std::filesystem::exists(db_path)) {
    std::fprintf(stderr, "emulator etl: --data-dir %s holds no emulator state (no emulator.db)\n",
                 options.data_dir.c_str());
    return 2;
  }
  try {
    const Config config =
        options.config_file ? Config::from_file(*options.config_file) : Config::defaults();
    SystemClock clock;
    Scheduler scheduler(clock);
    Storage storage(db_path.string(), config.string("/storage/synchronous"));
    // This opening of the data dir is a start like any other (serve.cc): its ids are its own.
    const std::uint64_t start = DurableState::count_start(storage);
    Env env{config, clock, scheduler, storage,
            random_for_start(static_cast<std::uint64_t>(config.integer("/seed")), start),
            options.data_dir};
    PipelineOptions pipeline_options;
    pipeline_options.access_log = false;
    Pipeline pipeline(env, pipeline_options);
    const Micros now = clock.now();
    std::int64_t through = floor_to(now, kMicrosPerDay) / kMicrosPerDay - 1;
    if (!options.date.empty()) {
      const auto date = parse_date(options.date);
      if (!date) {
        std::fprintf(stderr, "emulator etl: --date: expected YYYY-MM-DD, got \"%s\"\n",
                     options.date.c_str());
        return 2;
      }
      through = days_from_civil(*date);
      if (const auto refused = etl::refuse_through_day(through, now)) {
        std::fprintf(stderr, "emulator etl: --date: %s\n", refused->c_str());
        return 2;
      }
    }
    const auto report = pipeline.etl().run(options.task, through, now);
    storage.commit();
    std::cout << report.to_json().dump(2) << "\n";
    return report.ok ? 0 : 1;
  } catch (const ConfigError& e) {
    std::fprintf(stderr, "emulator etl: config error: %s\n", e.what());
    return 2;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "emulator etl: %s\n", e.what());
    return 2;
  }
}

}  // namespace emu::server
