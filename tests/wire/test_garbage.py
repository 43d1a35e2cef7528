"""Garbage in: valid requests of every protocol, mutated by a seeded RNG (members of the wrong
JSON type, deleted members, huge numbers and list indices, truncated bodies, 0xFF bytes, huge
lists), must never get the emulator's last-resort 500 InternalFailure, and the emulator must stay
up and healthy. GARBAGE_SEED and GARBAGE_ROUNDS change the run (a failure names its seed and
request, so it can be replayed)."""
import copy
import json
import os
import random
import unittest
import urllib.parse

from emulator_harness import Emulator
from raw_http import healthy, json_request, query_request, send, signature

SEED = int(os.environ.get("GARBAGE_SEED", "20210627"))
ROUNDS = int(os.environ.get("GARBAGE_ROUNDS", "40"))  # mutations per template
DLQ_PATH = "/000000000000/aggregation-lambda-dead-letter-queue"
MASKED = "masked-metrics-tdvfd-production"

JSON_VALUES = [0, -1, 1, 2 ** 31, 2 ** 63, 2 ** 64 + 1, -2 ** 63 - 1, 1e308, -1e308, 3.5, "", "x",
               "\u0000", "\u00e9" * 300, "99999999999999999999", "-1", True, False, None, [], {},
               [5], [None], {"a": 1}, [[[]]], [{"x": "y"}] * 3]
QUERY_VALUES = ["", "x", "-1", "0", "1", "99999999999999999999", "1e999", "-1e999", "nan", "inf",
                "%FF", "%C3", "true", "2147483648", "1.5", "A" * 2000]
QUERY_INDICES = ["0", "-1", "99999999999999999999", "x", "", "1.5", "+1", "1000001", "07"]
TRASH_BYTES = [b"\xff", b"\x00", b"{", b"}", b"[", b"\"", b"&", b"=", b"%", b"\xc3"]


def paths(node, prefix=()):
    """Every path (tuple of keys and indices) into a JSON value."""
    yield prefix
    if isinstance(node, dict):
        for k, v in node.items():
            yield from paths(v, prefix + (k,))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from paths(v, prefix + (i,))


def replace_at(doc, path, value):
    if not path:
        return value
    node = doc
    for p in path[:-1]:
        node = node[p]
    node[path[-1]] = value
    return doc


def delete_at(doc, path):
    if not path:
        return doc
    node = doc
    for p in path[:-1]:
        node = node[p]
    del node[path[-1]]
    return doc


def mutate_bytes(rng, body):
    if not body:
        return rng.choice(TRASH_BYTES)
    if rng.random() < 0.5:
        return body[:rng.randrange(len(body))]
    at = rng.randrange(len(body) + 1)
    return body[:at] + rng.choice(TRASH_BYTES) + body[at:]


def mutate_json(rng, doc):
    """A mutated body (bytes) of a JSON request."""
    doc = copy.deepcopy(doc)
    kind = rng.randrange(5)
    all_paths = list(paths(doc))
    path = rng.choice(all_paths)
    if kind == 0:
        doc = replace_at(doc, path, copy.deepcopy(rng.choice(JSON_VALUES)))
    elif kind == 1 and path:
        doc = delete_at(doc, path)
    elif kind == 2:
        lists = [p for p in all_paths if isinstance(_get(doc, p), list) and _get(doc, p)]
        if lists:
            p = rng.choice(lists)
            replace_at(doc, p, _get(doc, p) * rng.choice([2, 151, 1001, 3000]))
    elif kind == 3:
        return mutate_bytes(rng, json.dumps(doc).encode())
    else:
        doc = replace_at(doc, path, copy.deepcopy(rng.choice(JSON_VALUES)))
        path = rng.choice(list(paths(doc)))
        doc = replace_at(doc, path, copy.deepcopy(rng.choice(JSON_VALUES)))
    return json.dumps(doc).encode()


def _get(doc, path):
    for p in path:
        doc = doc[p]
    return doc


