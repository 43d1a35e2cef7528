// Request-dependent expression checks (see eval.h for the order).
#include <algorithm>
#include <numeric>

#include "emulator/dynamodb/expr/eval.h"
#include "emulator/dynamodb/expr/parser.h"

namespace emu::dynamodb::expr {

namespace {

const AttributeValue* immediate(const Operand& op, const Bindings& b) {
  if (op.kind != Operand::Kind::kValue || b.values == nullptr) return nullptr;
  auto it = b.values->find(op.value);
  return it == b.values->end() ? nullptr : &it->second;
}

AwsError semantic_error(std::string_view kind, const std::string& message) {
  return validation_error("Invalid " + std::string(kind) + ": " + message);
}

std::string operand_type_error(std::string_view fn, Type type) {
  return "Incorrect operand type for operator or function; operator or function: " +
         std::string(fn) + ", operand type: " + std::string(type_name(type));
}

std::string brace_keys(const std::vector<std::string>& keys) {
  std::string out = "{";
  for (std::size_t i = 0; i < keys.size(); ++i) out += (i ? ", " : "") + keys[i];
  return out + "}";
}

std::string bound_text(const AttributeValue& v) {
  return "AttributeValue: {" + std::string(type_name(v.type())) + ":" + v.scalar() + "}";
}

std::optional<std::string> check_between(const Condition& c, const Bindings& b) {
  const AttributeValue* lo = immediate(c.operands[1], b);
  const AttributeValue* hi = immediate(c.operands[2], b);
  if (lo == nullptr || hi == nullptr) return std::nullopt;
  const std::string bounds =
      "lower bound operand: " + bound_text(*lo) + ", upper bound operand: " + bound_text(*hi);
  if (lo->type() != hi->type()) {
    return "The BETWEEN operator requires same data type for lower and upper bounds; " + bounds;
  }
  const bool scalar = lo->type() == Type::kS || lo->type() == Type::kN || lo->type() == Type::kB;
  if (scalar && compare_scalars(*lo, *hi) > 0) {
    return "The BETWEEN operator requires upper bound to be greater than or equal to lower "
           "bound; " +
           bounds;
  }
  return std::nullopt;
}

// The type an operand has whatever the item holds: a value's, or N for size().
std::optional<Type> known_type(const Operand& op, const Bindings& b) {
  if (op.kind == Operand::Kind::kSize) return Type::kN;
  if (const AttributeValue* v = immediate(op, b)) return v->type();
  return std::nullopt;
}

std::optional<std::string> check_operand(const Operand& op, const Bindings& b) {
  if (op.kind != Operand::Kind::kSize || op.args.empty()) return std::nullopt;
  if (auto e = check_operand(op.args[0], b)) return e;
  const auto type = known_type(op.args[0], b);
  if (type && (*type == Type::kN || *type == Type::kBool || *type == Type::kNull)) {
    return operand_type_error("size", *type);
  }
  return std::nullopt;
}

// The same document path twice (after the names are resolved) where AWS wants them distinct:
// a comparison's two sides, or the first two operands of contains, begins_with and
// attribute_type.
std::optional<std::string> check_distinct(const Condition& c, const Bindings& b) {
  std::string_view op;
  if (c.kind == Condition::Kind::kCompare) op = comparator_text(c.comparator);
  if (c.kind == Condition::Kind::kContains) op = "contains";
  if (c.kind == Condition::Kind::kBeginsWith) op = "begins_with";
  if (c.kind == Condition::Kind::kAttributeType) op = "attribute_type";
  if (op.empty() || c.operands.size() < 2 || c.operands[0].kind != Operand::Kind::kPath ||
      c.operands[1].kind != Operand::Kind::kPath) {
    return std::nullopt;
  }
  const Path first = resolve(c.operands[0].path, b);
  const Path second = resolve(c.operands[1].path, b);
  if (path_text(first) != path_text(second)) return std::nullopt;
  return "The first operand must be distinct from the remaining operands for this operator or "
         "function; operator: " +
         std::string(op) + ", first operand: " + path_text(first);
}

std::optional<std::string> check_function(const Condition& c, const Bindings& b) {
  if (c.kind == Condition::Kind::kBeginsWith) {
    for (const auto& op : c.operands) {
      const auto type = known_type(op, b);
      if (type && *type != Type::kS && *type != Type::kB) {
        return operand_type_error("begins_with", *type);
      }
    }
  }
  if (c.kind == Condition::Kind::kAttributeType && c.operands.size() == 2) {
    const AttributeValue* v = immediate(c.operands[1], b);
    const auto type = known_type(c.operands[1], b);  // size() is N
    if (v == nullptr || v->type() != Type::kS) {
      return "Incorrect operand type for operator or function; operator or function: "
             "attribute_type, operand type: " +
             (type ? std::string(type_name(*type)) : std::string("{NS,SS,L,BS,N,M,B,BOOL,NULL,S}"));
    }
    if (!type_from_name(v->scalar())) {
      return "Invalid attribute type name found; type: " + v->scalar() +
             ", valid types: {B,NULL,SS,BOOL,L,BS,N,NS,S,M}";
    }
  }
  return std::nullopt;
}

// The first placeholder of `op` (in reading order) that the request does not define.
std::optional<std::string> undefined_placeholder(const Operand& op, const Bindings& b) {
  if (op.kind == Operand::Kind::kPath) {
    for (const auto& e : op.path.elements) {
      if (e.placeholder && (b.names == nullptr || !b.names->count(e.name))) {
        return "An expression attribute name used in the document path is not defined; "
               "attribute name: " +
               e.name;
      }
    }
  }
  if (op.kind == Operand::Kind::kValue && (b.values == nullptr || !b.values->count(op.value))) {
    return "An expression attribute value used in expression is not defined; attribute value: " +
           op.value;
  }
  for (const auto& arg : op.args) {
    if (auto e = undefined_placeholder(arg, b)) return e;
  }
  return std::nullopt;
}

// One condition's first error, in AWS's order within a condition: an undefined placeholder,
// the operand count, operand types (size's first), identical operands, the function's operand
// types, a document path wanted.
std::optional<std::string> leaf_error(const Condition& c, const Bindings& b) {
  for (const auto& op : c.operands) {
    if (auto e = undefined_placeholder(op, b)) return e;
  }
  if (!c.arity_error.empty()) return c.arity_error;
  for (const auto& op : c.operands) {
    if (auto e = check_operand(op, b)) return e;
  }
  if (c.kind == Condition::Kind::kBetween && c.operands.size() == 3) {
    if (auto e = check_between(c, b)) return e;
  }
  if (auto e = check_distinct(c, b)) return e;
  if (auto e = check_function(c, b)) return e;
  if (!c.path_error.empty()) return c.path_error;
  return std::nullopt;
}

// AWS reads an expression's conditions in order and reports the first that has an error.
std::optional<std::string> condition_error(const Condition& c, const Bindings& b) {
  for (const auto& child : c.children) {
    if (auto e = condition_error(child, b)) return e;
  }
  if (!c.children.empty()) return std::nullopt;
  return leaf_error(c, b);
}

std::optional<std::string> set_value_error(const Operand& op, const Bindings& b) {
  const bool arithmetic = op.kind == Operand::Kind::kPlus || op.kind == Operand::Kind::kMinus;
  if (arithmetic || op.kind == Operand::Kind::kListAppend) {
    const Type wanted = arithmetic ? Type::kN : Type::kL;
    const std::string_view fn = op.kind == Operand::Kind::kPlus    ? "+"
                                : op.kind == Operand::Kind::kMinus ? "-"
                                                                   : "list_append";
    for (const auto& arg : op.args) {
      const AttributeValue* v = immediate(arg, b);
      if (v && v->type() != wanted) return operand_type_error(fn, v->type());
    }
  }
  for (const auto& arg : op.args) {
    if (auto e = set_value_error(arg, b)) return e;
  }
  return std::nullopt;
}

std::string_view long_type_name(Type t) {
  switch (t) {
    case Type::kS:
      return "STRING";
    case Type::kN:
      return "NUMBER";
    case Type::kB:
      return "BINARY";
    case Type::kNull:
      return "NULL";
    case Type::kBool:
      return "BOOLEAN";
    case Type::kL:
      return "LIST";
    case Type::kM:
      return "MAP";
    default:
      return "";
  }
}

// Lexicographic order of resolved paths, so that a path and its extensions are adjacent.
bool path_less(const Path& a, const Path& b) {
  const auto& x = a.elements;
  const auto& y = b.elements;
  for (std::size_t i = 0; i < x.size() && i < y.size(); ++i) {
    if (x[i].is_index() != y[i].is_index()) return x[i].is_index() < y[i].is_index();
    if (x[i].name != y[i].name) return x[i].name < y[i].name;
    if (x[i].index != y[i].index) return x[i].index < y[i].index;
  }
  return x.size() < y.size();
}

std::optional<std::string> overlap_error(const Path& one, const Path& two) {
  const auto& x = one.elements;
  const auto& y = two.elements;
  for (std::size_t i = 0; i < x.size() && i < y.size(); ++i) {
    if (x[i].is_index() != y[i].is_index()) {
      return "Two document paths conflict with each other; must remove or rewrite one of these "
             "paths; path one: " +
             path_text(one) + ", path two: " + path_text(two);
    }
    if (x[i].name != y[i].name || x[i].index != y[i].index) return std::nullopt;
  }
  return "Two document paths overlap with each other; must remove or rewrite one of these "
         "paths; path one: " +
         path_text(one) + ", path two: " + path_text(two);
}

std::optional<std::string> paths_error(const std::vector<Path>& paths) {
  std::vector<std::size_t> order(paths.size());
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(),
            [&](std::size_t a, std::size_t b) { return path_less(paths[a], paths[b]); });
  for (std::size_t i = 1; i < order.size(); ++i) {
    std::size_t a = order[i - 1], b = order[i];
    if (a > b) std::swap(a, b);  // report in the order written
    if (auto e = overlap_error(paths[a], paths[b])) return e;
  }
  return std::nullopt;
}

}  // namespace

