// Alarm notifications: CloudWatch publishes each state change whose alarm has an action for
// the new state to the action's SNS topic (alert-critical, alert-warning). Every one is
// appended as one JSON line (the SNS Notification: Type, TopicArn, Subject, Message) to
// <data_dir>/<notifications.log_file>, and handed to `publish` (SNS, which delivers it to the
// topic's subscribers from its own thread, never blocking the simulation).
#pragma once

#include <cstdio>
#include <filesystem>
#include <functional>
#include <string>

#include <nlohmann/json.hpp>

namespace emu::cloudwatch {

struct NotifierSettings {
  std::filesystem::path log_file;
  // SNS Publish(topic_arn, subject, message); may be empty (the log file only).
  std::function<void(const std::string& topic_arn, const std::string& subject,
                     const std::string& message)>
      publish;
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
  NotifierSettings settings_;
  std::FILE* log_ = nullptr;
  std::uint64_t published_ = 0;
};

}  // namespace emu::cloudwatch
