#include "emulator/lambda/wire.h"

#include <regex>

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
  auto r = http::HttpResponse::with_body(status, "application/json", body.dump());
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

// "create_metrics", or an ARN "arn:aws:lambda:<region>:<acct>:function:create_metrics[:q]".
std::string function_name(const std::string& segment) {
  const std::string decoded = http::url_decode(segment, false);
  const auto pos = decoded.find(":function:");
  if (pos == std::string::npos) return decoded;
  std::string name = decoded.substr(pos + 10);
  return name.substr(0, name.find(':'));
}

}  // namespace

LambdaWire::LambdaWire(LambdaService& service, Random random)
    : service_(service), random_(std::move(random)) {}

bool LambdaWire::accepts(const http::HttpRequest& request) const {
  if (http::sigv4_service(request) == "lambda") return true;
  static const std::regex kPaths(R"(^/20(15-03-31|16-08-19|17-10-31|19-09-30)/.*)");
  return std::regex_match(request.path, kPaths) && request.has_header("Authorization");
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
          {"LastModified", "2021-10-01T00:00:00.000+0000"},
          {"CodeSha256", ""},
          {"Version", "$LATEST"},
          {"Environment", {{"Variables", env}}},
          {"TracingConfig", {{"Mode", "PassThrough"}}},
          {"State", "Active"},
          {"LastUpdateStatus", "Successful"},
          {"PackageType", "Zip"},
          {"Architectures", {"x86_64"}}};
}

http::HttpResponse LambdaWire::handle(const http::HttpRequest& request, Micros) {
  const std::string rid = random_.uuid_v4();
  return route(request, rid);
}

http::HttpResponse LambdaWire::put_concurrency(const std::string& name, const std::string& body,
                                               const std::string& rid) {
  const auto parsed = parse_json(body);
  if (!parsed || !parsed->is_object() || !parsed->contains("ReservedConcurrentExecutions") ||
      !parsed->at("ReservedConcurrentExecutions").is_number_integer()) {
    return error_reply(AwsError::client("InvalidParameterValueException",
                                        "ReservedConcurrentExecutions must be an integer"),
                       rid);
  }
  const auto n = parsed->at("ReservedConcurrentExecutions").get<std::int64_t>();
  const Status s = service_.put_reserved_concurrency(name, n);
  if (!s.ok()) return error_reply(s.error(), rid);
  return json_reply(200, {{"ReservedConcurrentExecutions", n}}, rid);
}

http::HttpResponse LambdaWire::route(const http::HttpRequest& request, const std::string& rid) {
  static const std::regex kFunctions(R"(^/2015-03-31/functions/?$)");
  static const std::regex kFunction(R"(^/2015-03-31/functions/([^/]+)(/configuration)?/?$)");
  static const std::regex kConcurrency(R"(^/20(17-10-31|19-09-30)/functions/([^/]+)/concurrency/?$)");
  static const std::regex kAccount(R"(^/2016-08-19/account-settings/?$)");
  std::smatch m;
  const std::string& path = request.path;
  const std::string& method = request.method;
  auto not_found = [&](const std::string& name) {
    return error_reply(AwsError::client("ResourceNotFoundException",
                                        "Function not found: " + arn(name), 404),
                       rid);
  };
  if (method == "GET" && std::regex_match(path, kFunctions)) {
    nlohmann::json list = nlohmann::json::array();
    for (const auto* f : service_.functions()) list.push_back(configuration(*f));
    return json_reply(200, {{"Functions", list}}, rid);
  }
  if (method == "GET" && std::regex_match(path, m, kFunction)) {
    const std::string name = function_name(m[1]);
    const FunctionSettings* f = service_.function(name);
    if (f == nullptr) return not_found(name);
    if (m[2].matched) return json_reply(200, configuration(*f), rid);
    nlohmann::json out = {{"Configuration", configuration(*f)},
                          {"Code", {{"RepositoryType", "S3"}, {"Location", ""}}}};
    if (f->reserved_concurrency >= 0) {
      out["Concurrency"] = {{"ReservedConcurrentExecutions", f->reserved_concurrency}};
    }
    return json_reply(200, out, rid);
  }
  if (std::regex_match(path, m, kConcurrency)) {
    const std::string name = function_name(m[2]);
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
  if (method == "GET" && std::regex_match(path, kAccount)) {
    return json_reply(
        200,
        {{"AccountLimit",
          {{"TotalCodeSize", 80530636800LL},
           {"CodeSizeUnzipped", 262144000},
           {"CodeSizeZipped", 52428800},
           {"ConcurrentExecutions", service_.account_limit()},
           {"UnreservedConcurrentExecutions", std::max<std::int64_t>(0, service_.unreserved_limit())}}},
         {"AccountUsage", {{"TotalCodeSize", 0}, {"FunctionCount", service_.functions().size()}}}},
        rid);
  }
  // DEVIATION: operations beyond concurrency control (Invoke, CreateFunction, ...) are not
  // emulated; they get a clear error instead of a 404 page.
  return error_reply(AwsError::server("ServiceException",
                                      "The emulator does not implement " + method + " " + path +
                                          " (Lambda supports ListFunctions, GetFunction, "
                                          "Get/Put/DeleteFunctionConcurrency, GetAccountSettings)",
                                      501),
                     rid);
}

}  // namespace emu::lambda
