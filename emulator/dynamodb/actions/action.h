// The DynamoDB actions the wire layer answers. Each action lives in one file under actions/:
// its request's field table (wire_schema.h), its parser (declared in wire.h for in-process
// callers) and its handler; actions.cc registers it with one line. See docs/dynamodb.md
// ("Adding an action") for what a new action costs.
#pragma once

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "emulator/core/result.h"
#include "emulator/core/time.h"
#include "emulator/dynamodb/model.h"

namespace emu::dynamodb {

using ActionHandler = Result<nlohmann::json> (*)(Database& db, const nlohmann::json& body,
                                                 Micros now);

struct Action {
  std::string_view name;  // the X-Amz-Target suffix, "PutItem"
  ActionHandler handle;
};

// The registered action of that name, or nullptr.
const Action* find_action(std::string_view name);

// Parse, run on the model, render: the shape of every handler.
template <class Parse, class Run, class Render>
Result<nlohmann::json> run_action(const nlohmann::json& body, Parse parse, Run run, Render render) {
  auto request = parse(body);
  if (!request) return request.error();
  auto result = run(*request);
  if (!result) return result.error();
  return render(*result);
}

Result<nlohmann::json> put_item_action(Database& db, const nlohmann::json& body, Micros now);
Result<nlohmann::json> get_item_action(Database& db, const nlohmann::json& body, Micros now);
Result<nlohmann::json> update_item_action(Database& db, const nlohmann::json& body, Micros now);
Result<nlohmann::json> delete_item_action(Database& db, const nlohmann::json& body, Micros now);
Result<nlohmann::json> query_action(Database& db, const nlohmann::json& body, Micros now);
Result<nlohmann::json> scan_action(Database& db, const nlohmann::json& body, Micros now);
Result<nlohmann::json> batch_write_item_action(Database& db, const nlohmann::json& body,
                                               Micros now);
Result<nlohmann::json> batch_get_item_action(Database& db, const nlohmann::json& body, Micros now);
Result<nlohmann::json> create_table_action(Database& db, const nlohmann::json& body, Micros now);
Result<nlohmann::json> update_table_action(Database& db, const nlohmann::json& body, Micros now);
Result<nlohmann::json> describe_table_action(Database& db, const nlohmann::json& body, Micros now);
Result<nlohmann::json> delete_table_action(Database& db, const nlohmann::json& body, Micros now);
Result<nlohmann::json> list_tables_action(Database& db, const nlohmann::json& body, Micros now);
Result<nlohmann::json> describe_time_to_live_action(Database& db, const nlohmann::json& body,
                                                    Micros now);
Result<nlohmann::json> update_time_to_live_action(Database& db, const nlohmann::json& body,
                                                  Micros now);

// DynamoDB Streams actions: the same shape, over the database and the region that stream
// records name (awsRegion).
struct StreamContext {
  Database& db;
  const std::string& region;
};
using StreamActionHandler = Result<nlohmann::json> (*)(StreamContext& context,
                                                       const nlohmann::json& body, Micros now);
struct StreamAction {
  std::string_view name;  // the X-Amz-Target suffix after DynamoDBStreams_20120810.
  StreamActionHandler handle;
};

// The registered Streams action of that name, or nullptr.
const StreamAction* find_stream_action(std::string_view name);

Result<nlohmann::json> list_streams_action(StreamContext& context, const nlohmann::json& body,
                                           Micros now);
Result<nlohmann::json> describe_stream_action(StreamContext& context, const nlohmann::json& body,
                                              Micros now);
Result<nlohmann::json> get_shard_iterator_action(StreamContext& context, const nlohmann::json& body,
                                                 Micros now);
Result<nlohmann::json> get_records_action(StreamContext& context, const nlohmann::json& body,
                                          Micros now);

}  // namespace emu::dynamodb
