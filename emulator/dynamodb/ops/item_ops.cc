// PutItem, GetItem, UpdateItem, DeleteItem.
#include "emulator/dynamodb/ops/common.h"
#include "emulator/dynamodb/ops/key_checks.h"

namespace emu::dynamodb {

namespace {

std::vector<expr::Path> updated_paths(const expr::UpdateExpression& update,
                                      const expr::Bindings& bindings) {
  std::vector<expr::Path> paths;
  for (const auto& a : update.actions) paths.push_back(expr::resolve(a.path, bindings));
  return paths;
}

std::optional<Item> non_empty(Item item) {
  if (item.empty()) return std::nullopt;
  return item;
}

// UpdateItem may not touch a key attribute: the error naming the first one it updates, if any.
std::optional<AwsError> key_update_error(const Table& t, const PreparedExpressions& prepared,
                                         const expr::UpdateExpression& update) {
  auto is_key = [&](const std::string& name) {
    return name == t.schema().hash.name || (t.schema().range && name == t.schema().range->name);
  };
  auto key_error = [](const std::string& name) {
    return validation_error("One or more parameter values were invalid: Cannot update attribute " +
                            name + ". This attribute is part of the key");
  };
  if (prepared.set_plan) {  // names resolved once; the first key attribute in action order
    const expr::SetPlan::Target* first = nullptr;
    for (const auto& target : prepared.set_plan->targets) {
      if (is_key(target.name) && (first == nullptr || target.action < first->action)) {
        first = &target;
      }
    }
    if (first != nullptr) return key_error(first->name);
    return std::nullopt;
  }
  for (const auto& a : update.actions) {
    const std::string& name = expr::resolve_name(a.path.elements[0], prepared.bindings);
    if (is_key(name)) return key_error(name);
  }
  return std::nullopt;
}

// The type an update action gives its attribute, as far as the expression alone tells
// (nullopt: it depends on the item).
std::optional<Type> static_type(const expr::UpdateAction& a, const expr::Bindings& b) {
  if (a.kind == expr::UpdateAction::Kind::kRemove) return std::nullopt;
  const expr::Operand* v = &a.value;
  if (v->kind == expr::Operand::Kind::kIfNotExists && v->args.size() == 2) v = &v->args[1];
  switch (v->kind) {
    case expr::Operand::Kind::kPlus:
    case expr::Operand::Kind::kMinus: return Type::kN;
    case expr::Operand::Kind::kListAppend: return Type::kL;
    case expr::Operand::Kind::kValue: {
      if (!b.values) return std::nullopt;
      auto it = b.values->find(v->value);
      if (it == b.values->end()) return std::nullopt;
      return it->second.type();
    }
    default: return std::nullopt;
  }
}

// What AWS refuses in an update before it reads the item, after the key attributes: a value
// of the wrong type for an index key, then a nested path through a key attribute.
std::optional<AwsError> update_index_error(const Table& t, const PreparedExpressions& prepared,
                                           const expr::UpdateExpression& update) {
  for (const auto& index : t.schema().indexes) {
    for (const auto* attr : {&index.hash, index.range ? &*index.range : nullptr}) {
      if (!attr) continue;
      for (const auto& a : update.actions) {
        if (a.path.elements.size() != 1 ||
            expr::resolve_name(a.path.elements[0], prepared.bindings) != attr->name) {
          continue;
        }
        const auto type = static_type(a, prepared.bindings);
        if (type && *type != attr->type) {
          return validation_error(
              "One or more parameter values were invalid: Type mismatch for Index Key " +
              attr->name + " Expected: " + std::string(type_name(attr->type)) + " Actual: " +
              std::string(type_name(*type)) + " IndexName: " + index.definition.index_name);
        }
        break;
      }
    }
  }
  // Only nested paths can fail check_key_paths; the common update names none, so nothing is
  // copied (copying every path cost 3 % of the national day).
  std::vector<expr::Path> paths;
  std::vector<const expr::Operand*> todo;
  for (const auto& a : update.actions) {
    if (a.path.elements.size() > 1) paths.push_back(a.path);
    todo.assign(1, &a.value);
    while (!todo.empty()) {
      const expr::Operand* o = todo.back();
      todo.pop_back();
      if (o->kind == expr::Operand::Kind::kPath && o->path.elements.size() > 1) {
        paths.push_back(o->path);
      }
      for (const auto& arg : o->args) todo.push_back(&arg);
    }
  }
  if (auto s = check_key_paths(t, paths, prepared.bindings); !s) return s.error();
  return std::nullopt;
}

// UpdateItem's ReturnValues: UPDATED_* project the updated paths of the old or new item.
std::optional<Item> update_return_values(ReturnValues rv, const ItemPtr& old_item,
                                         const Item& new_item, const expr::UpdateExpression* update,
                                         const expr::Bindings& bindings) {
  switch (rv) {
    case ReturnValues::kAllOld:
      return old_item ? std::optional<Item>(*old_item) : std::nullopt;
    case ReturnValues::kAllNew:
      return new_item;
    case ReturnValues::kUpdatedOld:
      if (!old_item || !update) return std::nullopt;
      return non_empty(expr::project(*old_item, updated_paths(*update, bindings)));
    case ReturnValues::kUpdatedNew:
      if (!update) return std::nullopt;
      return non_empty(expr::project(new_item, updated_paths(*update, bindings)));
    default:
      return std::nullopt;
  }
}

}  // namespace

Result<PutItemResult> Database::put_item(const PutItemRequest& request, Micros now) {
  if (auto err = Ops::begin(*this, "PutItem", request.table_name, now)) return *err;
  if (auto s = Ops::check_return_values(request.return_values, false); !s) return s.error();
  ExpressionTexts texts;
  texts.condition = &request.condition_expression;
  auto prepared = Ops::prepare(*this, texts, request.attributes);
  if (!prepared) return prepared.error();
  auto table = Ops::table(*this, request.table_name);
  if (!table) return table.error();
  Table& t = **table;
  const std::size_t size = item_size(request.item);
  if (auto s = Ops::validate_item(t, request.item, size, options_.max_item_bytes, false); !s) {
    return s.error();
  }
  const KeyEnc key = t.key_of(request.item);
  const Row* row = t.find(key);
  const ItemPtr old_item = row ? row->item : nullptr;
  ConsumedCapacity consumed;
  if (auto err = Ops::charge_write(*this, t, key, old_item.get(), row ? row->size : 0,
                                   &request.item, size, consumed, now)) {
    return *err;
  }
  if (prepared->condition &&
      !expr::evaluate(prepared->condition->value().root, old_item.get(), prepared->bindings)) {
    Ops::set_condition_failure(*this, request.table_name, old_item,
                               request.return_old_on_condition_failure);
    return conditional_check_failed();
  }
  Ops::commit(*this, t, key, row, std::make_shared<Item>(request.item), size, now);
  PutItemResult result;
  if (request.return_values == ReturnValues::kAllOld && old_item) result.attributes = *old_item;
  result.consumed_capacity = Ops::report(consumed, request.return_consumed_capacity);
  return result;
}

Result<GetItemResult> Database::get_item(const GetItemRequest& request, Micros now) {
  if (auto err = Ops::begin(*this, "GetItem", request.table_name, now)) return *err;
  ExpressionTexts texts;
  texts.projection = &request.projection_expression;
  auto prepared = Ops::prepare(*this, texts, request.attributes);
  if (!prepared) return prepared.error();
  auto table = Ops::table(*this, request.table_name);
  if (!table) return table.error();
  Table& t = **table;
  if (auto s = Ops::validate_key(t, request.key); !s) return s.error();
  if (auto s = check_key_paths(t, prepared->projection_paths, expr::Bindings{}); !s) {
    return s.error();
  }
  const Row* row = t.find(t.key_of(request.key));
  ConsumedCapacity consumed;
  const double units = read_units(row ? row->size : 0, request.consistent_read);
  if (auto err = Ops::charge_read(*this, t, nullptr, units, consumed, now)) return *err;
  GetItemResult result;
  if (row) {
    result.item =
        prepared->projection ? expr::project(*row->item, prepared->projection_paths) : *row->item;
  }
  result.consumed_capacity = Ops::report(consumed, request.return_consumed_capacity);
  return result;
}

Result<UpdateItemResult> Database::update_item(const UpdateItemRequest& request, Micros now) {
  if (auto err = Ops::begin(*this, "UpdateItem", request.table_name, now)) return *err;
  ExpressionTexts texts;
  texts.condition = &request.condition_expression;
  texts.update = &request.update_expression;
  auto prepared = Ops::prepare(*this, texts, request.attributes);
  if (!prepared) return prepared.error();
  auto table = Ops::table(*this, request.table_name);
  if (!table) return table.error();
  Table& t = **table;
  if (auto s = Ops::validate_key(t, request.key); !s) return s.error();
  const expr::UpdateExpression* update =
      prepared->update ? &prepared->update->value().expression : nullptr;
  if (update) {
    if (auto e = key_update_error(t, *prepared, *update)) return *e;
    if (auto e = update_index_error(t, *prepared, *update)) return *e;
  }
  const KeyEnc key = t.key_of(request.key);
  const Row* row = t.find(key);
  if (row != nullptr && update != nullptr && prepared->set_plan != nullptr) {
    if (auto done = Ops::update_in_place(*this, t, request, *prepared, key, *row, now)) {
      return std::move(*done);
    }
  }
  const ItemPtr old_item = row ? row->item : nullptr;
  // Operands read the item as it was; a missing item reads as its key alone.
  const Item& base = old_item ? *old_item : request.key;
  Item next;
  if (update && prepared->set_plan) {
    if (auto s = expr::apply_plan(*prepared->set_plan, *update, base, next, prepared->bindings);
        !s) {
      return s.error();
    }
  } else {
    next = base;
    if (update) {
      if (auto s = expr::apply_update(*update, base, next, prepared->bindings); !s) {
        return s.error();
      }
    }
  }
  const std::size_t size = item_size(next);
  if (auto s = Ops::validate_item(t, next, size, options_.max_item_bytes, true); !s) {
    return s.error();
  }
  ConsumedCapacity consumed;
  if (auto err = Ops::charge_write(*this, t, key, old_item.get(), row ? row->size : 0, &next, size,
                                   consumed, now)) {
    return *err;
  }
  if (prepared->condition &&
      !expr::evaluate(prepared->condition->value().root, old_item.get(), prepared->bindings)) {
    Ops::set_condition_failure(*this, request.table_name, old_item,
                               request.return_old_on_condition_failure);
    return conditional_check_failed();
  }
  auto stored = std::make_shared<Item>(std::move(next));
  Ops::commit(*this, t, key, row, stored, size, now);
  UpdateItemResult result;
  result.attributes =
      update_return_values(request.return_values, old_item, *stored, update, prepared->bindings);
  result.consumed_capacity = Ops::report(consumed, request.return_consumed_capacity);
  return result;
}

std::optional<Result<UpdateItemResult>> Ops::update_in_place(
    Database& db, Table& table, const UpdateItemRequest& request,
    const PreparedExpressions& prepared, const KeyEnc& key, const Row& row, Micros now) {
  using Outcome = Result<UpdateItemResult>;
  const ReturnValues rv = request.return_values;
  if (rv == ReturnValues::kAllOld || rv == ReturnValues::kUpdatedOld) return std::nullopt;
  const Stream* stream = table.stream();
  if (stream != nullptr && stream->enabled()) return std::nullopt;  // records need both images
  Item* item = table.exclusive_item(key);
  if (item == nullptr) return std::nullopt;
  const auto& update = prepared.update->value().expression;
  thread_local expr::PlannedChanges changes;  // reused: its vector is allocated once
  if (auto s = expr::plan_changes(*prepared.set_plan, update, *item, prepared.bindings, changes);
      !s) {
    return Outcome(s.error());
  }
  // An item changes in place only where it stays: same index entries, same TTL entry.
  for (const auto& change : changes.changes) {
    if (table.places_item_by(*change.name)) return std::nullopt;
  }
  const std::size_t old_size = row.size;
  const std::size_t size = static_cast<std::size_t>(static_cast<std::ptrdiff_t>(old_size) +
                                                    changes.size_delta);
  // The stored item with the new size: its key and index-key attributes stay as they are.
  if (auto s = validate_item(table, *item, size, db.options_.max_item_bytes, true); !s) {
    return Outcome(s.error());
  }
  ConsumedCapacity consumed;
  const bool changed = !changes.changes.empty();
  auto effect = [&](const IndexSchema& index) {
    const bool in = Table::in_index(index, *item);
    return IndexWrite{in, in, in, changed};
  };
  if (auto err = charge_write(db, table, old_size, size, effect, consumed, now)) {
    return Outcome(*err);
  }
  if (prepared.condition &&
      !expr::evaluate(prepared.condition->value().root, item, prepared.bindings)) {
    set_condition_failure(db, request.table_name, row.item,
                          request.return_old_on_condition_failure);
    return Outcome(conditional_check_failed());
  }
  if (changed) {  // else a no-op write, which stores nothing
    expr::apply_changes(changes, *item);
    table.changed_in_place(key, static_cast<std::uint32_t>(size));
  }
  UpdateItemResult result;
  result.attributes =
      update_return_values(rv, nullptr, *item, &update, prepared.bindings);
  result.consumed_capacity = report(consumed, request.return_consumed_capacity);
  return Outcome(std::move(result));
}

Result<DeleteItemResult> Database::delete_item(const DeleteItemRequest& request, Micros now) {
  if (auto err = Ops::begin(*this, "DeleteItem", request.table_name, now)) return *err;
  if (auto s = Ops::check_return_values(request.return_values, false); !s) return s.error();
  ExpressionTexts texts;
  texts.condition = &request.condition_expression;
  auto prepared = Ops::prepare(*this, texts, request.attributes);
  if (!prepared) return prepared.error();
  auto table = Ops::table(*this, request.table_name);
  if (!table) return table.error();
  Table& t = **table;
  if (auto s = Ops::validate_key(t, request.key); !s) return s.error();
  const KeyEnc key = t.key_of(request.key);
  const Row* row = t.find(key);
  const ItemPtr old_item = row ? row->item : nullptr;
  ConsumedCapacity consumed;
  if (auto err = Ops::charge_write(*this, t, key, old_item.get(), row ? row->size : 0, nullptr, 0,
                                   consumed, now)) {
    return *err;
  }
  if (prepared->condition &&
      !expr::evaluate(prepared->condition->value().root, old_item.get(), prepared->bindings)) {
    Ops::set_condition_failure(*this, request.table_name, old_item,
                               request.return_old_on_condition_failure);
    return conditional_check_failed();
  }
  if (old_item) Ops::commit(*this, t, key, row, nullptr, 0, now);
  DeleteItemResult result;
  if (request.return_values == ReturnValues::kAllOld && old_item) result.attributes = *old_item;
  result.consumed_capacity = Ops::report(consumed, request.return_consumed_capacity);
  return result;
}

}  // namespace emu::dynamodb
