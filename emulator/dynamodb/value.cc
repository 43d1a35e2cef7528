#include "emulator/dynamodb/value.h"

#include <algorithm>
#include <array>
#include <charconv>

#include "emulator/core/errors.h"

namespace emu::dynamodb {

namespace {

constexpr std::array<std::string_view, 10> kTypeNames = {"S", "N", "B",  "BOOL", "NULL",
                                                         "L", "M", "SS", "NS",   "BS"};
constexpr int kMaxDigits = 38;
constexpr int kMaxExponent = 125;
constexpr int kMinExponent = -130;

// A decimal: (-1)^negative * d1.d2d3... * 10^exponent; digits has no leading or trailing
// zeros; zero is an empty digit string.
struct Decimal {
  bool negative = false;
  std::string digits;
  int exponent = 0;
};

std::optional<Decimal> parse_decimal(std::string_view text) {
  std::size_t i = 0;
  Decimal d;
  if (i < text.size() && text[i] == '-') {
    d.negative = true;
    ++i;
  }
  std::string all;
  int point = -1;
  bool any_digit = false;
  for (; i < text.size(); ++i) {
    const char c = text[i];
    if (c >= '0' && c <= '9') {
      all.push_back(c);
      any_digit = true;
    } else if (c == '.' && point < 0) {
      point = static_cast<int>(all.size());
    } else {
      break;
    }
  }
  if (!any_digit) return std::nullopt;
  long exp10 = 0;
  if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
    ++i;
    bool neg = false;
    if (i < text.size() && (text[i] == '+' || text[i] == '-')) neg = text[i++] == '-';
    if (i >= text.size()) return std::nullopt;
    for (; i < text.size(); ++i) {
      if (text[i] < '0' || text[i] > '9') return std::nullopt;
      if (exp10 < 100000) exp10 = exp10 * 10 + (text[i] - '0');
    }
    if (neg) exp10 = -exp10;
  }
  if (i != text.size()) return std::nullopt;
  if (point < 0) point = static_cast<int>(all.size());
  const auto first = all.find_first_not_of('0');
  if (first == std::string::npos) return Decimal{};  // zero
  const auto last = all.find_last_not_of('0');
  d.digits = all.substr(first, last - first + 1);
  d.exponent = static_cast<int>(point - static_cast<long>(first) - 1 + exp10);
  return d;
}

std::string format_decimal(const Decimal& d) {
  if (d.digits.empty()) return "0";
  std::string out = d.negative ? "-" : "";
  const int n = static_cast<int>(d.digits.size());
  const int e = d.exponent;
  if (e >= n - 1) {
    out += d.digits;
    out.append(static_cast<std::size_t>(e - n + 1), '0');
  } else if (e >= 0) {
    out.append(d.digits, 0, static_cast<std::size_t>(e + 1));
    out.push_back('.');
    out.append(d.digits, static_cast<std::size_t>(e + 1));
  } else {
    out += "0.";
    out.append(static_cast<std::size_t>(-e - 1), '0');
    out += d.digits;
  }
  return out;
}

std::optional<AwsError> check_range(const Decimal& d) {
  if (d.digits.empty()) return std::nullopt;
  if (d.exponent > kMaxExponent) {
    return validation_error(
        "Number overflow. Attempting to store a number with magnitude larger than supported "
        "range");
  }
  if (d.exponent < kMinExponent) {
    return validation_error(
        "Number underflow. Attempting to store a number with magnitude smaller than supported "
        "range");
  }
  if (static_cast<int>(d.digits.size()) > kMaxDigits) {
    return validation_error("Attempting to store more than 38 significant digits in a Number");
  }
  return std::nullopt;
}

Decimal parse_canonical(std::string_view text) {
  auto d = parse_decimal(text);
  return d ? *d : Decimal{};
}

// Magnitude comparison of two unsigned integer digit strings without leading zeros.
int compare_magnitude(const std::string& a, const std::string& b) {
  if (a.size() != b.size()) return a.size() < b.size() ? -1 : 1;
  const int c = a.compare(b);
  return c < 0 ? -1 : (c > 0 ? 1 : 0);
}

std::string add_magnitudes(const std::string& a, const std::string& b) {
  std::string out;
  int carry = 0;
  for (std::size_t i = 0; i < std::max(a.size(), b.size()) || carry; ++i) {
    int s = carry;
    if (i < a.size()) s += a[a.size() - 1 - i] - '0';
    if (i < b.size()) s += b[b.size() - 1 - i] - '0';
    out.push_back(static_cast<char>('0' + s % 10));
    carry = s / 10;
  }
  std::reverse(out.begin(), out.end());
  return out;
}

// a - b for magnitudes with a >= b.
std::string sub_magnitudes(const std::string& a, const std::string& b) {
  std::string out;
  int borrow = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    int s = (a[a.size() - 1 - i] - '0') - borrow;
    if (i < b.size()) s -= b[b.size() - 1 - i] - '0';
    borrow = s < 0 ? 1 : 0;
    out.push_back(static_cast<char>('0' + (s + 10) % 10));
  }
  while (out.size() > 1 && out.back() == '0') out.pop_back();
  std::reverse(out.begin(), out.end());
  return out;
}

