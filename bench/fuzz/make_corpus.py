#!/usr/bin/env python3
"""Writes the fuzz targets' seed corpora (bench/fuzz/corpus/<target>/) from the repository's
real payloads (tests/data/payloads: the seed's own test payloads), its scenarios and the
requests the seed's code and the AWS CLI send. Run from anywhere; the corpora are committed,
so this only needs running again when a seed input should change. Inputs that once crashed a
target are kept beside them as regression-<name> files and are not touched here."""
import json
import pathlib
import urllib.parse

ROOT = pathlib.Path(__file__).resolve().parents[2]
OUT = ROOT / "bench/fuzz/corpus"
PAYLOADS = ROOT / "tests/data/payloads"
QUEUE_URL = "http://localhost:4566/000000000000/aggregation-lambda-dead-letter-queue"


def write(target, name, data):
    folder = OUT / target
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_bytes(data if isinstance(data, bytes) else data.encode())


def compact(path):
    return json.dumps(json.loads(path.read_text()), separators=(",", ":"))


def http_edge():
    small = compact(PAYLOADS / "metrics-terraform-test_payload_small.json")
    large = compact(PAYLOADS / "metrics-terraform-test_payload_large_single.json")
    post = ("POST /save-metrics HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
            "x-api-key: local-metrics-api-key\r\nUser-Agent: CovidShield/1.2.10\r\n"
            "Content-Length: {}\r\n{}\r\n{}")
    write("http_edge", "save-metrics-small", post.format(len(small), "", small))
    write("http_edge", "save-metrics-expect", post.format(len(large), "Expect: 100-continue\r\n", large))
    chunk = "%x\r\n%s\r\n0\r\n\r\n" % (len(small), small)
    write("http_edge", "save-metrics-chunked",
          "POST /save-metrics HTTP/1.1\r\nHost: localhost\r\nx-api-key: local-metrics-api-key\r\n"
          "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n" + chunk)
    write("http_edge", "health", "GET /_emulator/health HTTP/1.0\r\n\r\n")
    body = '{"TableName":"aggregate_metrics","Limit":1}'
    write("http_edge", "dynamodb-scan",
          "POST / HTTP/1.1\r\nHost: localhost:4566\r\nX-Amz-Target: DynamoDB_20120810.Scan\r\n"
          "Content-Type: application/x-amz-json-1.0\r\nAuthorization: AWS4-HMAC-SHA256 "
          "Credential=AK/20210627/ca-central-1/dynamodb/aws4_request, SignedHeaders=host, "
          "Signature=00\r\nContent-Length: %d\r\n\r\n%s" % (len(body), body))
    write("http_edge", "sqs-get",
          "GET /000000000000/aggregation-lambda-dead-letter-queue?Action=GetQueueAttributes&"
          "AttributeName.1=All HTTP/1.1\r\nHost: localhost\r\nAuthorization: AWS4-HMAC-SHA256 "
          "Credential=AK/20210627/ca-central-1/sqs/aws4_request, SignedHeaders=host, Signature=00\r\n\r\n")


