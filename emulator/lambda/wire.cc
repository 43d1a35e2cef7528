#include "emulator/lambda/wire.h"

#include <optional>
#include <string_view>
#include <utility>
#include <vector>

#include "emulator/core/errors.h"
#include "emulator/core/json_util.h"
#include "emulator/http/aws_wire.h"

namespace emu::lambda {

namespace {

struct Seed {
  const char* handler;
  std::map<std::string, std::string> environment;
};

// What the seed deploys for each function (spec sections 3, 5, 6).
Seed seed_of(const std::string& name) {
  if (name == "create_metrics") {
    return {"create_metric.handler",
            {{"TABLE_NAME", "raw_metrics"}, {"SPLIT_THRESHOLD", "102400"}}};
  }
  if (name == "aggregate_metrics") return {"aggregate_values.handler", {}};
  if (name == "backoff_retry") return {"backoff_retry.handler", {}};
  return {"index.handler", {}};
}

http::HttpResponse json_reply(int status, const nlohmann::json& body, const std::string& rid) {
  // Request text echoed in a body (a function name) may not be UTF-8: replaced, never thrown.
  auto r = http::HttpResponse::with_body(status, "application/json", dump_compact(body));
  r.set_header("x-amzn-RequestId", rid);
  return r;
}

http::HttpResponse error_reply(const AwsError& e, const std::string& rid) {
  auto r = json_reply(e.http_status, {{"Type", e.sender_fault ? "User" : "Service"},
                                      {"message", e.message}},
                      rid);
  r.set_header("x-amzn-ErrorType", e.code);
  return r;
}

// What Lambda answers to a request body that is not a JSON object.
http::HttpResponse not_a_json_object(const std::string& rid) {
  return error_reply(errors::lambda::kInvalidRequestContent(
                         "Could not parse request body into json: the body is not a JSON object"),
                     rid);
}

// "create_metrics", or an ARN "arn:aws:lambda:<region>:<acct>:function:create_metrics[:q]".
std::string function_name(const std::string& segment) {
  const std::string decoded = http::url_decode(segment, false);
  const auto pos = decoded.find(":function:");
  if (pos == std::string::npos) return decoded;
  std::string name = decoded.substr(pos + 10);
  return name.substr(0, name.find(':'));
}

// The segments of a request path, without the leading slash and one trailing slash:
// "/2015-03-31/functions/x/" -> {"2015-03-31", "functions", "x"}. (Plain splitting rather than
// std::regex, whose recursive matcher can exhaust the stack on a long hostile path.)
std::vector<std::string_view> segments_of(std::string_view path) {
  std::vector<std::string_view> out;
  if (path.empty() || path.front() != '/') return out;
  path.remove_prefix(1);
  if (!path.empty() && path.back() == '/') path.remove_suffix(1);
  while (true) {
    const auto slash = path.find('/');
    out.push_back(path.substr(0, slash));
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash + 1);
  }
  return out;
}

// Lambda's spelling: "2021-10-01T00:00:00.000+0000"; as deployed unless updated since.
std::string last_modified(const FunctionSettings& f) {
  if (!f.last_modified) return "2021-10-01T00:00:00.000+0000";
  std::string t = format_iso8601(*f.last_modified);
  return t.substr(0, t.size() - 1) + "+0000";
}

// An Integer member: a JSON integer within 32 bits.
bool is_int32(const nlohmann::json& v) {
  if (!v.is_number_integer()) return false;
  if (v.is_number_unsigned()) return v.get<std::uint64_t>() <= 2147483647u;
  const auto n = v.get<std::int64_t>();
  return n >= -2147483648LL && n <= 2147483647;
}

std::string constraint_failure(std::int64_t value, const char* member, const char* bound) {
  return "Value '" + std::to_string(value) + "' at '" + member +
         "' failed to satisfy constraint: Member must have value " + bound;
}

bool is_api_version(std::string_view s) {
  return s == "2015-03-31" || s == "2016-08-19" || s == "2017-10-31" || s == "2019-09-30";
}

}  // namespace

LambdaWire::LambdaWire(LambdaService& service, Random random)
    : service_(service), random_(std::move(random)) {}

bool LambdaWire::accepts(const http::HttpRequest& request) const {
  if (http::sigv4_service(request) == "lambda") return true;
  const std::string_view path = request.path;
  const auto slash = path.find('/', 1);
  return slash != std::string_view::npos && is_api_version(path.substr(1, slash - 1)) &&
         request.has_header("Authorization");
}

std::string LambdaWire::arn(const std::string& function) const {
  return "arn:aws:lambda:" + service_.settings().region + ":" + service_.settings().account_id +
         ":function:" + function;
}

