// Compact binary encoding of items for the SQLite store: a type byte, varint lengths and raw
// bytes; maps and lists nest. Decoding rejects truncated or malformed input.
#include "emulator/dynamodb/value.h"

namespace emu::dynamodb {

namespace {

void put_varint(std::string& out, std::uint64_t v) {
  char buf[10];
  std::size_t n = 0;
  while (v >= 0x80) {
    buf[n++] = static_cast<char>((v & 0x7f) | 0x80);
    v >>= 7;
  }
  buf[n++] = static_cast<char>(v);
  out.append(buf, n);
}

// A type byte and a length below 128 (nearly every scalar) cost one append.
void put_typed_bytes(std::string& out, Type type, std::string_view s) {
  if (s.size() < 0x80) {
    const char head[2] = {static_cast<char>(type), static_cast<char>(s.size())};
    out.append(head, 2);
  } else {
    out.push_back(static_cast<char>(type));
    put_varint(out, s.size());
  }
  out.append(s);
}

void put_bytes(std::string& out, std::string_view s) {
  put_varint(out, s.size());
  out.append(s);
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

void encode_value(const AttributeValue& v, std::string& out);

void encode_members(const Item& item, std::string& out) {
  put_varint(out, item.size());
  for (const auto& [name, value] : item) {
    put_bytes(out, name);
    encode_value(value, out);
  }
}

void encode_value(const AttributeValue& v, std::string& out) {
  switch (v.type()) {
    case Type::kS:
    case Type::kN:
    case Type::kB:
      put_typed_bytes(out, v.type(), v.scalar());
      return;
    default:
      break;
  }
  out.push_back(static_cast<char>(v.type()));
  switch (v.type()) {
    case Type::kS:
    case Type::kN:
    case Type::kB:
      break;  // above
    case Type::kBool:
      out.push_back(v.bool_value() ? 1 : 0);
      break;
    case Type::kNull:
      break;
    case Type::kL:
      put_varint(out, v.list_value().size());
      for (const auto& e : v.list_value()) encode_value(e, out);
      break;
    case Type::kM:
      encode_members(v.map_value(), out);
      break;
    case Type::kSS:
    case Type::kNS:
    case Type::kBS:
      put_varint(out, v.set_value().size());
      for (const auto& e : v.set_value()) put_bytes(out, e);
      break;
  }
}

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
  for (std::uint64_t i = 0; i < n; ++i) {
    std::string name;
    AttributeValue v;
    if (!r.bytes(name) || !decode_value(r, v, depth)) return false;
    out.insert_or_assign(std::move(name), std::move(v));
  }
  return true;
}

}  // namespace

void encode_item(const Item& item, std::string& out) { encode_members(item, out); }

bool decode_item(std::string_view data, Item& out) {
  Reader r(data);
  return decode_members(r, out, 0) && r.done();
}

}  // namespace emu::dynamodb