// Integer digit string scaled so that value = int * 10^low, for alignment.
std::string scaled_integer(const Decimal& d, int low) {
  const int own_low = d.exponent - static_cast<int>(d.digits.size()) + 1;
  std::string s = d.digits;
  s.append(static_cast<std::size_t>(own_low - low), '0');
  return s;
}

Decimal from_integer(bool negative, const std::string& integer, int low) {
  Decimal d;
  const auto first = integer.find_first_not_of('0');
  if (first == std::string::npos) return d;
  const auto last = integer.find_last_not_of('0');
  d.negative = negative;
  d.digits = integer.substr(first, last - first + 1);
  d.exponent = low + static_cast<int>(integer.size() - first) - 1;
  return d;
}

Result<std::string> add_signed(std::string_view a, std::string_view b, bool negate_b) {
  Decimal x = parse_canonical(a);
  Decimal y = parse_canonical(b);
  if (negate_b && !y.digits.empty()) y.negative = !y.negative;
  if (x.digits.empty() && y.digits.empty()) return std::string("0");
  auto low_of = [](const Decimal& d) {
    return d.digits.empty() ? 0 : d.exponent - static_cast<int>(d.digits.size()) + 1;
  };
  const int low =
      std::min(x.digits.empty() ? low_of(y) : low_of(x), y.digits.empty() ? low_of(x) : low_of(y));
  const std::string xi = x.digits.empty() ? "0" : scaled_integer(x, low);
  const std::string yi = y.digits.empty() ? "0" : scaled_integer(y, low);
  Decimal r;
  if (x.negative == y.negative || x.digits.empty() || y.digits.empty()) {
    const bool neg = x.digits.empty() ? y.negative : x.negative;
    r = from_integer(neg, add_magnitudes(xi, yi), low);
  } else if (compare_magnitude(xi, yi) >= 0) {
    r = from_integer(x.negative, sub_magnitudes(xi, yi), low);
  } else {
    r = from_integer(y.negative, sub_magnitudes(yi, xi), low);
  }
  if (auto err = check_range(r)) return *err;
  return format_decimal(r);
}

std::size_t number_size(std::string_view canonical) {
  const Decimal d = parse_canonical(canonical);
  if (d.digits.empty()) return 1;
  const std::size_t n = d.digits.size();
  const bool even_pad = (n % 2 == 0) && (d.exponent % 2 == 0);
  return 1 + (n + 1) / 2 + (even_pad ? 1 : 0) + (d.negative ? 1 : 0);
}

}  // namespace

std::string_view type_name(Type type) { return kTypeNames[static_cast<std::size_t>(type)]; }

std::optional<Type> type_from_name(std::string_view name) {
  for (std::size_t i = 0; i < kTypeNames.size(); ++i) {
    if (kTypeNames[i] == name) return static_cast<Type>(i);
  }
  return std::nullopt;
}

bool is_set_type(Type type) { return type == Type::kSS || type == Type::kNS || type == Type::kBS; }

Type set_element_type(Type type) {
  switch (type) {
    case Type::kSS:
      return Type::kS;
    case Type::kNS:
      return Type::kN;
    case Type::kBS:
      return Type::kB;
    default:
      return type;
  }
}

struct AttributeValue::Composite {
  std::vector<AttributeValue> list;
  Item map;
  std::vector<std::string> set;
};

AttributeValue::Composite& AttributeValue::composite() {
  if (composite_ == nullptr) composite_ = new Composite();
  return *composite_;
}

AttributeValue::Composite* AttributeValue::clone(const Composite& c) { return new Composite(c); }

