#include "emulator/dynamodb/document.h"

#include <doctest/doctest.h>

#include "emulator/core/config.h"
#include "emulator/dynamodb/seed_tables.h"
#include "tests/dynamodb/fixture.h"

using namespace emu;
using namespace emu::dynamodb;
using emu::dynamodb::test::Fixture;
using nlohmann::json;

namespace {

// What aggregate_values.js's generatePayload() builds (MT a26b0cf), as JSON.stringify prints
// it into the DLQ message body.
json seed_params(int metric_count) {
  return {
      {"TableName", "aggregate_metrics"},
      {"Key",
       {{"pk", "ON"}, {"sk", "ON#exposed#2021-03-08#android#11#1.2.3#*#*#*#*#*#*#*#*#*#*#*"}}},
      {"UpdateExpression",
       "\n        SET appversion = :appversion,\n            appos = :appos,\n"
       "            #region = :region,\n            identifier = :identifier,\n"
       "            osversion = :osversion,\n            manufacturer = :manufacturer,\n"
       "            model = :model,\n            androidreleaseversion = :androidreleaseversion,\n"
       "            version = :version,\n            #count = :count,\n"
       "            pushnotification = :pushnotification,\n"
       "            frameworkenabled = :frameworkenabled,\n            #state = :state,\n"
       "            #status = :status,\n"
       "            hoursSinceExposureDetectedAt = :hoursSinceExposureDetectedAt,\n"
       "            #date = :date,\n            #duration = :duration,\n"
       "            withDate = :withDate,\n            isUserExposed = :isUserExposed,\n"
       "            metricCount = if_not_exists(metricCount, :start) + :metricCount"},
      {"ExpressionAttributeValues",
       {{":metricCount", metric_count},
        {":appversion", "1.2.3"},
        {":identifier", "exposed"},
        {":appos", "android"},
        {":region", "ON"},
        {":version", 6},
        {":start", 0},
        {":osversion", "11"},
        {":count", ""},
        {":pushnotification", ""},
        {":frameworkenabled", ""},
        {":state", ""},
        {":status", "background-process"},
        {":hoursSinceExposureDetectedAt", ""},
        {":date", "2021-03-08"},
        {":manufacturer", ""},
        {":model", ""},
        {":duration", ""},
        {":androidreleaseversion", ""},
        {":withDate", ""},
        {":isUserExposed", ""}}},
      {"ExpressionAttributeNames",
       {{"#region", "region"},
        {"#count", "count"},
        {"#state", "state"},
        {"#status", "status"},
        {"#date", "date"},
        {"#duration", "duration"}}}};
}

}  // namespace

TEST_CASE("DocumentClient marshalling of plain JSON") {
  auto item = item_from_document(json::parse(
      R"({"s":"x","n":1.5,"i":42,"t":true,"z":null,"l":[1,"a"],"m":{"k":{"deep":false}}})"));
  REQUIRE(item.ok());
  CHECK(item->at("s").type() == Type::kS);
  CHECK(item->at("n").scalar() == "1.5");
  CHECK(item->at("i").scalar() == "42");
  CHECK(item->at("t").type() == Type::kBool);
  CHECK(item->at("z").type() == Type::kNull);
  CHECK(item->at("l").list_value()[1].scalar() == "a");
  CHECK(item->at("m").map_value().at("k").map_value().at("deep").bool_value() == false);
  const json back = document_from_item(*item);
  CHECK(back["n"] == 1.5);
  CHECK(back["m"]["k"]["deep"] == false);
  CHECK(document_from_value(AttributeValue::set(Type::kSS, {"a"})) ==
        json({{"wrapperName", "Set"}, {"values", {"a"}}, {"type", "String"}}));
}

TEST_CASE("the seed's DocumentClient update params apply and accumulate") {
  Fixture f;
  create_seed_tables(*f.db, Config::defaults(), f.now());
  for (int n : {3, 4}) {
    auto request = update_request_from_document(seed_params(n));
    REQUIRE_MESSAGE(request.ok(), (request.ok() ? "" : request.error().message));
    REQUIRE(f.db->update_item(*request, f.now()).ok());
  }
  const Table* t = f.db->table("aggregate_metrics");
  const auto rows = test::stored_rows(*f.db, "aggregate_metrics");
  REQUIRE(rows.size() == 1);
  CHECK(t->item_count() == 1);
  const Item& item = *rows[0].item;
  CHECK(item.at("metricCount").scalar() == "7");
  CHECK(item.at("version").scalar() == "6");
  CHECK(item.at("status").scalar() == "background-process");
  CHECK(item.at("region").scalar() == "ON");
  CHECK(item.size() == 2 + 20);
  CHECK(t->index("IdentifierIndex")->stats.items == 1);
  CHECK(test::stored_entries(*f.db, "aggregate_metrics").size() == 1);
}

TEST_CASE("malformed DocumentClient params give AWS's validation errors") {
  json params = seed_params(1);
  params.erase("Key");
  CHECK(update_request_from_document(params).error().message ==
        "1 validation error detected: Value null at 'key' failed to satisfy constraint: Member "
        "must not be null");
  params = seed_params(1);
  params["ExpressionAttributeValues"].erase(":start");
  auto request = update_request_from_document(params);
  REQUIRE(request.ok());
  Fixture f;
  create_seed_tables(*f.db, Config::defaults(), f.now());
  CHECK(f.db->update_item(*request, f.now()).error().message ==
        "Invalid UpdateExpression: An expression attribute value used in expression is not "
        "defined; attribute value: :start");
  CHECK(update_request_from_document(json::array()).error().code == "SerializationException");
}
