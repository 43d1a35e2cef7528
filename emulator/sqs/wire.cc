#include "emulator/sqs/wire.h"

#include <set>

#include "emulator/core/errors.h"
#include "emulator/core/json_util.h"
#include "emulator/http/aws_wire.h"
#include "emulator/http/field_rules.h"

namespace emu::sqs {

namespace {

using nlohmann::json;
constexpr std::string_view kTargetPrefix = "AmazonSQS.";
constexpr std::string_view kXmlns = "http://queue.amazonaws.com/doc/2012-11-05/";

// An error of AWS's JSON front end: a body that does not parse, or a member of the wrong type.
AwsError serialization(const std::string& message) { return errors::sqs::kSerialization(message); }

// A member the action's rules (wire_rules.cc) have checked: present and valid, or absent.
std::string string_of(const json& in, const std::string& name) {
  const auto it = in.find(name);
  return it != in.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// Integers arrive as JSON numbers, or as text from the query protocol (checked by the rules).
std::int64_t int_of(const json& in, const std::string& name, std::int64_t fallback) {
  const auto it = in.find(name);
  return it == in.end() ? fallback : http::integer_value(*it).value_or(fallback);
}

std::map<std::string, std::string> string_map(const json& in, const std::string& name) {
  std::map<std::string, std::string> out;
  if (in.contains(name) && in[name].is_object()) {
    for (const auto& [k, v] : in[name].items()) {
      if (v.is_string()) out[k] = v.get<std::string>();
    }
  }
  return out;
}

std::vector<std::string> string_list(const json& in, const std::string& name) {
  std::vector<std::string> out;
  if (in.contains(name) && in[name].is_array()) {
    for (const auto& v : in[name]) {
      if (v.is_string()) out.push_back(v.get<std::string>());
    }
  }
  return out;
}

Result<MessageAttributes> message_attributes(const json& in) {
  MessageAttributes out;
  if (!in.contains("MessageAttributes") || !in["MessageAttributes"].is_object()) return out;
  for (const auto& [name, v] : in["MessageAttributes"].items()) {
    MessageAttributeValue value;
    value.data_type = v.value("DataType", "");
    value.string_value = v.value("StringValue", "");
    if (v.contains("BinaryValue") && v["BinaryValue"].is_string()) {
      const auto decoded = http::base64_decode(v["BinaryValue"].get<std::string>());
      if (!decoded) {
        return errors::sqs::kInvalidParameterValue("The message attribute '" + name +
                                                   "' has an invalid binary value.");
      }
      value.binary_value = *decoded;
    }
    // ASSUMPTION: the wording; SQS refuses attribute text that is not UTF-8 (the query
    // protocol can carry any bytes; JSON bodies are UTF-8 by construction).
    if (!http::valid_utf8(name) || !http::valid_utf8(value.data_type) ||
        !http::valid_utf8(value.string_value)) {
      return errors::sqs::kInvalidParameterValue("The message attribute '" + name +
                                                 "' contains text that is not "
                                                 "valid UTF-8.");
    }
    out[name] = std::move(value);
  }
  return out;
}

bool wants(const std::vector<std::string>& names, const std::string& name) {
  for (const auto& n : names) {
    if (n == "All" || n == name || (n.ends_with(".*") && name.rfind(n.substr(0, n.size() - 1), 0) == 0)) {
      return true;
    }
  }
  return false;
}

json render_message(const ReceivedMessage& r, const std::vector<std::string>& system_names,
                    const std::vector<std::string>& attribute_names) {
  const Message& m = *r.message;
  json out = {{"MessageId", m.id},
              {"ReceiptHandle", r.receipt_handle},
              {"MD5OfBody", http::md5_hex(m.body)},
              {"Body", m.body}};
  const std::map<std::string, std::string> system = {
      {"SentTimestamp", std::to_string(m.sent_at / 1000)},
      {"ApproximateReceiveCount", std::to_string(m.receive_count)},
      {"ApproximateFirstReceiveTimestamp", std::to_string(m.first_received_at / 1000)},
      {"SenderId", "AIDAEMULATOR000000000"}};
  json attributes = json::object();
  for (const auto& [k, v] : system) {
    if (wants(system_names, k)) attributes[k] = v;
  }
  if (!attributes.empty()) out["Attributes"] = attributes;
  MessageAttributes selected;
  for (const auto& [k, v] : m.attributes) {
    if (wants(attribute_names, k)) selected[k] = v;
  }
  if (!selected.empty()) {
    json ma = json::object();
    for (const auto& [k, v] : selected) {
      json value = {{"DataType", v.data_type}};
      if (v.data_type.rfind("Binary", 0) == 0) {
        value["BinaryValue"] = http::base64_encode(v.binary_value);
      } else {
        value["StringValue"] = v.string_value;
      }
      ma[k] = value;
    }
    out["MD5OfMessageAttributes"] = md5_of_attributes(selected);
    out["MessageAttributes"] = ma;
  }
  return out;
}

// Batch entries (their count and ids checked by the action's rules): runs `one` on each entry
// that passes the entry rules; failures go to "Failed".
template <class F>
Result<json> batch(const std::string& operation, const json& in, F&& one) {
  json ok = json::array(), failed = json::array();
  for (const auto& e : in["Entries"]) {
    const auto invalid = check_entry(operation, e);
    Result<json> r = invalid ? Result<json>(*invalid) : one(e);
    if (r) {
      json entry = *r;
      entry["Id"] = e["Id"];
      ok.push_back(entry);
    } else {
      failed.push_back({{"Id", e["Id"]},
                        {"SenderFault", r.error().sender_fault},
                        {"Code", query_code(r.error().code)},
                        {"Message", r.error().message}});
    }
  }
  json out = json::object();
  if (!ok.empty()) out["Successful"] = ok;
  if (!failed.empty()) out["Failed"] = failed;
  return out;
}

}  // namespace

bool SqsWire::accepts(const http::HttpRequest& request) const {
  return http::json_or_query_request_for(request, kTargetPrefix, "sqs");
}

http::HttpResponse SqsWire::handle(const http::HttpRequest& request, Micros now) {
  (void)model_.take_fault_latency();  // what in-process callers drew is not this reply's
  http::HttpResponse response = handle_call(request, now);
  response.delay += model_.take_fault_latency();  // latency fault rules (sqs, storage)
  return response;
}

http::HttpResponse SqsWire::handle_call(const http::HttpRequest& request, Micros now) {
  const std::string request_id = http::new_request_id(random_);
  Call call;
  const std::string_view host = request.header("Host");
  call.endpoint = host.empty() ? model_.endpoint() : "http://" + std::string(host);
  const std::string_view target = request.header("X-Amz-Target");
  if (target.substr(0, kTargetPrefix.size()) == kTargetPrefix) {
    call.operation = std::string(target.substr(kTargetPrefix.size()));
    auto body = parse_json(request.body.empty() ? "{}" : request.body);
    if (!body || !body->is_object()) {
      const char* why = !body ? "Unable to parse the request body as JSON."
                        : body->is_array() ? "Start of list found where not expected"
                                           : "Expected null";
      return render(call, serialization(why), request_id);
    }
    if (const http::Shape* shape = input_shape(call.operation)) {
      if (auto mismatch = http::conform_json(*body, *shape)) {
        return render(call, serialization(*mismatch), request_id);
      }
    }
    call.input = std::move(*body);
  } else {
    call.query = true;
    const http::QueryParams params(request.body.empty() ? request.query : request.body);
    call.operation = params.get_or("Action", "");
    auto input = query_to_json(call.operation, params);
    if (!input) return render(call, input.error(), request_id);
    call.input = std::move(*input);
    // Older clients POST to the queue URL itself.
    if (!call.input.contains("QueueUrl") && request.path.size() > 1) {
      call.input["QueueUrl"] = request.path;
    }
  }
  // The action's documented request rules, in one table (wire_rules.cc), before any lookup.
  // ASSUMPTION: as AWS's front end, parameters are refused before the queue is resolved.
  if (auto invalid = check_request(call.operation, call.input)) {
    return render(call, *invalid, request_id);
  }
  if (call.operation == "ReceiveMessage") {
    auto queue = model_.queue(call.input.value("QueueUrl", ""));
    if (!queue) return render(call, queue.error(), request_id);
    const std::int64_t wait = int_of(call.input, "WaitTimeSeconds",
                                     (*queue)->attributes().receive_message_wait_time_seconds);
    return long_poll(call, **queue, wait, request_id, now);
  }
  return render(call, dispatch(call, now), request_id);
}

http::HttpResponse SqsWire::long_poll(const Call& call, Queue& queue, std::int64_t wait_seconds,
                                      const std::string& request_id, Micros now) {
  auto first = receive(call, queue, now);
  const bool empty = first && !first->contains("Messages");
  http::HttpResponse response = render(call, std::move(first), request_id);
  if (!empty || wait_seconds <= 0) return response;
  // Nothing yet: hold the empty answer for the wait; the edge re-checks while it waits and
  // answers with the first messages that arrive.
  response.delay = seconds(static_cast<double>(wait_seconds));
  const std::string name = queue.name();
  response.recheck = [this, call, name, request_id](Micros at) -> std::optional<http::HttpResponse> {
    auto q = model_.queue(name);
    if (!q) return render(call, q.error(), request_id);
    auto r = receive(call, **q, at);
    if (r && !r->contains("Messages")) return std::nullopt;
    return render(call, std::move(r), request_id);
  };
  return response;
}

Result<json> SqsWire::receive(const Call& call, Queue& queue, Micros now) {
  const json& in = call.input;
  auto received = model_.receive(queue, int_of(in, "MaxNumberOfMessages", 1),
                                 int_of(in, "VisibilityTimeout", -1), now);
  if (!received) return received.error();
  std::vector<std::string> system = string_list(in, "MessageSystemAttributeNames");
  for (auto& n : string_list(in, "AttributeNames")) system.push_back(n);
  const auto names = string_list(in, "MessageAttributeNames");
  json out = json::object();
  for (const auto& r : *received) out["Messages"].push_back(render_message(r, system, names));
  return out;
}

std::string SqsWire::url_for(const Call& call, const Queue& queue) const {
  return call.endpoint + model_.url_of(queue).substr(model_.endpoint().size());
}

Result<json> SqsWire::dispatch(const Call& call, Micros now) {
  const json& in = call.input;
  const std::string& op = call.operation;
  if (op == "CreateQueue") {
    auto q = model_.create_queue(string_of(in, "QueueName"), string_map(in, "Attributes"), now);
    if (!q) return q.error();
    return json{{"QueueUrl", url_for(call, **q)}};
  }
  if (op == "ListQueues") {
    json urls = json::array();
    for (const Queue* q : model_.list_queues(in.value("QueueNamePrefix", ""))) {
      urls.push_back(url_for(call, *q));
    }
    json out = json::object();
    if (!urls.empty()) out["QueueUrls"] = urls;
    return out;
  }
  if (op == "GetQueueUrl") {
    auto q = model_.queue(string_of(in, "QueueName"));
    if (!q) return q.error();
    return json{{"QueueUrl", url_for(call, **q)}};
  }
  if (op.empty()) return errors::common::kMissingAction("MissingAction");
  static const std::set<std::string> kQueueOps = {
      "DeleteQueue", "GetQueueAttributes", "SetQueueAttributes", "PurgeQueue", "SendMessage",
      "SendMessageBatch", "DeleteMessage", "DeleteMessageBatch", "ChangeMessageVisibility",
      "ChangeMessageVisibilityBatch"};
  if (!kQueueOps.count(op)) {
    if (call.query) {
      return errors::common::kInvalidAction("The action " + op +
                                            " is not valid for this endpoint.");
    }
    return errors::sqs::kUnknownOperation("Unknown operation " + op + ".");
  }
  const std::string url = string_of(in, "QueueUrl");
  auto queue = model_.queue(url);
  if (!queue) return queue.error();
  return queue_operation(call, url, **queue, now);
}

Result<json> SqsWire::queue_operation(const Call& call, const std::string& url, Queue& q,
                                      Micros now) {
  const json& in = call.input;
  const std::string& op = call.operation;
  if (op == "DeleteQueue") {
    auto s = model_.delete_queue(url);
    if (!s) return s.error();
    return json::object();
  }
  if (op == "GetQueueAttributes") {
    auto names = string_list(in, "AttributeNames");
    if (names.empty()) return json::object();
    auto attrs = model_.get_attributes(q, names, now);
    if (!attrs) return attrs.error();
    return json{{"Attributes", *attrs}};
  }
  if (op == "SetQueueAttributes") {
    auto s = model_.set_attributes(q, string_map(in, "Attributes"), now);
    if (!s) return s.error();
    return json::object();
  }
  if (op == "PurgeQueue") {
    model_.purge(q);
    return json::object();
  }
  return message_operation(call, q, now);
}

Result<json> SqsWire::message_operation(const Call& call, Queue& q, Micros now) {
  const json& in = call.input;
  const std::string& op = call.operation;
  const auto send_one = [&](const json& e) -> Result<json> {
    auto attributes = message_attributes(e);
    if (!attributes) return attributes.error();
    auto sent = model_.send(q, string_of(e, "MessageBody"), int_of(e, "DelaySeconds", -1),
                            *attributes, now);
    if (!sent) return sent.error();
    json out = {{"MD5OfMessageBody", sent->md5_of_body}, {"MessageId", sent->message_id}};
    if (!sent->md5_of_attributes.empty()) out["MD5OfMessageAttributes"] = sent->md5_of_attributes;
    return out;
  };
  if (op == "SendMessage") return send_one(in);
  if (op == "SendMessageBatch") return batch(op, in, send_one);
  const auto delete_one = [&](const json& e) -> Result<json> {
    auto s = model_.delete_message(q, string_of(e, "ReceiptHandle"));
    if (!s) return s.error();
    return json::object();
  };
  if (op == "DeleteMessage") {
    auto r = delete_one(in);
    if (!r) return r.error();
    return json::object();
  }
  if (op == "DeleteMessageBatch") return batch(op, in, delete_one);
  const auto visibility_one = [&](const json& e) -> Result<json> {
    auto s = model_.change_visibility(q, string_of(e, "ReceiptHandle"),
                                      int_of(e, "VisibilityTimeout", 0), now);
    if (!s) return s.error();
    return json::object();
  };
  if (op == "ChangeMessageVisibility") {
    auto r = visibility_one(in);
    if (!r) return r.error();
    return json::object();
  }
  return batch(op, in, visibility_one);
}

http::HttpResponse SqsWire::render(const Call& call, Result<json> result,
                                   const std::string& request_id) const {
  if (call.query) {
    if (!result) {
      AwsError e = result.error();
      e.code = query_code(e.code);
      return http::query_error(e, request_id, kXmlns);
    }
    auto r = http::HttpResponse::with_body(200, "text/xml",
                                           json_to_query_xml(call.operation, *result, request_id));
    r.set_header("x-amzn-RequestId", request_id);
    return r;
  }
  if (!result) {
    const AwsError& e = result.error();
    // Errors of AWS's JSON front end carry the framework's namespace and no query code.
    if (e.code == errors::sqs::kSerialization) {
      return http::json_error(e, errors::sqs::kSerialization.type_prefix, request_id);
    }
    const std::string header = query_code(e.code) + (e.sender_fault ? ";Sender" : ";Receiver");
    return http::json_error(e, errors::sqs::kPrefix, request_id, "application/x-amz-json-1.0",
                            header);
  }
  auto r = http::HttpResponse::with_body(200, "application/x-amz-json-1.0", dump_compact(*result));
  r.set_header("x-amzn-RequestId", request_id);
  return r;
}

}  // namespace emu::sqs
