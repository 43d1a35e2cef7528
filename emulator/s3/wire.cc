#include "emulator/s3/wire.h"

#include <charconv>

#include "emulator/core/errors.h"
#include "emulator/http/aws_wire.h"

namespace emu::s3 {

namespace {

constexpr std::string_view kXmlns = "http://s3.amazonaws.com/doc/2006-03-01/";

http::HttpResponse xml_response(int status, std::string body, const std::string& request_id) {
  auto r = http::HttpResponse::with_body(status, "application/xml", std::move(body));
  r.set_header("x-amz-request-id", request_id);
  r.set_header("x-amz-id-2", http::base64_encode(request_id + request_id));
  return r;
}

http::HttpResponse empty_response(int status, const std::string& request_id) {
  http::HttpResponse r;
  r.status = status;
  r.set_header("x-amz-request-id", request_id);
  r.set_header("x-amz-id-2", http::base64_encode(request_id + request_id));
  return r;
}

std::string xml_unescape(std::string_view text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '&') {
      out.push_back(text[i]);
      continue;
    }
    static const std::pair<std::string_view, char> kEntities[] = {
        {"&amp;", '&'}, {"&lt;", '<'}, {"&gt;", '>'}, {"&quot;", '"'}, {"&apos;", '\''}};
    bool matched = false;
    for (const auto& [entity, c] : kEntities) {
      if (text.substr(i, entity.size()) == entity) {
        out.push_back(c);
        i += entity.size() - 1;
        matched = true;
        break;
      }
    }
    if (!matched) out.push_back('&');
  }
  return out;
}

// Every <Key>..</Key> of a DeleteObjects document. The document's shape is fixed
// (<Delete><Object><Key/><VersionId/></Object>*<Quiet/></Delete>), so element scanning suffices.
std::vector<std::string> keys_in(std::string_view xml) {
  std::vector<std::string> keys;
  std::size_t at = 0;
  while ((at = xml.find("<Key>", at)) != std::string_view::npos) {
    const auto end = xml.find("</Key>", at);
    if (end == std::string_view::npos) break;
    keys.push_back(xml_unescape(xml.substr(at + 5, end - at - 5)));
    at = end + 6;
  }
  return keys;
}

// "bytes=a-b" | "bytes=a-" | "bytes=-n" against `size` -> [first, last], or nullopt if
// unsatisfiable; `ignored` when the header is not a single byte range (S3 then sends it all).
std::optional<std::pair<std::int64_t, std::int64_t>> parse_range(std::string_view range,
                                                                  std::int64_t size,
                                                                  bool& ignored) {
  ignored = true;
  if (range.substr(0, 6) != "bytes=" || range.find(',') != std::string_view::npos) return {};
  const auto spec = range.substr(6);
  const auto dash = spec.find('-');
  if (dash == std::string_view::npos) return {};
  const auto number = [](std::string_view s) -> std::optional<std::int64_t> {
    std::int64_t v = 0;
    if (s.empty() || s.front() == '-') return std::nullopt;  // "bytes=--5" is no range
    const auto r = std::from_chars(s.data(), s.data() + s.size(), v);
    if (r.ec != std::errc() || r.ptr != s.data() + s.size()) return std::nullopt;
    return v;
  };
  const auto a = number(spec.substr(0, dash));
  const auto b = number(spec.substr(dash + 1));
  if (!a && !b) return {};
  ignored = false;
  if (!a) {  // suffix: the last n bytes
    if (*b == 0 || size == 0) return {};
    return std::pair{std::max<std::int64_t>(0, size - *b), size - 1};
  }
  if (*a >= size) return {};
  const std::int64_t last = b ? std::min(*b, size - 1) : size - 1;
  if (last < *a) {
    ignored = true;
    return {};
  }
  return std::pair{*a, last};
}

void object_headers(http::HttpResponse& r, const ObjectMeta& meta) {
  r.set_header("ETag", meta.etag);
  r.set_header("Last-Modified", format_http_date(meta.last_modified));
  r.set_header("Accept-Ranges", "bytes");
  for (const auto& [k, v] : meta.user_metadata) r.set_header("x-amz-meta-" + k, v);
}

}  // namespace

