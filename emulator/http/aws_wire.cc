#include "emulator/http/aws_wire.h"

#include <openssl/evp.h>
#include <zlib.h>

#include <charconv>
#include <set>

#include "emulator/core/json_util.h"

namespace emu::http {

namespace {

std::string digest(const EVP_MD* md, std::string_view data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(data.data(), data.size(), out, &len, md, nullptr);
  return std::string(reinterpret_cast<char*>(out), len);
}

std::string to_hex(std::string_view bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) {
    out.push_back(kHex[c >> 4]);
    out.push_back(kHex[c & 0xf]);
  }
  return out;
}

constexpr char kBase64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

}  // namespace

std::string md5_hex(std::string_view data) { return to_hex(digest(EVP_md5(), data)); }
std::string md5_base64(std::string_view data) { return base64_encode(digest(EVP_md5(), data)); }
std::string sha256_hex(std::string_view data) { return to_hex(digest(EVP_sha256(), data)); }

std::optional<std::string> gunzip(std::string_view data, std::size_t max_bytes) {
  z_stream zs{};
  if (inflateInit2(&zs, 16 + MAX_WBITS) != Z_OK) return std::nullopt;
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  zs.avail_in = static_cast<uInt>(data.size());
  std::string out;
  char buffer[65536];
  int rc = Z_OK;
  while (rc == Z_OK) {
    zs.next_out = reinterpret_cast<Bytef*>(buffer);
    zs.avail_out = sizeof(buffer);
    rc = inflate(&zs, Z_NO_FLUSH);
    out.append(buffer, sizeof(buffer) - zs.avail_out);
    if (out.size() > max_bytes) rc = Z_DATA_ERROR;
  }
  inflateEnd(&zs);
  if (rc != Z_STREAM_END) return std::nullopt;
  return out;
}

std::uint32_t crc32(std::string_view data) {
  uLong crc = ::crc32(0L, Z_NULL, 0);
  // zlib takes uInt lengths; feed large bodies in pieces.
  while (!data.empty()) {
    const auto n = static_cast<uInt>(std::min<size_t>(data.size(), 1u << 30));
    crc = ::crc32(crc, reinterpret_cast<const Bytef*>(data.data()), n);
    data.remove_prefix(n);
  }
  return static_cast<std::uint32_t>(crc);
}

std::string base64_encode(std::string_view data) {
  std::string out;
  out.reserve((data.size() + 2) / 3 * 4);
  size_t i = 0;
  for (; i + 2 < data.size(); i += 3) {
    const std::uint32_t v = (static_cast<unsigned char>(data[i]) << 16) |
                            (static_cast<unsigned char>(data[i + 1]) << 8) |
                            static_cast<unsigned char>(data[i + 2]);
    out.push_back(kBase64[v >> 18]);
    out.push_back(kBase64[(v >> 12) & 63]);
    out.push_back(kBase64[(v >> 6) & 63]);
    out.push_back(kBase64[v & 63]);
  }
  if (i < data.size()) {
    std::uint32_t v = static_cast<unsigned char>(data[i]) << 16;
    if (i + 1 < data.size()) v |= static_cast<unsigned char>(data[i + 1]) << 8;
    out.push_back(kBase64[v >> 18]);
    out.push_back(kBase64[(v >> 12) & 63]);
    out.push_back(i + 1 < data.size() ? kBase64[(v >> 6) & 63] : '=');
    out.push_back('=');
  }
  return out;
}

std::optional<std::string> base64_decode(std::string_view text) {
  if (text.size() % 4 != 0) return std::nullopt;
  std::string out;
  out.reserve(text.size() / 4 * 3);
  for (size_t i = 0; i < text.size(); i += 4) {
    std::uint32_t v = 0;
    int pad = 0;
    for (size_t j = 0; j < 4; ++j) {
      const char c = text[i + j];
      int d;
      if (c == '=') {
        if (i + 4 != text.size() || j < 2) return std::nullopt;
        d = 0;
        ++pad;
      } else {
        if (pad > 0) return std::nullopt;
        const char* p = std::char_traits<char>::find(kBase64, 64, c);
        if (p == nullptr) return std::nullopt;
        d = static_cast<int>(p - kBase64);
      }
      v = (v << 6) | static_cast<std::uint32_t>(d);
    }
    out.push_back(static_cast<char>(v >> 16));
    if (pad < 2) out.push_back(static_cast<char>((v >> 8) & 0xff));
    if (pad < 1) out.push_back(static_cast<char>(v & 0xff));
  }
  return out;
}

