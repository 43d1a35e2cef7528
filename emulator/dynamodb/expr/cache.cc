#include "emulator/dynamodb/expr/cache.h"

namespace emu::dynamodb::expr {

template <class T, class Parse>
std::shared_ptr<const T> ExpressionCache::get(
    std::unordered_map<std::string, std::shared_ptr<const T>>& map, std::string key,
    Parse parse) {
  auto it = map.find(key);
  if (it != map.end()) {
    ++hits_;
    return it->second;
  }
  ++misses_;
  if (size() >= capacity_) {
    conditions_.clear();
    updates_.clear();
    projections_.clear();
  }
  auto parsed = std::make_shared<const T>(parse());
  map.emplace(std::move(key), parsed);
  return parsed;
}

std::shared_ptr<const Result<ParsedCondition>> ExpressionCache::condition(std::string_view text,
                                                                          std::string_view kind) {
  std::string key(kind);
  key.push_back('\n');
  key.append(text);
  return get(conditions_, std::move(key), [&] { return parse_condition(text, kind); });
}

std::shared_ptr<const Result<ParsedUpdate>> ExpressionCache::update(std::string_view text) {
  return get(updates_, std::string(text), [&] { return parse_update(text); });
}

std::shared_ptr<const Result<ParsedProjection>> ExpressionCache::projection(
    std::string_view text) {
  return get(projections_, std::string(text), [&] { return parse_projection(text); });
}

}  // namespace emu::dynamodb::expr
