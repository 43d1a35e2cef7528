#include "emulator/sns/model.h"

#include <algorithm>

#include "emulator/core/errors.h"
#include "emulator/http/aws_wire.h"

namespace emu::sns {

namespace {

AwsError not_found(const std::string& what) { return errors::sns::kNotFound(what); }
AwsError invalid(const std::string& what) {
  return errors::sns::kInvalidParameter("Invalid parameter: " + what);
}

bool valid_topic_name(const std::string& name) {
  if (name.empty() || name.size() > 256) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_';
  });
}

}  // namespace

SnsSettings SnsSettings::from_config(const Config& c) {
  SnsSettings s;
  s.topics.clear();
  const auto& topics = c.at("/sns/topics");
  if (!topics.is_array()) throw ConfigError("/sns/topics", "an array of topic names");
  for (const auto& t : topics) {
    if (!t.is_string() || !valid_topic_name(t.get<std::string>())) {
      throw ConfigError("/sns/topics", "topic names of 1-256 letters, digits, - and _");
    }
    s.topics.push_back(t.get<std::string>());
  }
  s.auto_confirm = c.boolean("/sns/auto_confirm");
  const auto positive = [&](const char* key) {
    const std::int64_t v = c.integer(key);
    if (v < 1) throw ConfigError(key, "at least 1");
    return static_cast<std::size_t>(v);
  };
  s.max_topics = positive("/sns/max_topics");
  s.max_subscriptions = positive("/sns/max_subscriptions");
  s.delivery_queue_capacity = positive("/sns/delivery_queue_capacity");
  s.http_timeout_seconds = c.number("/sns/http_timeout_seconds");
  if (s.http_timeout_seconds <= 0) throw ConfigError("/sns/http_timeout_seconds", "more than 0 seconds");
  s.delivery_policy = DeliveryPolicy::from_json(c.at("/sns/delivery_policy"), "/sns/delivery_policy");
  s.retry_time_scale = c.number("/sns/retry_time_scale");
  if (s.retry_time_scale < 0) throw ConfigError("/sns/retry_time_scale", "0 or more");
  s.region = c.string("/region");
  s.account_id = c.string("/account_id");
  return s;
}

SnsModel::SnsModel(SnsSettings settings, Random random)
    : settings_(std::move(settings)),
      random_(std::move(random)),
      delivery_(settings_.delivery_queue_capacity, settings_.http_timeout_seconds,
                settings_.retry_time_scale) {
  for (const auto& name : settings_.topics) (void)create_topic(name, {});
}

std::string SnsModel::topic_arn(const std::string& name) const {
  return "arn:aws:sns:" + settings_.region + ":" + settings_.account_id + ":" + name;
}

Result<std::string> SnsModel::create_topic(const std::string& name,
                                           const std::map<std::string, std::string>& attributes) {
  if (!valid_topic_name(name)) {
    return invalid("Topic Name");
  }
  const std::string arn = topic_arn(name);
  if (topics_.count(arn) > 0) return arn;  // idempotent
  if (topics_.size() >= settings_.max_topics) {
    return errors::sns::kTopicLimitExceeded("Topic limit exceeded");
  }
  topics_[arn] = Topic{arn, name, attributes};
  return arn;
}

Status SnsModel::delete_topic(const std::string& arn) {
  topics_.erase(arn);
  for (const auto* s : subscriptions(arn)) (void)unsubscribe(std::string(s->arn));
  return ok_status();
}

