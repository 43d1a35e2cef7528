"""SNS over the wire with the AWS CLI and boto3: the seed's topics, topics created by clients,
HTTP subscriptions with SNS's real handshake (a SubscriptionConfirmation POSTed to the
endpoint, confirmed through its SubscribeURL or ConfirmSubscription), Publish delivered as SNS
delivers it (Notification JSON and x-amz-sns-* headers, retried), and CloudWatch's alarm
notifications reaching a subscriber when a scenario fires the 5xx alarm on the virtual clock."""
import http.client
import http.server
import json
import os
import queue
import threading
import unittest
import urllib.parse
import urllib.request

from emulator_harness import Emulator, aws, client, wait_until

CRITICAL = "arn:aws:sns:ca-central-1:000000000000:alert-critical"
PAYLOADS = os.path.join(os.path.dirname(__file__), "..", "data", "payloads")


class Endpoint:
    """An HTTP endpoint started by the test: records every POST (headers and JSON body) and
    answers the statuses it is told to, then 200."""

    def __init__(self, fail_first=0):
        self.received = queue.Queue()
        self.attempts = 0
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                outer.attempts += 1
                ok = outer.attempts > fail_first
                self.send_response(200 if ok else 500)
                self.send_header("Content-Length", "0")
                self.end_headers()
                if ok:
                    outer.received.put(({k.lower(): v for k, v in self.headers.items()},
                                        json.loads(body)))

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/sns"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def next(self, timeout=20):
        return self.received.get(timeout=timeout)

    def close(self):
        self.server.shutdown()
        self.server.server_close()


def state(emu):
    with urllib.request.urlopen(emu.url + "/_emulator/state") as r:
        return json.load(r)


