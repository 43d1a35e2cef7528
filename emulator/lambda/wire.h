// The Lambda control API (rest-json), enough to inspect the functions and change their
// concurrency, over the same LambdaService the pipeline uses (a PutFunctionConcurrency changes
// the throttling the front door applies):
//   GET    /2015-03-31/functions/                       ListFunctions
//   GET    /2015-03-31/functions/{name}                 GetFunction
//   GET    /2015-03-31/functions/{name}/configuration   GetFunctionConfiguration
//   PUT    /2015-03-31/functions/{name}/configuration   UpdateFunctionConfiguration (MemorySize
//                                                       and Timeout; other fields refused)
//   PUT    /2017-10-31/functions/{name}/concurrency     PutFunctionConcurrency
//   GET    /2019-09-30/functions/{name}/concurrency     GetFunctionConcurrency
//   DELETE /2017-10-31/functions/{name}/concurrency     DeleteFunctionConcurrency
//   GET    /2016-08-19/account-settings/                GetAccountSettings
// Errors carry x-amzn-ErrorType and {"Type": "User", "message": ...}. Any other Lambda
// operation answers 501 with a clear "not emulated" error (never a crash).
#pragma once

#include <string>

#include "emulator/http/router.h"
#include "emulator/lambda/lambda_service.h"

namespace emu::lambda {

class LambdaWire final : public http::Service {
 public:
  LambdaWire(LambdaService& service, Random random);

  std::string_view name() const override { return "lambda"; }
  bool accepts(const http::HttpRequest& request) const override;
  http::HttpResponse handle(const http::HttpRequest& request, Micros now) override;

 private:
  nlohmann::json configuration(const FunctionSettings& f) const;
  std::string arn(const std::string& function) const;
  http::HttpResponse route(const http::HttpRequest& request, const std::string& request_id,
                           Micros now);
  http::HttpResponse update_configuration(const std::string& name, const std::string& body,
                                          const std::string& request_id, Micros now);
  http::HttpResponse put_concurrency(const std::string& name, const std::string& body,
                                     const std::string& request_id);

  LambdaService& service_;
  Random random_;
};

}  // namespace emu::lambda