Result<std::map<std::string, std::string>> SnsModel::topic_attributes(const std::string& arn) const {
  const auto it = topics_.find(arn);
  if (it == topics_.end()) return not_found("Topic does not exist");
  std::map<std::string, std::string> a = it->second.attributes;
  int confirmed = 0, pending = 0;
  for (const auto* s : subscriptions(arn)) (s->confirmed ? confirmed : pending)++;
  a["TopicArn"] = arn;
  a["Owner"] = settings_.account_id;
  a["DisplayName"] = a.count("DisplayName") ? a["DisplayName"] : "";
  a["SubscriptionsConfirmed"] = std::to_string(confirmed);
  a["SubscriptionsPending"] = std::to_string(pending);
  a["SubscriptionsDeleted"] = "0";
  a["EffectiveDeliveryPolicy"] =
      R"({"http":{"defaultHealthyRetryPolicy":{"minDelayTarget":)" +
      std::to_string(static_cast<int>(settings_.delivery_policy.min_delay_seconds)) +
      R"(,"maxDelayTarget":)" + std::to_string(static_cast<int>(settings_.delivery_policy.max_delay_seconds)) +
      R"(,"numRetries":)" + std::to_string(settings_.delivery_policy.num_retries) +
      R"(,"numMaxDelayRetries":)" + std::to_string(settings_.delivery_policy.num_max_delay_retries) +
      R"(,"numNoDelayRetries":)" + std::to_string(settings_.delivery_policy.num_no_delay_retries) +
      R"(,"numMinDelayRetries":)" + std::to_string(settings_.delivery_policy.num_min_delay_retries) +
      R"(,"backoffFunction":")" + settings_.delivery_policy.backoff_function +
      R"("},"disableSubscriptionOverrides":false}})";
  return a;
}

Result<std::string> SnsModel::subscribe(const std::string& topic_arn, const std::string& protocol,
                                        const std::string& endpoint,
                                        const std::string& emulator_url, Micros now,
                                        bool confirmed, std::optional<DeliveryPolicy> policy) {
  if (topics_.count(topic_arn) == 0) return not_found("Topic does not exist");
  if (protocol != "http" && protocol != "https") {
    return invalid("Protocol '" + protocol + "' is not supported by this emulator (it delivers to "
                   "http and https endpoints)");
  }
  if (endpoint.rfind(protocol + "://", 0) != 0) {
    return invalid("Endpoint must match the protocol (" + protocol + "://...)");
  }
  for (const auto* s : subscriptions(topic_arn)) {
    if (s->endpoint == endpoint && s->protocol == protocol) {
      return s->confirmed ? s->arn : std::string("pending confirmation");
    }
  }
  if (subscriptions_.size() >= settings_.max_subscriptions) {
    return errors::sns::kSubscriptionLimitExceeded("Subscription limit exceeded");
  }
  Subscription s;
  s.arn = topic_arn + ":" + random_.uuid_v4();
  s.topic_arn = topic_arn;
  s.protocol = protocol;
  s.endpoint = endpoint;
  s.confirmed = confirmed || settings_.auto_confirm;
  s.policy = policy.value_or(settings_.delivery_policy);
  s.emulator_url = emulator_url;
  // SNS's tokens are long hex strings.
  for (int i = 0; i < 4; ++i) s.token += http::sha256_hex(random_.uuid_v4());
  const Subscription& stored = subscriptions_[s.arn] = s;
  subscription_order_.push_back(s.arn);
  if (stored.confirmed) return stored.arn;
  nlohmann::ordered_json m;
  m["Type"] = "SubscriptionConfirmation";
  m["MessageId"] = random_.uuid_v4();
  m["Token"] = stored.token;
  m["TopicArn"] = topic_arn;
  m["Message"] = "You have chosen to subscribe to the topic " + topic_arn +
                 ".\nTo confirm the subscription, visit the SubscribeURL included in this message.";
  m["SubscribeURL"] = emulator_url + "/?Action=ConfirmSubscription&TopicArn=" +
                      http::url_encode(topic_arn, false) + "&Token=" + stored.token;
  m["Timestamp"] = format_iso8601(now);
  send(stored, "SubscriptionConfirmation", std::move(m), now);
  return std::string("pending confirmation");
}

Result<std::string> SnsModel::confirm_subscription(const std::string& topic_arn,
                                                   const std::string& token) {
  if (topics_.count(topic_arn) == 0) return not_found("Topic does not exist");
  for (auto& [arn, s] : subscriptions_) {
    if (s.topic_arn == topic_arn && s.token == token) {
      s.confirmed = true;
      return arn;
    }
  }
  return invalid("Token");
}

Status SnsModel::unsubscribe(const std::string& arn) {
  if (subscriptions_.erase(arn) == 0) return not_found("Subscription does not exist");
  delivery_.forget(arn);
  subscription_order_.erase(std::remove(subscription_order_.begin(), subscription_order_.end(), arn),
                            subscription_order_.end());
  return ok_status();
}

