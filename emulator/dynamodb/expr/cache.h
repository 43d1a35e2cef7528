// Parsed-expression cache keyed by expression text. The aggregator sends the same
// UpdateExpression thousands of times per second; parsing it once turns each request's
// expression handling into a hash lookup plus binding checks. Parse errors are cached too.
// Bounded: when `capacity` entries exist the cache is cleared (hostile clients sending unique
// expressions cost a re-parse, never unbounded memory). Not thread-safe (simulation thread).
#pragma once

#include <array>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

#include "emulator/dynamodb/expr/parser.h"

namespace emu::dynamodb::expr {

class ExpressionCache {
 public:
  explicit ExpressionCache(std::size_t capacity = 4096) : capacity_(capacity) {}

  // `kind` is ConditionExpression, FilterExpression or KeyConditionExpression.
  std::shared_ptr<const Result<ParsedCondition>> condition(std::string_view text,
                                                           std::string_view kind);
  std::shared_ptr<const Result<ParsedUpdate>> update(std::string_view text);
  std::shared_ptr<const Result<ParsedProjection>> projection(std::string_view text);

  std::size_t size() const {
    return conditions_[0].size() + conditions_[1].size() + conditions_[2].size() + updates_.size() +
           projections_.size();
  }
  std::uint64_t hits() const { return hits_; }
  std::uint64_t misses() const { return misses_; }

 private:
  // Lookup by string_view without building a key string.
  struct Hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  template <class T>
  using Map = std::unordered_map<std::string, std::shared_ptr<const T>, Hash, std::equal_to<>>;

  template <class T, class Parse>
  std::shared_ptr<const T> get(Map<T>& map, std::string_view key, Parse parse);
  void clear();

  std::size_t capacity_;
  std::uint64_t hits_ = 0;
  std::uint64_t misses_ = 0;
  // Condition, Filter and KeyCondition expressions are cached apart (their messages differ).
  std::array<Map<Result<ParsedCondition>>, 3> conditions_;
  Map<Result<ParsedUpdate>> updates_;
  Map<Result<ParsedProjection>> projections_;
};

}  // namespace emu::dynamodb::expr
