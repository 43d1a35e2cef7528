// ListObjectsV2 and ListObjects (v1): prefix, delimiter, max-keys, pagination, encoding-type.
#include <charconv>

#include "emulator/core/errors.h"
#include "emulator/http/aws_wire.h"
#include "emulator/s3/wire.h"

namespace emu::s3 {

namespace {

struct Listing {
  std::vector<std::pair<std::string, const ObjectMeta*>> contents;
  std::vector<std::string> common_prefixes;
  bool truncated = false;
  std::string last;  // the last key or common prefix returned (the next page starts after it)
};

// Walks keys after `after` (exclusive; "" = from the start) under `prefix`, grouping by
// `delimiter`, until `max_keys` entries (keys + common prefixes) are collected.
Listing walk(const Bucket& bucket, const std::string& prefix, const std::string& delimiter,
             const std::string& after, std::int64_t max_keys) {
  Listing out;
  auto it = after.empty() || after < prefix ? bucket.objects.lower_bound(prefix)
                                            : bucket.objects.upper_bound(after);
  std::int64_t count = 0;
  for (; it != bucket.objects.end() && it->first.rfind(prefix, 0) == 0; ++it) {
    const std::string& key = it->first;
    // Resuming after a common prefix: skip the keys it rolled up.
    if (!delimiter.empty() && !after.empty() && after.size() >= delimiter.size() &&
        after.compare(after.size() - delimiter.size(), delimiter.size(), delimiter) == 0 &&
        key.rfind(after, 0) == 0) {
      continue;
    }
    std::string rolled;
    if (!delimiter.empty()) {
      const auto pos = key.find(delimiter, prefix.size());
      if (pos != std::string::npos) rolled = key.substr(0, pos + delimiter.size());
    }
    if (!rolled.empty() && !out.common_prefixes.empty() && out.common_prefixes.back() == rolled) {
      continue;
    }
    if (count == max_keys) {
      out.truncated = true;
      break;
    }
    ++count;
    if (rolled.empty()) {
      out.contents.emplace_back(key, &it->second);
      out.last = key;
    } else {
      out.common_prefixes.push_back(rolled);
      out.last = rolled;
    }
  }
  return out;
}

std::string get(const std::map<std::string, std::string>& q, const std::string& k) {
  const auto it = q.find(k);
  return it == q.end() ? "" : it->second;
}

// A ListObjects(V2) request's parameters, checked as S3 checks them.
struct ListRequest {
  std::string prefix;
  std::string delimiter;
  std::string encoding;
  std::string token;  // V2's continuation-token, as sent
  std::string after;  // the key the page starts after
  std::int64_t max_keys = 1000;
};

Result<ListRequest> parse_list_request(const std::map<std::string, std::string>& query, bool v2) {
  ListRequest r;
  r.prefix = get(query, "prefix");
  r.delimiter = get(query, "delimiter");
  r.encoding = get(query, "encoding-type");
  if (query.count("max-keys")) {
    const std::string text = get(query, "max-keys");
    const auto parsed = std::from_chars(text.data(), text.data() + text.size(), r.max_keys);
    if (parsed.ec != std::errc() || parsed.ptr != text.data() + text.size() || r.max_keys < 0) {
      return errors::s3::kInvalidArgument(
          "Provided max-keys not an integer or within integer range");
    }
    r.max_keys = std::min<std::int64_t>(r.max_keys, 1000);
  }
  if (!r.encoding.empty() && r.encoding != "url") {
    return errors::s3::kInvalidArgument("Invalid Encoding Method specified in Request");
  }
  r.token = get(query, "continuation-token");
  if (v2 && query.count("continuation-token")) {
    const auto decoded = http::base64_decode(r.token);
    if (!decoded || decoded->rfind("emu1:", 0) != 0) {
      return errors::s3::kInvalidArgument("The continuation token provided is incorrect");
    }
    r.after = decoded->substr(5);
  } else {
    r.after = v2 ? get(query, "start-after") : get(query, "marker");
  }
  return r;
}

}  // namespace

http::HttpResponse S3Wire::list_objects(const Bucket& bucket,
                                        const std::map<std::string, std::string>& query) {
  const bool v2 = get(query, "list-type") == "2";
  if (auto error = model_.fault(v2 ? "ListObjectsV2" : "ListObjects", bucket.name)) {
    return s3_error(*error, request_id_, bucket.name);
  }
  auto request = parse_list_request(query, v2);
  if (!request) return s3_error(request.error(), request_id_, bucket.name);
  const std::string& prefix = request->prefix;
  const std::string& delimiter = request->delimiter;
  const std::string& encoding = request->encoding;
  const std::string& token = request->token;
  const std::int64_t max_keys = request->max_keys;
  const Listing page = walk(bucket, prefix, delimiter, request->after, max_keys);
  const auto enc = [&](const std::string& s) {
    return encoding == "url" ? http::url_encode(s, true) : s;
  };
  http::XmlWriter xml;
  xml.open("ListBucketResult", "http://s3.amazonaws.com/doc/2006-03-01/")
      .element("Name", bucket.name)
      .element("Prefix", enc(prefix));
  if (v2) {
    xml.element("KeyCount", std::to_string(page.contents.size() + page.common_prefixes.size()));
  } else {
    xml.element("Marker", enc(get(query, "marker")));
  }
  xml.element("MaxKeys", std::to_string(max_keys));
  if (!delimiter.empty()) xml.element("Delimiter", enc(delimiter));
  xml.element("IsTruncated", page.truncated ? "true" : "false");
  if (v2) {
    if (!token.empty()) xml.element("ContinuationToken", token);
    if (page.truncated) xml.element("NextContinuationToken", http::base64_encode("emu1:" + page.last));
    if (query.count("start-after")) xml.element("StartAfter", enc(get(query, "start-after")));
  } else if (page.truncated && !delimiter.empty()) {
    xml.element("NextMarker", enc(page.last));
  }
  if (!encoding.empty()) xml.element("EncodingType", encoding);
  for (const auto& [key, meta] : page.contents) {
    xml.open("Contents")
        .element("Key", enc(key))
        .element("LastModified", format_iso8601(meta->last_modified))
        .element("ETag", meta->etag)
        .element("Size", std::to_string(meta->size))
        .element("StorageClass", "STANDARD");
    if (!v2 || get(query, "fetch-owner") == "true") {
      xml.open("Owner").element("ID", "emulator").element("DisplayName", "emulator").close();
    }
    xml.close();
  }
  for (const auto& p : page.common_prefixes) xml.open("CommonPrefixes").element("Prefix", enc(p)).close();
  xml.close();
  auto r = http::HttpResponse::with_body(200, "application/xml", xml.str());
  r.set_header("x-amz-request-id", request_id_);
  return r;
}

}  // namespace emu::s3
