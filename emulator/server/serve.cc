#include "emulator/server/serve.h"

#include <signal.h>
#include <stdlib.h>

#include <cstdio>
#include <system_error>
#include <thread>

#include "emulator/core/config.h"
#include "emulator/core/durable_state.h"
#include "emulator/pipeline/pipeline.h"
#include "emulator/server/asio_edge.h"
#include "emulator/server/data_dir_lock.h"
#include "emulator/server/http_edge.h"
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

// A temporary data dir made for a start that then fails is removed again: a failed start
// leaves nothing behind. Disarmed once the server is ready.
struct TemporaryDirOfAFailedStart {
  std::filesystem::path dir;
  ~TemporaryDirOfAFailedStart() {
    std::error_code ignored;
    if (!dir.empty()) std::filesystem::remove_all(dir, ignored);
  }
};

}  // namespace

int serve(const ServeOptions& options) {
  const Micros started = wall::monotonic_now();
  sigset_t signals = block_shutdown_signals();
  Config config;
  std::filesystem::path data_dir;
  TemporaryDirOfAFailedStart temporary;
  try {
    config = load_config(options);
    data_dir = make_data_dir(options);
    if (!options.data_dir) temporary.dir = data_dir;
  } catch (const ConfigError& e) {
    std::fprintf(stderr, "emulator: config error: %s\n", e.what());
    return 2;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "emulator: %s\n", e.what());
    return 2;
  }
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
  std::unique_ptr<Storage> storage;
  std::unique_ptr<Pipeline> pipeline;
  Env* env = nullptr;
  std::unique_ptr<Env> env_holder;
  try {
    storage = std::make_unique<Storage>((data_dir / "emulator.db").string(),
                                        config.string("/storage/synchronous"));
    // Every start on a data dir draws ids from a stream of its own: ids handed out before a
    // restart (raw_metrics uuids, SQS message ids) must never be handed out again after it.
    const std::uint64_t start = DurableState::count_start(*storage);
    env_holder = std::make_unique<Env>(
        Env{config, clock, scheduler, *storage,
            random_for_start(static_cast<std::uint64_t>(config.integer("/seed")), start),
            data_dir});
    env = env_holder.get();
    PipelineOptions pipeline_options;
    pipeline_options.uptime_seconds = [started] {
      return to_seconds(wall::monotonic_now() - started);
    };
    pipeline = std::make_unique<Pipeline>(*env, pipeline_options);
    storage->commit();
    storage->start_background_checkpoints();
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

  SimLoop loop(scheduler, storage.get(),
               static_cast<std::size_t>(config.integer("/server/inbox_capacity")));
  loop.set_turn_end([&pipeline] { pipeline->flush(); });
  const std::string edge_kind = config.string("/server/edge");
  if (edge_kind != "asio" && edge_kind != "httplib") {
    std::fprintf(stderr, "emulator: config error: /server/edge: expected \"asio\" or \"httplib\"\n");
    return 2;
  }
  const auto max_body = static_cast<std::size_t>(config.integer("/server/max_body_bytes"));
  std::unique_ptr<HttpEdge> httplib_edge;
  std::unique_ptr<AsioEdge> asio_edge;
  if (edge_kind == "asio") {
    asio_edge = std::make_unique<AsioEdge>(loop, pipeline->router(), max_body);
  } else {
    httplib_edge = std::make_unique<HttpEdge>(loop, pipeline->router(),
                                              static_cast<int>(config.integer("/server/threads")), max_body);
  }
  const int port = asio_edge ? asio_edge->bind(options.host, options.port)
                             : httplib_edge->bind(options.host, options.port);
  if (port < 0) {
    std::fprintf(stderr, "emulator: cannot listen on %s:%d (port in use or not allowed)\n",
                 options.host.c_str(), options.port);
    return 2;
  }

  std::thread sim_thread([&loop] { loop.run(); });
  std::thread http_thread([&] {
    if (asio_edge) asio_edge->listen();
    else httplib_edge->listen();
  });
  temporary.dir.clear();  // started: the data dir is the run's
  std::printf("emulator ready: url=http://%s:%d data-dir=%s clock=%s api-key=%s\n",
              options.host.c_str(), port, data_dir.c_str(),
              options.virtual_clock ? "virtual" : "real",
              config.string("/apigateway/api_key").c_str());
  std::fflush(stdout);

  int signal_number = 0;
  sigwait(&signals, &signal_number);
  std::fprintf(stderr, "emulator: %s received, shutting down\n",
               signal_number == SIGINT ? "SIGINT" : "SIGTERM");
  if (asio_edge) asio_edge->stop();
  else httplib_edge->stop();
  http_thread.join();
  loop.stop();
  sim_thread.join();
  pipeline.reset();
  storage.reset();  // commits and closes SQLite
  std::fprintf(stderr, "emulator: stopped cleanly\n");
  return 0;
}

}  // namespace emu::server
