#include "emulator/server/serve.h"

#include <signal.h>
#include <stdlib.h>

#include <cstdio>
#include <system_error>
#include <thread>

#include "emulator/core/config.h"
#include "emulator/core/durable_state.h"
#include "emulator/dashboard/dashboard.h"
#include "emulator/pipeline/pipeline.h"
#include "emulator/server/asio_edge.h"
#include "emulator/server/data_dir_lock.h"
#include "emulator/server/edge_settings.h"
#include "emulator/server/health.h"
#include "emulator/server/sim_loop.h"

namespace emu::server {

namespace {

std::filesystem::path make_data_dir(const ServeOptions& options) {
  if (options.data_dir) {
    std::filesystem::create_directories(*options.data_dir);
    return std::filesystem::absolute(*options.data_dir);
  }
  std::string pattern =
      (std::filesystem::temp_directory_path() / "covid-alert-emulator-XXXXXX").string();
  if (mkdtemp(pattern.data()) == nullptr) {
    throw std::system_error(errno, std::generic_category(), "cannot create a temporary data dir");
  }
  return pattern;
}

// A data dir the server made for itself (no --data-dir): removed when serve() returns, after a
// clean stop or a failed start, since nothing could find it again. A --data-dir is never removed.
class TemporaryDataDir {
 public:
  explicit TemporaryDataDir(std::filesystem::path dir) : dir_(std::move(dir)) {}
  ~TemporaryDataDir() {
    if (dir_.empty()) return;
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
    if (ec) {
      std::fprintf(stderr, "emulator: cannot remove temporary data dir %s: %s\n", dir_.c_str(),
                   ec.message().c_str());
    } else {
      std::fprintf(stderr, "emulator: removed temporary data dir %s\n", dir_.c_str());
    }
  }
  TemporaryDataDir(const TemporaryDataDir&) = delete;
  TemporaryDataDir& operator=(const TemporaryDataDir&) = delete;

 private:
  std::filesystem::path dir_;
};

// The settings serve() reads itself, checked before anything is created.
struct ServeSettings {
  EdgeSettings edge;
  std::int64_t max_wal_bytes = 0;
};

ServeSettings read_settings(const Config& config, const ServeOptions& options) {
  try {
    ServeSettings s{EdgeSettings::from_config(config), config.integer("/storage/max_wal_bytes")};
    // Fault rules are checked before anything is created: one no model consults is refused.
    (void)faults::ConfigFaultInjector(config.at("/faults"), 0, Random(0));
    if (s.max_wal_bytes < (1 << 20)) {
      throw ConfigError("/storage/max_wal_bytes", "at least 1048576 (1 MiB)");
    }
    return s;
  } catch (const ConfigError& e) {
    if (!options.config_file || !e.file().empty()) throw;
    throw e.in_file(options.config_file->string());
  }
}

Config load_config(const ServeOptions& options) {
  return options.config_file ? Config::from_file(*options.config_file) : Config::defaults();
}

// Blocks SIGINT/SIGTERM in every thread (call before starting any) so that one thread can wait
// for them with sigwait().
sigset_t block_shutdown_signals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  return set;
}

// Reads the config and settings and makes the data dir; on failure says why and returns the
// exit code (2).
std::optional<int> read_startup(const ServeOptions& options, Config& config,
                                ServeSettings& settings, std::filesystem::path& data_dir) {
  try {
    config = load_config(options);
    settings = read_settings(config, options);
    data_dir = make_data_dir(options);
  } catch (const ConfigError& e) {
    std::fprintf(stderr, "emulator: config error: %s\n", e.what());
    return 2;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "emulator: %s\n", e.what());
    return 2;
  }
  return std::nullopt;
}

// What serve() builds over the data dir, declared in construction order so that it is
// destroyed in reverse: the pipeline before the Env it uses, the Env before the Storage.
struct Runtime {
  std::unique_ptr<Storage> storage;
  std::unique_ptr<Env> env;
  std::unique_ptr<Pipeline> pipeline;
};

