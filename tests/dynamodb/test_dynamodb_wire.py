"""DynamoDB and DynamoDB Streams against `emulator serve` with real boto3 and the AWS CLI."""
import json
import unittest

from botocore.exceptions import ClientError
from emulator_harness import Emulator, aws, client


class DynamoDbWireTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.emu = Emulator().start()
        cls.ddb = client("dynamodb", cls.emu.url)
        cls.streams = client("dynamodbstreams", cls.emu.url)

    @classmethod
    def tearDownClass(cls):
        # Close pooled keep-alive connections first so the server can shut down at once.
        cls.ddb.close()
        cls.streams.close()
        cls.emu.stop()

    def error(self, fn, **kwargs):
        with self.assertRaises(ClientError) as ctx:
            fn(**kwargs)
        return ctx.exception.response

    def test_seed_tables_exist_at_start(self):
        names = self.ddb.list_tables()["TableNames"]
        self.assertIn("raw_metrics", names)
        self.assertIn("aggregate_metrics", names)
        table = self.ddb.describe_table(TableName="aggregate_metrics")["Table"]
        self.assertEqual(table["TableStatus"], "ACTIVE")
        self.assertEqual(table["GlobalSecondaryIndexes"][0]["IndexName"], "IdentifierIndex")
        ttl = self.ddb.describe_time_to_live(TableName="raw_metrics")["TimeToLiveDescription"]
        self.assertEqual(ttl, {"TimeToLiveStatus": "ENABLED", "AttributeName": "expdate"})

    def test_create_describe_list_delete_table(self):
        created = self.ddb.create_table(
            TableName="wire_t", BillingMode="PAY_PER_REQUEST",
            AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
            KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}])
        self.assertEqual(created["TableDescription"]["TableStatus"], "CREATING")
        self.ddb.get_waiter("table_exists").wait(TableName="wire_t",
                                                 WaiterConfig={"Delay": 1, "MaxAttempts": 2})
        err = self.error(self.ddb.create_table, TableName="wire_t",
                         BillingMode="PAY_PER_REQUEST",
                         AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
                         KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}])
        self.assertEqual(err["Error"]["Code"], "ResourceInUseException")
        self.assertEqual(self.ddb.delete_table(TableName="wire_t")["TableDescription"]
                         ["TableStatus"], "DELETING")
        err = self.error(self.ddb.describe_table, TableName="wire_t")
        self.assertEqual(err["Error"]["Code"], "ResourceNotFoundException")
        self.assertEqual(err["Error"]["Message"],
                         "Requested resource not found: Table: wire_t not found")

    def test_put_get_update_delete_with_conditions_and_return_values(self):
        key = {"pk": {"S": "QC"}, "sk": {"S": "k1"}}
        self.ddb.put_item(TableName="aggregate_metrics",
                          Item=dict(key, identifier={"S": "x"}, metricCount={"N": "1"}))
        err = self.error(self.ddb.put_item, TableName="aggregate_metrics", Item=key,
                         ConditionExpression="attribute_not_exists(pk)")
        self.assertEqual(err["Error"]["Code"], "ConditionalCheckFailedException")
        self.assertEqual(err["Error"]["Message"], "The conditional request failed")
        self.assertEqual(err["ResponseMetadata"]["HTTPStatusCode"], 400)
        out = self.ddb.update_item(
            TableName="aggregate_metrics", Key=key,
            UpdateExpression="SET metricCount = if_not_exists(metricCount, :z) + :n, #s = :s",
            ExpressionAttributeNames={"#s": "status"},
            ExpressionAttributeValues={":z": {"N": "0"}, ":n": {"N": "41"},
                                       ":s": {"S": "ok"}},
            ReturnValues="UPDATED_NEW")
        self.assertEqual(out["Attributes"], {"metricCount": {"N": "42"}, "status": {"S": "ok"}})
        item = self.ddb.get_item(TableName="aggregate_metrics", Key=key,
                                 ProjectionExpression="metricCount")["Item"]
        self.assertEqual(item, {"metricCount": {"N": "42"}})
        err = self.error(self.ddb.update_item, TableName="aggregate_metrics", Key=key,
                         UpdateExpression="SET count = :c",
                         ExpressionAttributeValues={":c": {"N": "1"}})
        self.assertEqual(err["Error"]["Code"], "ValidationException")
        self.assertIn("reserved keyword; reserved keyword: count", err["Error"]["Message"])
        old = self.ddb.delete_item(TableName="aggregate_metrics", Key=key, ReturnValues="ALL_OLD")
        self.assertEqual(old["Attributes"]["metricCount"], {"N": "42"})
        self.assertNotIn("Item", self.ddb.get_item(TableName="aggregate_metrics", Key=key))

    def test_query_gsi_and_scan_pagination_with_the_cli(self):
        items = [{"PutRequest": {"Item": {"pk": {"S": "NB"}, "sk": {"S": "s%03d" % i},
                                          "identifier": {"S": "gsi-%d" % (i % 2)}}}}
                 for i in range(25)]
        out = self.ddb.batch_write_item(RequestItems={"aggregate_metrics": items})
        self.assertEqual(out["UnprocessedItems"], {})
        q = self.ddb.query(TableName="aggregate_metrics", IndexName="IdentifierIndex",
                           KeyConditionExpression="identifier = :i",
                           ExpressionAttributeValues={":i": {"S": "gsi-1"}})
        self.assertEqual(q["Count"], 12)
        rc, out, err = aws(self.emu.url, "dynamodb", "scan", "--table-name",
                           "aggregate_metrics", "--page-size", "4",
                           "--filter-expression", "pk = :p",
                           "--expression-attribute-values", '{":p":{"S":"NB"}}')
        self.assertEqual(rc, 0, err)
        self.assertEqual(out["Count"], 25)
        self.assertEqual(len(out["Items"]), 25)
        got = self.ddb.batch_get_item(RequestItems={"aggregate_metrics": {
            "Keys": [{"pk": {"S": "NB"}, "sk": {"S": "s000"}},
                     {"pk": {"S": "NB"}, "sk": {"S": "nope"}}]}})
        self.assertEqual(len(got["Responses"]["aggregate_metrics"]), 1)
        self.assertEqual(got["UnprocessedKeys"], {})

    def test_local_secondary_index_with_boto3_paginator(self):
        self.ddb.create_table(
            TableName="wire_lsi", BillingMode="PAY_PER_REQUEST",
            AttributeDefinitions=[{"AttributeName": n, "AttributeType": "S"}
                                  for n in ("pk", "sk", "at")],
            KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"},
                       {"AttributeName": "sk", "KeyType": "RANGE"}],
            LocalSecondaryIndexes=[{
                "IndexName": "byAt",
                "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"},
                              {"AttributeName": "at", "KeyType": "RANGE"}],
                "Projection": {"ProjectionType": "KEYS_ONLY"}}])
        for i in range(7):
            self.ddb.put_item(TableName="wire_lsi", Item={
                "pk": {"S": "p"}, "sk": {"S": "s%d" % i}, "at": {"S": "t%d" % (6 - i)},
                "v": {"N": str(i)}})
        pages = list(self.ddb.get_paginator("query").paginate(
            TableName="wire_lsi", IndexName="byAt", ConsistentRead=True,
            KeyConditionExpression="pk = :p", ExpressionAttributeValues={":p": {"S": "p"}},
            ReturnConsumedCapacity="INDEXES", PaginationConfig={"PageSize": 3}))
        self.assertEqual(len(pages), 3)
        self.assertEqual(set(pages[0]["LastEvaluatedKey"]), {"pk", "sk", "at"})
        ats = [i["at"]["S"] for p in pages for i in p["Items"]]
        self.assertEqual(ats, ["t%d" % i for i in range(7)])
        self.assertNotIn("v", pages[0]["Items"][0])  # KEYS_ONLY
        self.assertIn("byAt", pages[0]["ConsumedCapacity"]["LocalSecondaryIndexes"])
        table = self.ddb.describe_table(TableName="wire_lsi")["Table"]
        self.assertEqual(table["LocalSecondaryIndexes"][0]["ItemCount"], 7)
        self.ddb.delete_table(TableName="wire_lsi")

    def test_ttl_update_and_describe(self):
        self.ddb.create_table(
            TableName="wire_ttl", BillingMode="PAY_PER_REQUEST",
            AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
            KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}])
        out = self.ddb.update_time_to_live(
            TableName="wire_ttl",
            TimeToLiveSpecification={"Enabled": True, "AttributeName": "exp"})
        self.assertEqual(out["TimeToLiveSpecification"], {"Enabled": True, "AttributeName": "exp"})
        rc, out, err = aws(self.emu.url, "dynamodb", "describe-time-to-live",
                           "--table-name", "wire_ttl")
        self.assertEqual(rc, 0, err)
        self.assertEqual(out["TimeToLiveDescription"]["TimeToLiveStatus"], "ENABLED")
        err = self.error(self.ddb.update_time_to_live, TableName="wire_ttl",
                         TimeToLiveSpecification={"Enabled": True, "AttributeName": "exp"})
        self.assertEqual(err["Error"]["Message"], "TimeToLive is already enabled")

    def test_streams_list_describe_get_records(self):
        self.ddb.put_item(TableName="raw_metrics",
                          Item={"uuid": {"S": "stream-1"}, "expdate": {"N": "1900000000"},
                                "raw": {"S": json.dumps({"payload": []})}})
        arn = self.streams.list_streams(TableName="raw_metrics")["Streams"][0]["StreamArn"]
        desc = self.streams.describe_stream(StreamArn=arn)["StreamDescription"]
        self.assertEqual(desc["StreamViewType"], "NEW_IMAGE")
        shard = desc["Shards"][0]["ShardId"]
        it = self.streams.get_shard_iterator(StreamArn=arn, ShardId=shard,
                                             ShardIteratorType="TRIM_HORIZON")["ShardIterator"]
        records = self.streams.get_records(ShardIterator=it)["Records"]
        mine = [r for r in records if r["dynamodb"]["Keys"]["uuid"]["S"] == "stream-1"]
        self.assertEqual(len(mine), 1)
        self.assertEqual(mine[0]["eventName"], "INSERT")
        self.assertEqual(mine[0]["dynamodb"]["NewImage"]["raw"]["S"], '{"payload": []}')
        self.assertEqual(len(mine[0]["dynamodb"]["SequenceNumber"]), 21)
        rc, out, err = aws(self.emu.url, "dynamodbstreams", "get-shard-iterator",
                           "--stream-arn", arn, "--shard-id", shard,
                           "--shard-iterator-type", "LATEST")
        self.assertEqual(rc, 0, err)
        later = self.streams.get_records(ShardIterator=out["ShardIterator"])
        self.assertEqual(later["Records"], [])
        self.assertIn("NextShardIterator", later)

    def test_errors_as_botocore_parses_them(self):
        err = self.error(self.ddb.get_item, TableName="nope", Key={"a": {"S": "b"}})
        self.assertEqual(err["Error"]["Code"], "ResourceNotFoundException")
        err = self.error(self.ddb.put_item, TableName="raw_metrics", Item={"uuid": {"N": "1"}})
        self.assertEqual(err["Error"]["Code"], "ValidationException")
        self.assertEqual(err["Error"]["Message"],
                         "One or more parameter values were invalid: Type mismatch for key uuid "
                         "expected: S actual: N")
        rc, out, err_text = aws(self.emu.url, "dynamodb", "get-item", "--table-name", "nope",
                                "--key", '{"a":{"S":"b"}}')
        self.assertNotEqual(rc, 0)
        self.assertIn("ResourceNotFoundException", err_text)


if __name__ == "__main__":
    unittest.main()
