#include <doctest/doctest.h>

#include "tests/dynamodb/fixture.h"

using namespace emu;
using namespace emu::dynamodb;
using emu::dynamodb::test::Fixture;
using emu::dynamodb::test::item_of;

namespace {

// Admits the first `budget` calls, then refuses with AWS's provisioned-throughput error.
class CountingGovernor : public ThroughputGovernor {
 public:
  explicit CountingGovernor(int budget) : budget_(budget) {}
  std::optional<AwsError> consume(std::string_view table, std::string_view index, Access access,
                                  double units, Micros) override {
    calls.push_back({std::string(table), std::string(index), access, units});
    if (budget_-- > 0) return std::nullopt;
    return AwsError::client("ProvisionedThroughputExceededException",
                            "The level of configured provisioned throughput for the table was "
                            "exceeded. Consider increasing your provisioning level with the "
                            "UpdateTable API.");
  }
  struct Call {
    std::string table, index;
    Access access;
    double units;
  };
  std::vector<Call> calls;

 private:
  int budget_;
};

class AlwaysFail : public FaultInjector {
 public:
  FaultDecision check(std::string_view service, std::string_view operation,
                      std::string_view resource, Micros) override {
    seen = std::string(service) + "/" + std::string(operation) + "/" + std::string(resource);
    return FaultDecision{AwsError::server("InternalServerError", "Internal server error"),
                         5 * kMicrosPerMilli};
  }
  std::string seen;
};

}  // namespace

TEST_CASE("CreateTable answers CREATING, then the table is ACTIVE and listed") {
  Fixture f;
  CreateTableRequest r;
  r.table_name = "t1";
  r.attribute_definitions = {{"id", Type::kS}};
  r.key_schema = {{"id", "HASH"}};
  r.billing_mode = BillingMode::kPayPerRequest;
  auto created = f.db->create_table(r, f.now());
  REQUIRE(created.ok());
  CHECK(created->table_status == "CREATING");
  CHECK(created->table_arn == "arn:aws:dynamodb:ca-central-1:000000000000:table/t1");
  CHECK(f.db->describe_table("t1", f.now())->table_status == "ACTIVE");
  auto again = f.db->create_table(r, f.now());
  CHECK(again.error().code == "ResourceInUseException");
  CHECK(again.error().message == "Table already exists: t1");
  CHECK(f.db->list_tables({}, f.now())->table_names == std::vector<std::string>{"t1"});
  CHECK(f.db->delete_table("t1", f.now())->table_status == "DELETING");
  auto gone = f.db->describe_table("t1", f.now());
  CHECK(gone.error().code == "ResourceNotFoundException");
  CHECK(gone.error().message == "Requested resource not found: Table: t1 not found");
}

TEST_CASE("CreateTable validation messages") {
  Fixture f;
  CreateTableRequest r;
  r.table_name = "t1";
  r.attribute_definitions = {{"id", Type::kS}};
  r.key_schema = {{"other", "HASH"}};
  r.billing_mode = BillingMode::kPayPerRequest;
  CHECK(f.db->create_table(r, f.now()).error().message ==
        "One or more parameter values were invalid: Some index key attributes are not defined "
        "in AttributeDefinitions. Keys: [other], AttributeDefinitions: [id]");
  r.key_schema = {{"id", "RANGE"}};
  CHECK(f.db->create_table(r, f.now()).error().message ==
        "Invalid KeySchema: The first KeySchemaElement is not a HASH key type");
  r.key_schema = {{"id", "HASH"}};
  r.billing_mode = BillingMode::kProvisioned;
  CHECK(f.db->create_table(r, f.now()).error().message ==
        "One or more parameter values were invalid: ReadCapacityUnits and WriteCapacityUnits "
        "must both be specified when BillingMode is PROVISIONED");
  r.attribute_definitions.push_back({"extra", Type::kN});
  r.billing_mode = BillingMode::kPayPerRequest;
  CHECK(f.db->create_table(r, f.now()).error().message ==
        "One or more parameter values were invalid: Number of attributes in KeySchema does not "
        "exactly match number of attributes defined in AttributeDefinitions");
}

