// Compact binary encoding of items for the SQLite store: a type byte, varint lengths and raw
// bytes; maps and lists nest. Decoding rejects truncated or malformed input.
#include <cstring>

#include "emulator/dynamodb/value.h"

namespace emu::dynamodb {

namespace {

// Encoding is two passes: the exact size, then the bytes written through a pointer into the
// output grown once (snapshots encode every item of a table; appending piece by piece cost
// three times as much).
std::size_t varint_size(std::uint64_t v) {
  std::size_t n = 1;
  for (; v >= 0x80; v >>= 7) ++n;
  return n;
}

std::size_t bytes_size(std::string_view s) { return varint_size(s.size()) + s.size(); }

std::size_t members_size(const Item& item);

std::size_t value_size_encoded(const AttributeValue& v) {
  switch (v.type()) {
    case Type::kS:
    case Type::kN:
    case Type::kB:
      return 1 + bytes_size(v.scalar());
    case Type::kBool:
      return 2;
    case Type::kNull:
      return 1;
    case Type::kL: {
      std::size_t n = 1 + varint_size(v.list_value().size());
      for (const auto& e : v.list_value()) n += value_size_encoded(e);
      return n;
    }
    case Type::kM:
      return 1 + members_size(v.map_value());
    default: {  // sets
      std::size_t n = 1 + varint_size(v.set_value().size());
      for (const auto& e : v.set_value()) n += bytes_size(e);
      return n;
    }
  }
}

std::size_t members_size(const Item& item) {
  std::size_t n = varint_size(item.size());
  for (const auto& [name, value] : item) n += bytes_size(name) + value_size_encoded(value);
  return n;
}

char* put_varint(char* p, std::uint64_t v) {
  for (; v >= 0x80; v >>= 7) *p++ = static_cast<char>((v & 0x7f) | 0x80);
  *p++ = static_cast<char>(v);
  return p;
}

char* put_bytes(char* p, std::string_view s) {
  p = put_varint(p, s.size());
  std::memcpy(p, s.data(), s.size());
  return p + s.size();
}

char* put_members(char* p, const Item& item);

char* put_value(char* p, const AttributeValue& v) {
  *p++ = static_cast<char>(v.type());
  switch (v.type()) {
    case Type::kS:
    case Type::kN:
    case Type::kB:
      return put_bytes(p, v.scalar());
    case Type::kBool:
      *p++ = v.bool_value() ? 1 : 0;
      return p;
    case Type::kNull:
      return p;
    case Type::kL:
      p = put_varint(p, v.list_value().size());
      for (const auto& e : v.list_value()) p = put_value(p, e);
      return p;
    case Type::kM:
      return put_members(p, v.map_value());
    default:  // sets
      p = put_varint(p, v.set_value().size());
      for (const auto& e : v.set_value()) p = put_bytes(p, e);
      return p;
  }
}

char* put_members(char* p, const Item& item) {
  p = put_varint(p, item.size());
  for (const auto& [name, value] : item) p = put_value(put_bytes(p, name), value);
  return p;
}

class Reader {
 public:
  explicit Reader(std::string_view data) : data_(data) {}
  bool varint(std::uint64_t& v) {
    v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (pos_ >= data_.size()) return false;
      const auto b = static_cast<unsigned char>(data_[pos_++]);
      v |= static_cast<std::uint64_t>(b & 0x7f) << shift;
      if ((b & 0x80) == 0) return true;
    }
    return false;
  }
  bool bytes(std::string& s) {
    std::uint64_t n = 0;
    if (!varint(n) || n > data_.size() - pos_) return false;
    s.assign(data_.substr(pos_, n));
    pos_ += n;
    return true;
  }
  std::size_t remaining() const { return data_.size() - pos_; }
  bool byte(std::uint8_t& b) {
    if (pos_ >= data_.size()) return false;
    b = static_cast<std::uint8_t>(data_[pos_++]);
    return true;
  }
  bool done() const { return pos_ == data_.size(); }

 private:
  std::string_view data_;
  std::size_t pos_ = 0;
};

bool decode_members(Reader& r, Item& out, int depth);

bool decode_value(Reader& r, AttributeValue& out, int depth) {
  if (depth > 64) return false;
  std::uint8_t t = 0;
  if (!r.byte(t) || t > static_cast<std::uint8_t>(Type::kBS)) return false;
  const auto type = static_cast<Type>(t);
  std::string s;
  std::uint64_t n = 0;
  switch (type) {
    case Type::kS:
    case Type::kN:
    case Type::kB:
      if (!r.bytes(s)) return false;
      out = type == Type::kS   ? AttributeValue::string(std::move(s))
            : type == Type::kN ? AttributeValue::number(std::move(s))
                               : AttributeValue::binary(std::move(s));
      return true;
    case Type::kBool: {
      std::uint8_t b = 0;
      if (!r.byte(b)) return false;
      out = AttributeValue::boolean(b != 0);
      return true;
    }
    case Type::kNull:
      out = AttributeValue::null();
      return true;
    case Type::kL: {
      if (!r.varint(n)) return false;
      std::vector<AttributeValue> elements;
      for (std::uint64_t i = 0; i < n; ++i) {
        AttributeValue e;
        if (!decode_value(r, e, depth + 1)) return false;
        elements.push_back(std::move(e));
      }
      out = AttributeValue::list(std::move(elements));
      return true;
    }
    case Type::kM: {
      Item members;
      if (!decode_members(r, members, depth + 1)) return false;
      out = AttributeValue::map(std::move(members));
      return true;
    }
    default: {
      if (!r.varint(n)) return false;
      std::vector<std::string> elements;
      for (std::uint64_t i = 0; i < n; ++i) {
        if (!r.bytes(s)) return false;
        elements.push_back(s);
      }
      out = AttributeValue::set(type, std::move(elements));
      return true;
    }
  }
}

bool decode_members(Reader& r, Item& out, int depth) {
  std::uint64_t n = 0;
  if (!r.varint(n)) return false;
  // Exactly the members' room (a member takes at least 2 bytes, which bounds a damaged count):
  // cached items are charged by size (row_cache.cc), and growth by doubling would hold a
  // third more than that.
  out.reserve(static_cast<std::size_t>(std::min<std::uint64_t>(n, r.remaining() / 2)));
  for (std::uint64_t i = 0; i < n; ++i) {
    std::string name;
    AttributeValue v;
    if (!r.bytes(name) || !decode_value(r, v, depth)) return false;
    // Items are encoded in name order: each member goes at the end, with no search (a
    // damaged blob out of order still decodes, the slower way).
    if (out.empty() || name_less(std::prev(out.end())->first, name)) {
      out.append_in_order(std::move(name), std::move(v));
    } else {
      out.insert_or_assign(std::move(name), std::move(v));
    }
  }
  return true;
}

}  // namespace

void encode_item(const Item& item, std::string& out) {
  const std::size_t at = out.size();
  out.resize(at + members_size(item));
  put_members(out.data() + at, item);
}

bool decode_item(std::string_view data, Item& out) {
  Reader r(data);
  return decode_members(r, out, 0) && r.done();
}

}  // namespace emu::dynamodb
