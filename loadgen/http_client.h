// A small synchronous HTTP/1.1 client (Boost.Beast, one keep-alive connection) for what a run
// asks its target besides the load: the emulator's control API (/_emulator/...) and CloudWatch.
// Not for the load itself (run_http.cc drives that asynchronously).
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace loadgen {

class TargetError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct TargetUrl {
  std::string host, port, base;  // base: a path prefix without a trailing '/', or ""
  // Parses http://host[:port][/base]; throws TargetError naming --target otherwise.
  static TargetUrl parse(const std::string& url);
};

using Headers = std::vector<std::pair<std::string, std::string>>;

struct HttpAnswer {
  int status = 0;
  std::string body;
  // The body as JSON, or nullopt when it is not JSON.
  std::optional<nlohmann::json> json() const;
};

class HttpClient {
 public:
  // `headers` go with every request (--header); `timeout` bounds each request.
  HttpClient(const std::string& url, Headers headers,
             std::chrono::milliseconds timeout = std::chrono::milliseconds(30000));
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // Throws TargetError when the target cannot be reached or does not answer in time.
  HttpAnswer get(const std::string& path);
  HttpAnswer post(const std::string& path, const std::string& body, const Headers& extra = {});
  // A CloudWatch call in the JSON 1.0 protocol (what the AWS SDKs send).
  HttpAnswer cloudwatch(const std::string& operation, const nlohmann::json& input);
  // A call to Lambda's REST API (GET, PUT, DELETE), routed to Lambda as the SDKs' calls are: by
  // the SigV4 credential scope (an emulator does not check the signature).
  HttpAnswer lambda(const std::string& method, const std::string& path,
                    const std::string& body = "");

  const std::string& url() const { return url_; }

 private:
  HttpAnswer request(const std::string& method, const std::string& path, const std::string& body,
                     const Headers& extra);
  struct Connection;
  std::string url_;
  TargetUrl target_;
  Headers headers_;
  std::chrono::milliseconds timeout_;
  std::unique_ptr<Connection> connection_;
};

}  // namespace loadgen
