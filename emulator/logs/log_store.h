// CloudWatch Logs' storage: log groups, their streams and events, on the emulator's clock.
//
// Bounds (docs/memory.md): each group keeps in memory at most `max_events_per_group` events
// (the oldest are dropped first, and counted) and none older than its retention; a stream is
// forgotten with its last event. Every event is also appended to a file per group and day,
// <data_dir>/logs/cloudwatch/<group, '/' -> '_'>/<YYYY-MM-DD>.log, at most
// `max_file_bytes_per_day` each; day files older than the retention are deleted.
// DEVIATION: the API serves what is in memory; after a restart the files remain but the
// groups start empty.
//
// Thread rules: simulation thread only.
#pragma once

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "emulator/core/config.h"
#include "emulator/core/time.h"

namespace emu::logs {

struct LogSettings {
  bool enabled = true;
  std::int64_t retention_days = 14;  // the seed's log groups
  std::int64_t max_events_per_group = 50000;
  std::int64_t max_file_bytes_per_day = 64LL * 1024 * 1024;
  std::filesystem::path directory;  // "" keeps nothing on disk

  static LogSettings from_config(const Config& config, const std::filesystem::path& data_dir);
};

struct LogEvent {
  std::uint64_t sequence = 0;  // order of arrival; with the timestamp, the event's identity
  Micros timestamp = 0;
  Micros ingestion = 0;
  std::string stream;
  std::string message;
};

struct LogStream {
  std::string name;
  Micros created = 0;
  Micros first_event = 0, last_event = 0, last_ingestion = 0;
  std::int64_t events = 0;  // in memory
  std::int64_t stored_bytes = 0;
};

class LogGroup {
 public:
  using Key = std::pair<Micros, std::uint64_t>;  // (timestamp, sequence)

  LogGroup(std::string name, Micros created, std::int64_t retention_days)
      : name_(std::move(name)), created_(created), retention_days_(retention_days) {}

  const std::string& name() const { return name_; }
  Micros created() const { return created_; }
  std::int64_t retention_days() const { return retention_days_; }
  std::int64_t stored_bytes() const { return stored_bytes_; }
  const std::map<Key, LogEvent>& events() const { return events_; }
  const std::map<std::string, LogStream>& streams() const { return streams_; }
  std::uint64_t dropped() const { return dropped_; }

  void add(LogEvent event, std::int64_t max_events);
  // Drops events older than the retention at `now`.
  void expire(Micros now);

 private:
  void drop_oldest();

  std::string name_;
  Micros created_;
  std::int64_t retention_days_;
  std::map<Key, LogEvent> events_;
  std::map<std::string, LogStream> streams_;
  std::int64_t stored_bytes_ = 0;
  std::uint64_t dropped_ = 0;
};

class LogStore {
 public:
  explicit LogStore(LogSettings settings);
  ~LogStore();
  LogStore(const LogStore&) = delete;
  LogStore& operator=(const LogStore&) = delete;

  bool enabled() const { return settings_.enabled; }
  void create_group(const std::string& name, Micros now);
  LogGroup* group(const std::string& name);
  const std::map<std::string, LogGroup>& groups() const { return groups_; }

  // One event from `stream` of `group` (created on first use), ingested at `now`.
  void put(const std::string& group, const std::string& stream, Micros timestamp,
           std::string message, Micros now);
  // Drops the events of every group older than its retention at `now`.
  void expire(Micros now) {
    for (auto& [name, g] : groups_) g.expire(now);
  }
  // Events the Lambda runtime could not deliver (a "logs" PutLogEvents fault rule).
  void count_lost_to_faults(std::uint64_t events) { lost_to_faults_ += events; }
  std::uint64_t lost_to_faults() const { return lost_to_faults_; }
  // Flushes the day files (the server calls it once per turn).
  void flush();
  nlohmann::json state() const;

 private:
  struct DayFile {
    std::int64_t day = -1;
    std::FILE* file = nullptr;
    std::int64_t bytes = 0;
    std::uint64_t dropped = 0;
  };
  void append_to_file(const std::string& group, const LogEvent& event);
  void delete_expired_files(const std::filesystem::path& dir, std::int64_t today);

  LogSettings settings_;
  std::map<std::string, LogGroup> groups_;
  std::map<std::string, DayFile> files_;
  std::uint64_t next_sequence_ = 1;
  std::uint64_t lost_to_faults_ = 0;
};

}  // namespace emu::logs