const std::string& resolve_name(const PathElement& element, const Bindings& bindings) {
  if (!element.placeholder || bindings.names == nullptr) return element.name;
  auto it = bindings.names->find(element.name);
  return it == bindings.names->end() ? element.name : it->second;
}

Path resolve(const Path& path, const Bindings& bindings) {
  Path out = path;
  for (auto& e : out.elements) {
    if (e.placeholder) {
      e.name = resolve_name(e, bindings);
      e.placeholder = false;
    }
  }
  return out;
}

Status check_placeholders(const Placeholders& used, const Bindings& bindings, std::string_view kind,
                          Usage& usage) {
  for (const auto& name : used.names) {
    if (bindings.names == nullptr || bindings.names->find(name) == bindings.names->end()) {
      return semantic_error(
          kind,
          "An expression attribute name used in the document path is not defined; "
          "attribute name: " +
              name);
    }
    usage.names.insert(name);
  }
  for (const auto& value : used.values) {
    if (bindings.values == nullptr || bindings.values->find(value) == bindings.values->end()) {
      return semantic_error(kind,
                            "An expression attribute value used in expression is not defined; "
                            "attribute value: " +
                                value);
    }
    usage.values.insert(value);
  }
  return ok_status();
}

Status check_unused(const Bindings& bindings, const Usage& usage) {
  std::vector<std::string> unused;
  if (bindings.names) {
    for (const auto& [key, _] : *bindings.names) {
      if (!usage.names.count(key)) unused.push_back(key);
    }
  }
  if (!unused.empty()) {
    return validation_error(
        "Value provided in ExpressionAttributeNames unused in expressions: "
        "keys: " +
        brace_keys(unused));
  }
  if (bindings.values) {
    for (const auto& [key, _] : *bindings.values) {
      if (!usage.values.count(key)) unused.push_back(key);
    }
  }
  if (!unused.empty()) {
    return validation_error(
        "Value provided in ExpressionAttributeValues unused in expressions: "
        "keys: " +
        brace_keys(unused));
  }
  return ok_status();
}