class SnsWireTest(unittest.TestCase):
    def test_seed_topics_exist_and_clients_create_more(self):
        with Emulator() as emu:
            sns = client("sns", emu.url)
            arns = [t["TopicArn"] for t in sns.list_topics()["Topics"]]
            self.assertEqual(arns, [CRITICAL, CRITICAL.replace("critical", "warning")])
            created = sns.create_topic(Name="mine")["TopicArn"]
            self.assertEqual(sns.create_topic(Name="mine")["TopicArn"], created)  # idempotent
            rc, out, err = aws(emu.url, "sns", "get-topic-attributes", "--topic-arn", created)
            self.assertEqual(rc, 0, err)
            self.assertEqual(out["Attributes"]["TopicArn"], created)
            self.assertEqual(out["Attributes"]["SubscriptionsConfirmed"], "0")
            rc, _, err = aws(emu.url, "sns", "get-topic-attributes", "--topic-arn", CRITICAL + "x")
            self.assertNotEqual(rc, 0)
            self.assertIn("(NotFound)", err)
            rc, _, err = aws(emu.url, "sns", "subscribe", "--topic-arn", created,
                             "--protocol", "email", "--notification-endpoint", "a@b.c")
            self.assertNotEqual(rc, 0)
            self.assertIn("'email' is not supported by this emulator", err)

    def test_http_subscription_handshake_publish_and_unsubscribe(self):
        endpoint = Endpoint()
        try:
            with Emulator() as emu:
                rc, out, err = aws(emu.url, "sns", "subscribe", "--topic-arn", CRITICAL,
                                   "--protocol", "http", "--notification-endpoint", endpoint.url)
                self.assertEqual(rc, 0, err)
                self.assertEqual(out["SubscriptionArn"], "pending confirmation")
                headers, confirmation = endpoint.next()
                self.assertEqual(headers["x-amz-sns-message-type"], "SubscriptionConfirmation")
                self.assertEqual(headers["x-amz-sns-topic-arn"], CRITICAL)
                self.assertEqual(confirmation["Type"], "SubscriptionConfirmation")
                self.assertEqual(confirmation["TopicArn"], CRITICAL)
                for field in ("MessageId", "Token", "Message", "SubscribeURL", "Timestamp",
                              "SignatureVersion", "Signature", "SigningCertURL"):
                    self.assertIn(field, confirmation)
                # Visiting the SubscribeURL (unsigned GET) confirms it, as with SNS.
                with urllib.request.urlopen(confirmation["SubscribeURL"]) as r:
                    self.assertIn(b"<SubscriptionArn>" + CRITICAL.encode(), r.read())
                sns = client("sns", emu.url)
                subs = sns.list_subscriptions_by_topic(TopicArn=CRITICAL)["Subscriptions"]
                self.assertEqual([(s["Protocol"], s["Endpoint"]) for s in subs], [("http", endpoint.url)])
                arn = subs[0]["SubscriptionArn"]
                self.assertTrue(arn.startswith(CRITICAL + ":"))
                self.assertEqual([s["SubscriptionArn"] for s in sns.list_subscriptions()["Subscriptions"]], [arn])

                rc, out, err = aws(emu.url, "sns", "publish", "--topic-arn", CRITICAL,
                                   "--subject", "hello", "--message", "the body")
                self.assertEqual(rc, 0, err)
                headers, note = endpoint.next()
                self.assertEqual(headers["x-amz-sns-message-type"], "Notification")
                self.assertEqual(headers["x-amz-sns-subscription-arn"], arn)
                self.assertEqual(headers["x-amz-sns-message-id"], out["MessageId"])
                self.assertEqual((note["Type"], note["MessageId"], note["TopicArn"], note["Subject"],
                                  note["Message"], note["SignatureVersion"]),
                                 ("Notification", out["MessageId"], CRITICAL, "hello", "the body", "1"))
                self.assertIn("Timestamp", note)
                with urllib.request.urlopen(note["UnsubscribeURL"]) as r:
                    self.assertEqual(r.status, 200)
                self.assertEqual(sns.list_subscriptions_by_topic(TopicArn=CRITICAL)["Subscriptions"], [])
        finally:
            endpoint.close()

    def test_failed_deliveries_are_retried_by_the_delivery_policy(self):
        endpoint = Endpoint(fail_first=2)
        config = {"sns": {"auto_confirm": True, "retry_time_scale": 0.01,
                          "delivery_policy": {"numRetries": 3, "numNoDelayRetries": 1,
                                              "minDelayTarget": 1, "maxDelayTarget": 2}}}
        try:
            with Emulator(config=config) as emu:
                sns = client("sns", emu.url)
                arn = sns.subscribe(TopicArn=CRITICAL, Protocol="http", Endpoint=endpoint.url,
                                    ReturnSubscriptionArn=True)["SubscriptionArn"]
                self.assertTrue(arn.startswith(CRITICAL + ":"))  # auto-confirmed: no handshake
                sns.publish(TopicArn=CRITICAL, Message="m")
                _, note = endpoint.next()
                self.assertEqual(note["Message"], "m")
                self.assertEqual(endpoint.attempts, 3)  # two 500s, then 200
                subscription = state(emu)["sns"]["subscriptions"][0]
                self.assertTrue(wait_until(lambda: state(emu)["sns"]["subscriptions"][0]["delivered"] == 1))
                self.assertEqual(subscription["failed"], 0)
        finally:
            endpoint.close()

    def test_a_fault_rule_fails_http_deliveries_without_posting(self):
        # Every attempt to alert-critical's subscribers fails (no POST reaches the endpoint):
        # retried by the policy, then counted failed; alert-warning's go through.
        endpoint = Endpoint()
        config = {"sns": {"auto_confirm": True, "retry_time_scale": 0.01,
                          "delivery_policy": {"numRetries": 2, "minDelayTarget": 1,
                                              "maxDelayTarget": 1}},
                  "faults": [{"service": "sns", "operation": "HttpDelivery",
                              "resource": "alert-critical", "error": "InternalFailure"}]}
        warning = CRITICAL.replace("critical", "warning")
        try:
            with Emulator(config=config) as emu:
                sns = client("sns", emu.url)
                for topic in (CRITICAL, warning):
                    sns.subscribe(TopicArn=topic, Protocol="http", Endpoint=endpoint.url,
                                  ReturnSubscriptionArn=True)
                sns.publish(TopicArn=CRITICAL, Message="lost")
                self.assertTrue(wait_until(
                    lambda: state(emu)["sns"]["subscriptions"][0]["failed"] == 1))
                critical = state(emu)["sns"]["subscriptions"][0]
                self.assertEqual((critical["attempts"], critical["faulted"]), (3, 3))
                self.assertEqual(critical["delivered"], 0)
                sns.publish(TopicArn=warning, Message="kept")
                _, note = endpoint.next()
                self.assertEqual(note["Message"], "kept")
                self.assertEqual(endpoint.attempts, 1)  # the faulted ones never POSTed
                rules = state(emu)["faults"]
                self.assertEqual(rules[0]["fired"], 3)
        finally:
            endpoint.close()

    def test_the_5xx_alarm_notifies_a_confirmed_subscriber_on_the_virtual_clock(self):
        endpoint = Endpoint()
        try:
            with Emulator("--clock", "virtual", "--start", "2021-06-27T03:55:00Z") as emu:
                rc, _, err = aws(emu.url, "sns", "subscribe", "--topic-arn", CRITICAL,
                                 "--protocol", "http", "--notification-endpoint", endpoint.url)
                self.assertEqual(rc, 0, err)
                _, confirmation = endpoint.next()
                rc, out, err = aws(emu.url, "sns", "confirm-subscription", "--topic-arn", CRITICAL,
                                   "--token", confirmation["Token"])
                self.assertEqual(rc, 0, err)
                # The scenario: no Lambda capacity, so API Gateway answers 500 to every phone.
                rc, _, err = aws(emu.url, "lambda", "put-function-concurrency", "--function-name",
                                 "create_metrics", "--reserved-concurrent-executions", "0")
                self.assertEqual(rc, 0, err)
                with open(os.path.join(PAYLOADS, "metrics-terraform-test_payload_small.json"), "rb") as f:
                    body = f.read()
                parts = urllib.parse.urlparse(emu.url)
                conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
                for _ in range(250):  # the alarm: more than 200 5XXErrors in 10 minutes
                    conn.request("POST", "/save-metrics", body=body, headers={
                        "Content-Type": "application/json", "x-api-key": emu.api_key,
                        "User-Agent": "CovidShield/1.4.5 test"})
                    r = conn.getresponse()
                    r.read()
                    self.assertEqual(r.status, 500)
                conn.close()
                self.assertEqual(endpoint.received.qsize(), 0)
                request = urllib.request.Request(emu.url + "/_emulator/clock", method="POST",
                                                 data=json.dumps({"advance_seconds": 300}).encode())
                urllib.request.urlopen(request).read()
                alarm = "metrics-api-gateway-500-errors-above-threshold"
                while True:
                    headers, note = endpoint.next()
                    message = json.loads(note["Message"])
                    if message["AlarmName"] == alarm:
                        break
                self.assertEqual(headers["x-amz-sns-message-type"], "Notification")
                self.assertEqual(note["TopicArn"], CRITICAL)
                self.assertEqual(message["NewStateValue"], "ALARM")
                self.assertEqual(note["Subject"], f'ALARM: "{alarm}" in Canada (Central)')
                self.assertTrue(note["Timestamp"].startswith("2021-06-27T"), note["Timestamp"])
                with open(os.path.join(emu.data_dir, "notifications.jsonl")) as f:
                    logged = [json.loads(json.loads(line)["Message"])["AlarmName"] for line in f]
                self.assertIn(alarm, logged)
        finally:
            endpoint.close()


if __name__ == "__main__":
    unittest.main()
