// Alarm notifications: SNS topics alert-critical and alert-warning. Every state change whose
// alarm has an action for the new state is appended as one JSON line (the SNS message CloudWatch
// sends) to <data_dir>/<notifications.log_file>, and, when `webhook_url` is set, POSTed there by
// a background thread, so a slow or failing receiver never blocks the simulation. Failed POSTs
// are retried every `webhook_retry_seconds` up to `webhook_max_attempts`; the queue holds at
// most 1,000 messages (older ones are dropped and counted).
#pragma once

#include <condition_variable>
#include <cstdio>
#include <deque>
#include <filesystem>
#include <mutex>
#include <string>
#include <thread>

#include <nlohmann/json.hpp>

namespace emu::cloudwatch {

struct NotifierSettings {
  std::filesystem::path log_file;
  std::string webhook_url;
  int webhook_max_attempts = 5;
  double webhook_retry_seconds = 30;
};

class Notifier {
 public:
  explicit Notifier(NotifierSettings settings);
  ~Notifier();
  Notifier(const Notifier&) = delete;
  Notifier& operator=(const Notifier&) = delete;

  // Simulation thread: records one SNS message for `topic_arn`.
  void publish(const std::string& topic_arn, const nlohmann::json& message);
  void flush();
  nlohmann::json state() const;

 private:
  void deliver_loop();

  NotifierSettings settings_;
  std::FILE* log_ = nullptr;
  std::uint64_t published_ = 0;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<std::string> pending_;
  std::uint64_t delivered_ = 0, failed_ = 0, dropped_ = 0;
  bool stopping_ = false;
  std::thread worker_;
};

}  // namespace emu::cloudwatch
