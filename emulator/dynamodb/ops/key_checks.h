// Query's KeyConditionExpression as a key condition, and the checks AWS makes of a Query's or
// Scan's key condition, ExclusiveStartKey and key-attribute paths, in AWS's order (as dynalite
// recorded it from DynamoDB). Internal to the DynamoDB model.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "emulator/dynamodb/ops/common.h"

namespace emu::dynamodb {

enum class RangeOp { kNone, kEq, kLt, kLe, kGt, kGe, kBetween, kBeginsWith };

// One condition of a KeyConditionExpression: on one attribute, with its operand values.
struct KeyLeaf {
  std::string attribute;
  RangeOp op = RangeOp::kNone;
  const AttributeValue* a = nullptr;
  const AttributeValue* b = nullptr;
};

struct KeyCondition {
  const AttributeValue* hash = nullptr;
  RangeOp op = RangeOp::kNone;
  const AttributeValue* a = nullptr;
  const AttributeValue* b = nullptr;
};

// The expression's conditions, with the checks AWS makes before it looks the table up: the
// operators allowed, no nesting, one condition per attribute, one or two conditions.
Result<std::vector<KeyLeaf>> key_leaves(const expr::Condition& root, const expr::Bindings& b);

// What a Query or Scan reads: the table, or one of its indexes.
struct ReadTarget {
  const Table& table;
  const IndexSchema* index = nullptr;
  const KeyAttribute& hash() const { return index ? index->hash : table.schema().hash; }
  const std::optional<KeyAttribute>& range() const {
    return index ? index->range : table.schema().range;
  }
};

// The key condition over the read's key schema. For each key attribute in turn, the
// ExclusiveStartKey's value for it and then its condition are checked; then the start key as a
// table key, and whether it lies within the condition.
Result<KeyCondition> query_key_condition(const ReadTarget& target,
                                         const std::vector<KeyLeaf>& leaves,
                                         const std::optional<Item>& start_key);

// Scan's checks of its ExclusiveStartKey against the read's key schema.
Status check_scan_start_key(const ReadTarget& target, const std::optional<Item>& start_key);

// The start key as a key of the table (after check_scan_start_key and the Select check).
Status check_scan_start_table_key(const Table& table, const std::optional<Item>& start_key);

// Select ALL_ATTRIBUTES on an index that does not project every attribute.
Status check_select_all_on_index(const ReadTarget& target, const std::optional<Select>& select);

// A key attribute (the table's or an index's) named in a nested path ("a.b", "a[0]"): AWS
// refuses it in projections, filters and updates.
Status check_key_paths(const Table& table, const std::vector<expr::Path>& paths,
                       const expr::Bindings& b);

// Query: a FilterExpression naming a key attribute of the read's key schema.
Status check_filter_keys(const ReadTarget& target, const expr::Condition& filter,
                         const expr::Bindings& b);

// Every document path a condition reads, in order.
void condition_paths(const expr::Condition& c, std::vector<expr::Path>& out);

}  // namespace emu::dynamodb
