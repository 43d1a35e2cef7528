// SNS's model without a network: the delivery policy's retry delays, topics and their limits,
// and the subscription handshake (a delivery to an endpoint nobody listens on is only queued).
#include <doctest/doctest.h>

#include "emulator/sns/model.h"

using namespace emu;
using namespace emu::sns;

TEST_CASE("AWS's default HTTP policy: three retries 20 s apart") {
  const DeliveryPolicy p;
  CHECK(p.delay_before_retry(1) == 20);
  CHECK(p.delay_before_retry(3) == 20);
}

TEST_CASE("delivery policy phases: immediate, minimum delay, backoff, maximum delay") {
  const DeliveryPolicy p = DeliveryPolicy::from_json(
      {{"numRetries", 8}, {"numNoDelayRetries", 1}, {"numMinDelayRetries", 2},
       {"numMaxDelayRetries", 2}, {"minDelayTarget", 1}, {"maxDelayTarget", 10},
       {"backoffFunction", "linear"}},
      "/sns/delivery_policy");
  CHECK(p.delay_before_retry(1) == 0);   // immediate
  CHECK(p.delay_before_retry(2) == 1);   // minimum delay
  CHECK(p.delay_before_retry(3) == 1);
  CHECK(p.delay_before_retry(4) == 1);   // backoff from the minimum...
  CHECK(p.delay_before_retry(5) == doctest::Approx(5.5));
  CHECK(p.delay_before_retry(6) == 10);  // ...to the maximum
  CHECK(p.delay_before_retry(7) == 10);  // maximum delay
  CHECK(p.delay_before_retry(8) == 10);
  CHECK_THROWS_AS(DeliveryPolicy::from_json({{"numRetries", 1}, {"numNoDelayRetries", 2}}, "/p"),
                  ConfigError);
  CHECK_THROWS_AS(DeliveryPolicy::from_json({{"backoffFunction", "cubic"}}, "/p"), ConfigError);
}

TEST_CASE("topics: the seed's exist, CreateTopic is idempotent and bounded") {
  SnsSettings s;
  s.max_topics = 3;
  SnsModel model(s, Random(1));
  CHECK(model.topics().size() == 2);
  const auto arn = model.create_topic("mine", {});
  REQUIRE(arn.ok());
  CHECK(*arn == "arn:aws:sns:ca-central-1:000000000000:mine");
  CHECK(*model.create_topic("mine", {}) == *arn);
  const auto refused = model.create_topic("another", {});
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.error().code == "TopicLimitExceeded");
  CHECK(model.create_topic("bad name", {}).error().code == "InvalidParameter");
}

TEST_CASE("a subscription is pending until confirmed with its token; bounded in number") {
  SnsSettings s;
  s.max_subscriptions = 1;
  s.http_timeout_seconds = 0.2;
  s.delivery_policy.num_retries = 0;
  SnsModel model(s, Random(1));
  const std::string topic = model.topic_arn("alert-critical");
  const auto pending = model.subscribe(topic, "http", "http://127.0.0.1:9/none", "http://e", 0);
  REQUIRE(pending.ok());
  CHECK(*pending == "pending confirmation");
  const Subscription* sub = model.subscriptions(topic).front();
  CHECK_FALSE(sub->confirmed);
  CHECK(model.confirm_subscription(topic, "wrong").error().code == "InvalidParameter");
  const auto confirmed = model.confirm_subscription(topic, sub->token);
  REQUIRE(confirmed.ok());
  CHECK(model.subscription(*confirmed)->confirmed);
  CHECK(model.subscribe(topic, "http", "http://127.0.0.1:9/other", "http://e", 0).error().code ==
        "SubscriptionLimitExceeded");
  CHECK(model.subscribe(topic, "sqs", "arn:x", "http://e", 0).error().code == "InvalidParameter");
  CHECK(model.unsubscribe(*confirmed).ok());
  CHECK(model.subscriptions("").empty());
  CHECK(model.publish(topic + "x", "m", "", 0).error().code == "NotFound");
}
