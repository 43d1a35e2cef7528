"""SQS through the real clients: Debian's boto3/botocore (query protocol) and the AWS CLI, plus
raw JSON-protocol requests as boto3 >= 1.34.90 sends them. Also the seed's DLQ exists at start."""
import json
import os
import sys
import time
import unittest
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "wire"))
from emulator_harness import Emulator, client, aws  # noqa: E402
from botocore.exceptions import ClientError  # noqa: E402

DLQ = "aggregation-lambda-dead-letter-queue"


def json_call(url, op, body):
    req = urllib.request.Request(url + "/", data=json.dumps(body).encode(), method="POST", headers={
        "X-Amz-Target": "AmazonSQS." + op, "Content-Type": "application/x-amz-json-1.0",
        "x-amzn-query-mode": "true",
        "Authorization": "AWS4-HMAC-SHA256 Credential=AKID/20240101/ca-central-1/sqs/aws4_request, "
                         "SignedHeaders=host, Signature=0"})
    try:
        with urllib.request.urlopen(req) as r:
            return r.status, dict(r.headers), json.loads(r.read())
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), json.loads(e.read())


class SqsWireTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.emu = Emulator().start()
        cls.sqs = client("sqs", cls.emu.url)

    @classmethod
    def tearDownClass(cls):
        cls.sqs.close()
        cls.emu.stop()

    def test_seed_dlq_exists(self):
        url = self.sqs.get_queue_url(QueueName=DLQ)["QueueUrl"]
        self.assertTrue(url.endswith("/000000000000/" + DLQ))
        attrs = self.sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
        self.assertEqual(attrs["VisibilityTimeout"], "30")
        self.assertEqual(attrs["MessageRetentionPeriod"], "1209600")
        self.assertEqual(attrs["QueueArn"], "arn:aws:sqs:ca-central-1:000000000000:" + DLQ)

    def test_send_receive_delete_with_attributes(self):
        url = self.sqs.create_queue(QueueName="boto-q")["QueueUrl"]
        sent = self.sqs.send_message(QueueUrl=url, MessageBody="derp", MessageAttributes={
            "timestamp": {"StringValue": "1493147359900", "DataType": "Number"}})
        self.assertEqual(sent["MD5OfMessageBody"], "58fd9edd83341c29f1aebba81c31e257")
        self.assertEqual(sent["MD5OfMessageAttributes"], "235c5c510d26fb653d073faed50ae77c")
        got = self.sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10,
                                       AttributeNames=["All"], MessageAttributeNames=["All"])
        [m] = got["Messages"]
        self.assertEqual(m["Body"], "derp")
        self.assertEqual(m["MessageId"], sent["MessageId"])
        self.assertEqual(m["Attributes"]["ApproximateReceiveCount"], "1")
        self.assertEqual(m["MessageAttributes"]["timestamp"]["StringValue"], "1493147359900")
        self.assertEqual(m["MD5OfMessageAttributes"], "235c5c510d26fb653d073faed50ae77c")
        # Invisible now; deleting with the handle removes it.
        self.assertNotIn("Messages", self.sqs.receive_message(QueueUrl=url))
        self.sqs.delete_message(QueueUrl=url, ReceiptHandle=m["ReceiptHandle"])
        attrs = self.sqs.get_queue_attributes(
            QueueUrl=url, AttributeNames=["ApproximateNumberOfMessages",
                                          "ApproximateNumberOfMessagesNotVisible"])["Attributes"]
        self.assertEqual(attrs, {"ApproximateNumberOfMessages": "0",
                                 "ApproximateNumberOfMessagesNotVisible": "0"})

    def test_batches_and_their_errors(self):
        url = self.sqs.create_queue(QueueName="batch-q")["QueueUrl"]
        r = self.sqs.send_message_batch(QueueUrl=url, Entries=[
            {"Id": "a", "MessageBody": "1"}, {"Id": "b", "MessageBody": "2", "DelaySeconds": 1000}])
        self.assertEqual([e["Id"] for e in r["Successful"]], ["a"])
        self.assertEqual(r["Failed"][0]["Id"], "b")
        self.assertEqual(r["Failed"][0]["Code"], "InvalidParameterValue")
        with self.assertRaises(ClientError) as e:
            self.sqs.send_message_batch(QueueUrl=url, Entries=[
                {"Id": "same", "MessageBody": "1"}, {"Id": "same", "MessageBody": "2"}])
        self.assertEqual(e.exception.response["Error"]["Code"],
                         "AWS.SimpleQueueService.BatchEntryIdsNotDistinct")

    def test_documented_limits_through_boto3(self):
        # The request rules (emulator/sqs/wire_rules.cc) as botocore reports them; botocore
        # checks no upper bound itself, so each of these reaches the emulator.
        url = self.sqs.create_queue(QueueName="limits-q")["QueueUrl"]
        for call, message in (
                (lambda: self.sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=11),
                 "Value 11 for parameter MaxNumberOfMessages is invalid. Reason: Must be between 1 "
                 "and 10, if provided."),
                (lambda: self.sqs.receive_message(QueueUrl=url, WaitTimeSeconds=21),
                 "Value 21 for parameter WaitTimeSeconds is invalid. Reason: Must be >= 0 and <= "
                 "20, if provided."),
                (lambda: self.sqs.send_message(QueueUrl=url, MessageBody="x", DelaySeconds=901),
                 "Value 901 for parameter DelaySeconds is invalid. Reason: DelaySeconds must be >= "
                 "0 and <= 900.")):
            with self.assertRaises(ClientError) as e:
                call()
            self.assertEqual(e.exception.response["Error"]["Code"], "InvalidParameterValue")
            self.assertEqual(e.exception.response["Error"]["Message"], message)
        # The body's size limit is the queue's MaximumMessageSize (1 KiB-1 MiB, default 1 MiB).
        small = self.sqs.create_queue(QueueName="small-q",
                                      Attributes={"MaximumMessageSize": "1024"})["QueueUrl"]
        with self.assertRaises(ClientError) as e:
            self.sqs.send_message(QueueUrl=small, MessageBody="x" * 1025)
        self.assertEqual(e.exception.response["Error"]["Message"],
                         "One or more parameters are invalid. Reason: Message must be shorter "
                         "than 1024 bytes.")
        self.sqs.send_message(QueueUrl=small, MessageBody="x" * 1024)
        with self.assertRaises(ClientError) as e:
            self.sqs.send_message_batch(QueueUrl=url, Entries=[
                {"Id": "e%d" % i, "MessageBody": "x"} for i in range(11)])
        self.assertEqual(e.exception.response["Error"]["Code"],
                         "AWS.SimpleQueueService.TooManyEntriesInBatchRequest")

    def test_errors_as_botocore_parses_them(self):
        with self.assertRaises(ClientError) as e:
            self.sqs.get_queue_url(QueueName="does-not-exist")
        self.assertEqual(e.exception.response["Error"]["Code"],
                         "AWS.SimpleQueueService.NonExistentQueue")
        self.assertEqual(e.exception.response["ResponseMetadata"]["HTTPStatusCode"], 400)
        url = self.sqs.create_queue(QueueName="err-q")["QueueUrl"]
        with self.assertRaises(ClientError) as e:
            self.sqs.set_queue_attributes(QueueUrl=url, Attributes={"VisibilityTimeout": "99999"})
        self.assertEqual(e.exception.response["Error"]["Code"], "InvalidAttributeValue")

    def test_long_polling_returns_when_a_message_arrives(self):
        url = self.sqs.create_queue(QueueName="long-q")["QueueUrl"]
        self.sqs.send_message(QueueUrl=url, MessageBody="soon", DelaySeconds=1)
        t0 = time.monotonic()
        got = self.sqs.receive_message(QueueUrl=url, WaitTimeSeconds=5)
        elapsed = time.monotonic() - t0
        self.assertEqual(got["Messages"][0]["Body"], "soon")
        self.assertGreaterEqual(elapsed, 0.9)
        self.assertLess(elapsed, 4.0)  # answered when the message appeared, not after the wait

    def test_json_protocol(self):
        # Not the DLQ: its event source mapping takes what arrives there (as on AWS).
        self.sqs.create_queue(QueueName="json-q")
        status, headers, body = json_call(self.emu.url, "GetQueueUrl", {"QueueName": "json-q"})
        self.assertEqual(status, 200)
        url = body["QueueUrl"]
        status, _, body = json_call(self.emu.url, "SendMessage",
                                    {"QueueUrl": url, "MessageBody": "j", "DelaySeconds": 0})
        self.assertEqual(body["MD5OfMessageBody"], "363b122c528f54df4a0446b6bab05515")
        status, _, body = json_call(self.emu.url, "ReceiveMessage",
                                    {"QueueUrl": url, "MaxNumberOfMessages": 10})
        self.assertEqual([m["Body"] for m in body["Messages"]], ["j"])
        json_call(self.emu.url, "DeleteMessage", {"QueueUrl": url,
                                                   "ReceiptHandle": body["Messages"][0]["ReceiptHandle"]})
        status, headers, body = json_call(self.emu.url, "GetQueueUrl", {"QueueName": "nope"})
        self.assertEqual(status, 400)
        self.assertEqual(body["__type"], "com.amazonaws.sqs#QueueDoesNotExist")
        self.assertEqual(headers["x-amzn-query-error"], "AWS.SimpleQueueService.NonExistentQueue;Sender")
        status, _, body = json_call(self.emu.url, "Frobnicate", {})
        self.assertEqual(status, 400)
        self.assertIn("UnknownOperation", body["__type"])

    def test_aws_cli(self):
        rc, out, err = aws(self.emu.url, "sqs", "list-queues")
        self.assertEqual(rc, 0, err)
        self.assertTrue(any(u.endswith("/" + DLQ) for u in out["QueueUrls"]))
        rc, out, err = aws(self.emu.url, "sqs", "get-queue-url", "--queue-name", "nope")
        self.assertNotEqual(rc, 0)
        self.assertIn("NonExistentQueue", err)


if __name__ == "__main__":
    unittest.main()
