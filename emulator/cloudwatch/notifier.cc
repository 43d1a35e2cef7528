#include "emulator/cloudwatch/notifier.h"

#include <httplib.h>

#include "emulator/core/clock.h"

namespace emu::cloudwatch {

namespace {
constexpr std::size_t kMaxPending = 1000;
}

Notifier::Notifier(NotifierSettings settings) : settings_(std::move(settings)) {
  std::error_code ec;
  std::filesystem::create_directories(settings_.log_file.parent_path(), ec);
  log_ = std::fopen(settings_.log_file.c_str(), "ab");
  if (!settings_.webhook_url.empty()) worker_ = std::thread([this] { deliver_loop(); });
}

Notifier::~Notifier() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (worker_.joinable()) worker_.join();
  if (log_ != nullptr) std::fclose(log_);
}

void Notifier::publish(const std::string& topic_arn, const nlohmann::json& message) {
  ++published_;
  nlohmann::json line = {{"Type", "Notification"},
                         {"TopicArn", topic_arn},
                         {"Subject", message.value("NewStateValue", "") + ": \"" + message.value("AlarmName", "") + "\" in Canada (Central)"},
                         {"Message", message.dump()}};
  const std::string text = line.dump();
  if (log_ != nullptr) {
    std::fwrite(text.data(), 1, text.size(), log_);
    std::fputc('\n', log_);
  }
  if (settings_.webhook_url.empty()) return;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (pending_.size() >= kMaxPending) {
      pending_.pop_front();
      ++dropped_;
    }
    pending_.push_back(text);
  }
  wake_.notify_one();
}

void Notifier::flush() {
  if (log_ != nullptr) std::fflush(log_);
}

void Notifier::deliver_loop() {
  // Split "http://host:port/path" for httplib.
  const std::string& url = settings_.webhook_url;
  const auto scheme_end = url.find("://");
  const auto path_start = url.find('/', scheme_end == std::string::npos ? 0 : scheme_end + 3);
  const std::string origin = url.substr(0, path_start);
  const std::string path = path_start == std::string::npos ? "/" : url.substr(path_start);
  httplib::Client client(origin);
  client.set_connection_timeout(2, 0);
  client.set_read_timeout(5, 0);
  std::unique_lock<std::mutex> lock(mutex_);
  while (true) {
    while (pending_.empty() && !stopping_) wake_.wait(lock);
    if (stopping_) return;
    const std::string body = pending_.front();
    pending_.pop_front();
    for (int attempt = 1; attempt <= settings_.webhook_max_attempts; ++attempt) {
      lock.unlock();
      const auto result = client.Post(path, body, "application/json");
      lock.lock();
      if (result && result->status >= 200 && result->status < 300) {
        ++delivered_;
        break;
      }
      if (attempt == settings_.webhook_max_attempts) {
        ++failed_;
        break;
      }
      const Micros deadline = wall::monotonic_now() +
                              static_cast<Micros>(settings_.webhook_retry_seconds * kMicrosPerSecond);
      while (!stopping_ && wall::wait_until(wake_, lock, deadline)) {
      }
      if (stopping_) return;
    }
  }
}

nlohmann::json Notifier::state() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return {{"published", published_}, {"log_file", settings_.log_file.string()},
          {"webhook_url", settings_.webhook_url}, {"webhook_delivered", delivered_},
          {"webhook_failed", failed_}, {"webhook_dropped", dropped_},
          {"webhook_pending", pending_.size()}};
}

}  // namespace emu::cloudwatch