// Opens the storage and builds the pipeline on it; on failure says why and returns the exit
// code (2).
std::optional<int> start_runtime(const Config& config, const ServeSettings& settings,
                                 const std::filesystem::path& data_dir, Clock& clock,
                                 Scheduler& scheduler, Micros started, Runtime& runtime) {
  try {
    runtime.storage = std::make_unique<Storage>((data_dir / "emulator.db").string(),
                                                config.string("/storage/synchronous"));
    // Every start on a data dir draws ids from a stream of its own: ids handed out before a
    // restart (raw_metrics uuids, SQS message ids) must never be handed out again after it.
    const std::uint64_t start = DurableState::count_start(*runtime.storage);
    // The services' schemas in one transaction (one commit, below) rather than one each.
    runtime.storage->ensure_transaction();
    runtime.env = std::make_unique<Env>(Env{
        config, clock, scheduler, *runtime.storage,
        random_for_start(static_cast<std::uint64_t>(config.integer("/seed")), start), data_dir});
    PipelineOptions pipeline_options;
    pipeline_options.uptime_seconds = [started] {
      return to_seconds(wall::monotonic_now() - started);
    };
    runtime.pipeline = std::make_unique<Pipeline>(*runtime.env, pipeline_options);
    dashboard::add_endpoints(*runtime.pipeline);
    runtime.storage->commit();
    runtime.storage->end_startup();
    runtime.storage->start_background_checkpoints(settings.max_wal_bytes);
  } catch (const ConfigError& e) {
    std::fprintf(stderr, "emulator: config error: %s\n", e.what());
    return 2;
  } catch (const DataDirError& e) {
    std::fprintf(stderr, "emulator: data dir %s: %s\n", data_dir.c_str(), e.what());
    return 2;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "emulator: cannot start: %s\n", e.what());
    return 2;
  }
  return std::nullopt;
}

// What the serving threads need besides the runtime.
struct ServeContext {
  const ServeOptions& options;
  const Config& config;
  const ServeSettings& settings;
  const std::filesystem::path& data_dir;
  Clock& clock;
  Scheduler& scheduler;
  Micros started;
};

// Binds the port, runs the simulation and HTTP threads until SIGINT/SIGTERM arrives in
// `signals`, then stops them and closes the runtime; returns the exit code.
int run_until_signal(const ServeContext& c, Runtime& runtime, sigset_t& signals) {
  SimLoop loop(c.scheduler, runtime.storage.get(), c.settings.edge.inbox_capacity);
  loop.set_turn_end([&runtime] { runtime.pipeline->flush(); });
  const Micros started = c.started;
  const LocalAnswer health = HealthAnswer(c.clock, loop, c.data_dir.string(), [started] {
    return to_seconds(wall::monotonic_now() - started);
  });
  AsioEdge edge(loop, runtime.pipeline->router(), c.settings.edge, health);
  const int port = edge.bind(c.options.host, c.options.port);
  if (port < 0) {
    std::fprintf(stderr, "emulator: cannot listen on %s:%d (port in use or not allowed)\n",
                 c.options.host.c_str(), c.options.port);
    return 2;
  }

  std::thread sim_thread([&loop] { loop.run(); });
  std::thread http_thread([&edge] { edge.listen(); });
  std::printf(
      "emulator ready: url=http://%s:%d data-dir=%s clock=%s api-key=%s "
      "dashboard=http://%s:%d/_emulator/dashboard\n",
      c.options.host.c_str(), port, c.data_dir.c_str(),
      c.options.virtual_clock ? "virtual" : "real", c.config.string("/apigateway/api_key").c_str(),
      c.options.host.c_str(), port);
  std::fflush(stdout);

  int signal_number = 0;
  sigwait(&signals, &signal_number);
  std::fprintf(stderr, "emulator: %s received, shutting down\n",
               signal_number == SIGINT ? "SIGINT" : "SIGTERM");
  edge.stop();
  http_thread.join();
  loop.stop();
  sim_thread.join();
  runtime.pipeline.reset();
  runtime.env.reset();
  runtime.storage.reset();  // commits and closes SQLite
  std::fprintf(stderr, "emulator: stopped cleanly\n");
  return 0;
}

}  // namespace

int serve(const ServeOptions& options) {
  const Micros started = wall::monotonic_now();
  sigset_t signals = block_shutdown_signals();
  Config config;
  ServeSettings settings;
  std::filesystem::path data_dir;
  if (auto failed = read_startup(options, config, settings, data_dir)) return *failed;
  // Declared before everything that uses the dir, so it is removed after they are gone.
  const TemporaryDataDir temporary(options.data_dir ? std::filesystem::path() : data_dir);
  // One emulator per data dir (held until serve() returns).
  std::string holder;
  const std::optional<DataDirLock> lock = DataDirLock::take(data_dir, holder);
  if (!lock) {
    std::fprintf(stderr, "emulator: data dir %s: %s\n", data_dir.c_str(), holder.c_str());
    return 2;
  }

  SystemClock system_clock;
  VirtualClock virtual_clock(options.virtual_start);
  Clock& clock = options.virtual_clock ? static_cast<Clock&>(virtual_clock) : system_clock;
  Scheduler scheduler(clock);
  Runtime runtime;
  if (auto failed = start_runtime(config, settings, data_dir, clock, scheduler, started, runtime)) {
    return *failed;
  }
  const ServeContext context{options, config, settings, data_dir, clock, scheduler, started};
  return run_until_signal(context, runtime, signals);
}

}  // namespace emu::server
