// Requests no emulated service claims: which ones are AWS's (and get an AWS-shaped error) and
// which are the phones' (the WAF answers them), and the shape each protocol gets.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "emulator/http/unsupported.h"

using namespace emu::http;
using Protocol = UnsupportedCall::Protocol;

namespace {

HttpRequest signed_for(const std::string& service, std::string method = "POST") {
  HttpRequest r;
  r.method = std::move(method);
  r.path = "/";
  r.headers.emplace("Authorization", "AWS4-HMAC-SHA256 Credential=AKID/20210627/ca-central-1/" +
                                         service + "/aws4_request, SignedHeaders=host, Signature=x");
  return r;
}

UnsupportedService service() {
  return UnsupportedService({"dynamodb", "sns"}, {"dynamodb", "sns"}, emu::Random(1));
}

}  // namespace

TEST_CASE("the phones' requests are not AWS requests") {
  HttpRequest phone;
  phone.method = "POST";
  phone.path = "/save-metrics";
  phone.headers.emplace("Content-Type", "application/json");
  phone.body = R"({"payload":[]})";
  CHECK_FALSE(looks_like_aws(phone));
  phone.query = "x=1";  // a query string alone is the WAF's business
  CHECK_FALSE(looks_like_aws(phone));
}

TEST_CASE("JSON protocols: the target names the operation; the content type is echoed") {
  HttpRequest r = signed_for("kinesis");
  r.headers.emplace("X-Amz-Target", "Kinesis_20131202.ListStreams");
  r.headers.emplace("Content-Type", "application/x-amz-json-1.1");
  REQUIRE(looks_like_aws(r));
  const auto call = classify_unsupported(r);
  CHECK(call.protocol == Protocol::kJson);
  CHECK(call.service == "kinesis");
  CHECK(call.operation == "ListStreams");
  auto s = service();
  const HttpResponse answer = s.handle(r, 0);
  CHECK(answer.status == 501);
  CHECK(answer.header("Content-Type") == "application/x-amz-json-1.1");
  const auto body = nlohmann::json::parse(answer.body);
  CHECK(body["__type"] == "NotImplemented");
  CHECK(body["message"] ==
        "Service 'kinesis' operation 'ListStreams' is not supported by this emulator. "
        "Emulated services: dynamodb; sns.");
}

TEST_CASE("an unsigned request with a target still gets the JSON error, named by the target") {
  HttpRequest r;
  r.method = "POST";
  r.path = "/";
  r.headers.emplace("X-Amz-Target", "AWSStepFunctions.ListStateMachines");
  const auto call = classify_unsupported(r);
  CHECK(call.service == "AWSStepFunctions");
  CHECK(call.content_type == "application/x-amz-json-1.0");
}

TEST_CASE("query and EC2 protocols: the Action names the operation; XML errors") {
  HttpRequest r = signed_for("sts");
  r.headers.emplace("Content-Type", "application/x-www-form-urlencoded; charset=utf-8");
  r.body = "Action=GetCallerIdentity&Version=2011-06-15";
  auto call = classify_unsupported(r);
  CHECK(call.protocol == Protocol::kQuery);
  CHECK(call.operation == "GetCallerIdentity");
  auto s = service();
  HttpResponse answer = s.handle(r, 0);
  CHECK(answer.body.find("<ErrorResponse><Error><Type>Receiver</Type><Code>NotImplemented</Code>") !=
        std::string::npos);
  HttpRequest ec2 = signed_for("ec2", "GET");
  ec2.query = "Action=DescribeVpcs&Version=2016-11-15";
  call = classify_unsupported(ec2);
  CHECK(call.protocol == Protocol::kEc2);
  answer = s.handle(ec2, 0);
  CHECK(answer.body.find("<Response><Errors><Error><Code>NotImplemented</Code>") != std::string::npos);
}

TEST_CASE("rest protocols: method and path name the operation; rest-xml for Route 53") {
  HttpRequest r = signed_for("apigateway", "GET");
  r.path = "/restapis";
  auto call = classify_unsupported(r);
  CHECK(call.protocol == Protocol::kRestJson);
  CHECK(call.operation == "GET /restapis");
  auto s = service();
  const HttpResponse answer = s.handle(r, 0);
  CHECK(answer.header("x-amzn-ErrorType") == "NotImplemented");
  CHECK(nlohmann::json::parse(answer.body)["message"].get<std::string>().find("'GET /restapis'") !=
        std::string::npos);
  HttpRequest route53 = signed_for("route53", "GET");
  route53.path = "/2013-04-01/hostedzone";
  CHECK(classify_unsupported(route53).protocol == Protocol::kRestXml);
}

TEST_CASE("a request signed for an emulated service in a form it does not take says so") {
  HttpRequest r = signed_for("dynamodb", "GET");
  auto s = service();
  const HttpResponse answer = s.handle(r, 0);
  CHECK(nlohmann::json::parse(answer.body)["message"].get<std::string>().find(
            "Service 'dynamodb' operation 'GET /' is not supported by this emulator in this form "
            "(the service is emulated") != std::string::npos);
}
