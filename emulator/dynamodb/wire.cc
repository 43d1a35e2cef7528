#include "emulator/dynamodb/wire.h"

#include "emulator/core/errors.h"
#include "emulator/core/json_util.h"
#include "emulator/dynamodb/actions/action.h"
#include "emulator/dynamodb/value_json.h"
#include "emulator/http/aws_wire.h"

namespace emu::dynamodb {

namespace {

using nlohmann::json;

constexpr std::string_view kTargetPrefix = "DynamoDB_20120810.";
constexpr std::string_view kStreamsPrefix = "DynamoDBStreams_20120810.";

}  // namespace

std::string_view error_type_prefix(std::string_view code) {
  for (const errors::ErrorCode& e : errors::dynamodb::kAll) {
    if (e.name == code) return e.type_prefix;
  }
  return errors::dynamodb::kModelPrefix;
}

http::HttpResponse json_response(int status, std::string body, std::string_view content_type,
                                 const std::string& request_id) {
  http::HttpResponse r =
      http::HttpResponse::with_body(status, std::string(content_type), std::move(body));
  r.set_header("x-amzn-RequestId", request_id);
  r.set_header("x-amz-crc32", std::to_string(http::crc32(r.body)));
  return r;
}

std::string dynamodb_request_id(Random& random) {
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
  std::string id(52, 'A');
  for (auto& c : id) c = kAlphabet[random.below(36)];
  return id;
}

// Shared front half of both services: size, method, content type, JSON, target, auth.
// Returns the parsed body or the finished error response.
static std::variant<json, http::HttpResponse> front_checks(const http::HttpRequest& request,
                                                           std::string_view prefix,
                                                           std::string& content_type,
                                                           const std::string& request_id,
                                                           std::string& operation) {
  if (request.body.size() > DynamoDbService::kMaxBodyBytes) {
    http::HttpResponse r;
    r.status = 413;
    r.set_header("x-amzn-RequestId", request_id);
    return r;
  }
  std::string ct(request.header("Content-Type"));
  ct = ct.substr(0, ct.find(';'));
  while (!ct.empty() && ct.back() == ' ') ct.pop_back();
  if (request.method != "POST" ||
      (!request.body.empty() && ct != "application/json" && ct != "application/x-amz-json-1.0")) {
    return json_response(404, "<UnknownOperationException/>\n", "text/plain", request_id);
  }
  content_type = ct == "application/json" ? "application/json" : "application/x-amz-json-1.0";
  json body = json::object();
  auto fail = [&](const errors::ErrorCode& code, std::string message) {
    json err = {{"__type", std::string(code.type_prefix) + std::string(code.name)}};
    if (!message.empty()) err["message"] = message;
    return json_response(400, dump_compact(err), content_type, request_id);
  };
  if (!request.body.empty()) {
    auto parsed = parse_json(request.body, 100);
    if (!parsed) return fail(errors::dynamodb::kSerialization, "");
    body = std::move(*parsed);
  }
  const std::string_view target = request.header("X-Amz-Target");
  if (target.substr(0, prefix.size()) != prefix) {
    return fail(errors::dynamodb::kUnknownOperation,
                "X-Amz-Target must name an operation: " + std::string(prefix) + "<Operation>");
  }
  operation = std::string(target.substr(prefix.size()));
  const std::string_view auth = request.header("Authorization");
  const bool query_auth = request.query.find("X-Amz-Algorithm") != std::string::npos;
  if ((auth.empty() && !query_auth) || (!auth.empty() && auth.substr(0, 5) != "AWS4-")) {
    return fail(errors::dynamodb::kMissingAuthenticationToken,
                "Request is missing Authentication Token");
  }
  if (!body.is_object()) {
    return fail(errors::dynamodb::kSerialization, body.is_array()
                                                      ? "Start of list found where not expected"
                                                      : "Unexpected token received from parser");
  }
  return body;
}

static http::HttpResponse finish(Result<json> result, const std::string& content_type,
                                 const std::string& request_id, const std::optional<Item>& item) {
  if (result) return json_response(200, dump_compact(*result), content_type, request_id);
  const AwsError& e = result.error();
  const bool with_item = e.code == errors::dynamodb::kConditionalCheckFailed && item;
  if (!e.message.empty() && !with_item) {
    http::HttpResponse r = http::json_error(e, error_type_prefix(e.code), request_id, content_type);
    r.set_header("x-amz-crc32", std::to_string(http::crc32(r.body)));
    return r;
  }
  // Shapes json_error does not produce: no message at all (framework errors, as AWS sends
  // them), or the old item of a failed condition (ReturnValuesOnConditionCheckFailure).
  json err = {{"__type", std::string(error_type_prefix(e.code)) + e.code}};
  if (!e.message.empty()) err["message"] = e.message;
  if (with_item) err["Item"] = item_to_json(*item);
  return json_response(e.http_status, dump_compact(err), content_type, request_id);
}

bool DynamoDbService::accepts(const http::HttpRequest& request) const {
  const std::string_view target = request.header("X-Amz-Target");
  if (target.substr(0, kTargetPrefix.size()) == kTargetPrefix) return true;
  if (target.substr(0, kStreamsPrefix.size()) == kStreamsPrefix) return false;
  return request.method == "POST" && http::sigv4_service(request) == "dynamodb";
}

http::HttpResponse DynamoDbService::handle(const http::HttpRequest& request, Micros now) {
  ++requests_;
  const std::string request_id = dynamodb_request_id(random_);
  std::string content_type = "application/x-amz-json-1.0";
  std::string operation;
  auto front = front_checks(request, kTargetPrefix, content_type, request_id, operation);
  if (auto* response = std::get_if<http::HttpResponse>(&front)) return std::move(*response);
  auto result = dispatch(operation, std::get<json>(front), now);
  http::HttpResponse response =
      finish(std::move(result), content_type, request_id, db_.condition_failure_item());
  response.delay = db_.last_fault_latency();
  return response;
}

Result<json> DynamoDbService::dispatch(std::string_view op, const json& body, Micros now) {
  if (const Action* action = find_action(op)) return action->handle(db_, body, now);
  // DEVIATION: AWS sends no message here; a named operation the emulator lacks says so.
  return errors::dynamodb::kUnknownOperation("Operation " + std::string(op) +
                                             " is not supported by this emulator's DynamoDB");
}

bool DynamoDbStreamsService::accepts(const http::HttpRequest& request) const {
  const std::string_view target = request.header("X-Amz-Target");
  return target.substr(0, kStreamsPrefix.size()) == kStreamsPrefix;
}

http::HttpResponse DynamoDbStreamsService::handle(const http::HttpRequest& request, Micros now) {
  const std::string request_id = dynamodb_request_id(random_);
  std::string content_type = "application/x-amz-json-1.0";
  std::string operation;
  auto front = front_checks(request, kStreamsPrefix, content_type, request_id, operation);
  if (auto* response = std::get_if<http::HttpResponse>(&front)) return std::move(*response);
  return finish(dispatch(operation, std::get<json>(front), now), content_type, request_id,
                std::nullopt);
}

}  // namespace emu::dynamodb
