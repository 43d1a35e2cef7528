"""Malformed requests get the status and the error body AWS gives (a 400-class error in the
protocol's own shape), never the emulator's last-resort 500 "InternalFailure", and the emulator
stays up (issue 22). Raw HTTP for bytes boto3 would not send; boto3 for the long S3 keys."""
import html
import os
import re
import unittest
import urllib.parse

from botocore.exceptions import ClientError
from emulator_harness import Emulator, client
from raw_http import healthy, json_request, query_request, send, signature

DLQ = "aggregation-lambda-dead-letter-queue"
MASKED = "masked-metrics-tdvfd-production"
CW_TARGET = "GraniteServiceVersion20100801."
NUMBER_TO_STRING = ("class com.amazon.coral.value.json.numbers.TruncatingBigNumber can not be "
                    "converted to an String")


def xml_error(answer):
    """(Code, Message) of a query-protocol <ErrorResponse> or an S3 <Error>."""
    text = answer.body.decode("utf-8", "replace")
    code = re.search(r"<Code>(.*?)</Code>", text)
    message = re.search(r"<Message>(.*?)</Message>", text)
    return (html.unescape(code.group(1)) if code else None,
            html.unescape(message.group(1)) if message else None)


class MalformedInputTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.emu = Emulator().start()
        cls.url = cls.emu.url
        cls.queue_url = cls.url + "/000000000000/" + DLQ

    @classmethod
    def tearDownClass(cls):
        cls.emu.stop()

    def tearDown(self):
        # Every case leaves the emulator serving.
        self.assertIsNone(self.emu.process.poll(), "the emulator exited")
        self.assertTrue(healthy(self.url))

    def assert_json_error(self, answer, status, type_, message=None):
        self.assertEqual(answer.status, status, answer)
        body = answer.json()
        self.assertEqual(body["__type"], type_, answer)
        self.assertTrue(body["message"], answer)
        if message is not None:
            self.assertEqual(body["message"], message)
        return body

    def assert_xml_error(self, answer, status, code, message=None):
        self.assertEqual(answer.status, status, answer)
        got_code, got_message = xml_error(answer)
        self.assertEqual(got_code, code, answer)
        self.assertTrue(got_message, answer)
        if message is not None:
            self.assertEqual(got_message, message)
        return got_message

    # ---- the issue's five reproductions ----

    def test_1_cloudwatch_query_index_overflow(self):
        a = query_request(self.url, "Action=PutMetricData&Version=2010-08-01&Namespace=Test"
                                    "&MetricData.member.99999999999999999999.MetricName=m"
                                    "&MetricData.member.99999999999999999999.Value=1", "monitoring")
        message = self.assert_xml_error(a, 400, "InvalidQueryParameter")
        self.assertIn("MetricData.member.99999999999999999999.MetricName", message)
        self.assertIn(b"<Type>Sender</Type>", a.body)

    def test_2_cloudwatch_json_wrong_type(self):
        a = json_request(self.url, CW_TARGET + "PutMetricData",
                         {"Namespace": 5, "MetricData": [{"MetricName": "m", "Value": 1}]},
                         "monitoring")
        self.assert_json_error(a, 400, "com.amazon.coral.service#SerializationException",
                               NUMBER_TO_STRING)

    def test_3_sqs_batch_entry_not_a_structure(self):
        a = json_request(self.url, "AmazonSQS.SendMessageBatch",
                         {"QueueUrl": self.queue_url, "Entries": [5]}, "sqs")
        self.assert_json_error(a, 400, "com.amazon.coral.service#SerializationException",
                               "Expected null")

    def test_4_ff_byte_in_target_header(self):
        a = json_request(self.url, b"AmazonSQS.\xff", {}, "sqs")
        self.assert_json_error(a, 400, "com.amazonaws.sqs#UnknownOperationException",
                               "Unknown operation \ufffd.")
        self.assertEqual(a.header("x-amzn-query-error"), "InvalidAction;Sender")
        a = json_request(self.url, CW_TARGET.encode() + b"\xff", {}, "monitoring")
        self.assert_json_error(a, 400, "UnknownOperationException")
        a = json_request(self.url, b"DynamoDB_20120810.\xff", {}, "dynamodb")
        self.assertEqual(a.status, 400, a)
        self.assertEqual(a.json()["__type"], "com.amazon.coral.service#UnknownOperationException")

    def test_4_ff_byte_in_path(self):
        # A raw 0xFF is not a URI character (RFC 9112): refused before any service, whichever
        # would have answered (front door, control API, S3, Lambda).
        for path, auth in ((b"/\xff", None), (b"/_emulator/\xff", None),
                           (b"/" + MASKED.encode() + b"/a\xffb", "s3"),
                           (b"/2015-03-31/functions/\xff", "lambda"),
                           (b"/save-metrics?a=\xff", None)):
            with self.subTest(path=path):
                a = send(self.url, "GET", path, {"Authorization": signature(auth)} if auth else {})
                self.assertEqual(a.status, 400, a)
                self.assertIn(b"not URI characters", a.body)
        # Percent-encoded, the byte reaches the service, which answers in its own shape.
        # (The seed's WAF answers requests for unknown paths with its empty 204.)
        a = send(self.url, "GET", b"/%FF")
        self.assertEqual(a.status, 204, a)
        self.assertTrue(a.header("x-amz-apigw-id"))
        a = send(self.url, "GET", b"/_emulator/%FF")
        self.assertEqual(a.status, 404, a)
        self.assertEqual(a.json(), {"error": "no control endpoint /_emulator/%FF"})
        # S3 keys, prefixes and markers are UTF-8: the URI does not parse.
        for method, path in (("PUT", b"/" + MASKED.encode() + b"/a%FFb"),
                             ("GET", b"/" + MASKED.encode() + b"/a%C3"),
                             ("GET", b"/" + MASKED.encode() + b"?prefix=%FF")):
            with self.subTest(method=method, path=path):
                a = send(self.url, method, path, {"Authorization": signature("s3")},
                         b"x" if method == "PUT" else b"")
                self.assert_xml_error(a, 400, "InvalidURI", "Couldn't parse the specified URI.")
        # Lambda echoes the (decoded) function name: replaced, not thrown.
        a = send(self.url, "GET", b"/2015-03-31/functions/%FF", {"Authorization": signature("lambda")})
        self.assertEqual(a.status, 404, a)
        self.assertEqual(a.header("x-amzn-errortype"), "ResourceNotFoundException")
        self.assertIn("\ufffd", a.json()["message"])

    def test_5_long_s3_keys_round_trip(self):
        s3 = client("s3", self.url)
        self.addCleanup(s3.close)
        s3.create_bucket(Bucket="long-keys")
        keys = ["dir/" + "s" * 300 + "/end.txt",          # one 300-byte segment
                "k" * 1024,                               # the longest key S3 allows
                "\u00e9" * 200 + "/x",                    # 400 bytes of two-byte characters
                "a/" + "b" * 254 + "/" + "c" * 256]       # 255 stays, 257 is encoded
        for i, key in enumerate(keys):
            body = ("object %d" % i).encode()
            s3.put_object(Bucket="long-keys", Key=key, Body=body)
            self.assertEqual(s3.get_object(Bucket="long-keys", Key=key)["Body"].read(), body)
            self.assertEqual(s3.head_object(Bucket="long-keys", Key=key)["ContentLength"], len(body))
        listed = [o["Key"] for o in s3.list_objects_v2(Bucket="long-keys")["Contents"]]
        self.assertEqual(listed, sorted(keys))
        # Every file stays inside the bucket's directory, each name within NAME_MAX.
        root = os.path.realpath(os.path.join(self.emu.data_dir, "s3", "long-keys"))
        files = []
        for d, _, names in os.walk(root):
            for n in names:
                self.assertLessEqual(len(n.encode()), 255)
                files.append(os.path.join(d, n))
        self.assertEqual(len(files), len(keys))
        self.assertTrue(all(os.path.realpath(f).startswith(root + os.sep) for f in files))
        # A short segment stays readable as it is.
        self.assertTrue(os.path.exists(os.path.join(root, "a", "b" * 254)))
        with self.assertRaises(ClientError) as e:
            s3.put_object(Bucket="long-keys", Key="k" * 1025, Body=b"x")
        self.assertEqual(e.exception.response["Error"]["Code"], "KeyTooLongError")
        for key in keys:
            s3.delete_object(Bucket="long-keys", Key=key)
            with self.assertRaises(ClientError) as e:
                s3.head_object(Bucket="long-keys", Key=key)
            self.assertEqual(e.exception.response["Error"]["Code"], "404")
        self.assertNotIn("Contents", s3.list_objects_v2(Bucket="long-keys"))
        self.assertEqual(os.listdir(root), [])
        # Traversal stays refused.
        with self.assertRaises(ClientError) as e:
            s3.put_object(Bucket="long-keys", Key="a/../../escape", Body=b"x")
        self.assertEqual(e.exception.response["Error"]["Code"], "InvalidArgument")

    # ---- the same class of bug elsewhere ----

    def test_cloudwatch_query_shapes(self):
        base = "Action=PutMetricData&Version=2010-08-01&Namespace=Test&"
        for form, code in (
                ("MetricData.member.0.MetricName=m&MetricData.member.0.Value=1", "InvalidQueryParameter"),
                ("MetricData.member.1=x&MetricData.member.1.MetricName=m", "InvalidQueryParameter"),
                ("MetricData=x", "InvalidQueryParameter"),
                ("MetricData.member.1.MetricName=m&MetricData.member.1.Value=abc", "InvalidParameterValue"),
                ("MetricData.member.1.MetricName=m&MetricData.member.1.Value=1e999", "InvalidParameterValue"),
                ("MetricData.member.1.MetricName=%FF&MetricData.member.1.Value=1", "InvalidQueryParameter"),
                ("MetricData.member.1.MetricName=m&MetricData.member.1.StorageResolution=99999999999",
                 "InvalidParameterValue")):
            with self.subTest(form=form):
                self.assert_xml_error(query_request(self.url, base + form, "monitoring"), 400, code)

    def test_cloudwatch_put_metric_data_combinations(self):
        where = "MetricData.member.1"
        cases = (
            ({"MetricName": "m", "Value": 1, "Values": [1]}, "InvalidParameterCombination",
             "The parameters %s.Value and %s.Values are mutually exclusive and you have specified "
             "both." % (where, where)),
            ({"MetricName": "m", "Value": 1, "StatisticValues": {"SampleCount": 1, "Sum": 1,
                                                                 "Minimum": 1, "Maximum": 1}},
             "InvalidParameterCombination",
             "The parameters %s.Value and %s.StatisticValues are mutually exclusive and you have "
             "specified both." % (where, where)),
            ({"MetricName": "m", "Values": [1, 2], "Counts": [1]}, "InvalidParameterValue",
             "The parameters %s.Values and %s.Counts must be of the same size." % (where, where)))
        for datum, code, message in cases:
            with self.subTest(code=code):
                a = json_request(self.url, CW_TARGET + "PutMetricData",
                                 {"Namespace": "Test", "MetricData": [datum]}, "monitoring")
                self.assert_json_error(a, 400, code + "Exception", message)
                self.assertEqual(a.header("x-amzn-query-error"), code + ";Sender")

    def test_cloudwatch_json_types(self):
        cases = (
            ("PutMetricData", {"Namespace": "T", "MetricData": {"MetricName": "m"}},
             "Start of structure or map found where not expected."),
            ("PutMetricData", {"Namespace": "T", "MetricData": [{"MetricName": "m", "Value": "1"}]},
             "class java.lang.String can not be converted to an Double"),
            ("PutMetricData", {"Namespace": "T", "MetricData": [{"MetricName": True}]},
             "class java.lang.Boolean can not be converted to an String"),
            ("GetMetricStatistics", {"Period": 1e30}, "class com.amazon.coral.value.json.numbers."
                                                      "TruncatingBigNumber can not be converted to an Integer"),
            ("SetAlarmState", {"AlarmName": ["a"]}, "Start of list found where not expected"),
            ("DescribeAlarms", {"AlarmNames": "a"}, "Expected list or null"),
            ("DeleteAlarms", {"AlarmNames": [None]}, "Null list elements are not allowed"))
        for op, body, message in cases:
            with self.subTest(op=op, body=body):
                a = json_request(self.url, CW_TARGET + op, body, "monitoring")
                self.assert_json_error(a, 400, "com.amazon.coral.service#SerializationException", message)
        for body in (b"{", b"[]", b"\x1f\x8b\x08garbage"):
            with self.subTest(body=body):
                a = json_request(self.url, CW_TARGET + "ListMetrics", body, "monitoring")
                self.assert_json_error(a, 400, "com.amazon.coral.service#SerializationException")

    def test_cloudwatch_ranges(self):
        cases = (
            # Period 0 used to divide by zero (SIGFPE) in GetMetricData.
            ("GetMetricData", {"StartTime": 0, "EndTime": 600, "MetricDataQueries": [
                {"Id": "a", "MetricStat": {"Metric": {"Namespace": "T", "MetricName": "m"},
                                           "Period": 0, "Stat": "Sum"}}]},
             "ValidationException",
             "1 validation error detected: Value '0' at 'metricDataQueries.1.member.metricStat.period' "
             "failed to satisfy constraint: Member must have value greater than or equal to 1"),
            ("GetMetricData", {"StartTime": 0, "EndTime": 1.6e9, "MetricDataQueries": [
                {"Id": "a", "MetricStat": {"Metric": {"Namespace": "T", "MetricName": "m"},
                                           "Period": 1, "Stat": "Sum"}}]},
             "InvalidParameterCombination", None),
            ("GetMetricStatistics", {"Namespace": "T", "MetricName": "m", "StartTime": 0,
                                     "EndTime": 86460, "Period": 60, "Statistics": ["Sum"]},
             "InvalidParameterCombination",
             "You have requested up to 1441 datapoints, which exceeds the limit of 1440. You may "
             "reduce the datapoints requested by increasing Period, or decreasing the time range."),
            ("GetMetricStatistics", {"Namespace": "T", "MetricName": "m", "StartTime": 0,
                                     "EndTime": 60, "Period": -5, "Statistics": ["Sum"]},
             "ValidationException",
             "1 validation error detected: Value '-5' at 'period' failed to satisfy constraint: "
             "Member must have value greater than or equal to 1"),
            ("GetMetricStatistics", {"Namespace": "T", "MetricName": "m", "StartTime": 1e300,
                                     "EndTime": 60, "Period": 60, "Statistics": ["Sum"]},
             "InvalidParameterValue", "The parameter StartTime must be a timestamp."),
            # A metric math alarm over 2^31 - 1 periods used to make every evaluation hang.
            ("PutMetricAlarm", {"AlarmName": "huge", "EvaluationPeriods": 2147483647, "Threshold": 1,
                                "ComparisonOperator": "GreaterThanThreshold",
                                "Metrics": [{"Id": "e", "Expression": "1"}]},
             "InvalidParameterValue",
             "Metrics cannot be checked across more than a day (EvaluationPeriods * Period must "
             "be <= 86400)"),
            ("DescribeAlarmHistory", {"MaxRecords": -1}, "ValidationException",
             "1 validation error detected: Value '-1' at 'maxRecords' failed to satisfy constraint: "
             "Member must have value greater than or equal to 1"),
            ("SetAlarmState", {"AlarmName": "nope", "StateValue": "INVALID", "StateReason": "x"},
             "ValidationException",
             "1 validation error detected: Value 'INVALID' at 'stateValue' failed to satisfy "
             "constraint: Member must satisfy enum value set: [INSUFFICIENT_DATA, ALARM, OK]"))
        for op, body, code, message in cases:
            with self.subTest(op=op, body=body):
                a = json_request(self.url, CW_TARGET + op, body, "monitoring")
                prefix = "com.amazon.coral.validate#" if code == "ValidationException" else ""
                type_ = prefix + code + ("" if code.endswith("Exception") else "Exception")
                self.assert_json_error(a, 400, type_, message)

    def test_sqs_json_types(self):
        q = self.queue_url
        cases = (
            ("SendMessage", {"QueueUrl": q, "MessageBody": "x", "DelaySeconds": "5"},
             "class java.lang.String can not be converted to an Integer"),
            ("ReceiveMessage", {"QueueUrl": q, "MaxNumberOfMessages": 1e30},
             "class com.amazon.coral.value.json.numbers.TruncatingBigNumber can not be converted to an Integer"),
            ("ReceiveMessage", {"QueueUrl": q, "WaitTimeSeconds": 18446744073709551615},
             "class com.amazon.coral.value.json.numbers.TruncatingBigNumber can not be converted to an Integer"),
            ("SendMessage", {"QueueUrl": q, "MessageBody": "x",
                             "MessageAttributes": {"a": {"DataType": 5}}}, NUMBER_TO_STRING),
            ("SendMessage", {"QueueUrl": q, "MessageBody": "x", "MessageAttributes": []},
             "Start of list found where not expected"),
            ("CreateQueue", {"QueueName": "q", "Attributes": {"DelaySeconds": 5}}, NUMBER_TO_STRING),
            ("DeleteMessageBatch", {"QueueUrl": q, "Entries": [{"Id": {}, "ReceiptHandle": "r"}]},
             "Start of structure or map found where not expected."),
            ("GetQueueUrl", {"QueueName": False}, "class java.lang.Boolean can not be converted to an String"))
        for op, body, message in cases:
            with self.subTest(op=op, body=body):
                a = json_request(self.url, "AmazonSQS." + op, body, "sqs")
                self.assert_json_error(a, 400, "com.amazon.coral.service#SerializationException", message)
        for body in (b'{"QueueUrl":', b"[1]", b"\xff"):
            a = json_request(self.url, "AmazonSQS.SendMessage", body, "sqs")
            self.assert_json_error(a, 400, "com.amazon.coral.service#SerializationException")

    def test_sqs_query_indices_and_numbers(self):
        for form, code in (
                ("Action=ReceiveMessage&AttributeName.99999999999999999999=All", "InvalidQueryParameter"),
                ("Action=SendMessageBatch&SendMessageBatchRequestEntry.0.Id=a"
                 "&SendMessageBatchRequestEntry.0.MessageBody=x", "InvalidQueryParameter"),
                ("Action=ReceiveMessage&MessageAttributeName.x=All", "InvalidQueryParameter"),
                ("Action=ReceiveMessage&MaxNumberOfMessages=99999999999999999999", "InvalidParameterValue"),
                ("Action=ChangeMessageVisibility&ReceiptHandle=r&VisibilityTimeout=9999999999",
                 "InvalidParameterValue"),
                ("Action=SendMessage&MessageBody=x&MessageAttribute.1.Name=a"
                 "&MessageAttribute.1.Value.DataType=String&MessageAttribute.1.Value.StringValue=%FF",
                 "InvalidParameterValue")):
            with self.subTest(form=form):
                a = query_request(self.url, form + "&QueueUrl=" + urllib.parse.quote(self.queue_url, safe=""), "sqs")
                self.assert_xml_error(a, 400, code)

    def test_lambda_bodies(self):
        path = "/2017-10-31/functions/create_metrics/concurrency"
        auth = {"Authorization": signature("lambda"), "Content-Type": "application/json"}
        for body, code in ((b"{", "InvalidRequestContentException"),
                           (b'{"ReservedConcurrentExecutions": "5"}', "InvalidParameterValueException"),
                           (b'{"ReservedConcurrentExecutions": 99999999999999999999}', "InvalidParameterValueException"),
                           (b'{"ReservedConcurrentExecutions": -1}', "ValidationException")):
            with self.subTest(body=body):
                a = send(self.url, "PUT", path, auth, body)
                self.assertEqual(a.status, 400, a)
                self.assertEqual(a.header("x-amzn-errortype"), code)
                self.assertTrue(a.json()["message"])
        # A long hostile path is routed without a recursive regex.
        a = send(self.url, "GET", "/2015-03-31/functions/" + "x" * 6000, {"Authorization": signature("lambda")})
        self.assertEqual(a.status, 404, a)

    def test_dynamodb_streams_limit_type(self):
        a = json_request(self.url, "DynamoDBStreams_20120810.GetRecords",
                         {"ShardIterator": "x", "Limit": "5"}, "dynamodb")
        self.assertEqual(a.status, 400, a)
        self.assertEqual(a.json()["__type"], "com.amazon.coral.service#SerializationException")
        self.assertTrue(a.json()["message"])


if __name__ == "__main__":
    unittest.main()
