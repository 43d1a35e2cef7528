#include "emulator/sns/wire.h"

#include <charconv>

#include "emulator/core/errors.h"

namespace emu::sns {

namespace {

constexpr std::string_view kXmlns = "http://sns.amazonaws.com/doc/2010-03-31/";
constexpr std::size_t kPageSize = 100;

AwsError missing(const std::string& name) {
  return errors::sns::kInvalidParameter("Invalid parameter: " + name +
                                        " Reason: This parameter is required");
}

std::string query_action(const http::HttpRequest& request) {
  const http::QueryParams params(request.query);
  return params.get_or("Action", "");
}

// "Attributes.entry.N.key/value" -> map.
std::map<std::string, std::string> attribute_map(const http::QueryParams& params) {
  std::map<std::string, std::string> out;
  for (const int i : params.indices("Attributes.entry")) {
    const std::string base = "Attributes.entry." + std::to_string(i);
    if (auto key = params.get(base + ".key")) out[*key] = params.get_or(base + ".value", "");
  }
  return out;
}

std::size_t page_start(const http::QueryParams& params) {
  std::size_t start = 0;
  const std::string token = params.get_or("NextToken", "");
  std::from_chars(token.data(), token.data() + token.size(), start);
  return start;
}

}  // namespace

bool SnsWire::accepts(const http::HttpRequest& request) const {
  if (http::sigv4_service(request) == "sns") return true;
  // The links SNS sends (SubscribeURL, UnsubscribeURL) are unsigned GETs.
  if (request.method != "GET" || !http::sigv4_service(request).empty()) return false;
  const std::string action = query_action(request);
  return action == "ConfirmSubscription" || action == "Unsubscribe";
}

http::HttpResponse SnsWire::handle(const http::HttpRequest& request, Micros now) {
  (void)model_.take_fault_latency();  // what alarm notifications drew is not this reply's
  http::HttpResponse response = answer(request, now);
  response.delay += model_.take_fault_latency();  // latency fault rules
  return response;
}

http::HttpResponse SnsWire::answer(const http::HttpRequest& request, Micros now) {
  const std::string request_id = http::new_request_id(random_);
  const bool form = request.method == "POST" && !request.body.empty();
  const http::QueryParams params(form ? std::string_view(request.body) : std::string_view(request.query));
  const std::string op = params.get_or("Action", "");
  const std::string_view host = request.header("Host");
  const std::string emulator_url = host.empty() ? "http://127.0.0.1:4566" : "http://" + std::string(host);
  http::XmlWriter xml;
  xml.open(op + "Response", kXmlns);
  Status status = op.empty() ? errors::common::kMissingAction("Missing Action")
                             : dispatch(op, params, emulator_url, now, xml);
  if (!status) return http::query_error(status.error(), request_id, kXmlns);
  xml.open("ResponseMetadata").element("RequestId", request_id).close();
  http::HttpResponse r = http::HttpResponse::with_body(200, "text/xml", xml.str());
  r.set_header("x-amzn-RequestId", request_id);
  return r;
}

Status SnsWire::dispatch(const std::string& op, const http::QueryParams& params,
                         const std::string& emulator_url, Micros now, http::XmlWriter& xml) {
  const std::string result = op + "Result";
  if (op == "CreateTopic") {
    const auto name = params.get("Name");
    if (!name) return missing("Name");
    const auto arn = model_.create_topic(*name, attribute_map(params));
    if (!arn) return arn.error();
    xml.open(result).element("TopicArn", *arn).close();
    return ok_status();
  }
  if (op == "DeleteTopic") {
    const auto arn = params.get("TopicArn");
    if (!arn) return missing("TopicArn");
    return model_.delete_topic(*arn);
  }
  if (op == "ListTopics") return list_topics(params, xml);
  if (op == "GetTopicAttributes") {
    const auto arn = params.get("TopicArn");
    if (!arn) return missing("TopicArn");
    const auto attributes = model_.topic_attributes(*arn);
    if (!attributes) return attributes.error();
    xml.open(result).open("Attributes");
    for (const auto& [k, v] : *attributes) xml.open("entry").element("key", k).element("value", v).close();
    xml.close().close();
    return ok_status();
  }
  if (op == "Publish") {
    std::string topic = params.get_or("TopicArn", params.get_or("TargetArn", ""));
    if (topic.empty()) return missing("TopicArn or TargetArn");
    const auto message = params.get("Message");
    if (!message) return missing("Message");
    const auto id = model_.publish(topic, *message, params.get_or("Subject", ""), now);
    if (!id) return id.error();
    xml.open(result).element("MessageId", *id).close();
    return ok_status();
  }
  return subscription_operation(op, params, emulator_url, now, xml);
}

Status SnsWire::subscription_operation(const std::string& op, const http::QueryParams& params,
                                       const std::string& emulator_url, Micros now,
                                       http::XmlWriter& xml) {
  const std::string result = op + "Result";
  if (op == "Subscribe") {
    const auto topic = params.get("TopicArn");
    if (!topic) return missing("TopicArn");
    const auto protocol = params.get("Protocol");
    if (!protocol) return missing("Protocol");
    const auto arn = model_.subscribe(*topic, *protocol, params.get_or("Endpoint", ""),
                                      emulator_url, now);
    if (!arn) return arn.error();
    xml.open(result).element("SubscriptionArn", *arn).close();
    return ok_status();
  }
  if (op == "ConfirmSubscription") {
    const auto topic = params.get("TopicArn");
    if (!topic) return missing("TopicArn");
    const auto token = params.get("Token");
    if (!token) return missing("Token");
    const auto arn = model_.confirm_subscription(*topic, *token);
    if (!arn) return arn.error();
    xml.open(result).element("SubscriptionArn", *arn).close();
    return ok_status();
  }
  if (op == "Unsubscribe") {
    const auto arn = params.get("SubscriptionArn");
    if (!arn) return missing("SubscriptionArn");
    return model_.unsubscribe(*arn);
  }
  if (op == "ListSubscriptions") return list_subscriptions("", params, xml);
  if (op == "ListSubscriptionsByTopic") {
    const auto topic = params.get("TopicArn");
    if (!topic) return missing("TopicArn");
    if (model_.topics().count(*topic) == 0) {
      return errors::sns::kNotFound("Topic does not exist");
    }
    return list_subscriptions(*topic, params, xml);
  }
  return errors::common::kInvalidAction(
      "The action " + op +
      " is not supported by this emulator's SNS (it "
      "serves CreateTopic, DeleteTopic, ListTopics, GetTopicAttributes, "
      "Subscribe, ConfirmSubscription, Unsubscribe, ListSubscriptions, "
      "ListSubscriptionsByTopic, Publish)");
}

Status SnsWire::list_topics(const http::QueryParams& params, http::XmlWriter& xml) {
  const std::size_t start = page_start(params);
  xml.open("ListTopicsResult").open("Topics");
  std::size_t i = 0;
  for (const auto& [arn, topic] : model_.topics()) {
    if (i++ < start) continue;
    if (i > start + kPageSize) break;
    xml.open("member").element("TopicArn", arn).close();
  }
  xml.close();
  if (model_.topics().size() > start + kPageSize) {
    xml.element("NextToken", std::to_string(start + kPageSize));
  }
  xml.close();
  return ok_status();
}

Status SnsWire::list_subscriptions(const std::string& topic_arn, const http::QueryParams& params,
                                   http::XmlWriter& xml) {
  const auto subscriptions = model_.subscriptions(topic_arn);
  const std::size_t start = page_start(params);
  xml.open((topic_arn.empty() ? "ListSubscriptions" : "ListSubscriptionsByTopic") + std::string("Result"))
      .open("Subscriptions");
  for (std::size_t i = start; i < subscriptions.size() && i < start + kPageSize; ++i) {
    const Subscription& s = *subscriptions[i];
    xml.open("member")
        .element("TopicArn", s.topic_arn)
        .element("Protocol", s.protocol)
        .element("SubscriptionArn", s.confirmed ? s.arn : "PendingConfirmation")
        .element("Owner", model_.settings().account_id)
        .element("Endpoint", s.endpoint)
        .close();
  }
  xml.close();
  if (subscriptions.size() > start + kPageSize) xml.element("NextToken", std::to_string(start + kPageSize));
  xml.close();
  return ok_status();
}

}  // namespace emu::sns