Status check_condition(const Condition& condition, const Placeholders& used,
                       const Bindings& bindings, std::string_view kind, Usage& usage) {
  if (auto e = condition_error(condition, bindings)) return semantic_error(kind, *e);
  return check_placeholders(used, bindings, kind, usage);  // records what was used
}

Status check_update(const UpdateExpression& update, const Bindings& bindings) {
  std::vector<Path> paths;
  paths.reserve(update.actions.size());
  for (const auto& action : update.actions) paths.push_back(resolve(action.path, bindings));
  if (auto e = paths_error(paths)) return semantic_error("UpdateExpression", *e);
  // ADD and DELETE operands first, then SET's functions, as AWS ranks them.
  for (const auto& action : update.actions) {
    if (action.kind == UpdateAction::Kind::kAdd || action.kind == UpdateAction::Kind::kDelete) {
      const AttributeValue* v = immediate(action.value, bindings);
      const bool add = action.kind == UpdateAction::Kind::kAdd;
      if (v && !is_set_type(v->type()) && !(add && v->type() == Type::kN)) {
        return semantic_error("UpdateExpression",
                              "Incorrect operand type for operator or function; operator: " +
                                  std::string(add ? "ADD" : "DELETE") +
                                  ", operand type: " + std::string(long_type_name(v->type())));
      }
    }
  }
  for (const auto& action : update.actions) {
    if (action.kind != UpdateAction::Kind::kSet) continue;
    if (auto e = set_value_error(action.value, bindings))
      return semantic_error("UpdateExpression", *e);
  }
  return ok_status();
}

Status check_projection(const ProjectionExpression& projection, const Bindings& bindings) {
  std::vector<Path> paths;
  for (const auto& p : projection.paths) paths.push_back(resolve(p, bindings));
  if (auto e = paths_error(paths)) return semantic_error("ProjectionExpression", *e);
  return ok_status();
}

}  // namespace emu::dynamodb::expr
