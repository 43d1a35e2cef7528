// Query and Scan: key conditions, index access, pagination, 1 MB pages, filters, projection.
#include <algorithm>

#include "emulator/dynamodb/ops/common.h"

namespace emu::dynamodb {

namespace {

constexpr std::size_t kPageBytes = 1024 * 1024;

enum class RangeOp { kNone, kEq, kLt, kLe, kGt, kGe, kBetween, kBeginsWith };

struct KeyCondition {
  const AttributeValue* hash = nullptr;
  RangeOp op = RangeOp::kNone;
  const AttributeValue* a = nullptr;
  const AttributeValue* b = nullptr;
};

struct Leaf {
  std::string attribute;
  RangeOp op;
  const AttributeValue* a = nullptr;
  const AttributeValue* b = nullptr;
};

RangeOp flip(expr::Comparator c, bool flipped) {
  switch (c) {
    case expr::Comparator::kEq:
      return RangeOp::kEq;
    case expr::Comparator::kLt:
      return flipped ? RangeOp::kGt : RangeOp::kLt;
    case expr::Comparator::kLe:
      return flipped ? RangeOp::kGe : RangeOp::kLe;
    case expr::Comparator::kGt:
      return flipped ? RangeOp::kLt : RangeOp::kGt;
    default:
      return flipped ? RangeOp::kLe : RangeOp::kGe;
  }
}

const char* kInvalidCondition = "Invalid condition in KeyConditionExpression: ";

Result<Leaf> leaf_of(const expr::Condition& c, const expr::Bindings& b) {
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
  int path_index = -1;
  for (std::size_t i = 0; i < c.operands.size(); ++i) {
    const auto& op = c.operands[i];
    if (op.kind == expr::Operand::Kind::kSize) {
      return validation_error("KeyConditionExpressions cannot contain nested operations");
    }
    if (op.kind != expr::Operand::Kind::kPath) continue;
    if (path_index >= 0) {
      return validation_error(std::string(kInvalidCondition) +
                              "Multiple attribute names used in one condition");
    }
    if (op.path.elements.size() > 1) {
      return validation_error(
          "KeyConditionExpressions cannot have conditions on nested attributes");
    }
    path_index = static_cast<int>(i);
  }
  if (path_index < 0) {
    return validation_error(std::string(kInvalidCondition) + "No key attribute specified");
  }
  Leaf leaf;
  leaf.attribute = expr::resolve_name(c.operands[path_index].path.elements[0], b);
  auto value = [&](std::size_t i) { return &b.values->find(c.operands[i].value)->second; };
  if (c.kind == K::kCompare) {
    leaf.op = flip(c.comparator, path_index == 1);
    leaf.a = value(path_index == 0 ? 1 : 0);
  } else if (path_index != 0) {
    const char* name = c.kind == K::kBetween ? "BETWEEN" : "begins_with";
    return validation_error(std::string(kInvalidCondition) + name +
                            " operator must have the key attribute as its first operand");
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

Status collect_leaves(const expr::Condition& c, const expr::Bindings& b, std::vector<Leaf>& out) {
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

Result<KeyCondition> key_condition(const expr::Condition& root, const expr::Bindings& b,
                                   const KeyAttribute& hash,
                                   const std::optional<KeyAttribute>& range) {
  std::vector<Leaf> leaves;
  if (auto s = collect_leaves(root, b, leaves); !s) return s.error();
  if (leaves.size() > 2) return validation_error("Conditions can be of length 1 or 2 only");
  KeyCondition kc;
  for (const auto& leaf : leaves) {
    const bool is_hash = leaf.attribute == hash.name;
    const bool is_range = range && leaf.attribute == range->name;
    if (!is_hash && !is_range) continue;
    const Type want = is_hash ? hash.type : range->type;
    if (leaf.a->type() != want || (leaf.b && leaf.b->type() != want)) {
      return validation_error(
          "One or more parameter values were invalid: Condition parameter "
          "type does not match schema type");
    }
    if (is_hash) {
      if (leaf.op != RangeOp::kEq) return validation_error("Query key condition not supported");
      kc.hash = leaf.a;
    } else {
      kc.op = leaf.op;
      kc.a = leaf.a;
      kc.b = leaf.b;
    }
  }
  if (kc.hash == nullptr) {
    return validation_error("Query condition missed key schema element: " + hash.name);
  }
  const std::size_t used = 1 + (kc.op != RangeOp::kNone ? 1 : 0);
  if (used != leaves.size()) {
    if (!range) return validation_error("Query key condition not supported");
    return validation_error("Query condition missed key schema element: " + range->name);
  }
  if (kc.op == RangeOp::kBetween && compare_scalars(*kc.a, *kc.b) > 0) {
    return validation_error(
        "Invalid KeyConditionExpression: The BETWEEN operator requires upper "
        "bound to be greater than or equal to lower bound; lower bound "
        "operand: AttributeValue: {" +
        std::string(type_name(kc.a->type())) + ":" + kc.a->scalar() +
        "}, upper bound operand: AttributeValue: {" + std::string(type_name(kc.b->type())) + ":" +
        kc.b->scalar() + "}");
  }
  return kc;
}

std::string successor(std::string s) {
  s.push_back('\0');
  return s;
}

// The smallest string greater than every string starting with `prefix`, or nullopt.
std::optional<std::string> prefix_end(std::string prefix) {
  while (!prefix.empty() && static_cast<unsigned char>(prefix.back()) == 0xff) prefix.pop_back();
  if (prefix.empty()) return std::nullopt;
  prefix.back() = static_cast<char>(static_cast<unsigned char>(prefix.back()) + 1);
  return prefix;
}

RangeBound at(std::string h, std::string r, bool inclusive = true) {
  return RangeBound{{std::move(h), std::move(r)}, inclusive};
}

// The key condition as a range of (hash, range) prefixes: [lower, upper), over table rows and
// index entries alike (an index entry's place starts with its index key).
RangeRead key_range(const KeyCondition& kc) {
  const std::string h = sort_key(*kc.hash);
  const std::string a = kc.a ? sort_key(*kc.a) : "";
  RangeRead r;
  auto set = [&](RangeBound lower, RangeBound upper) {
    r.lower = std::move(lower);
    upper.inclusive = false;
    r.upper = std::move(upper);
  };
  const RangeBound partition_start = at(h, ""), partition_end = at(successor(h), "");
  switch (kc.op) {
    case RangeOp::kEq:
      set(at(h, a), at(h, successor(a)));
      break;
    case RangeOp::kLt:
      set(partition_start, at(h, a));
      break;
    case RangeOp::kLe:
      set(partition_start, at(h, successor(a)));
      break;
    case RangeOp::kGt:
      set(at(h, successor(a)), partition_end);
      break;
    case RangeOp::kGe:
      set(at(h, a), partition_end);
      break;
    case RangeOp::kBetween:
      set(at(h, a), at(h, successor(sort_key(*kc.b))));
      break;
    case RangeOp::kBeginsWith: {
      auto end = prefix_end(a);
      set(at(h, a), end ? at(h, *end) : partition_end);
      break;
    }
    default:
      set(partition_start, partition_end);
  }
  return r;
}

// The place an ExclusiveStartKey names: (hash, range) for table rows, (index hash, index range,
// table-key digest, table hash, table range) for index entries.
std::vector<std::string> place_of(const IndexKeyEnc& key, bool index) {
  if (!index) return {key.hash, key.range};
  return {key.hash, key.range, ItemStore::digest_bound(key.table_hash), key.table.hash,
          key.table.range};
}

// Compares the first min(a, b) values of two places.
int compare_prefix(const std::vector<std::string>& a, const std::vector<std::string>& b) {
  for (std::size_t i = 0; i < a.size() && i < b.size(); ++i) {
    if (const int c = a[i].compare(b[i]); c != 0) return c < 0 ? -1 : 1;
  }
  return 0;
}

// Narrows `range` to what comes after `place` in the read's direction.
void continue_after(RangeRead& range, std::vector<std::string> place) {
  RangeBound after{std::move(place), false};
  if (range.forward) {
    if (!range.lower || compare_prefix(after.values, range.lower->values) >= 0) {
      range.lower = std::move(after);
    }
  } else if (!range.upper || compare_prefix(after.values, range.upper->values) < 0) {
    range.upper = std::move(after);
  }
}

Item index_item(const Table& table, const IndexSchema& index, const Item& item) {
  if (index.definition.projection_type == ProjectionType::kAll) return item;
  Item out = table.key_item(item);
  auto copy = [&](const std::string& name) {
    if (auto it = item.find(name); it != item.end()) out.insert_or_assign(name, it->second);
  };
  copy(index.hash.name);
  if (index.range) copy(index.range->name);
  for (const auto& name : index.definition.non_key_attributes) copy(name);
  return out;
}

Item last_key(const Table& table, const IndexSchema* index, const Item& item) {
  Item key = table.key_item(item);
  if (index) {
    key.insert_or_assign(index->hash.name, item.at(index->hash.name));
    if (index->range) key.insert_or_assign(index->range->name, item.at(index->range->name));
  }
  return key;
}

// Shared page loop: `next()` yields the next Row or nullptr.
struct PageInput {
  const Table* table;
  const IndexSchema* index;
  const PreparedExpressions* prepared;
  std::optional<std::int64_t> limit;
  std::optional<Select> select;
};

template <class Next>
void run_page(const PageInput& in, Next next, QueryResult& out, std::size_t& scanned_bytes) {
  const bool count_only = in.select == Select::kCount;
  out.count_only = count_only;
  const Item* last = nullptr;
  bool more = true;
  while (true) {
    if (in.limit && out.scanned_count >= *in.limit) break;
    if (scanned_bytes >= kPageBytes) break;
    const Row* row = next();
    if (row == nullptr) {
      more = false;
      break;
    }
    ++out.scanned_count;
    scanned_bytes += row->size;
    last = row->item.get();
    const auto& p = *in.prepared;
    if (p.condition && !expr::evaluate(p.condition->value().root, last, p.bindings)) continue;
    ++out.count;
    if (count_only) continue;
    Item item = in.index ? index_item(*in.table, *in.index, *last) : *last;
    out.items.push_back(p.projection ? expr::project(item, p.projection_paths) : std::move(item));
  }
  if (more && last != nullptr) out.last_evaluated_key = last_key(*in.table, in.index, *last);
}

Status check_select(const std::optional<Select>& select, bool has_projection, bool has_index) {
  if (select == Select::kSpecificAttributes && !has_projection) {
    return validation_error(
        "One or more parameter values were invalid: Select type "
        "SPECIFIC_ATTRIBUTES requires AttributesToGet or "
        "ProjectionExpression");
  }
  if (select && select != Select::kSpecificAttributes && has_projection) {
    return validation_error(
        "One or more parameter values were invalid: Can not use both "
        "expression and non-expression parameters in the same request");
  }
  if (select == Select::kAllProjectedAttributes && !has_index) {
    return validation_error(
        "One or more parameter values were invalid: Select type "
        "ALL_PROJECTED_ATTRIBUTES is not valid for table");
  }
  return ok_status();
}

Result<const IndexSchema*> find_index(const Table& t, const std::optional<std::string>& name,
                                      bool consistent) {
  if (!name) return static_cast<const IndexSchema*>(nullptr);
  const Index* index = t.index(*name);
  if (index == nullptr) {
    return validation_error("The table does not have the specified index: " + *name);
  }
  if (consistent) {
    return validation_error("Consistent reads are not supported on global secondary indexes");
  }
  return &index->schema;
}

Result<std::optional<IndexKeyEnc>> start_key(const Table& t, const IndexSchema* index,
                                             const std::optional<Item>& esk) {
  if (!esk) return std::optional<IndexKeyEnc>();
  const AwsError invalid = validation_error("The provided starting key is invalid");
  if (auto s = Ops::validate_key(t, t.key_item(*esk)); !s) return invalid;
  const KeyEnc key = t.key_of(*esk);
  if (!index) return std::optional<IndexKeyEnc>(IndexKeyEnc{key.hash, key.range, 0, {}});
  auto ik = t.index_key(*index, *esk, key);
  if (!ik) return invalid;
  return std::optional<IndexKeyEnc>(*ik);
}

Table::Reader reader_for(Table& t, const IndexSchema* index, RangeRead range) {
  return index ? t.read_index(t.index_number(*index), std::move(range))
               : t.read_rows(std::move(range));
}

}  // namespace

Result<QueryResult> Database::query(const QueryRequest& request, Micros now) {
  if (auto err = Ops::begin(*this, "Query", request.table_name, now)) return *err;
  if (!request.key_condition_expression) {
    return validation_error(
        "Either the KeyConditions or KeyConditionExpression parameter must "
        "be specified in the request.");
  }
  ExpressionTexts texts;
  texts.key_condition = &request.key_condition_expression;
  texts.condition = &request.filter_expression;
  texts.condition_kind = "FilterExpression";
  texts.projection = &request.projection_expression;
  auto prepared = Ops::prepare(*this, texts, request.attributes);
  if (!prepared) return prepared.error();
  auto table = Ops::table(*this, request.table_name);
  if (!table) return table.error();
  Table& t = **table;
  auto index = find_index(t, request.index_name, request.consistent_read);
  if (!index) return index.error();
  if (auto s = check_select(request.select, prepared->projection != nullptr, *index); !s) {
    return s.error();
  }
  const KeyAttribute& hash = *index ? (*index)->hash : t.schema().hash;
  const auto& range = *index ? (*index)->range : t.schema().range;
  auto kc = key_condition(prepared->key_condition->value().root, prepared->bindings, hash, range);
  if (!kc) return kc.error();
  auto esk = start_key(t, *index, request.exclusive_start_key);
  if (!esk) return esk.error();
  QueryResult result;
  std::size_t bytes = 0;
  const PageInput in{&t, *index, &*prepared, request.limit, request.select};
  RangeRead keys = key_range(*kc);
  keys.forward = request.scan_index_forward;
  if (*esk) continue_after(keys, place_of(**esk, *index != nullptr));
  flush();  // the read goes to the store
  auto reader = reader_for(t, *index, std::move(keys));
  run_page(in, [&] { return reader.next(); }, result, bytes);
  ConsumedCapacity consumed;
  const std::string index_name = *index ? (*index)->definition.index_name : "";
  if (auto err = Ops::charge_read(*this, t, index_name, read_units(bytes, request.consistent_read),
                                  consumed, now)) {
    return *err;
  }
  result.consumed_capacity = Ops::report(consumed, request.return_consumed_capacity);
  return result;
}

Result<ScanResult> Database::scan(const ScanRequest& request, Micros now) {
  if (auto err = Ops::begin(*this, "Scan", request.table_name, now)) return *err;
  if (request.segment.has_value() != request.total_segments.has_value()) {
    return validation_error(request.segment
                                ? "The TotalSegments parameter is required but was not present "
                                  "in the request when parameter Segment is present"
                                : "The Segment parameter is required but was not present in the "
                                  "request when parameter TotalSegments is present");
  }
  if (request.segment && *request.segment >= *request.total_segments) {
    return validation_error(
        "The Segment parameter is zero-based and must be less than "
        "parameter TotalSegments: Segment: " +
        std::to_string(*request.segment) +
        " is not less than TotalSegments: " + std::to_string(*request.total_segments));
  }
  ExpressionTexts texts;
  texts.condition = &request.filter_expression;
  texts.condition_kind = "FilterExpression";
  texts.projection = &request.projection_expression;
  auto prepared = Ops::prepare(*this, texts, request.attributes);
  if (!prepared) return prepared.error();
  auto table = Ops::table(*this, request.table_name);
  if (!table) return table.error();
  Table& t = **table;
  auto index = find_index(t, request.index_name, request.consistent_read);
  if (!index) return index.error();
  if (auto s = check_select(request.select, prepared->projection != nullptr, *index); !s) {
    return s.error();
  }
  auto esk = start_key(t, *index, request.exclusive_start_key);
  if (!esk) return esk.error();
  ScanResult result;
  std::size_t bytes = 0;
  const PageInput in{&t, *index, &*prepared, request.limit, request.select};
  // ASSUMPTION: segment membership by a hash of the partition key, as AWS splits by key hash.
  auto in_segment = [&](const std::string& hash) {
    return !request.segment ||
           fnv1a64(hash) % static_cast<std::uint64_t>(*request.total_segments) ==
               static_cast<std::uint64_t>(*request.segment);
  };
  RangeRead range;
  if (*esk) continue_after(range, place_of(**esk, *index != nullptr));
  flush();  // the read goes to the store
  auto reader = reader_for(t, *index, std::move(range));
  run_page(
      in,
      [&]() -> const Row* {
        while (const Row* row = reader.next()) {
          if (!request.segment ||
              in_segment(sort_key(row->item->find(t.schema().hash.name)->second))) {
            return row;
          }
        }
        return nullptr;
      },
      result, bytes);
  ConsumedCapacity consumed;
  const std::string index_name = *index ? (*index)->definition.index_name : "";
  if (auto err = Ops::charge_read(*this, t, index_name, read_units(bytes, request.consistent_read),
                                  consumed, now)) {
    return *err;
  }
  result.consumed_capacity = Ops::report(consumed, request.return_consumed_capacity);
  return result;
}

}  // namespace emu::dynamodb