nlohmann::json LambdaWire::configuration(const FunctionSettings& f) const {
  const Seed seed = seed_of(f.name);
  nlohmann::json env = nlohmann::json::object();
  for (const auto& [k, v] : seed.environment) env[k] = v;
  return {{"FunctionName", f.name},
          {"FunctionArn", arn(f.name)},
          {"Runtime", "nodejs12.x"},
          {"Role", "arn:aws:iam::" + service_.settings().account_id + ":role/" + f.name},
          {"Handler", seed.handler},
          {"CodeSize", 0},
          {"Description", ""},
          {"Timeout", f.timeout / kMicrosPerSecond},
          {"MemorySize", f.memory_mb},
          {"LastModified", last_modified(f)},
          {"CodeSha256", ""},
          {"Version", "$LATEST"},
          {"Environment", {{"Variables", env}}},
          {"TracingConfig", {{"Mode", "PassThrough"}}},
          {"State", "Active"},
          {"LastUpdateStatus", "Successful"},
          {"PackageType", "Zip"},
          {"Architectures", {"x86_64"}}};
}

http::HttpResponse LambdaWire::handle(const http::HttpRequest& request, Micros now) {
  const std::string rid = random_.uuid_v4();
  return route(request, rid, now);
}

http::HttpResponse LambdaWire::put_concurrency(const std::string& name, const std::string& body,
                                               const std::string& rid) {
  const auto parsed = parse_json(body);
  if (!parsed || !parsed->is_object()) return not_a_json_object(rid);
  const auto it = parsed->find("ReservedConcurrentExecutions");
  if (it == parsed->end() || !is_int32(*it)) {
    return error_reply(
        errors::lambda::kInvalidParameterValue("ReservedConcurrentExecutions must be an integer"),
        rid);
  }
  const auto n = it->get<std::int64_t>();
  if (n < 0) {
    return error_reply(
        errors::lambda::kValidation("1 validation error detected: Value '" + std::to_string(n) +
                                    "' at 'reservedConcurrentExecutions' failed to satisfy "
                                    "constraint: Member must have value greater than or "
                                    "equal to 0"),
        rid);
  }
  const Status s = service_.put_reserved_concurrency(name, n);
  if (!s.ok()) return error_reply(s.error(), rid);
  return json_reply(200, {{"ReservedConcurrentExecutions", n}}, rid);
}

// Validated as AWS does: the service model's bounds first (memorySize >= 128, timeout 1..900,
// every failure in one message), then the service's own memory ceiling (10,240 MB).
http::HttpResponse LambdaWire::update_configuration(const std::string& name,
                                                    const std::string& body, const std::string& rid,
                                                    Micros now) {
  const auto parsed = parse_json(body);
  if (!parsed || !parsed->is_object()) return not_a_json_object(rid);
  std::string not_emulated;
  for (const auto& [key, value] : parsed->items()) {
    if (key != "MemorySize" && key != "Timeout")
      not_emulated += (not_emulated.empty() ? "" : ", ") + key;
  }
  // DEVIATION: the functions' code, handler, runtime, environment, layers, VPC and roles are the
  // seed's and fixed; a request changing them is refused rather than half applied.
  if (!not_emulated.empty()) {
    return error_reply(errors::lambda::kService(
                           "The emulator's UpdateFunctionConfiguration changes MemorySize and "
                           "Timeout only; not emulated: " +
                               not_emulated,
                           501),
                       rid);
  }
  std::optional<std::int64_t> memory, timeout;
  for (const auto& [key, target] : {std::pair{"MemorySize", &memory}, {"Timeout", &timeout}}) {
    const auto it = parsed->find(key);
    if (it == parsed->end()) continue;
    if (!is_int32(*it)) {
      return error_reply(
          errors::lambda::kInvalidParameterValue(std::string(key) + " must be an integer"), rid);
    }
    *target = it->get<std::int64_t>();
  }
  std::vector<std::string> failures;
  if (memory && *memory < 128) {
    failures.push_back(constraint_failure(*memory, "memorySize", "greater than or equal to 128"));
  }
  if (timeout && *timeout < 1) {
    failures.push_back(constraint_failure(*timeout, "timeout", "greater than or equal to 1"));
  }
  if (timeout && *timeout > 900) {
    failures.push_back(constraint_failure(*timeout, "timeout", "less than or equal to 900"));
  }
  if (!failures.empty()) {
    std::string message = std::to_string(failures.size()) + " validation error" +
                          (failures.size() > 1 ? "s" : "") + " detected: ";
    for (size_t i = 0; i < failures.size(); ++i) message += (i ? "; " : "") + failures[i];
    return error_reply(errors::lambda::kValidation(message), rid);
  }
  if (memory && *memory > 10240) {
    return error_reply(errors::lambda::kValidation(
                           "'MemorySize' value failed to satisfy constraint: Member must have "
                           "value less than or equal to 10240"),
                       rid);
  }
  const Status s = service_.update_configuration(
      name, memory, timeout ? std::optional<Micros>(*timeout * kMicrosPerSecond) : std::nullopt,
      now);
  if (!s.ok()) return error_reply(s.error(), rid);
  // DEVIATION: the change is in force at once, so LastUpdateStatus is already "Successful"
  // (AWS answers "InProgress" first).
  return json_reply(200, configuration(*service_.function(name)), rid);
}

