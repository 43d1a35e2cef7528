"""POST /save-metrics over real HTTP: every row of the seed spec's response table (2.3), the
access log, and what lands in DynamoDB, read back with boto3 ("one state, two doors")."""
import json
import os
import unittest

from emulator_harness import Emulator, client, wait_until
from saver import Saver, payload, control

CREATED = b'{"status":"RECORD CREATED"}'


class SaveMetricsTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.emu = Emulator().start()
        cls.saver = Saver(cls.emu.url, cls.emu.api_key)

    @classmethod
    def tearDownClass(cls):
        cls.saver.close()
        cls.emu.stop()

    def test_stored_body_is_readable_through_dynamodb(self):
        body = payload("metrics-terraform-test_payload_small.json")
        status, headers, out = self.saver.post(body)
        self.assertEqual((status, out), (200, CREATED))
        self.assertEqual(headers["content-type"], "application/json")
        for h in ("x-amzn-requestid", "x-amz-apigw-id", "x-amzn-trace-id"):
            self.assertIn(h, headers)
        ddb = client("dynamodb", self.emu.url)
        items = ddb.scan(TableName="raw_metrics")["Items"]
        raws = [i["raw"]["S"] for i in items]
        self.assertIn(body.decode(), raws)
        item = next(i for i in items if i["raw"]["S"] == body.decode())
        self.assertEqual(len(item["uuid"]["S"]), 36)
        self.assertTrue(int(item["expdate"]["N"]) > 0)
        ddb.close()

    def test_aggregates_appear_through_the_stream(self):
        self.saver.post(payload("app-MetricsJsonSerializer.spec-expected.json"))
        ddb = client("dynamodb", self.emu.url)

        def aggregated():
            items = ddb.scan(TableName="aggregate_metrics")["Items"]
            return [i for i in items if i["identifier"]["S"] == "MyCustomMetric3"]
        rows = wait_until(aggregated)
        self.assertEqual(len(rows), 1)
        self.assertEqual(rows[0]["sk"]["S"],
                         "MyCustomRegion3#MyCustomMetric3#2021-01-22#iOS#12.5#0.0.7#samsung#"
                         "Pixel 3#11#*#*#*#*#*#*#*#*")
        self.assertEqual(rows[0]["metricCount"]["N"], "1")
        self.assertEqual(rows[0]["version"]["N"], "6")
        ddb.close()

    def test_waf_rules(self):
        body = payload("metrics-terraform-test_payload_small.json")
        self.assertEqual(self.saver.post(body, path="/other")[0], 204)
        self.assertEqual(self.saver.post(body, path="/save-metrics?x=1")[0], 204)
        status, headers, out = self.saver.post(b"{" + b" " * 120001 + b"}")
        self.assertEqual((status, out), (200, b""))
        self.assertEqual(headers["waf-block"], "metrics_collection_max_body_size")

    def test_api_gateway_refusals(self):
        body = payload("metrics-terraform-test_payload_small.json")
        status, headers, out = self.saver.post(body, api_key=False)
        self.assertEqual((status, out), (403, b'{"message":"Forbidden"}'))
        self.assertEqual(headers["x-amzn-errortype"], "ForbiddenException")
        self.assertEqual(self.saver.post(body, api_key="wrong")[0], 403)
        status, _, out = self.saver.post(b'{"payload":[]}')
        self.assertEqual((status, out), (400, b'{"message": "Invalid request body"}'))
        self.assertEqual(self.saver.post(b"not json")[0], 400)
        self.assertEqual(self.saver.post(b"")[0], 400)
        status, _, out = self.saver.post(body, path="/SAVE-METRICS")
        self.assertEqual((status, out), (403, b'{"message":"Missing Authentication Token"}'))
        self.assertEqual(self.saver.post(body, method="PUT")[0], 403)

    def test_split_and_drop_paths(self):
        big = json.loads(payload("metrics-terraform-test_payload_gigantic.json"))
        big["payload"] = big["payload"][:1600]  # ~108 KB: over the split threshold, under the WAF's
        body = json.dumps(big).encode()
        self.assertGreater(len(body), 102400)
        self.assertLess(len(body), 120000)
        self.assertEqual(self.saver.post(body)[:3:2], (200, CREATED))
        single = json.loads(payload("metrics-terraform-test_payload_small.json"))
        single["padding"] = "x" * 110000
        status, _, out = self.saver.post(json.dumps(single).encode())
        self.assertEqual((status, out), (200, b'{"status":"RECORD DROPPED"}'))
        samples = os.path.join(self.emu.data_dir, "s3", "error-samples-tdvfd-production")
        self.assertEqual(len(os.listdir(samples)), 1)

    def test_non_json_content_type_skips_validation(self):
        status, _, out = self.saver.post(b"plain text", headers={"Content-Type": "text/plain"})
        self.assertEqual((status, out), (200, CREATED))

    def test_access_log_has_one_json_line_per_request(self):
        self.saver.post(payload("metrics-terraform-test_payload_small.json"), path="/nope")
        path = os.path.join(self.emu.data_dir, "logs", "api-gateway-access.log")

        def lines():
            with open(path) as f:
                return [json.loads(x) for x in f if x.strip()]
        found = wait_until(lambda: [l for l in lines() if l["status"] == "204"])
        self.assertTrue(found)
        self.assertEqual(set(found[0]), {"requestId", "ip", "caller", "user", "requestTime",
                                         "httpMethod", "resourcePath", "status", "protocol",
                                         "responseLength"})

    def test_state_and_ledger_endpoints(self):
        status, state = control(self.emu.url, "/_emulator/state")
        self.assertEqual(status, 200)
        self.assertEqual(state["lambda"]["account_concurrency"], 1000)
        self.assertIn("raw_metrics", state["dynamodb_capacity"])
        status, ledger = control(self.emu.url, "/_emulator/ledger")
        self.assertEqual(status, 200)
        self.assertTrue(ledger["invariant_holds"])


if __name__ == "__main__":
    unittest.main()
