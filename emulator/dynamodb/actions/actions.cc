// The registry: one line per DynamoDB action.
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

}  // namespace

const Action* find_action(std::string_view name) {
  for (const Action& a : kActions) {
    if (a.name == name) return &a;
  }
  return nullptr;
}

}  // namespace emu::dynamodb
