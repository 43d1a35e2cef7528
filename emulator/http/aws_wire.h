// Wire helpers shared by the AWS service layers: checksums, base64, XML writing, the JSON and
// query protocols' error shapes, and flattened query-parameter access. Only wire layers use
// these; models never see HTTP.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "emulator/core/random.h"
#include "emulator/core/result.h"
#include "emulator/http/message.h"

namespace emu::http {

std::string md5_hex(std::string_view data);
std::string md5_base64(std::string_view data);
std::string sha256_hex(std::string_view data);
// CRC-32 (IEEE, as zlib and DynamoDB's x-amz-crc32 use).
std::uint32_t crc32(std::string_view data);
std::string base64_encode(std::string_view data);
// A gzip body (Content-Encoding: gzip, as botocore sends large PutMetricData) inflated; nullopt
// when it is not valid gzip or would inflate past `max_bytes` (a decompression bomb).
std::optional<std::string> gunzip(std::string_view data, std::size_t max_bytes);
// nullopt if `text` is not valid base64.
std::optional<std::string> base64_decode(std::string_view text);

// A request id in the form AWS services return (UUID, upper-case-free).
std::string new_request_id(Random& random);

std::string xml_escape(std::string_view text);

// True when `text` is well-formed UTF-8 (no overlong forms, surrogates or code points past
// U+10FFFF).
bool valid_utf8(std::string_view text);

// Builds XML documents element by element. Output starts with the XML declaration.
class XmlWriter {
 public:
  explicit XmlWriter(bool declaration = true);
  // <tag xmlns="..."> (namespace optional).
  XmlWriter& open(std::string_view tag, std::string_view xmlns = {});
  XmlWriter& close();
  // <tag>escaped text</tag>
  XmlWriter& element(std::string_view tag, std::string_view text);
  const std::string& str();

 private:
  std::string out_;
  std::vector<std::string> stack_;
};

// JSON-protocol error (DynamoDB, SQS-JSON, CloudWatch-JSON):
// body {"__type": "<type_prefix><code>", "message": "..."}, headers x-amzn-RequestId and
// Content-Type. Request text echoed in the message that is not UTF-8 is replaced, not thrown. `query_error` (e.g. "AWS.SimpleQueueService.NonExistentQueue;Sender") adds the
// x-amzn-query-error header that awsQueryCompatible services send.
HttpResponse json_error(const AwsError& error, std::string_view type_prefix,
                        const std::string& request_id,
                        std::string_view content_type = "application/x-amz-json-1.0",
                        std::string_view query_error = {});

// Query-protocol error (SQS/CloudWatch query): XML <ErrorResponse><Error><Type>Sender|Receiver
// </Type><Code/><Message/><Detail/></Error><RequestId/></ErrorResponse>.
HttpResponse query_error(const AwsError& error, const std::string& request_id,
                         std::string_view xmlns = {});

// Parameters of a query-protocol request (form body or query string), with access to AWS's
// flattened lists: "AttributeName.1", "MetricData.member.2.Dimensions.member.1.Name".
class QueryParams {
 public:
  QueryParams() = default;
  explicit QueryParams(std::string_view form);

  bool has(std::string_view name) const { return values_.count(std::string(name)) > 0; }
  // Value of `name`, or nullopt.
  std::optional<std::string> get(std::string_view name) const;
  std::string get_or(std::string_view name, std::string_view fallback) const;
  // The indices N (sorted) for which some parameter starts with "<prefix>.N" — e.g.
  // indices("MetricData.member") for MetricData.member.1..., MetricData.member.2...
  std::vector<int> indices(std::string_view prefix) const;
  const std::map<std::string, std::string>& all() const { return values_; }

 private:
  std::map<std::string, std::string> values_;
};

}  // namespace emu::http
