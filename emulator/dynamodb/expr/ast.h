// Parsed DynamoDB expressions (ConditionExpression, FilterExpression, KeyConditionExpression,
// UpdateExpression, ProjectionExpression). The tree keeps #name and :value placeholders
// unresolved, so one parse serves every request that sends the same expression text (see
// cache.h); names and values are bound at evaluation time.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace emu::dynamodb::expr {

// One step of a document path: a map member (literal name or #placeholder) or a list index.
struct PathElement {
  std::string name;  // literal attribute name or "#placeholder"; empty for an index
  bool placeholder = false;
  std::int64_t index = -1;  // >= 0 for [n]
  bool is_index() const { return index >= 0; }
};

struct Path {
  std::vector<PathElement> elements;
};

struct Operand {
  enum class Kind { kPath, kValue, kSize, kIfNotExists, kListAppend, kPlus, kMinus };
  Kind kind = Kind::kPath;
  Path path;                  // kPath
  std::string value;          // kValue: ":placeholder"
  std::vector<Operand> args;  // functions and arithmetic
};

enum class Comparator { kEq, kNe, kLt, kLe, kGt, kGe };

struct Condition {
  enum class Kind {
    kCompare,
    kBetween,
    kIn,
    kAnd,
    kOr,
    kNot,
    kAttributeExists,
    kAttributeNotExists,
    kAttributeType,
    kBeginsWith,
    kContains
  };
  Kind kind = Kind::kCompare;
  Comparator comparator = Comparator::kEq;
  std::vector<Operand> operands;    // comparisons, BETWEEN, IN and functions
  std::vector<Condition> children;  // AND, OR, NOT
  // Errors of this condition that the text alone shows but AWS reports in the condition's
  // turn, after its undefined placeholders (validate.cc, check_condition): a wrong operand
  // count, and a function that wants a document path (the latter after operand types).
  std::string arity_error;
  std::string path_error;
};

struct UpdateAction {
  enum class Kind { kSet, kRemove, kAdd, kDelete };
  Kind kind = Kind::kSet;
  Path path;
  Operand value;  // SET value; ADD/DELETE :placeholder operand
};

struct UpdateExpression {
  std::vector<UpdateAction> actions;
};

struct ProjectionExpression {
  std::vector<Path> paths;
};

// Placeholders an expression uses, for the "not defined"/"unused" checks.
struct Placeholders {
  std::vector<std::string> names;   // "#n", in order of first use
  std::vector<std::string> values;  // ":v"
};

bool is_reserved_word(std::string_view name);
std::string_view comparator_text(Comparator c);

}  // namespace emu::dynamodb::expr
