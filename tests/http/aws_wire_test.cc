#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "emulator/http/aws_wire.h"

using namespace emu::http;

TEST_CASE("checksums match published test vectors") {
  CHECK(md5_hex("") == "d41d8cd98f00b204e9800998ecf8427e");
  CHECK(md5_hex("hello") == "5d41402abc4b2a76b9719d911017c592");
  CHECK(sha256_hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  CHECK(crc32("123456789") == 0xCBF43926u);
  // botocore's S3 example: CRC32 of "hello" is NhCmhg== (base64, big-endian).
  const std::uint32_t c = crc32("hello");
  std::string be{static_cast<char>(c >> 24), static_cast<char>(c >> 16),
                 static_cast<char>(c >> 8), static_cast<char>(c)};
  CHECK(base64_encode(be) == "NhCmhg==");
}

TEST_CASE("base64 round-trips and rejects garbage") {
  for (std::string s : {"", "f", "fo", "foo", "foob", "fooba", "foobar"}) {
    CHECK(*base64_decode(base64_encode(s)) == s);
  }
  CHECK(base64_encode("foobar") == "Zm9vYmFy");
  CHECK_FALSE(base64_decode("Zm9"));
  CHECK_FALSE(base64_decode("Zm9v!!!!"));
  CHECK_FALSE(base64_decode("Z=9v"));
}

TEST_CASE("XML writer escapes and nests") {
  XmlWriter xml;
  xml.open("A", "urn:x").element("B", "1 < 2 & \"q\"").open("C").close();
  CHECK(xml.str() == "<?xml version=\"1.0\" encoding=\"UTF-8\"?><A xmlns=\"urn:x\"><B>1 &lt; 2 "
                     "&amp; &quot;q&quot;</B><C></C></A>");
}

TEST_CASE("JSON and query error shapes") {
  const auto e = emu::AwsError::client("ResourceNotFoundException", "Requested resource not found");
  const auto r = json_error(e, "com.amazonaws.dynamodb.v20120810#", "rid");
  CHECK(r.status == 400);
  CHECK(r.header("x-amzn-RequestId") == "rid");
  const auto body = nlohmann::json::parse(r.body);
  CHECK(body["__type"] == "com.amazonaws.dynamodb.v20120810#ResourceNotFoundException");
  CHECK(body["message"] == "Requested resource not found");
  const auto q = query_error(emu::AwsError::server("InternalFailure", "x"), "rid");
  CHECK(q.status == 500);
  CHECK(q.body.find("<Type>Receiver</Type><Code>InternalFailure</Code>") != std::string::npos);
}

TEST_CASE("query params expose flattened lists") {
  QueryParams p("Action=PutMetricData&MetricData.member.2.MetricName=b&"
                "MetricData.member.1.MetricName=a&MetricData.member.10.Value=3&"
                "AttributeName.1=All");
  CHECK(p.get("Action") == "PutMetricData");
  CHECK(p.indices("MetricData.member") == std::vector<int>{1, 2, 10});
  CHECK(p.indices("AttributeName") == std::vector<int>{1});
  CHECK(p.get_or("Missing", "d") == "d");
}

TEST_CASE("UTF-8 validation") {
  CHECK(valid_utf8(""));
  CHECK(valid_utf8("plain ascii"));
  CHECK(valid_utf8("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80"));
  CHECK_FALSE(valid_utf8("\xff"));
  CHECK_FALSE(valid_utf8("\xc3"));              // truncated
  CHECK_FALSE(valid_utf8("\xc0\xaf"));          // overlong '/'
  CHECK_FALSE(valid_utf8("\xed\xa0\x80"));      // a surrogate
  CHECK_FALSE(valid_utf8("\xf4\x90\x80\x80"));  // past U+10FFFF
  CHECK_FALSE(valid_utf8("a\x80"));
}

TEST_CASE("JSON errors echoing bytes that are not UTF-8 are replaced, not thrown") {
  const auto r = json_error(emu::AwsError::client("UnknownOperationException",
                                                  "Unknown operation \xff."),
                            "com.amazonaws.sqs#", "rid");
  CHECK(r.status == 400);
  CHECK(nlohmann::json::parse(r.body)["message"] == "Unknown operation \xef\xbf\xbd.");
}
