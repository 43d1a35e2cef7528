// SNS on the wire: the query protocol (Action=<Op>, XML answers) that the AWS CLI and boto3
// use, signed for "sns"; and the unsigned GETs of the SubscribeURL / UnsubscribeURL that SNS
// puts in its messages (/?Action=ConfirmSubscription&..., /?Action=Unsubscribe&...).
// Operations: CreateTopic, DeleteTopic, ListTopics, GetTopicAttributes, Subscribe,
// ConfirmSubscription, Unsubscribe, ListSubscriptions, ListSubscriptionsByTopic, Publish.
// Others get InvalidAction naming them.
#pragma once

#include "emulator/core/random.h"
#include "emulator/http/aws_wire.h"
#include "emulator/http/router.h"
#include "emulator/sns/model.h"

namespace emu::sns {

class SnsWire final : public http::Service {
 public:
  SnsWire(SnsModel& model, Random random) : model_(model), random_(std::move(random)) {}
  std::string_view name() const override { return "sns"; }
  bool accepts(const http::HttpRequest& request) const override;
  http::HttpResponse handle(const http::HttpRequest& request, Micros now) override;

 private:
  http::HttpResponse answer(const http::HttpRequest& request, Micros now);
  // The operation's <...Result> element content (written into `xml`), or an error.
  Status dispatch(const std::string& op, const http::QueryParams& params,
                  const std::string& emulator_url, Micros now, http::XmlWriter& xml);
  // Subscribe, ConfirmSubscription, Unsubscribe, ListSubscriptions(ByTopic); else InvalidAction.
  Status subscription_operation(const std::string& op, const http::QueryParams& params,
                                const std::string& emulator_url, Micros now, http::XmlWriter& xml);
  Status list_topics(const http::QueryParams& params, http::XmlWriter& xml);
  Status list_subscriptions(const std::string& topic_arn, const http::QueryParams& params,
                            http::XmlWriter& xml);

  SnsModel& model_;
  Random random_;
};

}  // namespace emu::sns
