// The whole emulated system, wired from the configuration: the front door (WAF -> API Gateway
// -> create_metrics), the tables, stream, aggregator, DLQ and retry function, S3, CloudWatch
// metrics and alarms, the ETL, and the AWS wire layers over the same state ("one state, two
// doors"). Built by `emulator serve`, by the in-process scenario runner and by tests.
//
// Thread rules: every method runs on the simulation thread.
#pragma once

#include <functional>
#include <memory>

#include "emulator/apigateway/access_log.h"
#include "emulator/apigateway/request_model.h"
#include "emulator/capacity/api_metrics.h"
#include "emulator/cloudwatch/seed_alarms.h"
#include "emulator/core/durable_state.h"
#include "emulator/cloudwatch/wire.h"
#include "emulator/capacity/apigateway_throttle.h"
#include "emulator/capacity/dynamodb_capacity.h"
#include "emulator/dynamodb/model.h"
#include "emulator/dynamodb/wire.h"
#include "emulator/etl/etl.h"
#include "emulator/faults/fault_injector.h"
#include "emulator/functions/aggregate_metrics.h"
#include "emulator/functions/create_metrics.h"
#include "emulator/http/router.h"
#include "emulator/http/unsupported.h"
#include "emulator/lambda/lambda_service.h"
#include "emulator/lambda/wire.h"
#include "emulator/logs/lambda_logs.h"
#include "emulator/logs/log_store.h"
#include "emulator/logs/wire.h"
#include "emulator/ledger/ledger.h"
#include "emulator/pipeline/adapters.h"
#include "emulator/pipeline/control.h"
#include "emulator/pipeline/dead_letter.h"
#include "emulator/pipeline/env.h"
#include "emulator/pipeline/front_door.h"
#include "emulator/pipeline/ingest.h"
#include "emulator/pipeline/metric_totals.h"
#include "emulator/pipeline/queue_mapping.h"
#include "emulator/pipeline/stream_mapping.h"
#include "emulator/s3/wire.h"
#include "emulator/sns/model.h"
#include "emulator/sns/wire.h"
#include "emulator/sqs/wire.h"
#include "emulator/waf/web_acl.h"

namespace emu {

struct PipelineOptions {
  // Seconds since the process started, for /_emulator/health (real-time edge only).
  std::function<double()> uptime_seconds = [] { return 0.0; };
  // Write the API Gateway access log to <data_dir>/logs (off for big in-process runs).
  bool access_log = true;
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
  lambda::LambdaService& lambda() { return *lambda_; }
  ledger::Ledger& ledger() { return ledger_; }
  MetricTotals& metrics() { return *metrics_; }
  etl::Etl& etl() { return *etl_; }
  logs::LogStore& logs() { return *logs_; }
  sns::SnsModel& sns() { return *sns_; }
  StreamMapping& stream_mapping() { return *stream_mapping_; }
  sqs::SqsModel& sqs() { return *sqs_; }
  s3::S3Model& s3() { return *s3_; }
  cloudwatch::MetricStore& metric_store() { return *metric_store_; }
  cloudwatch::AlarmEngine& alarms() { return *alarms_; }
  FrontDoor& front_door() { return *front_door_; }
  // Alarm actions that notified nobody (no such topic, or a fault rule on the action or Publish).
  std::uint64_t alarm_actions_failed() const { return alarm_actions_failed_; }

  // Routes one request at the current emulated time.
  http::HttpResponse handle(const http::HttpRequest& request) {
    return router_.route(request, env_.clock.now());
  }

  // The ledger report with the aggregate table's own metricCount sum.
  nlohmann::json ledger_report();
  nlohmann::json state();
  // Flushes buffered logs (the server calls it once per turn).
  void flush();

