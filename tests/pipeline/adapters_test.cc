// The aggregator's typed UpdateItem (DynamoDocuments::update_aggregate) against the JSON route
// the DocumentClient port takes for everything else (update(aggregate_params(...))): the same
// aggregates must leave identical tables and identical errors, for ordinary values and for the
// odd ones phones send (numbers, booleans, null, fractions, objects, missing appversion).
#include <doctest/doctest.h>

#include "emulator/core/clock.h"
#include "emulator/dynamodb/model.h"
#include "emulator/dynamodb/seed_tables.h"
#include "emulator/pipeline/adapters.h"

using namespace emu;
using functions::JsValue;

namespace {

struct Side {
  Config config = Config::defaults();
  VirtualClock clock{0};
  Scheduler scheduler{clock};
  Storage storage{":memory:", "OFF"};
  dynamodb::Database db{storage, scheduler, config};
  DynamoDocuments documents{db};
  Side() { dynamodb::create_seed_tables(db, config, 0); }

  std::map<std::string, dynamodb::Item> rows() {
    std::map<std::string, dynamodb::Item> out;
    db.for_each_row("aggregate_metrics", [&](const dynamodb::Item& item) {
      out.emplace(item.at("sk").scalar(), item);
    });
    return out;
  }
};

// A JS aggregate as aggregateEvents builds it, with `overrides` merged over the usual members.
JsValue aggregate(const JsValue& overrides) {
  JsValue a = JsValue::parse(R"({"identifier":"active-user","region":"ON","timestamp":1,
    "pushnotification":"true","frameworkenabled":"true","state":"on","pk":"ON",
    "sk":"ON#active-user#2021-06-26#ios#14#1.2.3#Apple#iPhone#*#true#true#on#*#*#*#*#*",
    "date":"2021-06-26","appos":"ios","appversion":"1.2.3","osversion":"14","metricCount":1,
    "manufacturer":"Apple","model":"iPhone","androidreleaseversion":""})");
  for (const auto& [k, v] : overrides.items()) {
    if (v.is_string() && v.get<std::string>() == "<undefined>") {
      a.erase(k);
    } else {
      a[k] = v;
    }
  }
  return a;
}

}  // namespace

TEST_CASE("typed aggregate updates leave the same table as the JSON params") {
  const std::vector<JsValue> cases = {
      JsValue::object(),
      JsValue::parse(R"({"metricCount":3})"),  // same key again: metricCount adds up
      JsValue::parse(R"({"sk":"k2","count":"1-6","duration":"< 30","withDate":true,
                         "isUserExposed":false,"status":null})"),
      JsValue::parse(R"({"sk":"k3","hoursSinceExposureDetectedAt":12,"state":-4,
                         "appversion":"<undefined>"})"),
      JsValue::parse(R"({"sk":"k4","pushnotification":1.5,"count":{"a":[1,2]}})"),
      JsValue::parse(R"({"sk":"k5","frameworkenabled":[true,"x"],"metricCount":18446744073709551615})"),
      JsValue::parse(R"({"sk":"k2","metricCount":2,"status":"fail","model":0})"),
      JsValue::parse(R"({"sk":"","metricCount":1})"),             // empty key: ValidationException
      JsValue::parse(R"({"pk":"<undefined>","sk":"k6"})"),         // no pk: ValidationException
      JsValue::parse(R"({"sk":"k7","region":"<undefined>","appos":"<undefined>"})")};
  Side typed, json;
  for (const auto& overrides : cases) {
    CAPTURE(overrides.dump());
    const JsValue a = aggregate(overrides);
    const auto u = functions::aggregate_update_of(a);
    const Status via_typed = typed.documents.update_aggregate(u, "aggregate_metrics", 0);
    const Status via_json = json.documents.update(functions::aggregate_params(u, "aggregate_metrics"), 0);
    REQUIRE(via_typed.ok() == via_json.ok());
    if (!via_typed.ok()) {
      CHECK(via_typed.error().code == via_json.error().code);
      CHECK(via_typed.error().message == via_json.error().message);
    }
  }
  const auto rows = typed.rows();
  CHECK(rows == json.rows());
  REQUIRE(rows.count(aggregate(JsValue::object())["sk"].get<std::string>()) == 1);
  CHECK(rows.at(aggregate(JsValue::object())["sk"].get<std::string>()).at("metricCount").scalar() == "4");
  CHECK(rows.at("k2").at("status").type() == dynamodb::Type::kS);  // c("fail") wins the second time
  CHECK(rows.at("k2").at("metricCount").scalar() == "3");
  CHECK(rows.at("k4").at("pushnotification").scalar() == "1.5");  // a fraction took the JSON route
  CHECK(rows.count("k6") == 0);
}