namespace {

// GetAccountSettings' answer: AWS's documented default limits, the account's concurrency.
nlohmann::json account_settings(const LambdaService& service) {
  return {
      {"AccountLimit",
       {{"TotalCodeSize", 80530636800LL},
        {"CodeSizeUnzipped", 262144000},
        {"CodeSizeZipped", 52428800},
        {"ConcurrentExecutions", service.account_limit()},
        {"UnreservedConcurrentExecutions", std::max<std::int64_t>(0, service.unreserved_limit())}}},
      {"AccountUsage", {{"TotalCodeSize", 0}, {"FunctionCount", service.functions().size()}}}};
}

}  // namespace

http::HttpResponse LambdaWire::route(const http::HttpRequest& request, const std::string& rid,
                                     Micros now) {
  const std::vector<std::string_view> seg = segments_of(request.path);
  const std::string& method = request.method;
  const bool functions = seg.size() >= 2 && seg[1] == "functions";
  const bool function_path = functions && seg[0] == "2015-03-31" && seg.size() >= 3 &&
                             !seg[2].empty() &&
                             (seg.size() == 3 || (seg.size() == 4 && seg[3] == "configuration"));
  const bool concurrency_path = functions && (seg[0] == "2017-10-31" || seg[0] == "2019-09-30") &&
                                seg.size() == 4 && !seg[2].empty() && seg[3] == "concurrency";
  const std::string& path = request.path;
  auto not_found = [&](const std::string& name) {
    return error_reply(errors::lambda::kResourceNotFound("Function not found: " + arn(name)), rid);
  };
  if (method == "GET" && functions && seg.size() == 2 && seg[0] == "2015-03-31") {
    nlohmann::json list = nlohmann::json::array();
    for (const auto* f : service_.functions()) list.push_back(configuration(*f));
    return json_reply(200, {{"Functions", list}}, rid);
  }
  if (method == "PUT" && function_path && seg.size() == 4) {
    return update_configuration(function_name(std::string(seg[2])), request.body, rid, now);
  }
  if (method == "GET" && function_path) {
    const std::string name = function_name(std::string(seg[2]));
    const FunctionSettings* f = service_.function(name);
    if (f == nullptr) return not_found(name);
    if (seg.size() == 4) return json_reply(200, configuration(*f), rid);
    nlohmann::json out = {{"Configuration", configuration(*f)},
                          {"Code", {{"RepositoryType", "S3"}, {"Location", ""}}}};
    if (f->reserved_concurrency >= 0) {
      out["Concurrency"] = {{"ReservedConcurrentExecutions", f->reserved_concurrency}};
    }
    return json_reply(200, out, rid);
  }
  if (concurrency_path) {
    const std::string name = function_name(std::string(seg[2]));
    const FunctionSettings* f = service_.function(name);
    if (f == nullptr) return not_found(name);
    if (method == "PUT") return put_concurrency(name, request.body, rid);
    if (method == "DELETE") {
      (void)service_.delete_reserved_concurrency(name);
      http::HttpResponse r;
      r.status = 204;
      r.set_header("x-amzn-RequestId", rid);
      return r;
    }
    if (method == "GET") {
      return json_reply(200,
                        f->reserved_concurrency >= 0
                            ? nlohmann::json{{"ReservedConcurrentExecutions", f->reserved_concurrency}}
                            : nlohmann::json::object(),
                        rid);
    }
  }
  if (method == "GET" && seg.size() == 2 && seg[0] == "2016-08-19" && seg[1] == "account-settings") {
    return json_reply(200, account_settings(service_), rid);
  }
  // DEVIATION: operations beyond concurrency and configuration control (Invoke, CreateFunction,
  // ...) are not emulated; they get a clear error instead of a 404 page.
  return error_reply(
      errors::lambda::kService("The emulator does not implement " + method + " " + path +
                                   " (Lambda supports ListFunctions, GetFunction, "
                                   "Get/UpdateFunctionConfiguration, "
                                   "Get/Put/DeleteFunctionConcurrency, GetAccountSettings)",
                               501),
      rid);
}

}  // namespace emu::lambda
