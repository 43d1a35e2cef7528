// Internal to the expression evaluator (eval.cc, set_plan.cc): operand values and the
// evaluation of an update's SET operands.
#pragma once

#include <optional>

#include "emulator/core/result.h"
#include "emulator/dynamodb/expr/ast.h"
#include "emulator/dynamodb/expr/eval.h"
#include "emulator/dynamodb/value.h"

namespace emu::dynamodb::expr::detail {

// An operand's value: a reference into the item or the request, or a computed value.
struct Value {
  const AttributeValue* ref = nullptr;
  std::optional<AttributeValue> owned;
  const AttributeValue* get() const { return owned ? &*owned : ref; }
};

// An update operand's value: a reference into the old item or the request's values when it
// is one of them (no copy), or a value computed here.
using SetValue = Value;

// The value of SET operand `op`, read from `old_item` (the item before the update). Errors are
// DynamoDB's runtime ValidationExceptions (a missing operand, a wrong type).
Result<SetValue> set_value(const Operand& op, const Item& old_item, const Bindings& b);

}  // namespace emu::dynamodb::expr::detail