std::string new_request_id(Random& random) { return random.uuid_v4(); }

std::string xml_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      case '\r': out += "&#13;"; break;
      default: out.push_back(c);
    }
  }
  return out;
}

bool valid_utf8(std::string_view text) {
  std::size_t i = 0;
  while (i < text.size()) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c < 0x80) {
      ++i;
      continue;
    }
    int extra = 0;
    std::uint32_t cp = 0, min = 0;
    if ((c & 0xE0) == 0xC0) { extra = 1; cp = c & 0x1F; min = 0x80; }
    else if ((c & 0xF0) == 0xE0) { extra = 2; cp = c & 0x0F; min = 0x800; }
    else if ((c & 0xF8) == 0xF0) { extra = 3; cp = c & 0x07; min = 0x10000; }
    else return false;
    if (i + static_cast<std::size_t>(extra) >= text.size()) return false;
    for (int k = 1; k <= extra; ++k) {
      const auto cc = static_cast<unsigned char>(text[i + static_cast<std::size_t>(k)]);
      if ((cc & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
    i += 1 + static_cast<std::size_t>(extra);
  }
  return true;
}

XmlWriter::XmlWriter(bool declaration) {
  if (declaration) out_ = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>";
}

XmlWriter& XmlWriter::open(std::string_view tag, std::string_view xmlns) {
  out_ += '<';
  out_ += tag;
  if (!xmlns.empty()) {
    out_ += " xmlns=\"";
    out_ += xmlns;
    out_ += '"';
  }
  out_ += '>';
  stack_.emplace_back(tag);
  return *this;
}

XmlWriter& XmlWriter::close() {
  out_ += "</" + stack_.back() + ">";
  stack_.pop_back();
  return *this;
}

XmlWriter& XmlWriter::element(std::string_view tag, std::string_view text) {
  out_ += '<';
  out_ += tag;
  out_ += '>';
  out_ += xml_escape(text);
  out_ += "</";
  out_ += tag;
  out_ += '>';
  return *this;
}

const std::string& XmlWriter::str() {
  while (!stack_.empty()) close();
  return out_;
}

HttpResponse json_error(const AwsError& error, std::string_view type_prefix,
                        const std::string& request_id, std::string_view content_type,
                        std::string_view query_error_header) {
  nlohmann::json body = {{"__type", std::string(type_prefix) + error.code},
                         {"message", error.message}};
  HttpResponse r = HttpResponse::with_body(error.http_status, std::string(content_type),
                                           dump_compact(body));
  r.set_header("x-amzn-RequestId", request_id);
  if (!query_error_header.empty()) r.set_header("x-amzn-query-error", std::string(query_error_header));
  return r;
}

HttpResponse query_error(const AwsError& error, const std::string& request_id,
                         std::string_view xmlns) {
  XmlWriter xml;
  xml.open("ErrorResponse", xmlns)
      .open("Error")
      .element("Type", error.sender_fault ? "Sender" : "Receiver")
      .element("Code", error.code)
      .element("Message", error.message)
      .open("Detail")
      .close()
      .close()
      .element("RequestId", request_id);
  HttpResponse r = HttpResponse::with_body(error.http_status, "text/xml", xml.str());
  r.set_header("x-amzn-RequestId", request_id);
  return r;
}

QueryParams::QueryParams(std::string_view form) {
  for (auto& [k, v] : parse_query(form)) values_[k] = v;
}

std::optional<std::string> QueryParams::get(std::string_view name) const {
  const auto it = values_.find(std::string(name));
  if (it == values_.end()) return std::nullopt;
  return it->second;
}

std::string QueryParams::get_or(std::string_view name, std::string_view fallback) const {
  const auto v = get(name);
  return v ? *v : std::string(fallback);
}

std::vector<int> QueryParams::indices(std::string_view prefix) const {
  std::set<int> found;
  const std::string p = std::string(prefix) + ".";
  for (auto it = values_.lower_bound(p); it != values_.end() && it->first.rfind(p, 0) == 0;
       ++it) {
    const std::string_view rest = std::string_view(it->first).substr(p.size());
    int n = 0;
    const auto [end, ec] = std::from_chars(rest.data(), rest.data() + rest.size(), n);
    if (ec == std::errc() && (end == rest.data() + rest.size() || *end == '.')) found.insert(n);
  }
  return {found.begin(), found.end()};
}

}  // namespace emu::http
