#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include "emulator/apigateway/access_log.h"

using namespace emu;
using namespace emu::apigateway;

TEST_CASE("access log lines follow the seed's format") {
  AccessLogEntry e;
  e.request_id = "abc";
  e.ip = "203.0.113.9";
  e.request_time = *parse_iso8601("2021-06-27T04:00:07Z");
  e.http_method = "POST";
  e.resource_path = "/save-metrics";
  e.status = 200;
  e.protocol = "HTTP/1.1";
  e.response_length = 27;
  CHECK(format_access_log_line(e) ==
        R"({"requestId":"abc","ip":"203.0.113.9","caller":"-","user":"-",)"
        R"("requestTime":"27/Jun/2021:04:00:07 +0000","httpMethod":"POST",)"
        R"("resourcePath":"/save-metrics","status":"200","protocol":"HTTP/1.1",)"
        R"("responseLength":"27"})");
}

TEST_CASE("the access log appends lines to its file") {
  const auto dir = std::filesystem::temp_directory_path() / "emu_access_log_test";
  std::filesystem::remove_all(dir);
  {
    AccessLog log(dir / "logs" / "access.log");
    AccessLogEntry e;
    e.status = 204;
    log.write(e);
    log.write(e);
    log.flush();
    CHECK(log.lines() == 2);
  }
  std::ifstream in(dir / "logs" / "access.log");
  std::string line;
  int n = 0;
  while (std::getline(in, line)) {
    CHECK(nlohmann::json::parse(line)["status"] == "204");
    CHECK(nlohmann::json::parse(line)["resourcePath"] == "-");
    ++n;
  }
  CHECK(n == 2);
}

TEST_CASE("access-log values that are not plain ASCII are escaped as JSON, bad UTF-8 replaced") {
  AccessLogEntry e;
  e.ip = "1.2.3.4\", \"x";
  e.resource_path = std::string("/caf\xc3\xa9\xff");
  const auto line = format_access_log_line(e);
  const auto j = nlohmann::json::parse(line);
  CHECK(j["ip"] == "1.2.3.4\", \"x");
  CHECK(j["resourcePath"] == "/caf\xc3\xa9\xef\xbf\xbd");
  CHECK(j["httpMethod"] == "-");
}