std::vector<const Subscription*> SnsModel::subscriptions(const std::string& topic_arn) const {
  std::vector<const Subscription*> out;
  for (const auto& arn : subscription_order_) {
    const Subscription& s = subscriptions_.at(arn);
    if (topic_arn.empty() || s.topic_arn == topic_arn) out.push_back(&s);
  }
  return out;
}

const Subscription* SnsModel::subscription(const std::string& arn) const {
  const auto it = subscriptions_.find(arn);
  return it == subscriptions_.end() ? nullptr : &it->second;
}

Result<std::string> SnsModel::publish(const std::string& topic_arn, const std::string& message,
                                      const std::string& subject, Micros now) {
  if (topics_.count(topic_arn) == 0) return not_found("Topic does not exist");
  if (message.empty()) return invalid("Empty message");
  if (message.size() > 262144) return invalid("Message too long");
  if (subject.size() > 100) return invalid("Subject");
  if (faults_ != nullptr) {
    const FaultDecision fault =
        faults_->check("sns", "Publish", topic_arn.substr(topic_arn.rfind(':') + 1), now);
    fault_latency_ += fault.extra_latency;
    if (fault.error) return *fault.error;
  }
  ++published_;
  const std::string id = random_.uuid_v4();
  for (const auto* s : subscriptions(topic_arn)) {
    if (!s->confirmed) continue;
    nlohmann::ordered_json m;
    m["Type"] = "Notification";
    m["MessageId"] = id;
    m["TopicArn"] = topic_arn;
    if (!subject.empty()) m["Subject"] = subject;
    m["Message"] = message;
    m["Timestamp"] = format_iso8601(now);
    send(*s, "Notification", std::move(m), now);
  }
  return id;
}

std::string SnsModel::signature(const nlohmann::ordered_json& message) const {
  return http::base64_encode(http::sha256_hex(message.dump()));
}

void SnsModel::send(const Subscription& s, const std::string& type, nlohmann::ordered_json m,
                    Micros now) {
  m["SignatureVersion"] = "1";
  m["Signature"] = signature(m);
  m["SigningCertURL"] = s.emulator_url + "/_emulator/sns/SimpleNotificationService.pem";
  if (type == "Notification") {
    m["UnsubscribeURL"] = s.emulator_url + "/?Action=Unsubscribe&SubscriptionArn=" +
                          http::url_encode(s.arn, false);
  }
  Delivery d;
  d.subscription_arn = s.arn;
  d.endpoint = s.endpoint;
  d.policy = s.policy;
  d.headers = {{"x-amz-sns-message-type", type},
               {"x-amz-sns-message-id", m["MessageId"].get<std::string>()},
               {"x-amz-sns-topic-arn", s.topic_arn},
               {"User-Agent", "Amazon Simple Notification Service Agent"}};
  if (type == "Notification") d.headers.emplace_back("x-amz-sns-subscription-arn", s.arn);
  d.body = m.dump(2);
  decide_delivery_faults(s, d, now);
  delivery_.enqueue(std::move(d));
}

void SnsModel::decide_delivery_faults(const Subscription& s, Delivery& d, Micros now) {
  if (faults_ == nullptr) return;
  // One draw per attempt the delivery could make, up to the first the rules let through: the
  // attempts that fail come first (see HttpDelivery), and the rules fire exactly once per
  // attempt they fail.
  const std::string topic = s.topic_arn.substr(s.topic_arn.rfind(':') + 1);
  const int max_attempts = 1 + s.policy.num_retries;
  while (d.faulted_attempts < max_attempts) {
    const FaultDecision fault = faults_->check("sns", "HttpDelivery", topic, now);
    d.fault_delay += fault.extra_latency;
    if (!fault.error) break;
    ++d.faulted_attempts;
  }
}

nlohmann::json SnsModel::state() const {
  nlohmann::json subs = nlohmann::json::array();
  for (const auto* s : subscriptions("")) {
    const DeliveryCounts c = delivery_.counts(s->arn);
    subs.push_back({{"arn", s->arn},
                    {"endpoint", s->endpoint},
                    {"confirmed", s->confirmed},
                    {"delivered", c.delivered},
                    {"failed", c.failed},
                    {"dropped", c.dropped},
                    {"attempts", c.attempts},
                    {"faulted", c.faulted}});
  }
  return {{"topics", topics_.size()}, {"published", published_},
          {"subscriptions", subs}, {"delivery", delivery_.state()}};
}

}  // namespace emu::sns