 private:
  void build_s3();
  void schedule_s3_lifecycle();
  void build_capacity();
  void build_logs();
  void build_front_door();
  void build_back_half();
  void build_dead_letter_queue();
  void build_retry();
  void build_etl();
  void build_cloudwatch();
  void build_sns();
  nlohmann::json notification_state() const;
  nlohmann::json alarm_states() const;
  void add_control_endpoints();
  void keep_durable_state();
  lambda::HandlerOutcome aggregate_batch(const std::vector<const dynamodb::StreamRecord*>& records,
                                         Micros now, bool redelivery);

  Env& env_;
  PipelineOptions options_;
  ControlService control_;
  http::Router router_;
  ledger::Ledger ledger_;

  std::unique_ptr<cloudwatch::MetricStore> metric_store_;
  std::unique_ptr<MetricTotals> metrics_;
  std::unique_ptr<sns::SnsModel> sns_;
  std::unique_ptr<sns::SnsWire> sns_wire_;
  std::vector<std::string> webhook_subscriptions_;
  std::uint64_t alarm_actions_failed_ = 0;
  std::unique_ptr<cloudwatch::Notifier> notifier_;
  std::unique_ptr<cloudwatch::AlarmEngine> alarms_;
  std::unique_ptr<cloudwatch::CloudWatchWire> cloudwatch_wire_;
  std::unique_ptr<faults::ConfigFaultInjector> faults_;
  std::unique_ptr<capacity::DynamoCapacityModel> dynamodb_capacity_;
  std::unique_ptr<dynamodb::Database> dynamodb_;
  std::unique_ptr<dynamodb::DynamoDbService> dynamodb_wire_;
  std::unique_ptr<dynamodb::DynamoDbStreamsService> dynamodb_streams_wire_;
  std::unique_ptr<lambda::LambdaService> lambda_;
  std::unique_ptr<lambda::LambdaWire> lambda_wire_;
  std::unique_ptr<logs::LogStore> logs_;
  std::unique_ptr<logs::LambdaLogWriter> lambda_logs_;
  std::unique_ptr<logs::LogsWire> logs_wire_;
  std::unique_ptr<s3::S3Model> s3_;
  std::unique_ptr<s3::S3Wire> s3_wire_;
  std::unique_ptr<http::UnsupportedService> unsupported_;
  std::unique_ptr<S3Objects> objects_;

  // Front door.
  std::unique_ptr<waf::WebAcl> waf_;
  std::unique_ptr<apigateway::RequestModel> request_model_;
  std::unique_ptr<capacity::ApiGatewayThrottle> throttle_;
  std::unique_ptr<capacity::ApiGatewayMetrics> api_metrics_;
  std::unique_ptr<apigateway::AccessLog> access_log_;
  std::unique_ptr<DynamoRawTable> raw_table_;
  std::unique_ptr<functions::CreateMetrics> create_metrics_;
  std::unique_ptr<CreateMetricsInvoker> invoker_;
  std::unique_ptr<IngestObserver> observer_;
  std::unique_ptr<ThrottleAdapter> throttle_port_;
  std::unique_ptr<FrontDoor> front_door_;

  // Back half.
  std::unique_ptr<DynamoDocuments> documents_;
  std::unique_ptr<ErrorMetrics> error_metrics_;
  std::unique_ptr<sqs::SqsModel> sqs_;
  std::unique_ptr<sqs::SqsWire> sqs_wire_;
  std::string dlq_name_, dlq_url_;
  std::unique_ptr<functions::QueuePort> dlq_;
  std::unique_ptr<functions::BackoffRetry> backoff_retry_;
  std::unique_ptr<RetryHandler> retry_handler_;
  std::unique_ptr<QueueMapping> queue_mapping_;
  std::unique_ptr<functions::AggregateMetrics> aggregate_metrics_;
  std::unique_ptr<StreamMapping> stream_mapping_;

  // ETL.
  std::unique_ptr<AggregateTableRows> aggregate_rows_;
  std::unique_ptr<etl::Etl> etl_;

  // Declared last so that it is destroyed first, while what it saves still exists.
  std::unique_ptr<DurableState> durable_;
};

}  // namespace emu
