// Query and Scan: key conditions, index access, pagination, 1 MB pages, filters, projection.
#include <algorithm>

#include "emulator/dynamodb/ops/common.h"
#include "emulator/dynamodb/ops/key_checks.h"

namespace emu::dynamodb {

namespace {

constexpr std::size_t kPageBytes = 1024 * 1024;

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

// What a page read: the bytes of the entries read (index entries hold only what the index
// projects: for a local index, its projected item), and of the items fetched from the table.
struct ReadBytes {
  std::size_t read = 0;
  std::size_t fetched = 0;
};

// Shared page loop: `next()` yields the next Row or nullptr.
struct PageInput {
  const Table* table;
  const IndexSchema* index;
  const PreparedExpressions* prepared;
  std::optional<std::int64_t> limit;
  std::optional<Select> select;
  // A local index's read that wants attributes the index does not project: each item is
  // fetched from the table (AWS: "fetches each of these attributes from the parent table").
  bool fetch = false;
};

// The size of a row's entry in what is read. ASSUMPTION: a global index's entries are charged
// at the full item size (as its writes); a local index's at its projected size, as AWS's
// recorded capacities show.
std::size_t entry_size(const PageInput& in, const Row& row) {
  if (!in.index || !in.index->local ||
      in.index->definition.projection_type == ProjectionType::kAll) {
    return row.size;
  }
  return item_size(index_item(*in.table, *in.index, *row.item));
}

// The item a row contributes to a page.
Item page_item(const PageInput& in, const Row& row) {
  if (!in.index || in.fetch) return *row.item;
  return index_item(*in.table, *in.index, *row.item);
}

template <class Next>
void run_page(const PageInput& in, Next next, QueryResult& out, ReadBytes& bytes) {
  const bool count_only = in.select == Select::kCount;
  out.count_only = count_only;
  const Item* last = nullptr;
  bool more = true;
  while (true) {
    if (in.limit && out.scanned_count >= *in.limit) break;
    if (bytes.read >= kPageBytes) break;
    const Row* row = next();
    if (row == nullptr) {
      more = false;
      break;
    }
    ++out.scanned_count;
    bytes.read += entry_size(in, *row);
    if (in.fetch) bytes.fetched += row->size;
    last = row->item.get();
    const auto& p = *in.prepared;
    if (p.condition && !expr::evaluate(p.condition->value().root, last, p.bindings)) continue;
    ++out.count;
    if (count_only) continue;
    Item item = page_item(in, *row);
    out.items.push_back(p.projection ? expr::project(item, p.projection_paths) : std::move(item));
  }
  if (more && last != nullptr) out.last_evaluated_key = last_key(*in.table, in.index, *last);
}

// Whether a read of a local index must fetch items from the table: Select ALL_ATTRIBUTES, or
// a projection naming an attribute the index does not project.
bool fetches_from_table(const Table& t, const IndexSchema* index,
                        const std::optional<Select>& select, const PreparedExpressions& p) {
  if (!index || !index->local || index->definition.projection_type == ProjectionType::kAll) {
    return false;
  }
  if (select == Select::kAllAttributes) return true;
  if (select == Select::kCount) return false;
  const auto& s = t.schema();
  const auto& extra = index->definition.non_key_attributes;
  for (const auto& path : p.projection_paths) {
    const auto& head = path.elements[0].name;
    const bool projected = head == s.hash.name || (s.range && head == s.range->name) ||
                           (index->range && head == index->range->name) ||
                           std::find(extra.begin(), extra.end(), head) != extra.end();
    if (!projected) return true;
  }
  return false;
}

// Charges a page's reads and reports them.
// What a Query's or a Scan's page loop reads, from its request.
template <class Request>
PageInput page_input(const Table& t, const IndexSchema* index, const PreparedExpressions& prepared,
                     const Request& request) {
  return PageInput{&t,
                   index,
                   &prepared,
                   request.limit,
                   request.select,
                   fetches_from_table(t, index, request.select, prepared)};
}

std::optional<AwsError> charge_page(Database& db, const Table& t, const IndexSchema* index,
                                    const ReadBytes& bytes, bool consistent,
                                    ReturnConsumedCapacity mode, QueryResult& result, Micros now) {
  ConsumedCapacity consumed;
  const double fetch_units = bytes.fetched > 0 ? read_units(bytes.fetched, consistent) : 0;
  if (auto err = Ops::charge_read(db, t, index, read_units(bytes.read, consistent), consumed, now,
                                  fetch_units)) {
    return err;
  }
  result.consumed_capacity = Ops::report(consumed, mode);
  return std::nullopt;
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
  if (consistent && !index->schema.local) {
    return validation_error("Consistent reads are not supported on global secondary indexes");
  }
  return &index->schema;
}

// Where a checked ExclusiveStartKey places the read.
std::optional<IndexKeyEnc> start_place(const Table& t, const IndexSchema* index,
                                       const std::optional<Item>& esk) {
  if (!esk) return std::nullopt;
  const KeyEnc key = t.key_of(*esk);
  if (!index) return IndexKeyEnc{key.hash, key.range, 0, {}};
  return t.index_key(*index, *esk, key);
}

// A filter's nested paths through key attributes.
Status check_filter_paths(const Table& t, const PreparedExpressions& p) {
  if (!p.condition) return ok_status();
  std::vector<expr::Path> filter_paths;
  condition_paths(p.condition->value().root, filter_paths);
  return check_key_paths(t, filter_paths, p.bindings);
}

Table::Reader reader_for(Table& t, const IndexSchema* index, RangeRead range) {
  return index ? t.read_index(t.index_number(*index), std::move(range))
               : t.read_rows(std::move(range));
}

Status check_segments(const ScanRequest& request) {
  if (request.segment.has_value() != request.total_segments.has_value()) {
    return validation_error(request.segment
                                ? "The TotalSegments parameter is required but was not present "
                                  "in the request when Segment parameter is present"
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
  return ok_status();
}

// Scan's checks once the table and index are known, in AWS's order.
Status check_scan_target(const ReadTarget& target, const ScanRequest& request,
                         const PreparedExpressions& prepared) {
  if (auto s = check_scan_start_key(target, request.exclusive_start_key); !s) return s;
  if (auto s = check_select_all_on_index(target, request.select); !s) return s;
  if (auto s = check_scan_start_table_key(target.table, request.exclusive_start_key); !s) {
    return s;
  }
  if (auto s = check_key_paths(target.table, prepared.projection_paths, expr::Bindings{}); !s) {
    return s;
  }
  return check_filter_paths(target.table, prepared);
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
  // The key condition's own checks come before the table is looked up, as on AWS.
  auto leaves = key_leaves(prepared->key_condition->value().root, prepared->bindings);
  if (!leaves) return leaves.error();
  auto table = Ops::table(*this, request.table_name);
  if (!table) return table.error();
  Table& t = **table;
  auto index = find_index(t, request.index_name, request.consistent_read);
  if (!index) return index.error();
  if (auto s = check_select(request.select, prepared->projection != nullptr, *index); !s) {
    return s.error();
  }
  const ReadTarget target{t, *index};
  auto kc = query_key_condition(target, *leaves, request.exclusive_start_key);
  if (!kc) return kc.error();
  if (auto s = check_key_paths(t, prepared->projection_paths, expr::Bindings{}); !s) {
    return s.error();
  }
  if (prepared->condition) {
    const auto& filter = prepared->condition->value().root;
    if (auto s = check_filter_keys(target, filter, prepared->bindings); !s) return s.error();
  }
  if (auto s = check_select_all_on_index(target, request.select); !s) return s.error();
  if (auto s = check_filter_paths(t, *prepared); !s) return s.error();
  const auto esk = start_place(t, *index, request.exclusive_start_key);
  QueryResult result;
  ReadBytes bytes;
  const PageInput in = page_input(t, *index, *prepared, request);
  RangeRead keys = key_range(*kc);
  keys.forward = request.scan_index_forward;
  if (esk) continue_after(keys, place_of(*esk, *index != nullptr));
  flush();  // the read goes to the store
  auto reader = reader_for(t, *index, std::move(keys));
  run_page(in, [&] { return reader.next(); }, result, bytes);
  if (auto err = charge_page(*this, t, *index, bytes, request.consistent_read,
                             request.return_consumed_capacity, result, now)) {
    return *err;
  }
  return result;
}

Result<ScanResult> Database::scan(const ScanRequest& request, Micros now) {
  if (auto err = Ops::begin(*this, "Scan", request.table_name, now)) return *err;
  if (auto s = check_segments(request); !s) return s.error();
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
  if (auto s = check_scan_target(ReadTarget{t, *index}, request, *prepared); !s) {
    return s.error();
  }
  const auto esk = start_place(t, *index, request.exclusive_start_key);
  ScanResult result;
  ReadBytes bytes;
  const PageInput in = page_input(t, *index, *prepared, request);
  // ASSUMPTION: segment membership by a hash of the partition key, as AWS splits by key hash.
  auto in_segment = [&](const std::string& hash) {
    return !request.segment ||
           fnv1a64(hash) % static_cast<std::uint64_t>(*request.total_segments) ==
               static_cast<std::uint64_t>(*request.segment);
  };
  RangeRead range;
  if (esk) continue_after(range, place_of(*esk, *index != nullptr));
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
  if (auto err = charge_page(*this, t, *index, bytes, request.consistent_read,
                             request.return_consumed_capacity, result, now)) {
    return *err;
  }
  return result;
}

}  // namespace emu::dynamodb
