// Small pieces of state that must survive a restart together with the data they describe: the
// ledger's counters, the stream event source mapping's position, the number of times the data
// dir was opened. Each is one named JSON value in the store's `emu_state` table, rewritten in
// the same transaction as the changes it describes (Storage's before-commit hook), so that
// after a clean stop or a kill -9 it is exactly as old as the tables, queues and records.
//
// A value is rewritten only when its source's version changed since the last save: the hook
// runs at every group commit and must cost nothing while the value stands still.
//
// Thread rules: simulation thread only (as Storage).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include <SQLiteCpp/Statement.h>

#include "emulator/core/random.h"
#include "emulator/core/storage.h"

namespace emu {

// The data dir holds state this build cannot read (a newer format, or damaged state). Whoever
// opens the data dir reports it and exits 2.
class DataDirError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class DurableState {
 public:
  // Creates the table when missing and installs the before-commit hook (removed again by the
  // destructor). Throws DataDirError when the data dir's format is not this build's.
  explicit DurableState(Storage& storage);
  ~DurableState();
  DurableState(const DurableState&) = delete;
  DurableState& operator=(const DurableState&) = delete;

  // The value saved under `name` by an earlier run, if any.
  std::optional<nlohmann::json> load(const std::string& name);

  // Keeps `name` saved: before each commit, when version() differs from the version last
  // saved, snapshot() is written. The current version counts as saved (call it after restoring
  // the source from load()).
  void track(std::string name, std::function<std::uint64_t()> version,
             std::function<nlohmann::json()> snapshot);

  // Writes every tracked value whose version changed (inside a transaction it opens if needed).
  void save_changed();

  // Counts one more opening of the data dir held by `storage` and commits it at once; returns
  // its number (1 for a fresh data dir). Processes that hand out ids mix it into their seed
  // (random_for_start). Call before any DurableState exists on `storage`.
  static std::uint64_t count_start(Storage& storage);

 private:
  struct Tracked {
    std::string name;
    std::function<std::uint64_t()> version;
    std::function<nlohmann::json()> snapshot;
    std::uint64_t saved_version;
  };
  void write(const std::string& name, const std::string& value);

  Storage& storage_;
  std::vector<Tracked> tracked_;
  std::unique_ptr<SQLite::Statement> write_;
  int hook_ = 0;
};

// The root random stream of a process on its `start`-th opening of a data dir: the seed's own
// stream on the first (a fresh data dir reproduces an in-process run with the same seed), an
// independent one on every later start, so ids handed out before a restart (raw_metrics uuids,
// SQS message ids, receipt handles, request ids) are never handed out again after it.
Random random_for_start(std::uint64_t seed, std::uint64_t start);

}  // namespace emu