TEST_CASE("ListTables pages with Limit and ExclusiveStartTableName") {
  Fixture f;
  for (const char* n : {"aaa", "bbb", "ccc"}) f.make_table(n);
  ListTablesRequest r;
  r.limit = 2;
  auto page = f.db->list_tables(r, f.now());
  CHECK(page->table_names == std::vector<std::string>{"aaa", "bbb"});
  REQUIRE(page->last_evaluated_table_name);
  r.exclusive_start_table_name = *page->last_evaluated_table_name;
  page = f.db->list_tables(r, f.now());
  CHECK(page->table_names == std::vector<std::string>{"ccc"});
  CHECK_FALSE(page->last_evaluated_table_name);
}

TEST_CASE("PutItem/GetItem/DeleteItem happy paths and ReturnValues ALL_OLD") {
  Fixture f;
  f.make_table("t");
  REQUIRE(f.put("t", R"({"id":{"S":"a"},"v":{"N":"1"}})").ok());
  PutItemRequest put;
  put.table_name = "t";
  put.item = item_of(R"({"id":{"S":"a"},"v":{"N":"2"}})");
  put.return_values = ReturnValues::kAllOld;
  auto r = f.db->put_item(put, f.now());
  REQUIRE(r.ok());
  CHECK(r->attributes->at("v").scalar() == "1");
  CHECK(f.get("t", R"({"id":{"S":"a"}})")->at("v").scalar() == "2");
  put.return_values = ReturnValues::kAllNew;
  CHECK(f.db->put_item(put, f.now()).error().message == "Return values set to invalid value");
  DeleteItemRequest del;
  del.table_name = "t";
  del.key = item_of(R"({"id":{"S":"a"}})");
  del.return_values = ReturnValues::kAllOld;
  auto d = f.db->delete_item(del, f.now());
  CHECK(d->attributes->at("v").scalar() == "2");
  CHECK_FALSE(f.get("t", R"({"id":{"S":"a"}})"));
  d = f.db->delete_item(del, f.now());  // deleting nothing succeeds without attributes
  CHECK_FALSE(d->attributes);
}

TEST_CASE("item and key validation errors") {
  Fixture f;
  f.make_table("t", true);
  CHECK(f.put("t", R"({"id":{"S":"a"}})").error().message ==
        "One or more parameter values were invalid: Missing the key sk in the item");
  CHECK(f.put("t", R"({"id":{"N":"1"},"sk":{"S":"x"}})").error().message ==
        "One or more parameter values were invalid: Type mismatch for key id expected: S actual: "
        "N");
  CHECK(f.put("t", R"({"id":{"S":""},"sk":{"S":"x"}})").error().message ==
        "One or more parameter values are not valid. The AttributeValue for a key attribute "
        "cannot contain an empty string value. Key: id");
  const std::string big_key(2049, 'k');
  CHECK(f.put("t", ("{\"id\":{\"S\":\"" + big_key + "\"},\"sk\":{\"S\":\"x\"}}").c_str())
            .error()
            .message ==
        "One or more parameter values were invalid: Size of hashkey has exceeded the maximum "
        "size limit of2048 bytes");
  const std::string big(409600, 'x');
  CHECK(
      f.put("t",
            ("{\"id\":{\"S\":\"a\"},\"sk\":{\"S\":\"b\"},\"big\":{\"S\":\"" + big + "\"}}").c_str())
          .error()
          .message == "Item size has exceeded the maximum allowed size");
  GetItemRequest get;
  get.table_name = "t";
  get.key = item_of(R"({"id":{"S":"a"}})");
  CHECK(f.db->get_item(get, f.now()).error().message ==
        "The provided key element does not match the schema");
  get.table_name = "missing";
  CHECK(f.db->get_item(get, f.now()).error().message == "Requested resource not found");
}

