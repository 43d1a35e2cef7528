// DynamoDB attribute values and items, independent of any wire format.
//
// An AttributeValue is one of S, N, B, BOOL, NULL, L, M, SS, NS, BS. Numbers are kept as their
// canonical decimal text (the form DynamoDB returns: no exponent, no leading or trailing zeros,
// "-0" -> "0"), so equality is text equality and arithmetic is exact decimal arithmetic.
// Binary values hold raw bytes (base64 exists only on the wire). Sets keep insertion order.
//
// Items map attribute names to values, ordered by name (item.h). Stored items are immutable and shared
// (std::shared_ptr<const Item>) between the table, its indexes and stream records, so a stream
// record never copies the image.
#pragma once

#include <compare>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "emulator/core/result.h"
#include "emulator/dynamodb/item.h"

namespace emu::dynamodb {

enum class Type : std::uint8_t { kS, kN, kB, kBool, kNull, kL, kM, kSS, kNS, kBS };

// "S", "N", "B", "BOOL", "NULL", "L", "M", "SS", "NS", "BS".
std::string_view type_name(Type type);
std::optional<Type> type_from_name(std::string_view name);
bool is_set_type(Type type);
// The element type of a set type (SS -> S), or the type itself.
Type set_element_type(Type type);

class AttributeValue;
using Item = SortedAttributes<AttributeValue>;
// Shared and read-only once stored. Every stored item is created as a non-const Item
// (std::make_shared<Item>), so that the one table that alone holds an item may change it in
// place (Table::exclusive_item); nothing else writes through an ItemPtr.
using ItemPtr = std::shared_ptr<const Item>;

class AttributeValue {
 public:
  // Copies and moves are inline (items copy tens of values per write); only lists, maps and
  // sets take the out-of-line path.
  AttributeValue() noexcept = default;  // NULL
  AttributeValue(const AttributeValue& other)
      : type_(other.type_),
        bool_(other.bool_),
        str_(other.str_),
        composite_(other.composite_ != nullptr ? clone(*other.composite_) : nullptr) {}
  AttributeValue(AttributeValue&& other) noexcept
      : type_(other.type_),
        bool_(other.bool_),
        str_(std::move(other.str_)),
        composite_(std::exchange(other.composite_, nullptr)) {}
  AttributeValue& operator=(const AttributeValue& other) {
    if (composite_ == nullptr && other.composite_ == nullptr) {
      // A string that fits reuses this value's buffer: no allocation when an item's attribute
      // is overwritten with a value of similar size.
      type_ = other.type_;
      bool_ = other.bool_;
      str_ = other.str_;
      return *this;
    }
    return assign_composite(other);
  }
  AttributeValue& operator=(AttributeValue&& other) noexcept {
    if (this != &other) {
      // `other` may live inside this value's list or map: take it before freeing ours.
      Composite* old = composite_;
      type_ = other.type_;
      bool_ = other.bool_;
      str_ = std::move(other.str_);
      composite_ = std::exchange(other.composite_, nullptr);
      if (old != nullptr) destroy(old);
    }
    return *this;
  }
  ~AttributeValue() { release(); }

  static AttributeValue string(std::string s);
  // `canonical` must already be canonical (see canonical_number()).
  static AttributeValue number(std::string canonical);
  static AttributeValue number(std::int64_t n);
  static AttributeValue binary(std::string bytes);
  static AttributeValue boolean(bool b);
  static AttributeValue null();
  static AttributeValue list(std::vector<AttributeValue> elements);
  static AttributeValue map(Item members);
  // `type` is kSS, kNS or kBS; elements of NS must be canonical numbers.
  static AttributeValue set(Type type, std::vector<std::string> elements);

  // In-place scalar assignment that reuses this value's storage (hot paths refill the same
  // request's values again and again). Any list, map or set content is dropped.
  void assign_string(std::string_view s);
  void assign_number(std::int64_t n);
  void assign_boolean(bool b);
  void assign_null();

  Type type() const { return type_; }
  // S text, N canonical text or B bytes.
  const std::string& scalar() const { return str_; }
  bool bool_value() const { return bool_; }
  const std::vector<AttributeValue>& list_value() const;
  std::vector<AttributeValue>& list_value();
  const Item& map_value() const;
  Item& map_value();
  const std::vector<std::string>& set_value() const;
  std::vector<std::string>& set_value();

  // Deep equality; sets compare as sets (order-insensitive).
  bool operator==(const AttributeValue& other) const;

 private:
  // Lists, maps and sets live behind one pointer, so the scalars that make up nearly every
  // item are small (a string and a tag) and cheap to copy.
  struct Composite;
  Composite& composite();
  static Composite* clone(const Composite& c);
  static void destroy(Composite* c) noexcept;
  void release() noexcept {
    if (composite_ != nullptr) destroy(std::exchange(composite_, nullptr));
  }
  AttributeValue& assign_composite(const AttributeValue& other);

  Type type_ = Type::kNull;
  bool bool_ = true;  // NULL's value is always true; BOOL's value otherwise
  std::string str_;
  Composite* composite_ = nullptr;  // owned
};

// ---- Numbers (exact decimal) ----

// Validates and canonicalises DynamoDB number text. Errors are ValidationException with
// DynamoDB's messages ("The parameter cannot be converted to a numeric value: x", "Attempting
// to store more than 38 significant digits in a Number", overflow/underflow).
Result<std::string> canonical_number(std::string_view text);
// Compares two canonical numbers numerically: <0, 0, >0.
int compare_numbers(std::string_view a, std::string_view b);
// a + b and a - b, exact; errors if the result needs more than 38 significant digits or is
// out of DynamoDB's range.
Result<std::string> add_numbers(std::string_view a, std::string_view b);
Result<std::string> subtract_numbers(std::string_view a, std::string_view b);

// ---- Ordering ----

// Order of two values of the same scalar type as DynamoDB compares them (S and B by unsigned
// bytes, N numerically). Different types compare by type.
int compare_scalars(const AttributeValue& a, const AttributeValue& b);
// A byte string whose lexicographic order equals compare_scalars() order for S, N or B values
// (used as the key of ordered maps).
std::string sort_key(const AttributeValue& value);

// ---- Sizes (aws-fidelity 3.3; dynalite's itemSize) ----

std::size_t value_size(const AttributeValue& value);
// Sum over attributes of UTF-8 name length + value size.
std::size_t item_size(const Item& item);

// ---- Storage encoding (compact binary, for SQLite) ----

void encode_item(const Item& item, std::string& out);
// False if `data` is not a valid encoding.
bool decode_item(std::string_view data, Item& out);

// A ValidationException with `message`.
AwsError validation_error(std::string message);

}  // namespace emu::dynamodb
