// The SQS query protocol: form parameters in, XML out, mapped onto the JSON shapes wire.cc uses.
#include <map>

#include "emulator/core/errors.h"
#include "emulator/http/aws_wire.h"
#include "emulator/http/json_shape.h"
#include "emulator/sqs/wire.h"

namespace emu::sqs {

namespace {

using nlohmann::json;
using Params = std::map<std::string, std::string>;

const char* const kScalars[] = {"QueueName", "QueueUrl", "QueueNamePrefix", "MessageBody",
                                "DelaySeconds", "MaxNumberOfMessages", "VisibilityTimeout",
                                "WaitTimeSeconds", "ReceiptHandle", "Id", "MaxResults",
                                "NextToken"};

// Largest index of a flattened list ("AttributeName.N") accepted; the maps below are sparse.
constexpr std::int64_t kMaxIndex = 1'000'000;

// "<prefix>N.<rest>" entries grouped by N, in order. InvalidQueryParameter for an N that is not
// an integer in 1..kMaxIndex.
Result<std::map<std::int64_t, Params>> indexed(const Params& all, const std::string& prefix) {
  std::map<std::int64_t, Params> out;
  for (auto it = all.lower_bound(prefix); it != all.end() && it->first.rfind(prefix, 0) == 0;
       ++it) {
    const std::string tail = it->first.substr(prefix.size());
    const auto dot = tail.find('.');
    const auto n = http::parse_int64(std::string_view(tail).substr(0, dot));
    if (!n || *n < 1 || *n > kMaxIndex || tail[0] == '+') {
      return http::invalid_query_parameter("the list index in " + it->first +
                                           " must be between 1 and " + std::to_string(kMaxIndex));
    }
    out[*n][dot == std::string::npos ? "" : tail.substr(dot + 1)] = it->second;
  }
  return out;
}

Result<json> object_from(const Params& p) {
  json out = json::object();
  for (const char* name : kScalars) {
    if (const auto it = p.find(name); it != p.end()) out[name] = it->second;
  }
  auto attributes = indexed(p, "Attribute.");
  if (!attributes) return attributes.error();
  for (const auto& [n, a] : *attributes) {
    if (a.count("Name")) out["Attributes"][a.at("Name")] = a.count("Value") ? a.at("Value") : "";
  }
  for (const auto& [list, prefix] :
       {std::pair{"AttributeNames", "AttributeName."},
        std::pair{"MessageAttributeNames", "MessageAttributeName."},
        std::pair{"MessageSystemAttributeNames", "MessageSystemAttributeName."}}) {
    auto names = indexed(p, prefix);
    if (!names) return names.error();
    for (const auto& [n, a] : *names) {
      if (a.count("")) out[list].push_back(a.at(""));
    }
  }
  auto message_attributes = indexed(p, "MessageAttribute.");
  if (!message_attributes) return message_attributes.error();
  for (const auto& [n, a] : *message_attributes) {
    if (!a.count("Name")) continue;
    json value = json::object();
    for (const auto& [k, field] : {std::pair{"Value.DataType", "DataType"},
                                   std::pair{"Value.StringValue", "StringValue"},
                                   std::pair{"Value.BinaryValue", "BinaryValue"}}) {
      if (a.count(k)) value[field] = a.at(k);
    }
    out["MessageAttributes"][a.at("Name")] = value;
  }
  return out;
}

void write_value(http::XmlWriter& xml, const std::string& name, const json& v);

void write_fields(http::XmlWriter& xml, const json& object, const std::string& operation) {
  for (const auto& [key, v] : object.items()) {
    if (key == "QueueUrls") {
      for (const auto& url : v) xml.element("QueueUrl", url.get<std::string>());
    } else if (key == "Attributes") {
      for (const auto& [name, value] : v.items()) {
        xml.open("Attribute").element("Name", name).element("Value", value.get<std::string>()).close();
      }
    } else if (key == "MessageAttributes") {
      for (const auto& [name, value] : v.items()) {
        xml.open("MessageAttribute").element("Name", name).open("Value");
        for (const char* f : {"StringValue", "BinaryValue", "DataType"}) {
          if (value.contains(f)) xml.element(f, value[f].get<std::string>());
        }
        xml.close().close();
      }
    } else if (key == "Messages") {
      for (const auto& m : v) {
        xml.open("Message");
        write_fields(xml, m, operation);
        xml.close();
      }
    } else if (key == "Successful" || key == "Failed") {
      const std::string entry = key == "Failed" ? "BatchResultErrorEntry" : operation + "ResultEntry";
      for (const auto& e : v) {
        xml.open(entry);
        write_fields(xml, e, operation);
        xml.close();
      }
    } else {
      write_value(xml, key, v);
    }
  }
}

void write_value(http::XmlWriter& xml, const std::string& name, const json& v) {
  if (v.is_string()) xml.element(name, v.get<std::string>());
  else if (v.is_boolean()) xml.element(name, v.get<bool>() ? "true" : "false");
  else xml.element(name, v.dump());
}

}  // namespace

Result<nlohmann::json> query_to_json(const std::string& operation, const http::QueryParams& params) {
  const Params& all = params.all();
  auto out = object_from(all);
  if (!out) return out;
  for (const char* prefix : {"SendMessageBatchRequestEntry.", "DeleteMessageBatchRequestEntry.",
                             "ChangeMessageVisibilityBatchRequestEntry."}) {
    if (operation.size() > 0 && std::string(prefix).rfind(operation, 0) != 0) continue;
    auto entries = indexed(all, prefix);
    if (!entries) return entries.error();
    for (const auto& [n, entry] : *entries) {
      auto e = object_from(entry);
      if (!e) return e;
      (*out)["Entries"].push_back(std::move(*e));
    }
  }
  return out;
}

std::string json_to_query_xml(const std::string& operation, const nlohmann::json& result,
                              const std::string& request_id) {
  http::XmlWriter xml;
  xml.open(operation + "Response", "http://queue.amazonaws.com/doc/2012-11-05/");
  if (!result.empty() || operation == "ReceiveMessage" || operation == "ListQueues" ||
      operation == "GetQueueAttributes") {
    xml.open(operation + "Result");
    write_fields(xml, result, operation);
    xml.close();
  }
  xml.open("ResponseMetadata").element("RequestId", request_id).close();
  xml.close();
  return xml.str();
}

std::string query_code(const std::string& json_code) {
  const errors::ErrorCode* code = errors::find(errors::sqs::kAll, json_code);
  return code == nullptr || code->query_name.empty() ? json_code : std::string(code->query_name);
}

}  // namespace emu::sqs