TEST_CASE("conditional writes fail with ConditionalCheckFailedException and change nothing") {
  Fixture f;
  f.make_table("t");
  REQUIRE(f.put("t", R"({"id":{"S":"a"},"v":{"N":"1"}})").ok());
  PutItemRequest put;
  put.table_name = "t";
  put.item = item_of(R"({"id":{"S":"a"},"v":{"N":"9"}})");
  put.condition_expression = "attribute_not_exists(id)";
  put.return_old_on_condition_failure = true;
  auto r = f.db->put_item(put, f.now());
  CHECK(r.error().code == "ConditionalCheckFailedException");
  CHECK(r.error().message == "The conditional request failed");
  REQUIRE(f.db->condition_failure_item());
  CHECK(f.db->condition_failure_item()->at("v").scalar() == "1");
  CHECK(f.get("t", R"({"id":{"S":"a"}})")->at("v").scalar() == "1");
  put.condition_expression = "v = :one";
  put.attributes.values = item_of(R"({":one":{"N":"1"}})");
  CHECK(f.db->put_item(put, f.now()).ok());
  CHECK(f.get("t", R"({"id":{"S":"a"}})")->at("v").scalar() == "9");
}

TEST_CASE("UpdateItem: the seed's aggregate update creates then accumulates") {
  Fixture f;
  f.make_table("agg", true);
  UpdateItemRequest u;
  u.table_name = "agg";
  u.key = item_of(R"({"id":{"S":"ON"},"sk":{"S":"k1"}})");
  u.update_expression =
      "SET #region = :region, version = :version, "
      "metricCount = if_not_exists(metricCount, :start) + :metricCount";
  u.attributes.names = expr::Names{{"#region", "region"}};
  u.attributes.values = item_of(R"({":region":{"S":"ON"},":version":{"N":"6"},":start":{"N":"0"},
                  ":metricCount":{"N":"3"}})");
  u.return_values = ReturnValues::kUpdatedNew;
  auto r = f.db->update_item(u, f.now());
  REQUIRE(r.ok());
  CHECK(r->attributes->at("metricCount").scalar() == "3");
  CHECK(r->attributes->count("id") == 0);  // UPDATED_NEW: only what the update touched
  u.return_values = ReturnValues::kUpdatedOld;
  r = f.db->update_item(u, f.now());
  CHECK(r->attributes->at("metricCount").scalar() == "3");
  u.return_values = ReturnValues::kAllNew;
  r = f.db->update_item(u, f.now());
  CHECK(r->attributes->at("metricCount").scalar() == "9");
  CHECK(r->attributes->at("id").scalar() == "ON");
  u.return_values = ReturnValues::kAllOld;
  r = f.db->update_item(u, f.now());
  CHECK(r->attributes->at("metricCount").scalar() == "9");
}

TEST_CASE("UpdateItem errors") {
  Fixture f;
  f.make_table("t");
  UpdateItemRequest u;
  u.table_name = "t";
  u.key = item_of(R"({"id":{"S":"a"}})");
  u.update_expression = "SET id = :v";
  u.attributes.values = item_of(R"({":v":{"S":"b"}})");
  CHECK(f.db->update_item(u, f.now()).error().message ==
        "One or more parameter values were invalid: Cannot update attribute id. This attribute "
        "is part of the key");
  u.update_expression = "SET big = :v";
  u.attributes.values = item_of(("{\":v\":{\"S\":\"" + std::string(409600, 'x') + "\"}}").c_str());
  CHECK(f.db->update_item(u, f.now()).error().message ==
        "Item size to update has exceeded the maximum allowed size");
  u.update_expression = "SET a = :v";
  u.attributes.values = Item{};
  CHECK(f.db->update_item(u, f.now()).error().message ==
        "ExpressionAttributeValues must not be empty");
  u.attributes.values.reset();
  u.attributes.names = expr::Names{{"#x", "x"}};
  u.update_expression.reset();
  CHECK(f.db->update_item(u, f.now()).error().message ==
        "ExpressionAttributeNames can only be specified when using expressions");
}

