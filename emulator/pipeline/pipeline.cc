#include "emulator/pipeline/pipeline.h"

#include "emulator/core/json_util.h"
#include "emulator/dynamodb/seed_tables.h"
#include "emulator/ledger/entry_counter.h"

namespace emu {


Pipeline::Pipeline(Env& env, PipelineOptions options) : env_(env), options_(std::move(options)) {
  // First: it checks that the data dir is in this build's format before anything reads it.
  durable_ = std::make_unique<DurableState>(env_.storage);
  metric_store_ = std::make_unique<cloudwatch::MetricStore>(&env_.storage);
  metrics_ = std::make_unique<MetricTotals>(metric_store_.get());
  faults_ = std::make_unique<faults::ConfigFaultInjector>(
      env_.config.at("/faults"), env_.clock.now(), env_.random.derive("faults"));
  build_s3();
  build_capacity();
  build_front_door();
  build_back_half();
  build_etl();
  build_cloudwatch();
  add_control_endpoints();
  keep_durable_state();
  // Routing order: the control API, the AWS services (matched by target, path and SigV4
  // scope), the answer for AWS requests none of them claims, then the phones' endpoint, which
  // answers everything else as the WAF does.
  unsupported_ = std::make_unique<http::UnsupportedService>(
      std::vector<std::string>{"dynamodb and dynamodbstreams (JSON 1.0)",
                               "sqs (JSON 1.0 and query)", "s3 (rest-xml)",
                               "monitoring/CloudWatch metrics and alarms (JSON 1.0 and query)",
                               "lambda concurrency, function listing and configuration (rest-json)",
                               "logs/CloudWatch Logs of the functions, read-only (JSON 1.1)",
                               "sns topics, http(s) subscriptions and Publish (query)"},
      std::vector<std::string>{"dynamodb", "sqs", "s3", "monitoring", "lambda", "logs", "sns"},
      env_.random.derive("unsupported.wire"));
  router_.add(control_);
  router_.add(*dynamodb_streams_wire_);
  router_.add(*dynamodb_wire_);
  router_.add(*lambda_wire_);
  router_.add(*sqs_wire_);
  router_.add(*s3_wire_);
  router_.add(*cloudwatch_wire_);
  router_.add(*logs_wire_);
  router_.add(*sns_wire_);
  router_.add(*unsupported_);
  router_.add(*front_door_);
  // Last: the storage outlives this pipeline, which detaches its injector when destroyed.
  env_.storage.disk_faults().attach(faults_.get(), &env_.clock);
}

Pipeline::~Pipeline() { env_.storage.disk_faults().detach(); }

void Pipeline::keep_durable_state() {
  // Restored from an earlier run on this data dir, then saved with every commit that changes
  // them: the ledger counts what the tables and queues hold, the mapping's position says which
  // stream records were aggregated, the retry handler which DLQ messages were applied already;
  // alarm states and histories, and the ETL's run history, are what users expect to find again.
  auto keep = [this](const std::string& name, auto& part) {
    try {
      if (const auto saved = durable_->load(name)) part.restore(*saved);
    } catch (const std::invalid_argument& e) {
      throw DataDirError(e.what());
    }
    durable_->track(name, [&part] { return part.version(); }, [&part] { return part.save(); });
  };
  keep("ledger", ledger_);
  keep("raw_metrics_stream_mapping", *stream_mapping_);
  keep("dead_letter_retry", *retry_handler_);
  keep("alarms", *alarms_);
  keep("etl_history", *etl_);
}

void Pipeline::build_s3() {
  const Config& c = env_.config;
  s3_ = std::make_unique<s3::S3Model>(&env_.storage, env_.data_dir / "s3", c.string("/region"));
  s3_->set_faults(FaultHook(faults_.get(), &env_.clock, "s3"));
  for (const char* role : {"/s3/masked_bucket", "/s3/unmasked_bucket", "/s3/error_samples_bucket"}) {
    const std::string name = c.string(role);
    if (s3_->bucket(name).ok()) continue;  // kept from an earlier run on this data dir
    const auto created = s3_->create_bucket(name, env_.clock.now());
    if (!created) throw ConfigError(role, "a valid S3 bucket name (" + created.error().message + ")");
  }
  // The error-samples bucket's lifecycle rule (spec: objects expire after 1 day).
  const std::int64_t days = c.integer("/s3/error_samples_expiration_days");
  if (days < 0) throw ConfigError("/s3/error_samples_expiration_days", "0 (never) or more days");
  (void)s3_->set_expiration_days(c.string("/s3/error_samples_bucket"), days);
  schedule_s3_lifecycle();
  s3_wire_ = std::make_unique<s3::S3Wire>(*s3_, env_.random.derive("s3.wire"));
  objects_ = std::make_unique<S3Objects>(*s3_);
}

void Pipeline::schedule_s3_lifecycle() {
  // S3 applies lifecycle rules once a day, after midnight UTC.
  const Micros next = floor_to(env_.clock.now(), kMicrosPerDay) + kMicrosPerDay;
  env_.scheduler.at(next, [this] {
    s3_->expire(env_.clock.now());
    schedule_s3_lifecycle();
  });
}

void Pipeline::build_capacity() {
  const Config& c = env_.config;
  dynamodb_capacity_ = std::make_unique<capacity::DynamoCapacityModel>(
      capacity::DynamoCapacityModel::from_config(c, metrics_.get()));
  // The seed's tables exist before anything runs (terraform made them): a DynamoDB fault rule
  // is about what clients see, never the emulator's own set-up, so the injector is attached
  // once they exist (a rule whose window covers the start stopped it: found by fuzz_config).
  dynamodb_ = std::make_unique<dynamodb::Database>(env_.storage, env_.scheduler, c,
                                                   dynamodb_capacity_.get(), nullptr,
                                                   env_.random.derive("dynamodb"));
  dynamodb::create_seed_tables(*dynamodb_, c, env_.clock.now());
  dynamodb_->set_fault_injector(faults_.get());
  // The capacity model keys tables by name; the config keys them by role.
  for (const auto& [role, name_key] : {std::pair{"raw_metrics", "/create_metrics/table_name"},
                                       std::pair{"aggregate_metrics", "/aggregate_metrics/table_name"}}) {
    const std::string name = c.string(name_key);
    if (name == role) continue;
    const std::string base = std::string("/dynamodb/tables/") + role;
    capacity::TableCapacity capacity;
    capacity.on_demand = c.string(base + "/billing_mode") == "PAY_PER_REQUEST";
    capacity.read_units = c.number(base + "/read_capacity_units");
    capacity.write_units = c.number(base + "/write_capacity_units");
    dynamodb_capacity_->configure(name, "", capacity, env_.clock.now());
  }
  dynamodb_streams_wire_ = std::make_unique<dynamodb::DynamoDbStreamsService>(
      *dynamodb_, env_.random.derive("dynamodb.streams.wire"), c.string("/region"));
  dynamodb_wire_ =
      std::make_unique<dynamodb::DynamoDbService>(*dynamodb_, env_.random.derive("dynamodb.wire"));
  lambda_ = std::make_unique<lambda::LambdaService>(lambda::LambdaSettings::from_config(c),
                                                    env_.scheduler, env_.random.derive("lambda"),
                                                    metrics_.get(), faults_.get());
  lambda_wire_ = std::make_unique<lambda::LambdaWire>(*lambda_, env_.random.derive("lambda.wire"));
  build_logs();
}

void Pipeline::build_logs() {
  const Config& c = env_.config;
  logs::LogSettings settings = logs::LogSettings::from_config(c, env_.data_dir);
  // Big in-process runs (no access log) keep no Lambda logs either: nobody reads them.
  if (!options_.access_log) settings.enabled = false;
  logs_ = std::make_unique<logs::LogStore>(std::move(settings));
  for (const auto* function : lambda_->functions()) {
    logs_->create_group(logs::lambda_log_group(function->name), env_.clock.now());
  }
  lambda_logs_ = std::make_unique<logs::LambdaLogWriter>(*logs_, env_.random.derive("lambda.request_ids"));
  lambda_logs_->set_fault_injector(faults_.get());
  if (logs_->enabled()) lambda_->set_observer(lambda_logs_.get());
  logs_wire_ = std::make_unique<logs::LogsWire>(*logs_, c.string("/region"), c.string("/account_id"),
                                                env_.random.derive("logs.wire"));
}

void Pipeline::build_front_door() {
  const Config& c = env_.config;
  waf_ = std::make_unique<waf::WebAcl>(waf::WafSettings::from_config(c));
  request_model_ = std::make_unique<apigateway::RequestModel>(
      apigateway::RequestModel::seed_metrics_model());
  throttle_ = std::make_unique<capacity::ApiGatewayThrottle>(
      capacity::ThrottleSettings::from_config(c));
  api_metrics_ = std::make_unique<capacity::ApiGatewayMetrics>(
      *metrics_, c.string("/apigateway/api_name"), c.string("/apigateway/stage"),
      c.string("/apigateway/method"), c.string("/apigateway/resource_path"));
  if (options_.access_log) {
    access_log_ = std::make_unique<apigateway::AccessLog>(env_.data_dir / "logs" /
                                                          "api-gateway-access.log");
  }
  raw_table_ = std::make_unique<DynamoRawTable>(*dynamodb_);
  create_metrics_ = std::make_unique<functions::CreateMetrics>(
      functions::CreateMetricsSettings::from_config(c), *raw_table_, *objects_,
      env_.random.derive("create_metrics"));
  invoker_ = std::make_unique<CreateMetricsInvoker>(*lambda_, *create_metrics_, ledger_);
  observer_ = std::make_unique<IngestObserver>(*api_metrics_, ledger_, *invoker_);
  throttle_port_ = std::make_unique<ThrottleAdapter>(*throttle_);
  front_door_ = std::make_unique<FrontDoor>(FrontDoorSettings::from_config(c), *waf_,
                                            *request_model_, *throttle_port_, *invoker_,
                                            env_.random.derive("apigateway"), access_log_.get(),
                                            observer_.get());
  front_door_->set_fault_injector(faults_.get());
}

void Pipeline::build_back_half() {
  const Config& c = env_.config;
  documents_ = std::make_unique<DynamoDocuments>(*dynamodb_);
  error_metrics_ = std::make_unique<ErrorMetrics>(
      *metrics_, c.string("/aggregate_metrics/metric_namespace"), faults_.get());
  build_dead_letter_queue();
  aggregate_metrics_ = std::make_unique<functions::AggregateMetrics>(
      functions::AggregateSettings::from_config(c, dlq_url_), *documents_, *dlq_, *error_metrics_);
  dynamodb::Stream* stream = dynamodb_->stream_for_table(c.string("/create_metrics/table_name"));
  if (stream == nullptr) throw ConfigError("/create_metrics/table_name", "a table with a stream");
  stream_mapping_ = std::make_unique<StreamMapping>(
      StreamMappingSettings::from_config(c, "raw_metrics_stream"), *stream, *lambda_,
      env_.scheduler,
      [this](const auto& records, Micros now, bool redelivery) {
        return aggregate_batch(records, now, redelivery);
      },
      metrics_.get());
  stream_mapping_->set_fault_injector(faults_.get());
  build_retry();
}

void Pipeline::build_dead_letter_queue() {
  const Config& c = env_.config;
  sqs::SqsLimits limits;
  limits.max_in_flight_per_queue = c.integer("/sqs/max_in_flight_per_queue");
  limits.max_messages_per_queue = c.integer("/sqs/max_messages_per_queue");
  sqs_ = std::make_unique<sqs::SqsModel>(&env_.storage, c.string("/account_id"),
                                         c.string("/region"), "http://127.0.0.1:4566", limits,
                                         env_.random.derive("sqs"));
  sqs_->set_faults(FaultHook(faults_.get(), &env_.clock, "sqs"));
  const std::string name = c.string("/sqs/dead_letter_queue/name");
  const auto created = sqs_->create_queue(
      name,
      {{"VisibilityTimeout", std::to_string(c.integer("/sqs/dead_letter_queue/visibility_timeout_seconds"))},
       {"MessageRetentionPeriod",
        std::to_string(c.integer("/sqs/dead_letter_queue/message_retention_seconds"))}},
      env_.clock.now());
  if (!created) {
    // Already there from an earlier run with other settings, or invalid values.
    auto existing = sqs_->queue(name);
    if (!existing) throw ConfigError("/sqs/dead_letter_queue", created.error().message);
  }
  sqs_wire_ = std::make_unique<sqs::SqsWire>(*sqs_, env_.random.derive("sqs.wire"));
  dlq_ = std::make_unique<SqsQueuePort>(*sqs_);
  // The DLQ's poller hears of every message, whoever sent it (the aggregator, backoff_retry,
  // an SQS client over the wire, a redrive).
  sqs_->on_send([this](const sqs::Queue& queue, Micros visible_at) {
    if (queue_mapping_ && queue.name() == dlq_name_) queue_mapping_->on_send(visible_at);
  });
  dlq_name_ = name;
  dlq_url_ = sqs_->url_of(**sqs_->queue(name));
}

void Pipeline::build_retry() {
  const Config& c = env_.config;
  backoff_retry_ = std::make_unique<functions::BackoffRetry>(
      functions::BackoffSettings::from_config(c, dlq_url_), *documents_, *dlq_);
  retry_handler_ = std::make_unique<RetryHandler>(
      *backoff_retry_, ledger_, [this](const std::string& id) {
        const auto queue = sqs_->queue(dlq_name_);
        return queue.ok() && (*queue)->contains(id);
      });
  queue_mapping_ = std::make_unique<QueueMapping>(
      QueueMappingSettings::from_config(c, "dead_letter_queue"), *sqs_, dlq_name_, *lambda_,
      env_.scheduler, [this](const auto& batch, Micros now) { return (*retry_handler_)(batch, now); });
}

lambda::HandlerOutcome Pipeline::aggregate_batch(
    const std::vector<const dynamodb::StreamRecord*>& records, Micros now, bool redelivery) {
  std::vector<functions::StreamRecordView> views;
  views.reserve(records.size());
  std::int64_t items = 0, entries = 0;
  for (const auto* record : records) {
    functions::StreamRecordView view;
    view.event_name = std::string(dynamodb::event_name_text(record->event));
    const dynamodb::Item* image = record->new_image ? record->new_image.get() : nullptr;
    if (image != nullptr) {
      const auto raw = image->find("raw");
      if (raw != image->end() && raw->second.type() == dynamodb::Type::kS) {
        view.raw = &raw->second.scalar();
      }
      const auto uuid = image->find("uuid");
      if (uuid != image->end()) view.uuid = uuid->second.scalar();
    }
    if (record->event == dynamodb::EventName::kInsert) {
      ++items;
      entries += view.raw != nullptr ? ledger::count_payload_entries(*view.raw) : 0;
    }
    views.push_back(std::move(view));
  }
  ledger_.records_delivered(items, entries, redelivery);
  const functions::AggregateReport report = aggregate_metrics_->handle(views, now);
  ledger_.entries_skipped("ExposureNotificationCheck", report.entries_skipped_debug);
  const std::int64_t unprocessed = entries - report.entries_aggregated - report.entries_skipped_debug;
  if (unprocessed != 0) ledger_.entries_skipped("record processing error", unprocessed);
  ledger_.entries_aggregated(report.entries_aggregated);
  lambda::HandlerOutcome outcome;
  for (const auto& line : report.errors) outcome.console.push_back("ERROR\t" + line);
  for (const auto& update : report.updates) {
    if (update.applied) {
      ledger_.update_applied(update.metric_count);
    } else if (update.sent_to_dlq) {
      ledger_.update_sent_to_dlq(update.metric_count);
    } else {
      ledger_.entries_lost("dlq send failed", update.metric_count);
    }
  }
  return outcome;
}

void Pipeline::build_etl() {
  aggregate_rows_ = std::make_unique<AggregateTableRows>(
      *dynamodb_, env_.config.string("/aggregate_metrics/table_name"));
  etl_ = std::make_unique<etl::Etl>(etl::EtlSettings::from_config(env_.config), *aggregate_rows_,
                                    *objects_, metrics_.get());
  etl_->schedule(env_.scheduler);
}

void Pipeline::build_cloudwatch() {
  const Config& c = env_.config;
  build_sns();
  cloudwatch::NotifierSettings n;
  const std::string log_file = c.string("/cloudwatch/notifications/log_file");
  if (log_file.empty() || log_file.find("..") != std::string::npos || log_file.front() == '/') {
    throw ConfigError("/cloudwatch/notifications/log_file", "a file name inside the data dir");
  }
  n.log_file = env_.data_dir / log_file;
  n.publish = [this](const std::string& topic, const std::string& subject,
                     const std::string& message) {
    // A topic that does not exist (an alarm action naming another one) fails the action, as
    // in CloudWatch's alarm history; so does a fault rule for the action or for SNS Publish.
    // Failures are counted in /_emulator/state.
    const Micros now = env_.clock.now();
    const std::string topic_name = topic.substr(topic.rfind(':') + 1);
    if (faults_->check("cloudwatch", "AlarmAction", topic_name, now).error ||
        !sns_->publish(topic, message, subject, now)) {
      ++alarm_actions_failed_;
    }
  };
  notifier_ = std::make_unique<cloudwatch::Notifier>(std::move(n));
  alarms_ = std::make_unique<cloudwatch::AlarmEngine>(*metric_store_, env_.scheduler, notifier_.get(),
                                                      c.string("/region"), c.string("/account_id"));
  cloudwatch::install_seed_alarms(*alarms_, c, env_.clock.now());
  cloudwatch_wire_ = std::make_unique<cloudwatch::CloudWatchWire>(
      *metric_store_, *alarms_, env_.random.derive("cloudwatch.wire"));
  cloudwatch_wire_->set_fault_injector(faults_.get());
}

nlohmann::json Pipeline::ledger_report() {
  return ledger_.report(
      aggregate_metric_count_sum(*dynamodb_, env_.config.string("/aggregate_metrics/table_name")));
}

nlohmann::json Pipeline::state() {
  const Micros now = env_.clock.now();
  return {{"now", format_iso8601(now)},
          {"waf", waf_->state(now)},
          {"apigateway", throttle_->state(now)},
          {"lambda", lambda_->state(now)},
          {"dynamodb", dynamodb_->state()},
          {"dynamodb_capacity", dynamodb_capacity_->state(now)},
          {"event_source_mappings", {{"raw_metrics_stream", stream_mapping_->state()},
                                     {"dead_letter_queue", queue_mapping_->state()}}},
          {"sqs", sqs_->state(now)},
          {"faults", faults_->state()},
          {"metrics", metrics_->to_json()},
          {"alarms", alarm_states()},
          {"notifications", notification_state()},
          {"sns", sns_->state()},
          {"logs", logs_->state()}};
}

void Pipeline::build_sns() {
  const Config& c = env_.config;
  sns_ = std::make_unique<sns::SnsModel>(sns::SnsSettings::from_config(c), env_.random.derive("sns"));
  sns_->set_fault_injector(faults_.get());
  sns_wire_ = std::make_unique<sns::SnsWire>(*sns_, env_.random.derive("sns.wire"));
  // The webhook setting of earlier versions: a confirmed subscription of both alarm topics
  // (it predates the confirmation handshake), retried as its own settings say.
  const std::string url = c.string("/cloudwatch/notifications/webhook_url");
  if (url.empty()) return;
  const std::string protocol = url.rfind("https://", 0) == 0 ? "https" : "http";
  if (url.rfind("http://", 0) != 0 && protocol != "https") {
    throw ConfigError("/cloudwatch/notifications/webhook_url", "\"\" or an http(s):// URL");
  }
  const auto attempts = c.integer("/cloudwatch/notifications/webhook_max_attempts");
  if (attempts < 1 || attempts > 101) {
    throw ConfigError("/cloudwatch/notifications/webhook_max_attempts", "1..101");
  }
  const double delay = c.number("/cloudwatch/notifications/webhook_retry_seconds");
  if (delay < 0 || delay > 3600) {
    throw ConfigError("/cloudwatch/notifications/webhook_retry_seconds", "0..3600 seconds");
  }
  sns::DeliveryPolicy policy;
  policy.num_retries = static_cast<int>(attempts - 1);
  policy.num_min_delay_retries = policy.num_retries;
  // The old setting's seconds are wall seconds, not scaled by sns.retry_time_scale.
  const double scale = sns_->settings().retry_time_scale;
  policy.min_delay_seconds = policy.max_delay_seconds = scale > 0 ? delay / scale : delay;
  for (const std::string& topic : sns_->settings().topics) {
    const auto arn = sns_->subscribe(sns_->topic_arn(topic), protocol, url, "http://127.0.0.1:4566",
                                     env_.clock.now(), /*confirmed=*/true, policy);
    if (!arn) throw ConfigError("/cloudwatch/notifications/webhook_url", arn.error().message);
    webhook_subscriptions_.push_back(*arn);
  }
}

nlohmann::json Pipeline::notification_state() const {
  nlohmann::json out = notifier_->state();
  sns::DeliveryCounts webhook;
  for (const auto& arn : webhook_subscriptions_) {
    const auto counts = sns_->delivery().counts(arn);
    webhook.delivered += counts.delivered;
    webhook.failed += counts.failed;
    webhook.dropped += counts.dropped;
  }
  out["webhook_url"] = env_.config.string("/cloudwatch/notifications/webhook_url");
  out["webhook_delivered"] = webhook.delivered;
  out["webhook_failed"] = webhook.failed;
  out["webhook_dropped"] = webhook.dropped;
  out["alarm_actions_failed"] = alarm_actions_failed_;
  return out;
}

nlohmann::json Pipeline::alarm_states() const {
  nlohmann::json out = nlohmann::json::object();
  for (const auto& [name, alarm] : alarms_->alarms()) out[name] = cloudwatch::state_name(alarm.state);
  return out;
}

void Pipeline::flush() {
  if (access_log_) access_log_->flush();
  if (notifier_) notifier_->flush();
  if (logs_) logs_->flush();
}

}  // namespace emu
