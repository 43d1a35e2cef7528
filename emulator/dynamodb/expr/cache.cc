#include "emulator/dynamodb/expr/cache.h"

namespace emu::dynamodb::expr {

void ExpressionCache::clear() {
  auto reset = [](auto& slot) {
    slot.map.clear();
    slot.last = nullptr;
  };
  for (auto& c : conditions_) reset(c);
  reset(updates_);
  reset(projections_);
}

template <class T, class Parse>
std::shared_ptr<const T> ExpressionCache::get(Slot<T>& slot, std::string_view key, Parse parse) {
  if (slot.last != nullptr && slot.last->first == key) {
    ++hits_;
    return slot.last->second;
  }
  auto it = slot.map.find(key);
  if (it == slot.map.end()) {
    ++misses_;
    if (size() >= capacity_) clear();
    it = slot.map.emplace(std::string(key), std::make_shared<const T>(parse())).first;
  } else {
    ++hits_;
  }
  slot.last = &*it;
  return it->second;
}

std::shared_ptr<const Result<ParsedCondition>> ExpressionCache::condition(std::string_view text,
                                                                          std::string_view kind) {
  const std::size_t slot = kind == "KeyConditionExpression" ? 2
                           : kind == "FilterExpression"     ? 1
                                                            : 0;
  return get(conditions_[slot], text, [&] { return parse_condition(text, kind); });
}

std::shared_ptr<const Result<ParsedUpdate>> ExpressionCache::update(std::string_view text) {
  return get(updates_, text, [&] { return parse_update(text); });
}

std::shared_ptr<const Result<ParsedProjection>> ExpressionCache::projection(std::string_view text) {
  return get(projections_, text, [&] { return parse_projection(text); });
}

}  // namespace emu::dynamodb::expr
