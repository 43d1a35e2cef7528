#include "http_requests.h"

#include <string_view>
#include <utility>

namespace bench {

namespace {

constexpr std::string_view kCounterSlot = "############";  // 12 digits: 10^12 requests
constexpr std::string_view kKeySlot = "####";               // 4 digits: the 5,000 aggregate keys
constexpr std::uint64_t kAggregateKeys = 5000;

// A uuid per PutItem that no other request of this run, or of an earlier run against the same
// server, has used: the run's start time, then the request counter.
std::string put_item_body(const std::string& run_id) {
  return R"({"TableName":"raw_metrics","Item":{"uuid":{"S":"bench-)" + run_id + "-" +
         std::string(kCounterSlot) +
         R"("},"expdate":{"N":"1900000000"},"raw":{"S":"{\"metricsPayloadVersion\":1,)"
         R"(\"identifier\":\"Metrics\",\"appOs\":\"android\",\"appVersion\":\"1.2.3\",)"
         R"(\"osVersion\":\"30\",\"manufacturer\":\"Google\",\"model\":\"Pixel 4a\",)"
         R"(\"payload\":[{\"identifier\":\"active_user\",\"region\":\"ON\",)"
         R"(\"timestamp\":1624766400000,\"count\":\"1\"}]}"}}})";
}

// The UpdateItem that the seed's aggregate_values.js sends through the DocumentClient.
std::string update_item_body() {
  auto s = [](const char* v) { return std::string(R"({"S":")") + v + R"("})"; };
  return R"({"TableName":"aggregate_metrics","Key":{"pk":{"S":"ON"},"sk":{"S":"bench#)" +
         std::string(kKeySlot) +
         R"("}},"UpdateExpression":"SET appversion = :appversion, appos = :appos, )"
         R"(#region = :region, identifier = :identifier, osversion = :osversion, )"
         R"(manufacturer = :manufacturer, model = :model, androidreleaseversion = )"
         R"(:androidreleaseversion, version = :version, #count = :count, pushnotification = )"
         R"(:pushnotification, frameworkenabled = :frameworkenabled, #state = :state, )"
         R"(#status = :status, hoursSinceExposureDetectedAt = :hoursSinceExposureDetectedAt, )"
         R"(#date = :date, #duration = :duration, withDate = :withDate, isUserExposed = )"
         R"(:isUserExposed, metricCount = if_not_exists(metricCount, :start) + :metricCount",)"
         R"("ExpressionAttributeNames":{"#region":"region","#count":"count","#state":"state",)"
         R"("#status":"status","#date":"date","#duration":"duration"},)"
         R"("ExpressionAttributeValues":{":metricCount":{"N":"1"},":start":{"N":"0"},)"
         R"(":version":{"N":"6"},":appversion":)" +
         s("1.2.3") + R"(,":appos":)" + s("android") + R"(,":region":)" + s("ON") +
         R"(,":identifier":)" + s("active_user") + R"(,":osversion":)" + s("30") +
         R"(,":manufacturer":)" + s("Google") + R"(,":model":)" + s("Pixel") +
         R"(,":androidreleaseversion":)" + s("11") + R"(,":count":)" + s("1-6") +
         R"(,":pushnotification":)" + s("true") + R"(,":frameworkenabled":)" + s("true") +
         R"(,":state":)" + s("on") + R"(,":status":)" + s("") +
         R"(,":hoursSinceExposureDetectedAt":)" + s("") + R"(,":date":)" + s("2021-06-27") +
         R"(,":duration":)" + s("") + R"(,":withDate":)" + s("") + R"(,":isUserExposed":)" + s("") +
         "}}";
}

RequestTemplate with_slot(std::string bytes, std::string_view slot, std::uint64_t key_space) {
  RequestTemplate t;
  t.slot = bytes.find(slot);
  t.slot_width = slot.size();
  t.key_space = key_space;
  t.bytes = std::move(bytes);
  return t;
}

}  // namespace

const char* name_of(Operation op) {
  switch (op) {
    case Operation::kPutItem: return "PutItem";
    case Operation::kUpdateItem: return "UpdateItem";
    case Operation::kHealth: return "GET health";
  }
  return "";
}

// The headers an AWS SDK sends; the signature is not checked by either server, but its
// Credential scope is how moto picks the region and service.
std::string dynamodb_request(const Target& t, const std::string& operation, const std::string& body) {
  return "POST / HTTP/1.1\r\nHost: " + t.host + ":" + t.port +
         "\r\nX-Amz-Target: DynamoDB_20120810." + operation +
         "\r\nAuthorization: AWS4-HMAC-SHA256 "
         "Credential=AKID/20210627/ca-central-1/dynamodb/aws4_request, "
         "SignedHeaders=host;x-amz-date;x-amz-target, Signature=0"
         "\r\nX-Amz-Date: 20210627T000000Z"
         "\r\nContent-Type: application/x-amz-json-1.0\r\nContent-Length: " +
         std::to_string(body.size()) + "\r\n\r\n" + body;
}

std::string get_request(const Target& t, const std::string& path) {
  return "GET " + path + " HTTP/1.1\r\nHost: " + t.host + ":" + t.port + "\r\n\r\n";
}

RequestTemplate make_template(Operation op, const Target& t, const std::string& run_id) {
  switch (op) {
    case Operation::kPutItem:
      return with_slot(dynamodb_request(t, "PutItem", put_item_body(run_id)), kCounterSlot, 0);
    case Operation::kUpdateItem:
      return with_slot(dynamodb_request(t, "UpdateItem", update_item_body()), kKeySlot,
                       kAggregateKeys);
    case Operation::kHealth:
      return RequestTemplate{get_request(t, "/_emulator/health"), 0, 0, 0};
  }
  return {};
}

}  // namespace bench