def mutate_form(rng, params):
    """A mutated form body (bytes) of a query-protocol request given as [(name, value)]."""
    params = list(params)
    kind = rng.randrange(5)
    i = rng.randrange(len(params))
    name, value = params[i]
    if kind == 0:
        params[i] = (name, rng.choice(QUERY_VALUES))
    elif kind == 1:
        parts = name.split(".")
        numeric = [j for j, p in enumerate(parts) if p.isdigit()]
        if numeric:
            parts[rng.choice(numeric)] = rng.choice(QUERY_INDICES)
        params[i] = (".".join(parts), value)
    elif kind == 2:
        del params[i]
        params.append((name + ".member.1", "x"))
    elif kind == 3:
        params.append((name, rng.choice(QUERY_VALUES)))
    form = "&".join(urllib.parse.quote(k, safe=".") + "=" + (
        v if v.startswith("%") else urllib.parse.quote(v, safe="")) for k, v in params).encode()
    if kind == 4:
        form = mutate_bytes(rng, form)
    return form


class GarbageTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        # Virtual clock: a mutated ReceiveMessage that asks for a long poll answers at once.
        cls.emu = Emulator("--clock", "virtual", "--start", "2021-06-27T00:00:00Z").start()
        cls.url = cls.emu.url
        cls.queue_url = cls.url + DLQ_PATH
        created = json_request(cls.url, "DynamoDB_20120810.CreateTable", {
            "TableName": "fuzz", "BillingMode": "PAY_PER_REQUEST",
            "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
            "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}]}, "dynamodb")
        assert created.status == 200, created

    @classmethod
    def tearDownClass(cls):
        cls.emu.stop()

    def check(self, answer, what):
        self.assertFalse(answer.status >= 500 and answer.status != 501,
                         "seed %d: %s -> %r" % (SEED, what, answer))
        self.assertNotIn(b"InternalFailure", answer.body, "seed %d: %s" % (SEED, what))

    def alive(self, what):
        self.assertIsNone(self.emu.process.poll(), "seed %d: exited after %s" % (SEED, what))
        self.assertTrue(healthy(self.url), "seed %d: unhealthy after %s" % (SEED, what))

    def run_json(self, rng, prefix, service, templates):
        for op, doc in templates:
            for n in range(ROUNDS):
                body = mutate_json(rng, doc)
                target = prefix + op
                if n % 10 == 9:  # now and then a target that names no operation
                    target = target.encode() + rng.choice(TRASH_BYTES)
                what = "%r %r" % (target, body[:400])
                self.check(json_request(self.url, target, body, service), what)
            self.alive(op)

    def run_query(self, rng, service, templates):
        for params in templates:
            for _ in range(ROUNDS):
                form = mutate_form(rng, params)
                self.check(query_request(self.url, form, service), repr(form[:400]))
            self.alive(params[0][1])

    def test_sqs(self):
        rng = random.Random(SEED)
        q = self.queue_url
        attrs = {"a": {"DataType": "String", "StringValue": "v"},
                 "b": {"DataType": "Binary", "BinaryValue": "AAEC"}}
        self.run_json(rng, "AmazonSQS.", "sqs", [
            ("SendMessage", {"QueueUrl": q, "MessageBody": "m", "DelaySeconds": 0,
                             "MessageAttributes": attrs}),
            ("SendMessageBatch", {"QueueUrl": q, "Entries": [
                {"Id": "a", "MessageBody": "m", "DelaySeconds": 0, "MessageAttributes": attrs},
                {"Id": "b", "MessageBody": "n"}]}),
            ("ReceiveMessage", {"QueueUrl": q, "MaxNumberOfMessages": 10, "VisibilityTimeout": 0,
                                "WaitTimeSeconds": 0, "AttributeNames": ["All"],
                                "MessageAttributeNames": ["All"]}),
            ("DeleteMessageBatch", {"QueueUrl": q, "Entries": [{"Id": "a", "ReceiptHandle": "r"}]}),
            ("ChangeMessageVisibilityBatch", {"QueueUrl": q, "Entries": [
                {"Id": "a", "ReceiptHandle": "r", "VisibilityTimeout": 5}]}),
            ("CreateQueue", {"QueueName": "fuzzq", "Attributes": {"DelaySeconds": "0",
                                                                  "VisibilityTimeout": "30"}}),
            ("SetQueueAttributes", {"QueueUrl": q, "Attributes": {"VisibilityTimeout": "30"}}),
            ("GetQueueAttributes", {"QueueUrl": q, "AttributeNames": ["All"]})])
        self.run_query(rng, "sqs", [
            [("Action", "SendMessage"), ("QueueUrl", q), ("MessageBody", "m"), ("DelaySeconds", "0"),
             ("MessageAttribute.1.Name", "a"), ("MessageAttribute.1.Value.DataType", "String"),
             ("MessageAttribute.1.Value.StringValue", "v")],
            [("Action", "SendMessageBatch"), ("QueueUrl", q),
             ("SendMessageBatchRequestEntry.1.Id", "a"), ("SendMessageBatchRequestEntry.1.MessageBody", "m"),
             ("SendMessageBatchRequestEntry.2.Id", "b"), ("SendMessageBatchRequestEntry.2.MessageBody", "n")],
            [("Action", "ReceiveMessage"), ("QueueUrl", q), ("MaxNumberOfMessages", "10"),
             ("VisibilityTimeout", "0"), ("AttributeName.1", "All"), ("MessageAttributeName.1", "All")],
            [("Action", "SetQueueAttributes"), ("QueueUrl", q), ("Attribute.1.Name", "VisibilityTimeout"),
             ("Attribute.1.Value", "30")]])

    def test_cloudwatch(self):
        rng = random.Random(SEED + 1)
        datum = {"MetricName": "m", "Dimensions": [{"Name": "d", "Value": "v"}], "Value": 1.5,
                 "Unit": "Count", "Timestamp": 1624752000}
        stat = {"Metric": {"Namespace": "Fuzz", "MetricName": "m",
                           "Dimensions": [{"Name": "d", "Value": "v"}]}, "Period": 60, "Stat": "Sum"}
        self.run_json(rng, "GraniteServiceVersion20100801.", "monitoring", [
            ("PutMetricData", {"Namespace": "Fuzz", "MetricData": [
                datum, {"MetricName": "v", "Values": [1, 2], "Counts": [1, 3]},
                {"MetricName": "s", "StatisticValues": {"SampleCount": 2, "Sum": 3, "Minimum": 1,
                                                        "Maximum": 2}}]}),
            ("GetMetricStatistics", {"Namespace": "Fuzz", "MetricName": "m", "StartTime": 1624748400,
                                     "EndTime": 1624752000, "Period": 60, "Statistics": ["Sum"],
                                     "ExtendedStatistics": ["p99"], "Dimensions": [{"Name": "d", "Value": "v"}]}),
            ("GetMetricData", {"StartTime": 1624748400, "EndTime": 1624752000, "MetricDataQueries": [
                {"Id": "a", "MetricStat": stat, "ReturnData": False},
                {"Id": "e", "Expression": "a * 2", "Label": "x"}]}),
            ("PutMetricAlarm", {"AlarmName": "fuzz", "Namespace": "Fuzz", "MetricName": "m",
                                "Statistic": "Sum", "Period": 60, "EvaluationPeriods": 2,
                                "DatapointsToAlarm": 1, "Threshold": 1,
                                "ComparisonOperator": "GreaterThanThreshold",
                                "TreatMissingData": "notBreaching", "AlarmActions": ["arn:x"],
                                "Dimensions": [{"Name": "d", "Value": "v"}]}),
            ("PutMetricAlarm", {"AlarmName": "fuzz-math", "EvaluationPeriods": 1, "Threshold": 1,
                                "ComparisonOperator": "GreaterThanThreshold", "Metrics": [
                                    {"Id": "a", "MetricStat": stat, "ReturnData": False},
                                    {"Id": "e", "Expression": "a + 1", "ReturnData": True}]}),
            ("DescribeAlarms", {"AlarmNames": ["fuzz"], "StateValue": "OK", "MaxRecords": 10}),
            ("DescribeAlarmHistory", {"AlarmName": "fuzz", "MaxRecords": 10, "StartDate": 0,
                                      "EndDate": 1624752000, "ScanBy": "TimestampAscending"}),
            ("SetAlarmState", {"AlarmName": "fuzz", "StateValue": "OK", "StateReason": "r"}),
            ("ListMetrics", {"Namespace": "Fuzz", "Dimensions": [{"Name": "d"}]}),
            ("DeleteAlarms", {"AlarmNames": ["nope"]})])
        # Minutes pass so that the mutated alarms are evaluated too.
        self.assertEqual(send(self.url, "POST", "/_emulator/clock", {"Content-Type": "application/json"},
                              b'{"advance_seconds": 300}').status, 200)
        self.alive("alarm evaluation")
        self.run_query(rng, "monitoring", [
            [("Action", "PutMetricData"), ("Namespace", "Fuzz"),
             ("MetricData.member.1.MetricName", "m"), ("MetricData.member.1.Value", "1"),
             ("MetricData.member.1.Dimensions.member.1.Name", "d"),
             ("MetricData.member.1.Dimensions.member.1.Value", "v"),
             ("MetricData.member.2.MetricName", "n"), ("MetricData.member.2.Values.member.1", "1"),
             ("MetricData.member.2.Counts.member.1", "2")],
            [("Action", "GetMetricStatistics"), ("Namespace", "Fuzz"), ("MetricName", "m"),
             ("StartTime", "2021-06-26T23:00:00Z"), ("EndTime", "2021-06-27T00:00:00Z"),
             ("Period", "60"), ("Statistics.member.1", "Sum")],
            [("Action", "PutMetricAlarm"), ("AlarmName", "fuzzq"), ("Namespace", "Fuzz"),
             ("MetricName", "m"), ("Statistic", "Sum"), ("Period", "60"), ("EvaluationPeriods", "1"),
             ("Threshold", "1"), ("ComparisonOperator", "GreaterThanThreshold")],
            [("Action", "GetMetricData"), ("StartTime", "2021-06-26T23:00:00Z"),
             ("EndTime", "2021-06-27T00:00:00Z"), ("MetricDataQueries.member.1.Id", "a"),
             ("MetricDataQueries.member.1.MetricStat.Metric.Namespace", "Fuzz"),
             ("MetricDataQueries.member.1.MetricStat.Metric.MetricName", "m"),
             ("MetricDataQueries.member.1.MetricStat.Period", "60"),
             ("MetricDataQueries.member.1.MetricStat.Stat", "Sum")]])
        self.assertEqual(send(self.url, "POST", "/_emulator/clock", {"Content-Type": "application/json"},
                              b'{"advance_seconds": 300}').status, 200)
        self.alive("alarm evaluation")

    def test_dynamodb(self):
        rng = random.Random(SEED + 2)
        key = {"pk": {"S": "a"}}
        self.run_json(rng, "DynamoDB_20120810.", "dynamodb", [
            ("PutItem", {"TableName": "fuzz", "Item": {"pk": {"S": "a"}, "n": {"N": "1"},
                                                       "l": {"L": [{"S": "x"}, {"NS": ["1", "2"]}]},
                                                       "m": {"M": {"b": {"B": "AAEC"}}}},
                         "ConditionExpression": "attribute_not_exists(pk) OR n < :v",
                         "ExpressionAttributeValues": {":v": {"N": "5"}},
                         "ReturnValues": "ALL_OLD"}),
            ("UpdateItem", {"TableName": "fuzz", "Key": key,
                            "UpdateExpression": "ADD #c :one SET #u = :now REMOVE x",
                            "ExpressionAttributeNames": {"#c": "count", "#u": "updated"},
                            "ExpressionAttributeValues": {":one": {"N": "1"}, ":now": {"S": "t"}},
                            "ReturnValues": "UPDATED_NEW", "ReturnConsumedCapacity": "TOTAL"}),
            ("Query", {"TableName": "fuzz", "KeyConditionExpression": "pk = :p",
                       "ExpressionAttributeValues": {":p": {"S": "a"}}, "Limit": 10,
                       "ExclusiveStartKey": key, "ScanIndexForward": False}),
            ("Scan", {"TableName": "fuzz", "Limit": 5, "Segment": 0, "TotalSegments": 2,
                      "FilterExpression": "size(l) > :z", "ExpressionAttributeValues": {":z": {"N": "0"}}}),
            ("BatchWriteItem", {"RequestItems": {"fuzz": [{"PutRequest": {"Item": {"pk": {"S": "b"}}}},
                                                          {"DeleteRequest": {"Key": key}}]}}),
            ("BatchGetItem", {"RequestItems": {"fuzz": {"Keys": [key], "ProjectionExpression": "pk"}}}),
            ("CreateTable", {"TableName": "fuzz2", "BillingMode": "PROVISIONED",
                             "ProvisionedThroughput": {"ReadCapacityUnits": 1, "WriteCapacityUnits": 1},
                             "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
                             "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}]}),
            ("UpdateTimeToLive", {"TableName": "fuzz", "TimeToLiveSpecification": {
                "Enabled": True, "AttributeName": "ttl"}})])
        self.run_json(rng, "DynamoDBStreams_20120810.", "dynamodb", [
            ("GetShardIterator", {"StreamArn": "arn:aws:dynamodb:ca-central-1:000000000000:table/raw_metrics/stream/x",
                                  "ShardId": "s", "ShardIteratorType": "AT_SEQUENCE_NUMBER",
                                  "SequenceNumber": "99999999999999999999999"}),
            ("GetRecords", {"ShardIterator": "arn|1|eyJzIjoieCIsImEiOjEsInQiOjF9", "Limit": 10}),
            ("DescribeStream", {"StreamArn": "x", "Limit": 1, "ExclusiveStartShardId": "s"})])

    def test_s3(self):
        rng = random.Random(SEED + 3)
        auth = {"Authorization": signature("s3"), "x-amz-content-sha256": "UNSIGNED-PAYLOAD"}
        keys = ["a", "dir/" + "s" * 300, "k" * 1024, "k" * 1025, "a/../b", "%FF", "a%2Fb", "",
                "x" * 5000, "\u00e9t\u00e9", "a//b", "a/"]
        queries = ["list-type=2&max-keys=99999999999999999999", "list-type=2&continuation-token=%FF",
                   "list-type=2&continuation-token=ZW11MTp4", "max-keys=-1", "delimiter=&prefix=",
                   "encoding-type=url&start-after=%C3", "uploads", "delete", "location",
                   "list-type=2&max-keys=0&delimiter=/"]
        for _ in range(ROUNDS * 8):
            key = urllib.parse.quote(rng.choice(keys), safe="/%")
            method = rng.choice(["PUT", "GET", "HEAD", "DELETE", "POST"])
            headers = dict(auth)
            body = b"data"
            r = rng.random()
            if r < 0.2:
                headers["Range"] = rng.choice(["bytes=0-", "bytes=-99999999999999999999",
                                               "bytes=5-1", "bytes=99999999999999999999-",
                                               "bytes=a-b", "bytes=0-0,1-1"])
            elif r < 0.4:
                headers["Content-Encoding"] = "aws-chunked"
                body = mutate_bytes(rng, b"4\r\ndata\r\n0\r\nx-amz-checksum-crc32:x\r\n\r\n")
            elif r < 0.5:
                headers["x-amz-copy-source"] = rng.choice(["/" + MASKED + "/nope", "nobucket", "%FF/x"])
            elif r < 0.6:
                headers["Content-MD5"] = rng.choice(["", "x", "AAAA"])
            path = "/" + MASKED + ("/" + key if rng.random() < 0.7 else "")
            if rng.random() < 0.4:
                path += "?" + rng.choice(queries)
                if "delete" in path:
                    body = mutate_bytes(rng, b"<Delete><Object><Key>a</Key></Object></Delete>")
            answer = send(self.url, method, path, headers, body if method in ("PUT", "POST") else b"")
            self.check(answer, "%s %s %r" % (method, path, headers))
        self.alive("s3")

    def test_lambda(self):
        rng = random.Random(SEED + 4)
        auth = {"Authorization": signature("lambda"), "Content-Type": "application/json"}
        for _ in range(ROUNDS * 4):
            name = rng.choice(["create_metrics", "nope", "%FF", "arn%3Aaws%3Alambda%3Ax%3A1%3Afunction%3A",
                               "x" * 3000, ""])
            path = rng.choice(["/2017-10-31/functions/{}/concurrency", "/2015-03-31/functions/{}",
                               "/2015-03-31/functions/{}/configuration", "/2016-08-19/account-settings/",
                               "/2015-03-31/functions/{}/invocations"]).replace("{}", name)
            body = mutate_json(rng, {"ReservedConcurrentExecutions": 10})
            method = rng.choice(["GET", "PUT", "DELETE", "POST"])
            self.check(send(self.url, method, path, auth, body), "%s %s %r" % (method, path, body))
        # Leave the seed's function as it was.
        send(self.url, "DELETE", "/2017-10-31/functions/create_metrics/concurrency", auth)
        self.alive("lambda")


if __name__ == "__main__":
    unittest.main()