void AttributeValue::destroy(Composite* c) noexcept { delete c; }

AttributeValue& AttributeValue::assign_composite(const AttributeValue& other) {
  if (this == &other) return *this;
  AttributeValue copy(other);  // `other` may live inside this value
  *this = std::move(copy);
  return *this;
}

void AttributeValue::assign_string(std::string_view s) {
  // A request refilled for each write mostly gets the value it already holds: comparing is
  // cheaper than copying.
  if (type_ == Type::kS && std::string_view(str_) == s) return;
  release();  // bool_ means nothing for a string
  type_ = Type::kS;
  str_.assign(s);
}

void AttributeValue::assign_number(std::int64_t n) {
  char buf[24];
  const auto end = std::to_chars(buf, buf + sizeof buf, n).ptr;
  const std::string_view text(buf, static_cast<std::size_t>(end - buf));
  if (type_ == Type::kN && std::string_view(str_) == text) return;
  release();
  type_ = Type::kN;
  str_.assign(text);
}

void AttributeValue::assign_boolean(bool b) {
  assign_null();
  type_ = Type::kBool;
  bool_ = b;
}

void AttributeValue::assign_null() {
  type_ = Type::kNull;
  bool_ = true;
  str_.clear();
  release();
}

AttributeValue AttributeValue::string(std::string s) {
  AttributeValue v;
  v.type_ = Type::kS;
  v.str_ = std::move(s);
  return v;
}

AttributeValue AttributeValue::number(std::string canonical) {
  AttributeValue v;
  v.type_ = Type::kN;
  v.str_ = std::move(canonical);
  return v;
}

AttributeValue AttributeValue::number(std::int64_t n) { return number(std::to_string(n)); }

AttributeValue AttributeValue::binary(std::string bytes) {
  AttributeValue v;
  v.type_ = Type::kB;
  v.str_ = std::move(bytes);
  return v;
}

AttributeValue AttributeValue::boolean(bool b) {
  AttributeValue v;
  v.type_ = Type::kBool;
  v.bool_ = b;
  return v;
}

AttributeValue AttributeValue::null() { return AttributeValue(); }

AttributeValue AttributeValue::list(std::vector<AttributeValue> elements) {
  AttributeValue v;
  v.type_ = Type::kL;
  v.composite().list = std::move(elements);
  return v;
}

AttributeValue AttributeValue::map(Item members) {
  AttributeValue v;
  v.type_ = Type::kM;
  v.composite().map = std::move(members);
  return v;
}

AttributeValue AttributeValue::set(Type type, std::vector<std::string> elements) {
  EMU_ASSERT(is_set_type(type));
  AttributeValue v;
  v.type_ = type;
  v.composite().set = std::move(elements);
  return v;
}

const std::vector<AttributeValue>& AttributeValue::list_value() const {
  static const std::vector<AttributeValue> kEmpty;
  return composite_ ? composite_->list : kEmpty;
}

std::vector<AttributeValue>& AttributeValue::list_value() { return composite().list; }

const Item& AttributeValue::map_value() const {
  static const Item kEmpty;
  return composite_ ? composite_->map : kEmpty;
}

Item& AttributeValue::map_value() { return composite().map; }

const std::vector<std::string>& AttributeValue::set_value() const {
  static const std::vector<std::string> kEmpty;
  return composite_ ? composite_->set : kEmpty;
}

std::vector<std::string>& AttributeValue::set_value() { return composite().set; }

bool AttributeValue::operator==(const AttributeValue& other) const {
  if (type_ != other.type_) return false;
  switch (type_) {
    case Type::kS:
    case Type::kN:
    case Type::kB:
      return str_ == other.str_;
    case Type::kBool:
      return bool_ == other.bool_;
    case Type::kNull:
      return true;
    case Type::kL:
      return list_value() == other.list_value();
    case Type::kM:
      return map_value() == other.map_value();
    default: {
      const auto& mine = set_value();
      const auto& theirs = other.set_value();
      if (mine.size() != theirs.size()) return false;
      for (const auto& e : mine) {
        if (std::find(theirs.begin(), theirs.end(), e) == theirs.end()) return false;
      }
      return true;
    }
  }
}

Result<std::string> canonical_number(std::string_view text) {
  if (text.empty()) return validation_error("The parameter cannot be converted to a numeric value");
  auto d = parse_decimal(text);
  if (!d) {
    return validation_error("The parameter cannot be converted to a numeric value: " +
                            std::string(text));
  }
  if (auto err = check_range(*d)) return *err;
  return format_decimal(*d);
}

