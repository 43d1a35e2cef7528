// The registry: one line per DynamoDB (and DynamoDB Streams) action.
#include <array>

#include "emulator/dynamodb/actions/action.h"

namespace emu::dynamodb {

namespace {

constexpr std::array kActions = {
    Action{"PutItem", put_item_action},
    Action{"GetItem", get_item_action},
    Action{"UpdateItem", update_item_action},
    Action{"DeleteItem", delete_item_action},
    Action{"Query", query_action},
    Action{"Scan", scan_action},
    Action{"BatchWriteItem", batch_write_item_action},
    Action{"BatchGetItem", batch_get_item_action},
    Action{"CreateTable", create_table_action},
    Action{"UpdateTable", update_table_action},
    Action{"DescribeTable", describe_table_action},
    Action{"DeleteTable", delete_table_action},
    Action{"ListTables", list_tables_action},
    Action{"DescribeTimeToLive", describe_time_to_live_action},
    Action{"UpdateTimeToLive", update_time_to_live_action},
};

constexpr std::array kStreamActions = {
    StreamAction{"ListStreams", list_streams_action},
    StreamAction{"DescribeStream", describe_stream_action},
    StreamAction{"GetShardIterator", get_shard_iterator_action},
    StreamAction{"GetRecords", get_records_action},
};

}  // namespace

const Action* find_action(std::string_view name) {
  for (const Action& a : kActions) {
    if (a.name == name) return &a;
  }
  return nullptr;
}

const StreamAction* find_stream_action(std::string_view name) {
  for (const StreamAction& a : kStreamActions) {
    if (a.name == name) return &a;
  }
  return nullptr;
}

}  // namespace emu::dynamodb