def dynamodb():
    ops = ["PutItem", "GetItem", "UpdateItem", "DeleteItem", "Query", "Scan", "BatchGetItem",
           "BatchWriteItem", "CreateTable", "DescribeTable", "DeleteTable", "ListTables",
           "UpdateTimeToLive", "DescribeTimeToLive", "ListStreams", "DescribeStream",
           "GetShardIterator", "GetRecords"]
    raw_item = {"uuid": {"S": "6c7cbe46-0f3b-4a1e-9b0e-8f64a2b1d111"}, "appos": {"S": "ios"},
                "appversion": {"S": "1.2.10"}, "manufacturer": {"S": "Apple"},
                "model": {"S": "fancy"}, "osversion": {"S": "14.4.2"},
                "raw": {"S": compact(PAYLOADS / "metrics-terraform-test_payload_small.json")},
                "expdate": {"N": "1625961600"}}
    # The seed's aggregate update (functions/aggregate_update.cc) and its raw_metrics putItem.
    requests = {
        "PutItem": {"TableName": "raw_metrics", "Item": raw_item},
        "GetItem": {"TableName": "fuzz", "Key": {"pk": {"S": "a"}, "sk": {"N": "1"}},
                    "ProjectionExpression": "m.#k, l[1]", "ExpressionAttributeNames": {"#k": "k"}},
        "UpdateItem": {"TableName": "aggregate_metrics",
                       "Key": {"pk": {"S": "2021-06-27#ios#1.2.10#foo"}, "sk": {"S": "ON#*"}},
                       "UpdateExpression": "SET #c = if_not_exists(#c, :zero) + :count, #d = :date",
                       "ExpressionAttributeNames": {"#c": "metricCount", "#d": "date"},
                       "ExpressionAttributeValues": {":zero": {"N": "0"}, ":count": {"N": "1"},
                                                     ":date": {"S": "2021-06-27"}},
                       "ReturnValues": "UPDATED_NEW"},
        "DeleteItem": {"TableName": "fuzz", "Key": {"pk": {"S": "a"}, "sk": {"N": "2"}},
                       "ConditionExpression": "attribute_exists(pk)", "ReturnValues": "ALL_OLD"},
        "Query": {"TableName": "fuzz", "KeyConditionExpression": "pk = :p AND sk BETWEEN :a AND :b",
                  "ExpressionAttributeValues": {":p": {"S": "a"}, ":a": {"N": "0"}, ":b": {"N": "9"}},
                  "ScanIndexForward": False, "Limit": 1},
        "Scan": {"TableName": "fuzz", "FilterExpression": "contains(ss, :v) OR size(l) > :n",
                 "ExpressionAttributeValues": {":v": {"S": "a"}, ":n": {"N": "1"}}, "Select": "COUNT"},
        "BatchGetItem": {"RequestItems": {"fuzz": {"Keys": [{"pk": {"S": "a"}, "sk": {"N": "1"}}]}}},
        "BatchWriteItem": {"RequestItems": {"fuzz": [
            {"PutRequest": {"Item": {"pk": {"S": "c"}, "sk": {"N": "3"}, "x": {"NS": ["1"]}}}},
            {"DeleteRequest": {"Key": {"pk": {"S": "a"}, "sk": {"N": "2"}}}}]}},
        "CreateTable": {"TableName": "t2", "BillingMode": "PROVISIONED",
                        "ProvisionedThroughput": {"ReadCapacityUnits": 5, "WriteCapacityUnits": 5},
                        "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "B"}],
                        "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}],
                        "StreamSpecification": {"StreamEnabled": True, "StreamViewType": "NEW_IMAGE"}},
        "DescribeTable": {"TableName": "raw_metrics"},
        "DeleteTable": {"TableName": "fuzz"},
        "ListTables": {"Limit": 2, "ExclusiveStartTableName": "a"},
        "UpdateTimeToLive": {"TableName": "fuzz", "TimeToLiveSpecification": {"Enabled": True, "AttributeName": "n"}},
        "DescribeTimeToLive": {"TableName": "raw_metrics"},
        "ListStreams": {"TableName": "raw_metrics"},
        "DescribeStream": {"StreamArn": "arn:aws:dynamodb:ca-central-1:000000000000:table/raw_metrics/stream/2021-06-27T00:00:00.000"},
        "GetShardIterator": {"StreamArn": "arn:aws:dynamodb:ca-central-1:000000000000:table/raw_metrics/stream/2021-06-27T00:00:00.000",
                             "ShardId": "shardId-00000000000000000000-00000000", "ShardIteratorType": "TRIM_HORIZON"},
        "GetRecords": {"ShardIterator": "x", "Limit": 10},
    }
    for index, op in enumerate(ops):
        write("dynamodb", op, bytes([index]) + json.dumps(requests[op]).encode())


def expression():
    texts = [
        (0, "SET #n = if_not_exists(#n, :n) + :n, l = list_append(l, :l), m.k = :s REMOVE z"),
        (0, "ADD ss :ss, n :n DELETE ns :ns"),
        (0, "SET l[0] = :m, m.#k = m.in.deep"),
        (1, "attribute_exists(pk) AND NOT begins_with(s, :s) OR size(ss) IN (:n, :n)"),
        (2, "n BETWEEN :n AND :big AND attribute_type(m, :s) AND contains(l, :n)"),
        (2, "(#s <> :s) OR (b = :b) OR (t = :t) OR attribute_not_exists(z)"),
        (3, "pk = :a AND begins_with(#sk, :s)"),
        (3, "#pk = :a AND sk >= :n"),
        (4, "pk, m.in.deep, l[2][0], #ss"),
        (5, "attribute_not_exists(pk) OR n < :n"),
    ]
    for index, (mode, text) in enumerate(texts):
        write("expression", "expr-%02d" % index, bytes([mode]) + text.encode())


