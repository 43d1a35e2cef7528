// Evaluation of conditions, updates and projections over items.
#include "emulator/dynamodb/expr/eval.h"
#include "emulator/dynamodb/expr/set_value.h"

#include <algorithm>
#include <map>

namespace emu::dynamodb::expr {

using detail::SetValue;
using detail::Value;

namespace {

const AttributeValue* step(const AttributeValue* v, const PathElement& e,
                           const Bindings& bindings) {
  if (v == nullptr) return nullptr;
  if (e.is_index()) {
    if (v->type() != Type::kL) return nullptr;
    const auto& list = v->list_value();
    return static_cast<std::size_t>(e.index) < list.size() ? &list[e.index] : nullptr;
  }
  if (v->type() != Type::kM) return nullptr;
  const auto& map = v->map_value();
  auto it = map.find(resolve_name(e, bindings));
  return it == map.end() ? nullptr : &it->second;
}

std::size_t utf8_length(const std::string& s) {
  // ASSUMPTION: size() of a String counts bytes of its UTF-8 form, as item sizes do.
  return s.size();
}

Value operand_value(const Operand& op, const Item* item, const Bindings& b) {
  Value out;
  switch (op.kind) {
    case Operand::Kind::kPath:
      out.ref = item ? lookup(*item, op.path, b) : nullptr;
      return out;
    case Operand::Kind::kValue: {
      auto it = b.values->find(op.value);
      out.ref = it == b.values->end() ? nullptr : &it->second;
      return out;
    }
    case Operand::Kind::kSize: {
      const Value arg = operand_value(op.args[0], item, b);
      const AttributeValue* v = arg.get();
      if (v == nullptr) return out;
      std::int64_t n = -1;
      switch (v->type()) {
        case Type::kS:
          n = static_cast<std::int64_t>(utf8_length(v->scalar()));
          break;
        case Type::kB:
          n = static_cast<std::int64_t>(v->scalar().size());
          break;
        case Type::kL:
          n = static_cast<std::int64_t>(v->list_value().size());
          break;
        case Type::kM:
          n = static_cast<std::int64_t>(v->map_value().size());
          break;
        case Type::kSS:
        case Type::kNS:
        case Type::kBS:
          n = static_cast<std::int64_t>(v->set_value().size());
          break;
        default:
          break;
      }
      if (n >= 0) out.owned = AttributeValue::number(n);
      return out;
    }
    default:
      return out;  // update-only operands never appear in conditions
  }
}

bool comparable(const AttributeValue& v) {
  return v.type() == Type::kS || v.type() == Type::kN || v.type() == Type::kB;
}

bool compare(Comparator c, const AttributeValue* a, const AttributeValue* b) {
  if (c == Comparator::kEq) return a && b && *a == *b;
  if (c == Comparator::kNe) return !(a && b && *a == *b);
  if (!a || !b || a->type() != b->type() || !comparable(*a)) return false;
  const int r = compare_scalars(*a, *b);
  switch (c) {
    case Comparator::kLt:
      return r < 0;
    case Comparator::kLe:
      return r <= 0;
    case Comparator::kGt:
      return r > 0;
    default:
      return r >= 0;
  }
}

bool contains(const AttributeValue* a, const AttributeValue* b) {
  if (!a || !b) return false;
  if (a->type() == Type::kS && b->type() == Type::kS) {
    return a->scalar().find(b->scalar()) != std::string::npos;
  }
  if (a->type() == Type::kB && b->type() == Type::kB) {
    return a->scalar().find(b->scalar()) != std::string::npos;
  }
  if (is_set_type(a->type()) && set_element_type(a->type()) == b->type()) {
    const auto& set = a->set_value();
    return std::find(set.begin(), set.end(), b->scalar()) != set.end();
  }
  if (a->type() == Type::kL) {
    const auto& list = a->list_value();
    return std::find(list.begin(), list.end(), *b) != list.end();
  }
  return false;
}

bool begins_with(const AttributeValue* a, const AttributeValue* b) {
  if (!a || !b || a->type() != b->type()) return false;
  if (a->type() != Type::kS && a->type() != Type::kB) return false;
  return a->scalar().compare(0, b->scalar().size(), b->scalar()) == 0;
}

AwsError runtime_error(std::string message) { return validation_error(std::move(message)); }

const char* kMissingOperand =
    "The provided expression refers to an attribute that does not exist in the item";
const char* kWrongType = "An operand in the update expression has an incorrect data type";
const char* kBadPath = "The document path provided in the update expression is invalid for update";

using detail::set_value;

Result<SetValue> owned(AttributeValue v) {
  SetValue out;
  out.owned = std::move(v);
  return out;
}

Result<SetValue> ref(const AttributeValue* v) {
  SetValue out;
  out.ref = v;
  return out;
}

Result<SetValue> arithmetic(const Operand& op, const Item& old_item, const Bindings& b) {
  auto x = set_value(op.args[0], old_item, b);
  if (!x) return x;
  auto y = set_value(op.args[1], old_item, b);
  if (!y) return y;
  const AttributeValue& xv = *x->get();
  const AttributeValue& yv = *y->get();
  if (xv.type() != Type::kN || yv.type() != Type::kN) return runtime_error(kWrongType);
  auto r = op.kind == Operand::Kind::kPlus ? add_numbers(xv.scalar(), yv.scalar())
                                           : subtract_numbers(xv.scalar(), yv.scalar());
  if (!r) return r.error();
  return owned(AttributeValue::number(std::move(*r)));
}

}  // namespace

Result<SetValue> detail::set_value(const Operand& op, const Item& old_item, const Bindings& b) {
  switch (op.kind) {
    case Operand::Kind::kPath: {
      const AttributeValue* v = lookup(old_item, op.path, b);
      if (v == nullptr) return runtime_error(kMissingOperand);
      return ref(v);
    }
    case Operand::Kind::kValue:
      return ref(&b.values->find(op.value)->second);
    case Operand::Kind::kIfNotExists: {
      const AttributeValue* v = lookup(old_item, op.args[0].path, b);
      if (v != nullptr) return ref(v);
      return set_value(op.args[1], old_item, b);
    }
    case Operand::Kind::kListAppend: {
      auto x = set_value(op.args[0], old_item, b);
      if (!x) return x;
      auto y = set_value(op.args[1], old_item, b);
      if (!y) return y;
      if (x->get()->type() != Type::kL || y->get()->type() != Type::kL) {
        return runtime_error(kWrongType);
      }
      AttributeValue joined = x->owned ? std::move(*x->owned) : *x->get();
      for (const auto& e : y->get()->list_value()) joined.list_value().push_back(e);
      return owned(std::move(joined));
    }
    case Operand::Kind::kPlus:
    case Operand::Kind::kMinus:
      return arithmetic(op, old_item, b);
    default:
      return runtime_error(kWrongType);
  }
}

namespace {

// The container holding the last element of `path` in `item`, or nullptr if the path cannot
// be written. For a one-element path returns nullptr and sets `top`.
AttributeValue* parent_of(Item& item, const Path& path, const Bindings& b) {
  auto it = item.find(resolve_name(path.elements[0], b));
  if (it == item.end()) return nullptr;
  AttributeValue* cur = &it->second;
  for (std::size_t i = 1; i + 1 < path.elements.size(); ++i) {
    const auto& e = path.elements[i];
    if (e.is_index()) {
      if (cur->type() != Type::kL ||
          static_cast<std::size_t>(e.index) >= cur->list_value().size()) {
        return nullptr;
      }
      cur = &cur->list_value()[e.index];
    } else {
      if (cur->type() != Type::kM) return nullptr;
      auto m = cur->map_value().find(resolve_name(e, b));
      if (m == cur->map_value().end()) return nullptr;
      cur = &m->second;
    }
  }
  return cur;
}

// Stores `value` as the top-level attribute `name`. One that exists is overwritten in place
// (a scalar of similar size reuses its buffer).
Status assign_top(Item& item, const std::string& name, SetValue& value) {
  const auto it = item.find(name);
  if (it == item.end()) {
    item.emplace(name, value.owned ? std::move(*value.owned) : *value.ref);
  } else if (value.owned) {
    it->second = std::move(*value.owned);
  } else {
    it->second = *value.ref;
  }
  return ok_status();
}

Status assign(Item& item, const Path& path, AttributeValue value, const Bindings& b);

Status assign(Item& item, const Path& path, SetValue& value, const Bindings& b) {
  if (path.elements.size() == 1) return assign_top(item, resolve_name(path.elements[0], b), value);
  return assign(item, path, value.owned ? std::move(*value.owned) : *value.ref, b);
}

Status assign(Item& item, const Path& path, AttributeValue value, const Bindings& b) {
  if (path.elements.size() == 1) {
    item.insert_or_assign(resolve_name(path.elements[0], b), std::move(value));
    return ok_status();
  }
  AttributeValue* parent = parent_of(item, path, b);
  const auto& last = path.elements.back();
  if (parent == nullptr) return runtime_error(kBadPath);
  if (last.is_index()) {
    if (parent->type() != Type::kL) return runtime_error(kBadPath);
    auto& list = parent->list_value();
    if (static_cast<std::size_t>(last.index) < list.size()) {
      list[last.index] = std::move(value);
    } else {
      list.push_back(std::move(value));
    }
    return ok_status();
  }
  if (parent->type() != Type::kM) return runtime_error(kBadPath);
  parent->map_value().insert_or_assign(resolve_name(last, b), std::move(value));
  return ok_status();
}

Status remove(Item& item, const Path& path, const Bindings& b) {
  if (path.elements.size() == 1) {
    item.erase(resolve_name(path.elements[0], b));
    return ok_status();
  }
  AttributeValue* parent = parent_of(item, path, b);
  const auto& last = path.elements.back();
  if (parent == nullptr) return ok_status();
  if (last.is_index() && parent->type() == Type::kL) {
    auto& list = parent->list_value();
    if (static_cast<std::size_t>(last.index) < list.size()) list.erase(list.begin() + last.index);
  } else if (!last.is_index() && parent->type() == Type::kM) {
    parent->map_value().erase(resolve_name(last, b));
  }
  return ok_status();
}

Result<AttributeValue> add_value(const AttributeValue* current, const AttributeValue& v) {
  if (current == nullptr) return v;
  if (current->type() == Type::kN && v.type() == Type::kN) {
    auto sum = add_numbers(current->scalar(), v.scalar());
    if (!sum) return sum.error();
    return AttributeValue::number(std::move(*sum));
  }
  if (is_set_type(v.type()) && current->type() == v.type()) {
    AttributeValue out = *current;
    auto& set = out.set_value();
    for (const auto& e : v.set_value()) {
      if (std::find(set.begin(), set.end(), e) == set.end()) set.push_back(e);
    }
    return out;
  }
  return runtime_error(kWrongType);
}

Result<std::optional<AttributeValue>> delete_value(const AttributeValue* current,
                                                   const AttributeValue& v) {
  if (current == nullptr) return std::optional<AttributeValue>();
  if (current->type() != v.type()) return runtime_error(kWrongType);
  std::vector<std::string> kept;
  for (const auto& e : current->set_value()) {
    const auto& del = v.set_value();
    if (std::find(del.begin(), del.end(), e) == del.end()) kept.push_back(e);
  }
  if (kept.empty()) return std::optional<AttributeValue>();
  return std::optional<AttributeValue>(AttributeValue::set(v.type(), std::move(kept)));
}

Status apply_add_delete(const UpdateAction& a, const Item& old_item, Item& item,
                        const Bindings& b) {
  const AttributeValue& v = b.values->find(a.value.value)->second;
  const AttributeValue* current = lookup(old_item, a.path, b);
  if (a.kind == UpdateAction::Kind::kAdd) {
    auto r = add_value(current, v);
    if (!r) return r.error();
    return assign(item, a.path, std::move(*r), b);
  }
  auto r = delete_value(current, v);
  if (!r) return r.error();
  if (!r->has_value()) return current ? remove(item, a.path, b) : ok_status();
  return assign(item, a.path, std::move(**r), b);
}

// Projection as a tree: each node says "whole value" or which members/elements to keep.
struct Node {
  bool whole = false;
  std::map<std::string, Node, std::less<>> members;
  std::map<std::int64_t, Node> elements;
};

std::optional<AttributeValue> project_value(const AttributeValue& v, const Node& node) {
  if (node.whole) return v;
  if (!node.members.empty() && v.type() == Type::kM) {
    Item out;
    for (const auto& [name, child] : node.members) {
      auto it = v.map_value().find(name);
      if (it == v.map_value().end()) continue;
      if (auto pv = project_value(it->second, child)) out.emplace(name, std::move(*pv));
    }
    if (out.empty()) return std::nullopt;
    return AttributeValue::map(std::move(out));
  }
  if (!node.elements.empty() && v.type() == Type::kL) {
    std::vector<AttributeValue> out;
    for (const auto& [index, child] : node.elements) {
      if (static_cast<std::size_t>(index) >= v.list_value().size()) continue;
      if (auto pv = project_value(v.list_value()[index], child)) out.push_back(std::move(*pv));
    }
    if (out.empty()) return std::nullopt;
    return AttributeValue::list(std::move(out));
  }
  return std::nullopt;
}

}  // namespace

const AttributeValue* lookup(const Item& item, const Path& path, const Bindings& bindings) {
  if (path.elements.empty()) return nullptr;
  auto it = item.find(resolve_name(path.elements[0], bindings));
  if (it == item.end()) return nullptr;
  const AttributeValue* v = &it->second;
  for (std::size_t i = 1; i < path.elements.size() && v; ++i) {
    v = step(v, path.elements[i], bindings);
  }
  return v;
}

bool evaluate(const Condition& c, const Item* item, const Bindings& b) {
  switch (c.kind) {
    case Condition::Kind::kAnd:
      return evaluate(c.children[0], item, b) && evaluate(c.children[1], item, b);
    case Condition::Kind::kOr:
      return evaluate(c.children[0], item, b) || evaluate(c.children[1], item, b);
    case Condition::Kind::kNot:
      return !evaluate(c.children[0], item, b);
    default:
      break;
  }
  std::vector<Value> args;
  args.reserve(c.operands.size());
  for (const auto& op : c.operands) args.push_back(operand_value(op, item, b));
  const AttributeValue* a = args.empty() ? nullptr : args[0].get();
  const AttributeValue* second = args.size() > 1 ? args[1].get() : nullptr;
  switch (c.kind) {
    case Condition::Kind::kCompare:
      return compare(c.comparator, a, second);
    case Condition::Kind::kBetween:
      return compare(Comparator::kGe, a, second) && compare(Comparator::kLe, a, args[2].get());
    case Condition::Kind::kIn:
      for (std::size_t i = 1; i < args.size(); ++i) {
        if (a && args[i].get() && *a == *args[i].get()) return true;
      }
      return false;
    case Condition::Kind::kAttributeExists:
      return a != nullptr;
    case Condition::Kind::kAttributeNotExists:
      return a == nullptr;
    case Condition::Kind::kAttributeType:
      return a && second && type_name(a->type()) == second->scalar();
    case Condition::Kind::kBeginsWith:
      return begins_with(a, second);
    case Condition::Kind::kContains:
      return contains(a, second);
    default:
      return false;
  }
}

Status apply_update(const UpdateExpression& update, const Item& old_item, Item& item,
                    const Bindings& b) {
  std::vector<const UpdateAction*> removes;
  for (const auto& a : update.actions) {
    switch (a.kind) {
      case UpdateAction::Kind::kSet: {
        auto v = set_value(a.value, old_item, b);
        if (!v) return v.error();
        if (auto s = assign(item, a.path, *v, b); !s) return s;
        break;
      }
      case UpdateAction::Kind::kRemove:
        removes.push_back(&a);
        break;
      default:
        if (auto s = apply_add_delete(a, old_item, item, b); !s) return s;
    }
  }
  // Remove list elements from the highest index down so earlier indexes stay valid.
  std::stable_sort(removes.begin(), removes.end(), [](const auto* x, const auto* y) {
    return x->path.elements.back().index > y->path.elements.back().index;
  });
  for (const auto* a : removes) {
    if (auto s = remove(item, a->path, b); !s) return s;
  }
  return ok_status();
}

Item project(const Item& item, const std::vector<Path>& paths) {
  Node root;
  for (const auto& path : paths) {
    Node* node = &root;
    for (const auto& e : path.elements) {
      node = e.is_index() ? &node->elements[e.index] : &node->members[e.name];
    }
    node->whole = true;
  }
  Item out;
  for (const auto& [name, child] : root.members) {
    auto it = item.find(name);
    if (it == item.end()) continue;
    if (auto v = project_value(it->second, child)) out.emplace(name, std::move(*v));
  }
  return out;
}

}  // namespace emu::dynamodb::expr
