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
    return conditions_[0].map.size() + conditions_[1].map.size() + conditions_[2].map.size() +
           updates_.map.size() + projections_.map.size();
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
  // One kind's entries and the entry found last: a client repeating one expression (the
  // aggregator's is ~700 characters) costs a comparison instead of hashing the text again.
  template <class T>
  struct Slot {
    Map<T> map;
    const typename Map<T>::value_type* last = nullptr;  // elements stay put when the map grows
  };

  template <class T, class Parse>
  std::shared_ptr<const T> get(Slot<T>& slot, std::string_view key, Parse parse);
  void clear();

  std::size_t capacity_;
  std::uint64_t hits_ = 0;
  std::uint64_t misses_ = 0;
  // Condition, Filter and KeyCondition expressions are cached apart (their messages differ).
  std::array<Slot<Result<ParsedCondition>>, 3> conditions_;
  Slot<Result<ParsedUpdate>> updates_;
  Slot<Result<ParsedProjection>> projections_;
};

}  // namespace emu::dynamodb::expr
