#include "emulator/dynamodb/ops/key_checks.h"

#include <map>
#include <set>

namespace emu::dynamodb {

namespace {

RangeOp flip(expr::Comparator c, bool flipped) {
  switch (c) {
    case expr::Comparator::kEq: return RangeOp::kEq;
    case expr::Comparator::kLt: return flipped ? RangeOp::kGt : RangeOp::kLt;
    case expr::Comparator::kLe: return flipped ? RangeOp::kGe : RangeOp::kLe;
    case expr::Comparator::kGt: return flipped ? RangeOp::kLt : RangeOp::kGt;
    default: return flipped ? RangeOp::kLe : RangeOp::kGe;
  }
}

std::optional<AwsError> invalid_operator(const expr::Condition& c) {
  using K = expr::Condition::Kind;
  static const std::map<K, const char*> kBadOps = {{K::kOr, "OR"},
                                                   {K::kNot, "NOT"},
                                                   {K::kIn, "IN"},
                                                   {K::kAttributeExists, "attribute_exists"},
                                                   {K::kAttributeNotExists, "attribute_not_exists"},
                                                   {K::kAttributeType, "attribute_type"},
                                                   {K::kContains, "contains"}};
  if (auto it = kBadOps.find(c.kind); it != kBadOps.end()) {
    return validation_error(std::string("Invalid operator used in KeyConditionExpression: ") +
                            it->second);
  }
  if (c.kind == K::kCompare && c.comparator == expr::Comparator::kNe) {
    return validation_error("Invalid operator used in KeyConditionExpression: <>");
  }
  return std::nullopt;
}

// The index of the condition's one attribute operand.
Result<std::size_t> key_operand(const expr::Condition& c) {
  int path_index = -1;
  for (std::size_t i = 0; i < c.operands.size(); ++i) {
    const auto& op = c.operands[i];
    if (op.kind == expr::Operand::Kind::kSize) {
      return validation_error("KeyConditionExpressions cannot contain nested operations");
    }
    if (op.kind != expr::Operand::Kind::kPath) continue;
    if (path_index >= 0) {
      return validation_error(
          "Invalid condition in KeyConditionExpression: Multiple attribute names used in one "
          "condition");
    }
    if (op.path.elements.size() > 1) {
      return validation_error(
          "KeyConditionExpressions cannot have conditions on nested attributes");
    }
    path_index = static_cast<int>(i);
  }
  if (path_index < 0) {
    return validation_error(
        "Invalid condition in KeyConditionExpression: No key attribute specified");
  }
  return static_cast<std::size_t>(path_index);
}

Result<KeyLeaf> leaf_of(const expr::Condition& c, const expr::Bindings& b) {
  using K = expr::Condition::Kind;
  if (auto e = invalid_operator(c)) return *e;
  if ((c.kind == K::kBetween || c.kind == K::kBeginsWith) && !c.operands.empty() &&
      c.operands[0].kind != expr::Operand::Kind::kPath) {
    const char* name = c.kind == K::kBetween ? "BETWEEN" : "begins_with";
    return validation_error("Invalid condition in KeyConditionExpression: " + std::string(name) +
                            " operator must have the key attribute as its first operand");
  }
  auto path_index = key_operand(c);
  if (!path_index) return path_index.error();
  KeyLeaf leaf;
  leaf.attribute = expr::resolve_name(c.operands[*path_index].path.elements[0], b);
  auto value = [&](std::size_t i) { return &b.values->find(c.operands[i].value)->second; };
  if (c.kind == K::kCompare) {
    leaf.op = flip(c.comparator, *path_index == 1);
    leaf.a = value(*path_index == 0 ? 1 : 0);
  } else if (c.kind == K::kBetween) {
    leaf.op = RangeOp::kBetween;
    leaf.a = value(1);
    leaf.b = value(2);
  } else {
    leaf.op = RangeOp::kBeginsWith;
    leaf.a = value(1);
  }
  return leaf;
}

Status collect_leaves(const expr::Condition& c, const expr::Bindings& b,
                      std::vector<KeyLeaf>& out) {
  if (c.kind == expr::Condition::Kind::kAnd) {
    for (const auto& child : c.children) {
      if (auto s = collect_leaves(child, b, out); !s) return s;
    }
    return ok_status();
  }
  auto leaf = leaf_of(c, b);
  if (!leaf) return leaf.error();
  for (const auto& l : out) {
    if (l.attribute == leaf->attribute) {
      return validation_error("KeyConditionExpressions must only contain one condition per key");
    }
  }
  out.push_back(std::move(*leaf));
  return ok_status();
}

AwsError invalid_start_key() { return validation_error("The provided starting key is invalid"); }

// A start key's value for one key attribute, as AWS checks it.
Status check_start_piece(const Item& key, const KeyAttribute& attr, bool is_hash) {
  auto it = key.find(attr.name);
  if (it == key.end() || it->second.type() != attr.type) {
    return validation_error("The provided key element does not match the schema");
  }
  return check_key_value(it->second, attr, is_hash);
}

// The attributes a start key must hold: the table's key, then the index's key attributes the
// table key does not have.
std::size_t start_key_size(const ReadTarget& target) {
  const auto& s = target.table.schema();
  std::set<std::string> names = {s.hash.name};
  if (s.range) names.insert(s.range->name);
  if (target.index) {
    names.insert(target.index->hash.name);
    if (target.index->range) names.insert(target.index->range->name);
  }
  return names.size();
}

// The start key as a key of the table.
Status check_start_table_key(const Table& table, const Item& key) {
  const auto& s = table.schema();
  for (int i = 0; i < (s.range ? 2 : 1); ++i) {
    if (auto st = check_start_piece(key, i == 0 ? s.hash : *s.range, i == 0); !st) {
      return validation_error("The provided starting key is invalid: " + st.error().message);
    }
  }
  return ok_status();
}

bool in_range(RangeOp op, const AttributeValue& v, const KeyLeaf& leaf) {
  const int c = compare_scalars(v, *leaf.a);
  switch (op) {
    case RangeOp::kEq: return c == 0;
    case RangeOp::kLt: return c < 0;
    case RangeOp::kLe: return c <= 0;
    case RangeOp::kGt: return c > 0;
    case RangeOp::kGe: return c >= 0;
    case RangeOp::kBetween: return c >= 0 && compare_scalars(v, *leaf.b) <= 0;
    case RangeOp::kBeginsWith: return v.scalar().starts_with(leaf.a->scalar());
    default: return true;
  }
}

// Whether the start key lies within the condition.
Status check_start_bounds(const ReadTarget& target, const KeyCondition& kc, const Item& key) {
  const bool same_hash = key.at(target.hash().name).scalar() == kc.hash->scalar();
  if (kc.op == RangeOp::kNone) {
    if (same_hash) return ok_status();
    return validation_error(
        "The provided starting key is outside query boundaries based on provided conditions");
  }
  const KeyLeaf range{target.range()->name, kc.op, kc.a, kc.b};
  if (!in_range(kc.op, key.at(range.attribute), range)) {
    return validation_error("The provided starting key does not match the range key predicate");
  }
  if (!same_hash) {
    return validation_error("The query can return at most one row and cannot be restarted");
  }
  return ok_status();
}

// One key attribute's condition (nullptr: none), checked against the attribute.
Status check_leaf(const KeyLeaf* leaf, const KeyAttribute& attr, bool is_hash, std::size_t leaves,
                  KeyCondition& kc) {
  if (!leaf) {
    if (is_hash || leaves > 1) {
      return validation_error("Query condition missed key schema element: " + attr.name);
    }
    return ok_status();
  }
  if (leaf->a->type() != attr.type || (leaf->b && leaf->b->type() != attr.type)) {
    return validation_error(
        "One or more parameter values were invalid: Condition parameter "
        "type does not match schema type");
  }
  if (is_hash) {
    if (leaf->op != RangeOp::kEq) return validation_error("Query key condition not supported");
    kc.hash = leaf->a;
  } else {
    kc.op = leaf->op;
    kc.a = leaf->a;
    kc.b = leaf->b;
  }
  return ok_status();
}

Status check_between_bounds(const KeyCondition& kc) {
  if (kc.op != RangeOp::kBetween || compare_scalars(*kc.a, *kc.b) <= 0) return ok_status();
  return validation_error(
      "Invalid KeyConditionExpression: The BETWEEN operator requires upper "
      "bound to be greater than or equal to lower bound; lower bound "
      "operand: AttributeValue: {" +
      std::string(type_name(kc.a->type())) + ":" + kc.a->scalar() +
      "}, upper bound operand: AttributeValue: {" + std::string(type_name(kc.b->type())) + ":" +
      kc.b->scalar() + "}");
}

void operand_paths(const expr::Operand& o, std::vector<expr::Path>& out) {
  if (o.kind == expr::Operand::Kind::kPath) out.push_back(o.path);
  for (const auto& a : o.args) operand_paths(a, out);
}

}  // namespace

Result<std::vector<KeyLeaf>> key_leaves(const expr::Condition& root, const expr::Bindings& b) {
  std::vector<KeyLeaf> leaves;
  if (auto s = collect_leaves(root, b, leaves); !s) return s.error();
  if (leaves.size() > 2) return validation_error("Conditions can be of length 1 or 2 only");
  return leaves;
}

Result<KeyCondition> query_key_condition(const ReadTarget& target,
                                         const std::vector<KeyLeaf>& leaves,
                                         const std::optional<Item>& start_key) {
  if (start_key && start_key->size() != start_key_size(target)) return invalid_start_key();
  const KeyAttribute* attrs[2] = {&target.hash(), target.range() ? &*target.range() : nullptr};
  KeyCondition kc;
  for (int i = 0; i < 2 && attrs[i]; ++i) {
    const KeyAttribute& attr = *attrs[i];
    const bool is_hash = i == 0;
    if (start_key) {
      if (!start_key->count(attr.name)) return invalid_start_key();
      if (auto s = check_start_piece(*start_key, attr, is_hash); !s) return s.error();
    }
    if (is_hash && !target.range() && leaves.size() > 1) {
      return validation_error("Query key condition not supported");
    }
    const KeyLeaf* leaf = nullptr;
    for (const auto& l : leaves) leaf = l.attribute == attr.name ? &l : leaf;
    if (auto s = check_leaf(leaf, attr, is_hash, leaves.size(), kc); !s) return s.error();
  }
  if (auto s = check_between_bounds(kc); !s) return s.error();
  if (start_key) {
    if (auto s = check_start_table_key(target.table, *start_key); !s) return s.error();
    if (auto s = check_start_bounds(target, kc, *start_key); !s) return s.error();
  }
  return kc;
}

Status check_scan_start_key(const ReadTarget& target, const std::optional<Item>& start_key) {
  if (!start_key) return ok_status();
  if (start_key->size() != start_key_size(target)) {
    if (target.index) return invalid_start_key();
    return validation_error(
        "The provided starting key is invalid: The provided key element does not match the "
        "schema");
  }
  if (!target.index) return ok_status();
  const KeyAttribute* attrs[2] = {&target.hash(), target.range() ? &*target.range() : nullptr};
  for (int i = 0; i < 2 && attrs[i]; ++i) {
    if (!start_key->count(attrs[i]->name)) return invalid_start_key();
    if (auto s = check_start_piece(*start_key, *attrs[i], i == 0); !s) return s.error();
  }
  return ok_status();
}

Status check_scan_start_table_key(const Table& table, const std::optional<Item>& start_key) {
  if (!start_key) return ok_status();
  return check_start_table_key(table, *start_key);
}

Status check_select_all_on_index(const ReadTarget& target, const std::optional<Select>& select) {
  // A local index fetches what it does not project from the table.
  if (!target.index || target.index->local || select != Select::kAllAttributes ||
      target.index->definition.projection_type == ProjectionType::kAll) {
    return ok_status();
  }
  return validation_error(
      "One or more parameter values were invalid: Select type ALL_ATTRIBUTES is not supported "
      "for global secondary index " +
      target.index->definition.index_name + " because its projection type is not ALL");
}

Status check_key_paths(const Table& table, const std::vector<expr::Path>& paths,
                       const expr::Bindings& b) {
  std::set<std::string> nested;
  for (const auto& p : paths) {
    if (p.elements.size() > 1) nested.insert(expr::resolve_name(p.elements[0], b));
  }
  if (nested.empty()) return ok_status();
  const std::string prefix =
      "Key attributes must be scalars; list random access '[]' and map lookup '.' are not "
      "allowed: ";
  const auto& s = table.schema();
  for (const auto* attr : {&s.hash, s.range ? &*s.range : nullptr}) {
    if (attr && nested.count(attr->name)) return validation_error(prefix + "Key: " + attr->name);
  }
  for (const auto& index : s.indexes) {
    for (const auto* attr : {&index.hash, index.range ? &*index.range : nullptr}) {
      if (attr && nested.count(attr->name)) {
        return validation_error(prefix + "IndexKey: " + attr->name);
      }
    }
  }
  return ok_status();
}

Status check_filter_keys(const ReadTarget& target, const expr::Condition& filter,
                         const expr::Bindings& b) {
  std::vector<expr::Path> paths;
  condition_paths(filter, paths);
  std::set<std::string> heads;
  for (const auto& p : paths) heads.insert(expr::resolve_name(p.elements[0], b));
  for (const auto* attr : {&target.hash(), target.range() ? &*target.range() : nullptr}) {
    if (attr && heads.count(attr->name)) {
      return validation_error(
          "Filter Expression can only contain non-primary key attributes: Primary key "
          "attribute: " +
          attr->name);
    }
  }
  return ok_status();
}

void condition_paths(const expr::Condition& c, std::vector<expr::Path>& out) {
  for (const auto& o : c.operands) operand_paths(o, out);
  for (const auto& child : c.children) condition_paths(child, out);
}

}  // namespace emu::dynamodb