TEST_CASE("write capacity: 1 WCU per started KB of the larger image, GSIs too") {
  Fixture f;
  CountingGovernor governor(1000);
  f.db->set_governor(&governor);
  CreateTableRequest r;
  r.table_name = "g";
  r.attribute_definitions = {{"id", Type::kS}, {"ix", Type::kS}};
  r.key_schema = {{"id", "HASH"}};
  GlobalSecondaryIndex gsi;
  gsi.index_name = "ByIx";
  gsi.key_schema = {{"ix", "HASH"}};
  r.global_secondary_indexes = {gsi};
  r.has_global_secondary_indexes = true;
  r.billing_mode = BillingMode::kPayPerRequest;
  REQUIRE(f.db->create_table(r, f.now()).ok());
  PutItemRequest put;
  put.table_name = "g";
  put.return_consumed_capacity = ReturnConsumedCapacity::kIndexes;
  // 2 + 1 + 2 + 2 + 1500 bytes: just under 1.5 KB -> 2 WCU; in the index too.
  put.item = item_of(("{\"id\":{\"S\":\"a\"},\"ix\":{\"S\":\"i\"},\"pl\":{\"S\":\"" +
                      std::string(1500, 'x') + "\"}}")
                         .c_str());
  auto result = f.db->put_item(put, f.now());
  REQUIRE(result.ok());
  CHECK(result->consumed_capacity->table_capacity_units == 2);
  CHECK(result->consumed_capacity->global_secondary_indexes.at("ByIx") == 2);
  CHECK(result->consumed_capacity->capacity_units == 4);
  REQUIRE(governor.calls.size() == 2);
  CHECK(governor.calls[0].index.empty());
  CHECK(governor.calls[1].index == "ByIx");
  // A small overwrite still costs the larger (old) size; moving the index key costs 2 writes.
  put.item = item_of(R"({"id":{"S":"a"},"ix":{"S":"j"}})");
  result = f.db->put_item(put, f.now());
  CHECK(result->consumed_capacity->table_capacity_units == 2);
  CHECK(result->consumed_capacity->global_secondary_indexes.at("ByIx") == 3);
  // Reads: 4 KB units, halved when eventually consistent.
  GetItemRequest get;
  get.table_name = "g";
  get.key = item_of(R"({"id":{"S":"a"}})");
  get.return_consumed_capacity = ReturnConsumedCapacity::kTotal;
  CHECK(f.db->get_item(get, f.now())->consumed_capacity->capacity_units == 0.5);
  get.consistent_read = true;
  CHECK(f.db->get_item(get, f.now())->consumed_capacity->capacity_units == 1);
}

TEST_CASE("a throttled write changes nothing") {
  Fixture f;
  f.make_table("t");
  CountingGovernor governor(0);
  f.db->set_governor(&governor);
  auto r = f.put("t", R"({"id":{"S":"a"}})");
  CHECK(r.error().code == "ProvisionedThroughputExceededException");
  f.db->set_governor(nullptr);
  CHECK_FALSE(f.get("t", R"({"id":{"S":"a"}})"));
  CHECK(f.db->state()["tables"]["t"]["throttled_requests"] == 1);
}

TEST_CASE("BatchWriteItem returns throttled writes as UnprocessedItems") {
  Fixture f;
  f.make_table("t");
  CountingGovernor governor(2);
  f.db->set_governor(&governor);
  BatchWriteItemRequest batch;
  std::vector<WriteRequest> writes;
  for (int i = 0; i < 5; ++i) {
    writes.push_back({true, item_of(("{\"id\":{\"S\":\"k" + std::to_string(i) + "\"}}").c_str())});
  }
  batch.request_items = {{"t", writes}};
  auto r = f.db->batch_write_item(batch, f.now());
  REQUIRE(r.ok());
  REQUIRE(r->unprocessed_items.size() == 1);
  CHECK(r->unprocessed_items[0].second.size() == 3);
  CHECK(f.db->table("t")->item_count() == 2);
  CHECK(test::stored_rows(*f.db, "t").size() == 2);
  // All refused: the call itself fails with the throttling error.
  auto all = f.db->batch_write_item(batch, f.now());
  CHECK(all.error().code == "ProvisionedThroughputExceededException");
  f.db->set_governor(nullptr);
  std::vector<WriteRequest> too_many(26, WriteRequest{true, item_of(R"({"id":{"S":"x"}})")});
  batch.request_items = {{"t", too_many}};
  CHECK(f.db->batch_write_item(batch, f.now()).error().message ==
        "Too many items requested for the BatchWriteItem call");
  batch.request_items = {{"t", {writes[0], writes[0]}}};
  CHECK(f.db->batch_write_item(batch, f.now()).error().message ==
        "Provided list of item keys contains duplicates");
}

