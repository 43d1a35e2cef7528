#include "emulator/dynamodb/expr/cache.h"

namespace emu::dynamodb::expr {

void ExpressionCache::clear() {
  for (auto& m : conditions_) m.clear();
  updates_.clear();
  projections_.clear();
}

template <class T, class Parse>
std::shared_ptr<const T> ExpressionCache::get(Map<T>& map, std::string_view key, Parse parse) {
  auto it = map.find(key);
  if (it != map.end()) {
    ++hits_;
    return it->second;
  }
  ++misses_;
  if (size() >= capacity_) clear();
  auto parsed = std::make_shared<const T>(parse());
  map.emplace(std::string(key), parsed);
  return parsed;
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