std::optional<std::string> decode_aws_chunked(std::string_view body) {
  std::string out;
  std::size_t at = 0;
  while (true) {
    const auto eol = body.find("\r\n", at);
    if (eol == std::string_view::npos) return std::nullopt;
    std::string_view header = body.substr(at, eol - at);
    header = header.substr(0, header.find(';'));
    std::size_t n = 0;
    const auto r = std::from_chars(header.data(), header.data() + header.size(), n, 16);
    if (r.ec != std::errc() || header.empty()) return std::nullopt;
    at = eol + 2;
    if (n == 0) return out;  // trailers (checksums) follow; the payload is complete
    // Compared without overflow: a chunk size may be any 64-bit hex number.
    if (n > body.size() - at || body.size() - at - n < 2 || body.substr(at + n, 2) != "\r\n") {
      return std::nullopt;
    }
    out.append(body.substr(at, n));
    at += n + 2;
  }
}

http::HttpResponse s3_error(const AwsError& error, const std::string& request_id,
                            const std::string& resource, bool head) {
  if (head) return empty_response(error.http_status, request_id);
  http::XmlWriter xml;
  xml.open("Error").element("Code", error.code).element("Message", error.message);
  if (error.code == errors::s3::kNoSuchKey) xml.element("Key", resource);
  if (error.code == errors::s3::kNoSuchBucket) xml.element("BucketName", resource);
  xml.element("RequestId", request_id).element("HostId", http::base64_encode(request_id + request_id));
  xml.close();
  return xml_response(error.http_status, xml.str(), request_id);
}

bool S3Wire::accepts(const http::HttpRequest& request) const {
  if (http::sigv4_service(request) == "s3") return true;
  // Unsigned reads of an existing bucket (curl, a browser) are S3's too.
  if (!request.header("X-Amz-Target").empty()) return false;
  if (request.method != "GET" && request.method != "HEAD") return false;
  const auto t = target_of(request);
  return !t.bucket.empty() && model_.buckets().count(t.bucket) > 0;
}

S3Wire::Target S3Wire::target_of(const http::HttpRequest& request) const {
  Target t;
  const std::string path = http::url_decode(request.path, false);
  std::string_view host = request.header("Host");
  host = host.substr(0, host.find(':'));
  const auto dot = host.find('.');
  if (dot != std::string_view::npos && model_.buckets().count(std::string(host.substr(0, dot)))) {
    t.bucket = std::string(host.substr(0, dot));
    t.key = path.size() > 1 ? path.substr(1) : "";
    return t;
  }
  const std::string rest = path.empty() ? path : path.substr(1);
  const auto slash = rest.find('/');
  t.bucket = rest.substr(0, slash);
  if (slash != std::string::npos) t.key = rest.substr(slash + 1);
  return t;
}

http::HttpResponse S3Wire::handle(const http::HttpRequest& request, Micros now) {
  request_id_ = http::new_request_id(random_);
  for (auto& c : request_id_) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  request_id_.erase(std::remove(request_id_.begin(), request_id_.end(), '-'), request_id_.end());
  request_id_.resize(16);
  std::map<std::string, std::string> query;
  bool utf8 = http::valid_utf8(http::url_decode(request.path, false));
  for (auto& [k, v] : http::parse_query(request.query)) {
    utf8 = utf8 && http::valid_utf8(k) && http::valid_utf8(v);
    query[k] = v;
  }
  // Keys, prefixes and markers are UTF-8 on S3; other bytes make the URI unparseable.
  if (!utf8) {
    return s3_error(errors::s3::kInvalidURI("Couldn't parse the specified URI."), request_id_, "",
                    request.method == "HEAD");
  }
  (void)model_.take_fault_latency();  // what in-process callers drew is not this reply's
  http::HttpResponse response = dispatch(request, target_of(request), query, now);
  response.delay += model_.take_fault_latency();  // latency fault rules (s3, storage)
  return response;
}