TEST_CASE("BatchGetItem reads keys, skips missing ones, reports throttled keys") {
  Fixture f;
  f.make_table("t");
  REQUIRE(f.put("t", R"({"id":{"S":"a"},"v":{"N":"1"},"w":{"N":"2"}})").ok());
  REQUIRE(f.put("t", R"({"id":{"S":"b"},"v":{"N":"3"}})").ok());
  BatchGetItemRequest r;
  KeysAndAttributes ka;
  ka.keys = {item_of(R"({"id":{"S":"a"}})"), item_of(R"({"id":{"S":"b"}})"),
             item_of(R"({"id":{"S":"zz"}})")};
  ka.projection_expression = "id, #v";
  ka.names = expr::Names{{"#v", "v"}};
  r.request_items = {{"t", ka}};
  auto result = f.db->batch_get_item(r, f.now());
  REQUIRE(result.ok());
  REQUIRE(result->responses.size() == 1);
  CHECK(result->responses[0].second.size() == 2);
  CHECK(result->responses[0].second[0].count("w") == 0);
  CountingGovernor governor(1);
  f.db->set_governor(&governor);
  result = f.db->batch_get_item(r, f.now());
  REQUIRE(result.ok());
  REQUIRE(result->unprocessed_keys.size() == 1);
  CHECK(result->unprocessed_keys[0].second.keys.size() == 2);
}

TEST_CASE("the fault injector is asked first, with service, operation and table") {
  Fixture f;
  f.make_table("t");
  AlwaysFail faults;
  f.db->set_fault_injector(&faults);
  auto r = f.put("t", R"({"id":{"S":"a"}})");
  CHECK(r.error().code == "InternalServerError");
  CHECK(r.error().http_status == 500);
  CHECK(faults.seen == "dynamodb/PutItem/t");
  CHECK(f.db->last_fault_latency() == 5 * kMicrosPerMilli);
  f.db->set_fault_injector(nullptr);
  CHECK_FALSE(f.get("t", R"({"id":{"S":"a"}})"));
}

TEST_CASE("a repeated expression is re-validated when its names or value types change") {
  Fixture f;
  f.make_table("t");
  UpdateItemRequest u;
  u.table_name = "t";
  u.key = item_of(R"({"id":{"S":"a"}})");
  u.update_expression = "SET #a = if_not_exists(#a, :zero) + :n";
  u.attributes.names = expr::Names{{"#a", "n"}};
  u.attributes.values = item_of(R"({":zero":{"N":"0"},":n":{"N":"2"}})");
  REQUIRE(f.db->update_item(u, f.now()).ok());
  REQUIRE(f.db->update_item(u, f.now()).ok());  // the cached validation is reused
  CHECK(f.get("t", R"({"id":{"S":"a"}})")->at("n").scalar() == "4");
  u.attributes.values = item_of(R"({":zero":{"N":"0"},":n":{"S":"x"}})");
  CHECK(f.db->update_item(u, f.now()).error().message ==
        "Invalid UpdateExpression: Incorrect operand type for operator or function; operator or "
        "function: +, operand type: S");
  u.attributes.values = item_of(R"({":zero":{"N":"0"},":n":{"N":"1"},":extra":{"N":"1"}})");
  CHECK(f.db->update_item(u, f.now()).error().message ==
        "Value provided in ExpressionAttributeValues unused in expressions: keys: {:extra}");
  // The same values object with a placeholder renamed in place (same size, same type).
  u.attributes.values = item_of(R"({":zero":{"N":"0"},":n":{"N":"1"}})");
  REQUIRE(f.db->update_item(u, f.now()).ok());
  u.attributes.values->erase(":n");
  u.attributes.values->emplace(":m", AttributeValue::number(std::int64_t{1}));
  CHECK(f.db->update_item(u, f.now()).error().message ==
        "Invalid UpdateExpression: An expression attribute value used in expression is not "
        "defined; attribute value: :n");
  u.attributes.values = item_of(R"({":zero":{"N":"0"},":n":{"N":"1"}})");
  u.attributes.names = expr::Names{{"#b", "n"}};
  CHECK(f.db->update_item(u, f.now()).error().message ==
        "Invalid UpdateExpression: An expression attribute name used in the document path is "
        "not defined; attribute name: #a");
}
