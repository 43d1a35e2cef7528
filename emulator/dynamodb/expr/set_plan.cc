// SET plans (eval.h): updates made only of top-level SETs, applied in one merge of the old
// item with the new values, or planned as changes and made in place.
#include <algorithm>
#include <vector>

#include "emulator/dynamodb/expr/eval.h"
#include "emulator/dynamodb/expr/set_value.h"

namespace emu::dynamodb::expr {

using detail::set_value;
using detail::SetValue;

std::optional<SetPlan> plan_sets(const UpdateExpression& update, const Bindings& bindings) {
  SetPlan plan;
  for (std::size_t i = 0; i < update.actions.size(); ++i) {
    const auto& a = update.actions[i];
    if (a.kind != UpdateAction::Kind::kSet || a.path.elements.size() != 1 ||
        a.path.elements[0].is_index()) {
      return std::nullopt;
    }
    std::ptrdiff_t value_index = -1;
    if (a.value.kind == Operand::Kind::kValue && bindings.values != nullptr) {
      const auto v = bindings.values->find(a.value.value);
      if (v != bindings.values->end()) value_index = v - bindings.values->begin();
    }
    std::ptrdiff_t computed = -1;
    if (value_index < 0) {
      computed = static_cast<std::ptrdiff_t>(plan.computed_actions.size());
      plan.computed_actions.push_back(i);
    }
    plan.targets.push_back({resolve_name(a.path.elements[0], bindings), i, value_index, computed});
  }
  std::sort(plan.targets.begin(), plan.targets.end(),
            [](const auto& x, const auto& y) { return name_less(x.name, y.name); });
  for (std::size_t i = 1; i < plan.targets.size(); ++i) {
    if (plan.targets[i].name == plan.targets[i - 1].name) return std::nullopt;
  }
  return plan;
}

namespace {

// The computed values of `plan`'s update, from `old_item`, in the expression's order (so the
// first failing action is the one reported, as apply_update reports it). Plain placeholders
// need no computing: value_of reads them from the request.
Status plan_values(const SetPlan& plan, const UpdateExpression& update, const Item& old_item,
                   const Bindings& b, std::vector<SetValue>& computed) {
  computed.resize(plan.computed_actions.size());
  for (std::size_t k = 0; k < plan.computed_actions.size(); ++k) {
    auto v = set_value(update.actions[plan.computed_actions[k]].value, old_item, b);
    if (!v) return v.error();
    computed[k] = std::move(*v);
  }
  return ok_status();
}

SetValue& value_of(const SetPlan::Target& target, const Bindings& b,
                   std::vector<SetValue>& computed, SetValue& placeholder) {
  if (target.computed >= 0) return computed[target.computed];
  placeholder.owned.reset();
  placeholder.ref = &b.values->begin()[target.value_index].second;
  return placeholder;
}

// Scratch for plan_values, reused across calls: an update is applied per stored item, and
// this keeps it from allocating the vector each time. The model runs on one thread.
std::vector<SetValue>& scratch_values() {
  thread_local std::vector<SetValue> values;
  return values;
}

}  // namespace

Status apply_plan(const SetPlan& plan, const UpdateExpression& update, const Item& old_item,
                  Item& out, const Bindings& b) {
  std::vector<SetValue>& values = scratch_values();
  if (auto s = plan_values(plan, update, old_item, b, values); !s) return s;
  SetValue placeholder;
  // One merge of the old attributes with the targets, both in key order: every attribute is
  // copied once and appended (no search, no shifting).
  out.clear();
  out.reserve(old_item.size() + plan.targets.size());
  auto old_it = old_item.begin();
  for (const auto& target : plan.targets) {
    for (; old_it != old_item.end() && name_less(old_it->first, target.name); ++old_it) {
      out.append_in_order(old_it->first, old_it->second);
    }
    if (old_it != old_item.end() && old_it->first == target.name) ++old_it;  // replaced
    SetValue& v = value_of(target, b, values, placeholder);
    if (v.owned) {
      out.append_in_order(target.name, std::move(*v.owned));
    } else {
      out.append_in_order(target.name, *v.ref);
    }
  }
  for (; old_it != old_item.end(); ++old_it) out.append_in_order(old_it->first, old_it->second);
  return ok_status();
}

Status plan_changes(const SetPlan& plan, const UpdateExpression& update, const Item& item,
                    const Bindings& b, PlannedChanges& out) {
  out.changes.clear();
  out.size_delta = 0;
  std::vector<SetValue>& values = scratch_values();
  if (auto s = plan_values(plan, update, item, b, values); !s) return s;
  SetValue placeholder;
  // Targets and attributes are both in name order: one walk finds every target's attribute.
  auto it = item.begin();
  for (const auto& target : plan.targets) {
    while (it != item.end() && name_less(it->first, target.name)) ++it;
    const AttributeValue* current =
        it != item.end() && it->first == target.name ? &it->second : nullptr;
    SetValue& v = value_of(target, b, values, placeholder);
    const AttributeValue& value = *v.get();
    if (current != nullptr && *current == value) continue;
    const std::size_t before = current != nullptr ? value_size(*current) : 0;
    const std::size_t name = current != nullptr ? 0 : target.name.size();  // a new attribute
    out.size_delta += static_cast<std::ptrdiff_t>(name + value_size(value)) -
                      static_cast<std::ptrdiff_t>(before);
    // Owned copies: a value may refer to an attribute of `item`, which the changes overwrite.
    out.changes.push_back({&target.name, v.owned ? std::move(*v.owned) : *v.ref});
  }
  return ok_status();
}

void apply_changes(PlannedChanges& changes, Item& item) {
  for (auto& change : changes.changes) {
    const auto it = item.find(*change.name);
    if (it != item.end()) {
      it->second = std::move(change.value);
    } else {
      item.emplace(*change.name, std::move(change.value));
    }
  }
}

}  // namespace emu::dynamodb::expr