int compare_numbers(std::string_view a, std::string_view b) {
  if (a == b) return 0;
  const Decimal x = parse_canonical(a);
  const Decimal y = parse_canonical(b);
  const int sx = x.digits.empty() ? 0 : (x.negative ? -1 : 1);
  const int sy = y.digits.empty() ? 0 : (y.negative ? -1 : 1);
  if (sx != sy) return sx < sy ? -1 : 1;
  if (sx == 0) return 0;
  int mag = 0;
  if (x.exponent != y.exponent) {
    mag = x.exponent < y.exponent ? -1 : 1;
  } else {
    const int c = x.digits.compare(y.digits);
    mag = c < 0 ? -1 : (c > 0 ? 1 : 0);
  }
  return sx > 0 ? mag : -mag;
}

namespace {

// A canonical number that is an integer of at most 18 digits (so sums cannot overflow).
std::optional<std::int64_t> small_integer(std::string_view text) {
  const bool negative = !text.empty() && text[0] == '-';
  const std::string_view digits = negative ? text.substr(1) : text;
  if (digits.empty() || digits.size() > 18) return std::nullopt;
  std::int64_t v = 0;
  for (char c : digits) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + (c - '0');
  }
  return negative ? -v : v;
}

// Counters (metricCount + 1) are nearly always small integers: exact in int64, and the
// canonical text of an integer is its decimal form.
std::optional<std::string> small_sum(std::string_view a, std::string_view b, bool subtract) {
  const auto x = small_integer(a), y = small_integer(b);
  if (!x || !y) return std::nullopt;
  return std::to_string(subtract ? *x - *y : *x + *y);
}

}  // namespace

Result<std::string> add_numbers(std::string_view a, std::string_view b) {
  if (auto sum = small_sum(a, b, false)) return std::move(*sum);
  return add_signed(a, b, false);
}

Result<std::string> subtract_numbers(std::string_view a, std::string_view b) {
  if (auto difference = small_sum(a, b, true)) return std::move(*difference);
  return add_signed(a, b, true);
}

int compare_scalars(const AttributeValue& a, const AttributeValue& b) {
  if (a.type() != b.type()) return a.type() < b.type() ? -1 : 1;
  if (a.type() == Type::kN) return compare_numbers(a.scalar(), b.scalar());
  const int c = a.scalar().compare(b.scalar());  // std::string compares as unsigned char
  return c < 0 ? -1 : (c > 0 ? 1 : 0);
}

std::string sort_key(const AttributeValue& value) {
  if (value.type() != Type::kN) return value.scalar();
  const Decimal d = parse_canonical(value.scalar());
  std::string out;
  if (d.digits.empty()) return std::string(1, '\x01');
  const auto biased = static_cast<unsigned char>(d.exponent - kMinExponent);
  if (!d.negative) {
    out.push_back('\x02');
    out.push_back(static_cast<char>(biased));
    out += d.digits;
  } else {
    out.push_back('\x00');
    out.push_back(static_cast<char>(255 - biased));
    for (const char c : d.digits) out.push_back(static_cast<char>('9' - c + '0'));
    out.push_back('~');  // sorts after every digit, so a shorter negative is the larger one
  }
  return out;
}

std::size_t value_size(const AttributeValue& value) {
  switch (value.type()) {
    case Type::kS:
    case Type::kB:
      return value.scalar().size();
    case Type::kN:
      return number_size(value.scalar());
    case Type::kBool:
    case Type::kNull:
      return 1;
    case Type::kL: {
      std::size_t size = 3;
      for (const auto& e : value.list_value()) size += 1 + value_size(e);
      return size;
    }
    case Type::kM:
      return 3 + value.map_value().size() + item_size(value.map_value());
    case Type::kNS: {
      std::size_t size = 0;
      for (const auto& e : value.set_value()) size += number_size(e);
      return size;
    }
    default: {
      std::size_t size = 0;
      for (const auto& e : value.set_value()) size += e.size();
      return size;
    }
  }
}

std::size_t item_size(const Item& item) {
  std::size_t size = 0;
  for (const auto& [name, value] : item) size += name.size() + value_size(value);
  return size;
}

AwsError validation_error(std::string message) {
  return errors::dynamodb::kValidation(std::move(message));
}

}  // namespace emu::dynamodb
