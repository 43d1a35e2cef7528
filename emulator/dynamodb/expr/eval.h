// Validation against a request's ExpressionAttributeNames/Values, and evaluation of parsed
// expressions over items.
//
// Order of checks a caller follows (as DynamoDB reports them): parse (parser.h) -> every
// placeholder defined (check_placeholders) and value-dependent checks (check_update,
// check_projection; for a condition both at once, condition by condition: check_condition)
// -> no unused names/values across all of the request's expressions (check_unused).
// Evaluation assumes those checks passed.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "emulator/core/result.h"
#include "emulator/dynamodb/expr/ast.h"
#include "emulator/dynamodb/value.h"

namespace emu::dynamodb::expr {

using Names = std::map<std::string, std::string, std::less<>>;

// A request's placeholders. Either pointer may be null (none given).
struct Bindings {
  const Names* names = nullptr;
  const Item* values = nullptr;
};

// Placeholders used by all of a request's expressions so far.
struct Usage {
  std::set<std::string, std::less<>> names;
  std::set<std::string, std::less<>> values;
};

// "An expression attribute name used in the document path is not defined; ..." and the value
// variant; records what was used in `usage`. `kind` is e.g. "ConditionExpression".
Status check_placeholders(const Placeholders& used, const Bindings& bindings, std::string_view kind,
                          Usage& usage);
// "Value provided in ExpressionAttributeNames unused in expressions: keys: {#a}".
Status check_unused(const Bindings& bindings, const Usage& usage);

// A condition's errors as AWS reports them: the first condition, in reading order, that has
// one (an undefined placeholder, an operand count, an operand type, identical operands, a
// document path wanted, in that order within it); records what was used in `usage`.
Status check_condition(const Condition& condition, const Placeholders& used,
                       const Bindings& bindings, std::string_view kind, Usage& usage);
// Operand types (ADD/DELETE/+/-/list_append) and overlapping or conflicting paths.
Status check_update(const UpdateExpression& update, const Bindings& bindings);
Status check_projection(const ProjectionExpression& projection, const Bindings& bindings);

// The path with #placeholders replaced by the names they stand for.
Path resolve(const Path& path, const Bindings& bindings);
// The attribute name a top-level path element stands for.
const std::string& resolve_name(const PathElement& element, const Bindings& bindings);

// The value at `path` in `item`, or nullptr.
const AttributeValue* lookup(const Item& item, const Path& path, const Bindings& bindings);

// True if `item` (nullptr = no item) satisfies `condition`.
bool evaluate(const Condition& condition, const Item* item, const Bindings& bindings);

// Applies `update` to `item` in place; every operand is read from `old_item` (the item before
// the update, as DynamoDB does). Errors are DynamoDB's runtime ValidationExceptions.
Status apply_update(const UpdateExpression& update, const Item& old_item, Item& item,
                    const Bindings& bindings);

// An update made only of SETs of top-level attributes (the commonest shape, and the seed
// aggregator's), prepared once per expression and names: the target attribute names sorted,
// so applying it builds the new item in one merge of the old item with the new values instead
// of copying the item and then looking up and overwriting each target.
struct SetPlan {
  struct Target {
    std::string name;    // resolved attribute name
    std::size_t action;  // index into UpdateExpression::actions
    // When the action's value is a plain :placeholder: its position in the request's
    // ExpressionAttributeValues (requests that share a plan have the same placeholders in the
    // same order; Ops::prepare checks that), else -1.
    std::ptrdiff_t value_index = -1;
    // Otherwise (the value is computed: if_not_exists, +, a path...): its slot in
    // computed_actions.
    std::ptrdiff_t computed = -1;
  };
  std::vector<Target> targets;  // sorted by name; distinct (check_update refuses overlaps)
  std::vector<std::size_t> computed_actions;  // the actions whose value is computed, in order
};

// The plan for `update` under `bindings`, or nullopt when the update has another shape
// (REMOVE, ADD, DELETE, nested paths). Assumes check_update passed.
std::optional<SetPlan> plan_sets(const UpdateExpression& update, const Bindings& bindings);

// Same result as `out = old_item; apply_update(update, old_item, out, bindings)` for an update
// `plan` was made from (on an error `out` is left as it was).
Status apply_plan(const SetPlan& plan, const UpdateExpression& update, const Item& old_item,
                  Item& out, const Bindings& bindings);

// What a plan would change in `item`, computed before anything is changed, so that an item
// nobody else shares can be updated where it is: the targets whose new value differs from the
// item's (none: the update is a no-op), and the change of item_size.
struct PlannedChange {
  const std::string* name;  // the target's name, owned by the plan
  AttributeValue value;
};
struct PlannedChanges {
  std::vector<PlannedChange> changes;  // in name order
  std::ptrdiff_t size_delta = 0;       // item_size(after) - item_size(before)
};
// Computes the values as apply_plan does (and fails as it would).
Status plan_changes(const SetPlan& plan, const UpdateExpression& update, const Item& item,
                    const Bindings& bindings, PlannedChanges& out);
// Makes the changes in `item` (which must be the item they were planned on, unchanged since);
// the result equals apply_plan's. Consumes the values.
void apply_changes(PlannedChanges& changes, Item& item);

// The parts of `item` named by `paths` (already resolved), nested as in the item; list elements
// keep their order and are compacted.
Item project(const Item& item, const std::vector<Path>& paths);

}  // namespace emu::dynamodb::expr
