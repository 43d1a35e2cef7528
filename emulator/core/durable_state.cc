#include "emulator/core/durable_state.h"

#include <SQLiteCpp/Statement.h>

namespace emu {

namespace {

// The layout of everything this build keeps in a data dir. A data dir written by a build with
// another number is refused rather than misread.
// 2: DynamoDB items keyed in SQLite behind a cache (before: loaded whole at start).
constexpr std::int64_t kDataDirFormat = 2;

// Whether the database already holds the emulator's state from a build that kept no format
// number (anything it wrote has one of these tables).
bool holds_unversioned_state(Storage& storage) {
  SQLite::Statement st(storage.db(),
                       "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name IN "
                       "('ddb_tables', 'ddb_items', 'sqs_queues', 'cw_metrics')");
  return st.executeStep() && st.getColumn(0).getInt() > 0;
}

}  // namespace

DurableState::DurableState(Storage& storage) : storage_(storage) {
  storage_.db().exec(
      "CREATE TABLE IF NOT EXISTS emu_state (name TEXT PRIMARY KEY, value TEXT NOT NULL)");
  if (const auto format = load("format")) {
    if (!format->is_number_integer() || format->get<std::int64_t>() != kDataDirFormat) {
      throw DataDirError("the data dir was written in format " + format->dump() +
                         ", this emulator reads format " + std::to_string(kDataDirFormat) +
                         " (use another --data-dir)");
    }
  } else if (holds_unversioned_state(storage_)) {
    throw DataDirError("the data dir was written by an older emulator (format 0), this emulator "
                       "reads format " + std::to_string(kDataDirFormat) + " (use another --data-dir)");
  } else {
    storage_.ensure_transaction();
    write("format", std::to_string(kDataDirFormat));
  }
  hook_ = storage_.add_before_commit([this] { save_changed(); });
}

DurableState::~DurableState() {
  try {
    save_changed();
  } catch (...) {
    // Destructors must not throw; the last commit already holds the last acknowledged state.
  }
  storage_.remove_before_commit(hook_);
}

std::optional<nlohmann::json> DurableState::load(const std::string& name) {
  SQLite::Statement st(storage_.db(), "SELECT value FROM emu_state WHERE name = ?");
  st.bind(1, name);
  if (!st.executeStep()) return std::nullopt;
  auto value = nlohmann::json::parse(st.getColumn(0).getString(), nullptr, false);
  if (value.is_discarded()) throw DataDirError("emu_state." + name + " is not valid JSON");
  return value;
}

void DurableState::track(std::string name, std::function<std::uint64_t()> version,
                         std::function<nlohmann::json()> snapshot) {
  const std::uint64_t now = version();
  tracked_.push_back({std::move(name), std::move(version), std::move(snapshot), now});
}

void DurableState::save_changed() {
  for (auto& t : tracked_) {
    const std::uint64_t v = t.version();
    if (v == t.saved_version) continue;
    storage_.ensure_transaction();
    write(t.name, t.snapshot().dump());
    t.saved_version = v;
  }
}

std::uint64_t DurableState::count_start(Storage& storage) {
  std::uint64_t start = 0;
  {
    DurableState state(storage);
    const auto previous = state.load("starts");
    if (previous && !previous->is_number_unsigned()) {
      throw DataDirError("emu_state.starts is not a count");
    }
    start = (previous ? previous->get<std::uint64_t>() : 0) + 1;
    storage.ensure_transaction();
    state.write("starts", std::to_string(start));
  }
  storage.commit();
  return start;
}

void DurableState::write(const std::string& name, const std::string& value) {
  if (!write_) {
    write_ = std::make_unique<SQLite::Statement>(
        storage_.db(),
        "INSERT INTO emu_state VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET "
        "value = excluded.value");
  }
  write_->bind(1, name);
  write_->bind(2, value);
  write_->exec();
  write_->reset();
}

Random random_for_start(std::uint64_t seed, std::uint64_t start) {
  if (start <= 1) return Random(seed);
  return Random(seed).derive("start " + std::to_string(start));
}

}  // namespace emu