def sqs_query():
    q = urllib.parse.quote(QUEUE_URL, safe="")
    forms = [
        "Action=SendMessage&Version=2012-11-05&QueueUrl=%s&MessageBody=%s" % (
            q, urllib.parse.quote('{"pk":"2021-06-27#ios","count":1}')),
        "Action=ReceiveMessage&Version=2012-11-05&QueueUrl=%s&MaxNumberOfMessages=10"
        "&VisibilityTimeout=30&WaitTimeSeconds=0&AttributeName.1=All" % q,
        "Action=DeleteMessage&Version=2012-11-05&QueueUrl=%s&ReceiptHandle=abc" % q,
        "Action=ChangeMessageVisibility&QueueUrl=%s&ReceiptHandle=abc&VisibilityTimeout=0" % q,
        "Action=GetQueueAttributes&QueueUrl=%s&AttributeName.1=ApproximateNumberOfMessages" % q,
        "Action=SendMessageBatch&QueueUrl=%s&SendMessageBatchRequestEntry.1.Id=a"
        "&SendMessageBatchRequestEntry.1.MessageBody=x&SendMessageBatchRequestEntry.1."
        "MessageAttribute.1.Name=n&SendMessageBatchRequestEntry.1.MessageAttribute.1.Value."
        "DataType=String&SendMessageBatchRequestEntry.1.MessageAttribute.1.Value.StringValue=v" % q,
        "Action=CreateQueue&QueueName=q1&Attribute.1.Name=VisibilityTimeout&Attribute.1.Value=5",
        "Action=ListQueues&QueueNamePrefix=agg",
        "Action=PurgeQueue&QueueUrl=%s" % q,
    ]
    for index, form in enumerate(forms):
        write("sqs_query", "form-%02d" % index, bytes([index % 2]) + form.encode())


def s3_key():
    csv = (ROOT / "tests/data/csv/covid-alert-data-installs.daily-journalier.csv").read_bytes()[:600]
    inputs = [
        b"PUT\n/masked-metrics-tdvfd-production/2021/06/27/installs.csv\n\n" + csv,
        b"GET\n/masked-metrics-tdvfd-production/2021/06/27/installs.csv\n\n",
        b"GET\n/masked-metrics-tdvfd-production\nlist-type=2&prefix=2021%2F06%2F&delimiter=%2F&max-keys=2\n",
        b"GET\n/unmasked-metrics-tdvfd-production\nmarker=a%2Fb&prefix=&encoding-type=url\n",
        b"HEAD\n/masked-metrics-tdvfd-production/a%20b/%E2%9C%93.csv\n\n",
        b"DELETE\n/error-samples-tdvfd-production/x/../y\n\n",
        b"PUT\n/masked-metrics-tdvfd-production/dir//k%2Fey+x\n\nbody",
        b"GET\n/\n\n",
    ]
    for index, data in enumerate(inputs):
        write("s3_key", "s3-%02d" % index, data)


def config_and_scenario():
    write("config", "ingest-bench", (ROOT / "bench/ingest/bench_config.json").read_bytes())
    for scenario in ["faults/disk-full-raw-metrics", "faults/sqs-dlq-send-failure",
                     "everyday/smoke", "incidents/traffic-drop-15"]:
        j = json.loads((ROOT / "scenarios" / (scenario + ".json")).read_text())
        name = scenario.split("/")[1]
        write("config", name, json.dumps(j.get("emulator", {}), indent=1))
        write("scenario", name, b"\0" + json.dumps(j, indent=1).encode())
    write("scenario", "smoke-yaml", b"\1" + b"""name: smoke-yaml
seed: 7
start: "2021-06-27T03:55:00Z"
duration: 60
population: {devices: 100}
schedule:
  - {type: constant, rate: 2, duration: 60, kind: js}
expectations:
  - {figure: status.200, min: 1}
""")


if __name__ == "__main__":
    http_edge()
    dynamodb()
    expression()
    sqs_query()
    s3_key()
    config_and_scenario()
    for folder in sorted(OUT.iterdir()):
        size = sum(f.stat().st_size for f in folder.iterdir())
        print("%-12s %2d files, %5d bytes" % (folder.name, len(list(folder.iterdir())), size))
