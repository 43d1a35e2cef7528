#include <doctest/doctest.h>

#include "emulator/http/message.h"
#include "emulator/http/router.h"

using namespace emu::http;

TEST_CASE("headers are case-insensitive") {
  HttpRequest r;
  r.headers.emplace("X-Api-Key", "k");
  CHECK(r.header("x-api-key") == "k");
  CHECK(r.has_header("X-API-KEY"));
  CHECK(r.header("missing").empty());
}

TEST_CASE("header names order as their lower-case forms do") {
  const CaseInsensitiveLess less;
  CHECK_FALSE(less("Content-Type", "content-type"));
  CHECK_FALSE(less("content-type", "CONTENT-TYPE"));
  CHECK(less("Content", "content-type"));  // a prefix first
  CHECK_FALSE(less("content-type", "Content"));
  CHECK(less("X-Amz-Date", "x-api-key"));  // 'm' < 'p'
  CHECK(less("a-b", "A_B"));               // '-' (45) < '_' (95)
  CHECK(less("[", "Z"));                   // '[' (91) < 'z' (122): 'Z' (90) is compared as 'z'
  CHECK_FALSE(less("Z", "["));
  CHECK(
      less(std::string("\xc3\x89"), std::string("\xc3\xa9")));  // bytes past ASCII stay as they are
}

TEST_CASE("url decoding, encoding and query parsing") {
  CHECK(url_decode("a%2Fb+c%", false) == "a/b+c%");
  CHECK(url_decode("a%2Fb+c", true) == "a/b c");
  CHECK(url_decode("%zz%4", false) == "%zz%4");
  CHECK(url_encode("csv/a b.csv", true) == "csv/a%20b.csv");
  CHECK(url_encode("a/b", false) == "a%2Fb");
  const auto q = parse_query("list-type=2&prefix=csv%2F&flag&=x&delimiter=");
  REQUIRE(q.size() == 5);
  CHECK(q[0] == std::pair<std::string, std::string>{"list-type", "2"});
  CHECK(q[1].second == "csv/");
  CHECK(q[2] == std::pair<std::string, std::string>{"flag", ""});
  CHECK(parse_query("").empty());
}

TEST_CASE("the SigV4 credential scope names the service") {
  HttpRequest r;
  r.headers.emplace("Authorization",
                    "AWS4-HMAC-SHA256 Credential=AKID/20210627/ca-central-1/monitoring/"
                    "aws4_request, SignedHeaders=host, Signature=abc");
  CHECK(sigv4_service(r) == "monitoring");
  HttpRequest presigned;
  presigned.query = "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKID%2F20210627%2F"
                    "us-east-1%2Fs3%2Faws4_request&X-Amz-Date=20210627T000000Z";
  CHECK(sigv4_service(presigned) == "s3");
  CHECK(sigv4_service(HttpRequest{}).empty());
}

namespace {
struct Fixed final : Service {
  std::string prefix;
  int status;
  Fixed(std::string p, int s) : prefix(std::move(p)), status(s) {}
  std::string_view name() const override { return prefix; }
  bool accepts(const HttpRequest& r) const override { return r.path.rfind(prefix, 0) == 0; }
  HttpResponse handle(const HttpRequest& r, emu::Micros) override {
    if (r.path == prefix + "/boom") throw std::runtime_error("boom");
    HttpResponse out;
    out.status = status;
    return out;
  }
};
}  // namespace

TEST_CASE("the router picks the first accepting service and contains exceptions") {
  Fixed a("/a", 201), b("/", 202);
  Router router;
  router.add(a);
  router.add(b);
  HttpRequest r;
  r.path = "/a/x";
  CHECK(router.route(r, 0).status == 201);
  r.path = "/zzz";
  CHECK(router.route(r, 0).status == 202);
  r.path = "/a/boom";
  CHECK(router.route(r, 0).status == 500);
  Router empty;
  CHECK(empty.route(r, 0).status == 404);
}
