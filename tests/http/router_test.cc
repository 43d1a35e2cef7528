// The router's guards: request targets with bytes that are not URI characters never reach a
// service, and an exception escaping a service is the last-resort 500, not a crash.
#include <doctest/doctest.h>

#include <stdexcept>
#include <vector>

#include "emulator/http/router.h"

using namespace emu::http;

namespace {

struct Recorder final : Service {
  int calls = 0;
  bool fail = false;
  std::string_view name() const override { return "recorder"; }
  bool accepts(const HttpRequest&) const override { return true; }
  HttpResponse handle(const HttpRequest&, emu::Micros) override {
    ++calls;
    if (fail) throw std::runtime_error("bug");
    return HttpResponse::with_body(200, "text/plain", "ok");
  }
};

HttpResponse get(Router& router, std::string path, std::string query = "") {
  HttpRequest r;
  r.method = "GET";
  r.path = std::move(path);
  r.query = std::move(query);
  return router.route(r, 0);
}

}  // namespace

TEST_CASE("request targets with raw non-URI bytes are refused with 400 before any service") {
  Recorder service;
  Router router;
  router.add(service);
  for (const std::string& bad : std::vector<std::string>{"/\xff", "/a b", std::string("/a\0b", 4),
                                                         "/caf\xc3", "/\x7f"}) {
    const auto r = get(router, bad);
    CHECK(r.status == 400);
    CHECK(r.body.find("not URI characters") != std::string::npos);
  }
  CHECK(get(router, "/x", "a=\xff").status == 400);
  CHECK(service.calls == 0);
  // Percent-encoded bytes and raw UTF-8 are the services' to judge.
  CHECK(get(router, "/%FF").status == 200);
  CHECK(get(router, "/caf\xc3\xa9", "q=%C3").status == 200);
  CHECK(service.calls == 2);
}

TEST_CASE("an exception escaping a service is a 500 InternalFailure and the router goes on") {
  Recorder service;
  Router router;
  router.add(service);
  service.fail = true;
  const auto r = get(router, "/boom");
  CHECK(r.status == 500);
  CHECK(r.body.find("InternalFailure") != std::string::npos);
  service.fail = false;
  CHECK(get(router, "/fine").status == 200);
}
