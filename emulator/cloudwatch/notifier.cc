#include "emulator/cloudwatch/notifier.h"

namespace emu::cloudwatch {

Notifier::Notifier(NotifierSettings settings) : settings_(std::move(settings)) {
  std::error_code ec;
  std::filesystem::create_directories(settings_.log_file.parent_path(), ec);
  log_ = std::fopen(settings_.log_file.c_str(), "ab");
}

Notifier::~Notifier() {
  if (log_ != nullptr) std::fclose(log_);
}

void Notifier::publish(const std::string& topic_arn, const nlohmann::json& message) {
  ++published_;
  // CloudWatch's subject: ALARM: "name" in Canada (Central)
  const std::string subject = message.value("NewStateValue", "") + ": \"" +
                              message.value("AlarmName", "") + "\" in Canada (Central)";
  const std::string text = message.dump();
  const nlohmann::json line = {{"Type", "Notification"},
                               {"TopicArn", topic_arn},
                               {"Subject", subject},
                               {"Message", text}};
  const std::string written = line.dump();
  if (log_ != nullptr) {
    std::fwrite(written.data(), 1, written.size(), log_);
    std::fputc('\n', log_);
  }
  if (settings_.publish) settings_.publish(topic_arn, subject, text);
}

void Notifier::flush() {
  if (log_ != nullptr) std::fflush(log_);
}

nlohmann::json Notifier::state() const {
  return {{"published", published_}, {"log_file", settings_.log_file.string()}};
}

}  // namespace emu::cloudwatch