http::HttpResponse S3Wire::dispatch(const http::HttpRequest& request, const Target& t,
                                    const std::map<std::string, std::string>& query, Micros now) {
  const std::string& m = request.method;
  const bool head = m == "HEAD";
  for (const char* sub : {"acl", "tagging", "uploads", "uploadId", "versioning", "policy",
                          "cors", "lifecycle", "website", "versions", "notification"}) {
    if (query.count(sub)) {
      return s3_error(
          errors::s3::kNotImplemented(std::string("A header or query you provided requested a "
                                                  "function that is not implemented: ?") +
                                      sub),
          request_id_, t.bucket, head);
    }
  }
  if (t.bucket.empty()) {
    if (m == "GET") return list_buckets();
    return s3_error(
        errors::s3::kMethodNotAllowed("The specified method is not allowed against this resource."),
        request_id_, "", head);
  }
  if (t.key.empty()) {
    if (m == "PUT") {
      auto b = model_.create_bucket(t.bucket, now);
      if (!b) return s3_error(b.error(), request_id_, t.bucket);
      auto r = empty_response(200, request_id_);
      r.set_header("Location", "/" + t.bucket);
      return r;
    }
    if (m == "DELETE") {
      auto s = model_.delete_bucket(t.bucket);
      return s ? empty_response(204, request_id_) : s3_error(s.error(), request_id_, t.bucket);
    }
    auto b = model_.bucket(t.bucket);
    if (!b) return s3_error(b.error(), request_id_, t.bucket, head);
    if (head) {
      auto r = empty_response(200, request_id_);
      r.set_header("x-amz-bucket-region", model_.region());
      return r;
    }
    if (m == "POST" && query.count("delete")) return delete_objects(request, t);
    if (m == "GET" && query.count("location")) {
      http::XmlWriter xml;
      xml.open("LocationConstraint", kXmlns);
      xml.close();
      std::string body = xml.str();
      body.insert(body.find("</LocationConstraint>"), model_.region());
      return xml_response(200, body, request_id_);
    }
    if (m == "GET") return list_objects(**b, query);
  } else {
    if (m == "PUT") {
      return request.has_header("x-amz-copy-source") ? copy_object(request, t, now)
                                                     : put_object(request, t, now);
    }
    if (m == "GET" || head) return get_object(request, t, head);
    if (m == "DELETE") {
      auto s = model_.delete_object(t.bucket, t.key);
      return s ? empty_response(204, request_id_) : s3_error(s.error(), request_id_, t.bucket);
    }
  }
  return s3_error(
      errors::s3::kMethodNotAllowed("The specified method is not allowed against this resource."),
      request_id_, t.key, head);
}

http::HttpResponse S3Wire::put_object(const http::HttpRequest& request, const Target& t,
                                      Micros now) {
  std::string body = request.body;
  const std::string_view encoding = request.header("Content-Encoding");
  const std::string_view sha = request.header("x-amz-content-sha256");
  if (encoding.find("aws-chunked") != std::string_view::npos || sha.substr(0, 10) == "STREAMING-") {
    auto decoded = decode_aws_chunked(body);
    if (!decoded) {
      return s3_error(errors::s3::kIncompleteBody("The request body terminated unexpectedly"),
                      request_id_, t.key);
    }
    body = std::move(*decoded);
  }
  const std::string_view md5 = request.header("Content-MD5");
  if (!md5.empty() && md5 != http::md5_base64(body)) {
    return s3_error(
        errors::s3::kBadDigest("The Content-MD5 you specified did not match what we received."),
        request_id_, t.key);
  }
  std::map<std::string, std::string> meta;
  for (const auto& [k, v] : request.headers) {
    if (k.size() > 11 && strncasecmp(k.c_str(), "x-amz-meta-", 11) == 0) {
      // DEVIATION: S3 stores other bytes RFC 2047-encoded; the emulator refuses them.
      if (!http::valid_utf8(v)) {
        return s3_error(
            errors::s3::kInvalidArgument("User-defined metadata (" + k + ") must be UTF-8 text."),
            request_id_, t.key);
      }
      std::string name = k.substr(11);
      for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      meta[name] = v;
    }
  }
  auto put = model_.put_object(t.bucket, t.key, body, std::string(request.header("Content-Type")),
                               meta, now);
  if (!put) return s3_error(put.error(), request_id_, t.bucket);
  auto r = empty_response(200, request_id_);
  r.set_header("ETag", put->etag);
  if (request.has_header("x-amz-checksum-crc32")) {
    const std::uint32_t crc = http::crc32(body);
    const char bytes[4] = {static_cast<char>(crc >> 24), static_cast<char>(crc >> 16),
                           static_cast<char>(crc >> 8), static_cast<char>(crc)};
    r.set_header("x-amz-checksum-crc32", http::base64_encode(std::string_view(bytes, 4)));
  }
  return r;
}

