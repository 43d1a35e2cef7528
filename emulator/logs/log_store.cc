#include "emulator/logs/log_store.h"

#include <algorithm>

namespace emu::logs {

namespace {

std::string directory_name(const std::string& group) {
  std::string out = group;
  for (char& c : out) {
    if (c == '/' || c == '\\') c = '_';
  }
  return out;
}

std::int64_t day_of(Micros t) { return floor_to(t, kMicrosPerDay) / kMicrosPerDay; }

}  // namespace

LogSettings LogSettings::from_config(const Config& c, const std::filesystem::path& data_dir) {
  LogSettings s;
  s.enabled = c.boolean("/logs/enabled");
  s.retention_days = c.integer("/logs/retention_days");
  s.max_events_per_group = c.integer("/logs/max_events_per_group");
  s.max_file_bytes_per_day = c.integer("/logs/max_file_bytes_per_day");
  if (s.retention_days < 1) throw ConfigError("/logs/retention_days", "at least 1 day");
  if (s.max_events_per_group < 1) throw ConfigError("/logs/max_events_per_group", "at least 1");
  if (s.max_file_bytes_per_day < 0) {
    throw ConfigError("/logs/max_file_bytes_per_day", "0 (no files) or more bytes");
  }
  if (!data_dir.empty() && s.max_file_bytes_per_day > 0) s.directory = data_dir / "logs" / "cloudwatch";
  return s;
}

void LogGroup::add(LogEvent event, std::int64_t max_events) {
  auto [it, inserted] = streams_.try_emplace(event.stream);
  LogStream& stream = it->second;
  if (inserted) {
    stream.name = event.stream;
    stream.created = event.ingestion;
    stream.first_event = event.timestamp;
  }
  stream.first_event = std::min(stream.first_event, event.timestamp);
  stream.last_event = std::max(stream.last_event, event.timestamp);
  stream.last_ingestion = event.ingestion;
  const auto bytes = static_cast<std::int64_t>(event.message.size());
  stream.stored_bytes += bytes;
  ++stream.events;
  stored_bytes_ += bytes;
  const Key key{event.timestamp, event.sequence};
  events_.emplace(key, std::move(event));
  while (static_cast<std::int64_t>(events_.size()) > max_events) {
    drop_oldest();
    ++dropped_;
  }
}

void LogGroup::drop_oldest() {
  auto oldest = events_.begin();
  auto stream = streams_.find(oldest->second.stream);
  const auto bytes = static_cast<std::int64_t>(oldest->second.message.size());
  stored_bytes_ -= bytes;
  if (stream != streams_.end()) {
    stream->second.stored_bytes -= bytes;
    if (--stream->second.events == 0) streams_.erase(stream);
  }
  events_.erase(oldest);
}

void LogGroup::expire(Micros now) {
  const Micros horizon = now - retention_days_ * kMicrosPerDay;
  while (!events_.empty() && events_.begin()->first.first < horizon) {
    drop_oldest();  // expired, not dropped for space
  }
}

LogStore::LogStore(LogSettings settings) : settings_(std::move(settings)) {}

LogStore::~LogStore() {
  for (auto& [name, file] : files_) {
    if (file.file != nullptr) std::fclose(file.file);
  }
}

void LogStore::create_group(const std::string& name, Micros now) {
  groups_.try_emplace(name, name, now, settings_.retention_days);
}

LogGroup* LogStore::group(const std::string& name) {
  const auto it = groups_.find(name);
  return it == groups_.end() ? nullptr : &it->second;
}

void LogStore::put(const std::string& group, const std::string& stream, Micros timestamp,
                   std::string message, Micros now) {
  if (!settings_.enabled) return;
  auto it = groups_.try_emplace(group, group, now, settings_.retention_days).first;
  LogEvent event;
  event.sequence = next_sequence_++;
  event.timestamp = timestamp;
  // ASSUMPTION: an event stamped later than now (END/REPORT of an invocation decided at its
  // start) is ingested when it happens, not before.
  event.ingestion = std::max(now, timestamp);
  event.stream = stream;
  event.message = std::move(message);
  append_to_file(group, event);
  it->second.expire(now);
  it->second.add(std::move(event), settings_.max_events_per_group);
}

void LogStore::append_to_file(const std::string& group, const LogEvent& event) {
  if (settings_.directory.empty()) return;
  DayFile& file = files_[group];
  const std::int64_t day = day_of(event.timestamp);
  if (day > file.day) {
    const std::filesystem::path dir = settings_.directory / directory_name(group);
    if (file.file != nullptr) std::fclose(file.file);
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    file.day = day;
    file.file = std::fopen((dir / (format_date(civil_from_days(day)) + ".log")).c_str(), "ab");
    file.bytes = file.file != nullptr ? std::ftell(file.file) : 0;
    delete_expired_files(dir, day);
  }
  // Events of an earlier day arriving late go to the current day's file.
  const std::string line = format_iso8601(event.timestamp) + "\t" + event.stream + "\t" +
                           event.message + (event.message.ends_with('\n') ? "" : "\n");
  if (file.file == nullptr ||
      file.bytes + static_cast<std::int64_t>(line.size()) > settings_.max_file_bytes_per_day) {
    ++file.dropped;
    return;
  }
  std::fwrite(line.data(), 1, line.size(), file.file);
  file.bytes += static_cast<std::int64_t>(line.size());
}

void LogStore::delete_expired_files(const std::filesystem::path& dir, std::int64_t today) {
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    const std::string name = entry.path().filename().string();
    if (name.size() != 14 || !name.ends_with(".log")) continue;
    const auto date = parse_date(name.substr(0, 10));
    if (date && days_from_civil(*date) <= today - settings_.retention_days) {
      std::filesystem::remove(entry.path(), ec);
    }
  }
}

void LogStore::flush() {
  for (auto& [name, file] : files_) {
    if (file.file != nullptr) std::fflush(file.file);
  }
}

nlohmann::json LogStore::state() const {
  nlohmann::json groups = nlohmann::json::object();
  for (const auto& [name, g] : groups_) {
    const auto file = files_.find(name);
    groups[name] = {{"events", g.events().size()},
                    {"streams", g.streams().size()},
                    {"stored_bytes", g.stored_bytes()},
                    {"dropped_for_space", g.dropped()},
                    {"file_lines_dropped", file == files_.end() ? 0 : file->second.dropped}};
  }
  return {{"enabled", settings_.enabled},
          {"retention_days", settings_.retention_days},
          {"max_events_per_group", settings_.max_events_per_group},
          {"events_lost_to_faults", lost_to_faults_},
          {"groups", groups}};
}

}  // namespace emu::logs
