// SNS topics and subscriptions, and the messages SNS sends to HTTP/HTTPS subscribers:
// SubscriptionConfirmation when subscribed (unless auto-confirm is on), then a Notification
// per Publish to each confirmed subscription, as JSON with Type, MessageId, TopicArn, Subject,
// Message, Timestamp, SignatureVersion, Signature, SigningCertURL, UnsubscribeURL and the
// x-amz-sns-* headers. Deliveries go through HttpDelivery (never blocking this thread).
//
// Bounds: at most `max_topics` topics and `max_subscriptions` subscriptions (CreateTopic and
// Subscribe beyond answer their limit errors); nothing grows with Publish.
// DEVIATION: messages are signed with no certificate (Signature is a digest, not an RSA
// signature; SigningCertURL points at the emulator); only http and https subscriptions are
// emulated (other protocols are refused with InvalidParameter naming them).
//
// Thread rules: simulation thread only (HttpDelivery has its own thread).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "emulator/core/faults.h"
#include "emulator/core/random.h"
#include "emulator/core/result.h"
#include "emulator/sns/delivery.h"

namespace emu::sns {

struct SnsSettings {
  std::vector<std::string> topics = {"alert-critical", "alert-warning"};
  bool auto_confirm = false;
  std::size_t max_topics = 100;
  std::size_t max_subscriptions = 1000;
  std::size_t delivery_queue_capacity = 1000;
  double http_timeout_seconds = 15;
  DeliveryPolicy delivery_policy;
  double retry_time_scale = 1.0;
  std::string region = "ca-central-1";
  std::string account_id = "000000000000";

  static SnsSettings from_config(const Config& config);
};

struct Subscription {
  std::string arn;
  std::string topic_arn;
  std::string protocol;
  std::string endpoint;
  bool confirmed = false;
  std::string token;         // the confirmation token
  DeliveryPolicy policy;
  std::string emulator_url;  // base of SubscribeURL / UnsubscribeURL
};

struct Topic {
  std::string arn;
  std::string name;
  std::map<std::string, std::string> attributes;  // set by CreateTopic / SetTopicAttributes
};

class SnsModel {
 public:
  SnsModel(SnsSettings settings, Random random);

  const SnsSettings& settings() const { return settings_; }
  std::string topic_arn(const std::string& name) const;

  Result<std::string> create_topic(const std::string& name,
                                   const std::map<std::string, std::string>& attributes);
  Status delete_topic(const std::string& arn);
  const std::map<std::string, Topic>& topics() const { return topics_; }
  Result<std::map<std::string, std::string>> topic_attributes(const std::string& arn) const;

  // Returns the subscription ARN, or "pending confirmation" until confirmed. `confirmed`
  // skips the handshake (auto-confirm, or the configured webhook).
  Result<std::string> subscribe(const std::string& topic_arn, const std::string& protocol,
                                const std::string& endpoint, const std::string& emulator_url,
                                Micros now, bool confirmed = false,
                                std::optional<DeliveryPolicy> policy = std::nullopt);
  Result<std::string> confirm_subscription(const std::string& topic_arn, const std::string& token);
  Status unsubscribe(const std::string& subscription_arn);
  // Subscriptions of `topic_arn` ("" for all), in creation order.
  std::vector<const Subscription*> subscriptions(const std::string& topic_arn) const;
  const Subscription* subscription(const std::string& arn) const;

  // Publish: the message id; a Notification to each confirmed subscription.
  Result<std::string> publish(const std::string& topic_arn, const std::string& message,
                              const std::string& subject, Micros now);

  // Fault rules for "sns" Publish (resource: the topic's name), for the wire and the alarms'
  // notifications alike; may be null. A failed Publish delivers nothing. Rules for "sns"
  // HttpDelivery fail the HTTP deliveries to subscribers (Delivery::faulted_attempts).
  void set_fault_injector(FaultInjector* faults) { faults_ = faults; }
  // The latency fault rules added since the last call (the wire layer delays its reply by it).
  Micros take_fault_latency() { return std::exchange(fault_latency_, 0); }

  const HttpDelivery& delivery() const { return delivery_; }
  nlohmann::json state() const;

 private:
  void send(const Subscription& s, const std::string& type, nlohmann::ordered_json message,
            Micros now);
  // "sns" HttpDelivery fault rules (resource: the topic's name), decided on this thread.
  void decide_delivery_faults(const Subscription& s, Delivery& d, Micros now);
  std::string signature(const nlohmann::ordered_json& message) const;

  SnsSettings settings_;
  Random random_;
  std::map<std::string, Topic> topics_;  // by ARN
  std::map<std::string, Subscription> subscriptions_;  // by ARN
  std::vector<std::string> subscription_order_;
  std::uint64_t published_ = 0;
  FaultInjector* faults_ = nullptr;
  Micros fault_latency_ = 0;
  HttpDelivery delivery_;
};

}  // namespace emu::sns
