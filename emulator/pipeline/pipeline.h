// The whole emulated system, wired from the configuration: the front door (WAF -> API Gateway
// -> create_metrics), the tables, stream, aggregator, DLQ and retry function, S3, CloudWatch
// metrics and alarms, the ETL, and the AWS wire layers over the same state ("one state, two
// doors"). Built by `emulator serve`, by the in-process scenario runner and by tests.
//
// Thread rules: every method runs on the simulation thread.
#pragma once

#include <functional>
#include <memory>

#include "emulator/dynamodb/model.h"
#include "emulator/dynamodb/wire.h"
#include "emulator/http/router.h"
#include "emulator/pipeline/control.h"
#include "emulator/pipeline/env.h"

namespace emu {

struct PipelineOptions {
  // Seconds since the process started, for /_emulator/health (real-time edge only).
  std::function<double()> uptime_seconds = [] { return 0.0; };
};

class Pipeline {
 public:
  Pipeline(Env& env, PipelineOptions options = {});
  ~Pipeline();
  Pipeline(const Pipeline&) = delete;
  Pipeline& operator=(const Pipeline&) = delete;

  http::Router& router() { return router_; }
  ControlService& control() { return control_; }
  Env& env() { return env_; }
  dynamodb::Database& dynamodb() { return *dynamodb_; }

  // Routes one request at the current emulated time.
  http::HttpResponse handle(const http::HttpRequest& request) {
    return router_.route(request, env_.clock.now());
  }

 private:
  void add_control_endpoints();

  Env& env_;
  PipelineOptions options_;
  ControlService control_;
  http::Router router_;
  std::unique_ptr<dynamodb::Database> dynamodb_;
  std::unique_ptr<dynamodb::DynamoDbService> dynamodb_wire_;
  std::unique_ptr<dynamodb::DynamoDbStreamsService> dynamodb_streams_wire_;
};

}  // namespace emu