http::HttpResponse S3Wire::copy_object(const http::HttpRequest& request, const Target& t,
                                       Micros now) {
  std::string source = http::url_decode(request.header("x-amz-copy-source"), false);
  if (!http::valid_utf8(source)) {
    return s3_error(errors::s3::kInvalidArgument("Invalid copy source encoding."), request_id_,
                    t.key);
  }
  if (!source.empty() && source.front() == '/') source.erase(0, 1);
  source = source.substr(0, source.find("?versionId="));
  const auto slash = source.find('/');
  if (slash == std::string::npos) {
    return s3_error(errors::s3::kInvalidArgument("Copy Source must mention the source "
                                                 "bucket and key: sourcebucket/sourcekey"),
                    request_id_, t.key);
  }
  const std::string bucket = source.substr(0, slash), key = source.substr(slash + 1);
  auto body = model_.read_object(bucket, key);
  if (!body)
    return s3_error(body.error(), request_id_,
                    body.error().code == errors::s3::kNoSuchKey ? key : bucket);
  auto meta = *model_.head_object(bucket, key);
  auto put = model_.put_object(t.bucket, t.key, *body, meta.content_type, meta.user_metadata, now);
  if (!put) return s3_error(put.error(), request_id_, t.bucket);
  http::XmlWriter xml;
  xml.open("CopyObjectResult", kXmlns)
      .element("LastModified", format_iso8601(put->last_modified))
      .element("ETag", put->etag)
      .close();
  return xml_response(200, xml.str(), request_id_);
}

http::HttpResponse S3Wire::get_object(const http::HttpRequest& request, const Target& t,
                                      bool head) {
  auto meta = model_.head_object(t.bucket, t.key);
  if (!meta) {
    return s3_error(meta.error(), request_id_,
                    meta.error().code == errors::s3::kNoSuchKey ? t.key : t.bucket, head);
  }
  auto body = model_.read_object(t.bucket, t.key);
  if (!body) return s3_error(body.error(), request_id_, t.key, head);
  // HEAD carries the body too: the edge drops it and keeps the right Content-Length.
  http::HttpResponse r = http::HttpResponse::with_body(200, meta->content_type, std::move(*body));
  r.set_header("x-amz-request-id", request_id_);
  object_headers(r, *meta);
  const std::string_view range = request.header("Range");
  if (!range.empty()) {
    bool ignored = false;
    const auto span = parse_range(range, meta->size, ignored);
    if (!span && !ignored) {
      auto e = s3_error(errors::s3::kInvalidRange("The requested range is not satisfiable"),
                        request_id_, t.key, head);
      e.set_header("Content-Range", "bytes */" + std::to_string(meta->size));
      return e;
    }
    if (span) {
      r.status = 206;
      r.body = r.body.substr(static_cast<std::size_t>(span->first),
                             static_cast<std::size_t>(span->second - span->first + 1));
      r.set_header("Content-Range", "bytes " + std::to_string(span->first) + "-" +
                                        std::to_string(span->second) + "/" +
                                        std::to_string(meta->size));
    }
  }
  return r;
}

http::HttpResponse S3Wire::list_buckets() {
  http::XmlWriter xml;
  xml.open("ListAllMyBucketsResult", kXmlns)
      .open("Owner")
      .element("ID", "emulator")
      .element("DisplayName", "emulator")
      .close()
      .open("Buckets");
  for (const auto& [name, b] : model_.buckets()) {
    xml.open("Bucket").element("Name", name).element("CreationDate", format_iso8601(b->created)).close();
  }
  xml.close().close();
  return xml_response(200, xml.str(), request_id_);
}

http::HttpResponse S3Wire::delete_objects(const http::HttpRequest& request, const Target& t) {
  const bool quiet = request.body.find("<Quiet>true</Quiet>") != std::string::npos;
  const auto keys = keys_in(request.body);
  if (keys.empty() || keys.size() > 1000) {
    return s3_error(errors::s3::kMalformedXML("The XML you provided was not well-formed or did not "
                                              "validate against our published schema"),
                    request_id_, t.bucket);
  }
  http::XmlWriter xml;
  xml.open("DeleteResult", kXmlns);
  for (const auto& key : keys) {
    const auto s = model_.delete_object(t.bucket, key);
    if (s) {
      if (!quiet) xml.open("Deleted").element("Key", key).close();
    } else {
      xml.open("Error").element("Key", key).element("Code", s.error().code)
          .element("Message", s.error().message).close();
    }
  }
  xml.close();
  return xml_response(200, xml.str(), request_id_);
}

}  // namespace emu::s3
