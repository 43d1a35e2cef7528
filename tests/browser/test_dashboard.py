"""The live dashboard (/_emulator/dashboard) in headless Chromium against a running emulator on
the virtual clock: every widget draws points from the emulator's own CloudWatch data with no
console error; after a scenario driven through the APIs (create_metrics' reserved concurrency
set to 0 with the AWS CLI, 250 phone POSTs answered 500, the clock moved through
POST /_emulator/clock) the page shows the emulator's new time, the 5xx total and the API
Gateway 5xx alarm in ALARM. Screenshots: BROWSER_OUT."""
import http.client
import json
import os
import pathlib
import unittest
import urllib.error
import urllib.request

from browser import Dom, dump_dom, screenshot
from emulator_harness import Emulator, aws

SOURCE_DIR = pathlib.Path(os.environ.get("EMU_SOURCE_DIR", pathlib.Path(__file__).resolve().parents[2]))
PAYLOAD = (SOURCE_DIR / "tests/data/payloads/app-MetricsJsonSerializer.spec-expected.json").read_bytes()
ALARM_5XX = "metrics-api-gateway-500-errors-above-threshold"
WIDGETS = {"api-count", "api-errors", "api-latency", "lambda-invocations", "lambda-errors",
           "lambda-throttles", "lambda-concurrency", "lambda-duration", "dynamodb-wcu",
           "dynamodb-throttles", "dlq"}


class Dashboard(unittest.TestCase):
    def setUp(self):
        self.emu = Emulator("--clock", "virtual", "--start", "2021-06-27T03:50:00Z").start()
        self.addCleanup(self.emu.__exit__)
        self.page = self.emu.url + "/_emulator/dashboard"

    def request(self, method, path, body=None, headers=None):
        host = self.emu.url.split("//")[1]
        conn = http.client.HTTPConnection(host, timeout=30)
        conn.request(method, path, body=body, headers=headers or {})
        response = conn.getresponse()
        data = response.read()
        conn.close()
        return response.status, data

    def post_metrics(self, count):
        host = self.emu.url.split("//")[1]
        conn = http.client.HTTPConnection(host, timeout=30)
        statuses = []
        for _ in range(count):
            conn.request("POST", "/save-metrics", body=PAYLOAD,
                         headers={"x-api-key": self.emu.api_key, "Content-Type": "application/json",
                                  "User-Agent": "CovidShield/1.4.5"})
            response = conn.getresponse()
            response.read()
            statuses.append(response.status)
        conn.close()
        return statuses

    def advance(self, seconds):
        status, body = self.request("POST", "/_emulator/clock", json.dumps({"advance_seconds": seconds}))
        self.assertEqual(status, 200, body)
        return json.loads(body)["now"]

    def load(self, name):
        text, console = dump_dom(self.page, width=1400, budget_ms=6000)
        self.assertEqual(console, [])
        dom = Dom(text)
        body = dom.find("body")
        self.assertEqual(body.attrs.get("data-errors"), "0")
        # The page polls: more than one refresh drawn within the budget.
        self.assertGreaterEqual(int(body.attrs.get("data-updates", "0")), 2)
        screenshot(self.page, name, width=1400, height=2400, budget_ms=6000)
        return dom

    def test_ready_line_links_the_dashboard(self):
        status, body = self.request("GET", "/_emulator/dashboard")
        self.assertEqual(status, 200)
        self.assertIn(b"Dygraph", body)
        self.assertNotIn(b"<script src", body)  # everything inlined: works offline
        self.assertNotIn(b"/*DASHBOARD_JS*/", body)

    def test_range_picker_data(self):
        for minutes, period, points in ((15, 60, 15), (60, 60, 60), (1440, 240, 360)):
            status, body = self.request("GET", f"/_emulator/dashboard/data?minutes={minutes}")
            self.assertEqual(status, 200)
            data = json.loads(body)
            self.assertEqual((data["period_seconds"], len(data["times"])), (period, points))
            for widget in data["widgets"]:
                for line in widget["lines"]:
                    self.assertEqual(len(line["values"]), points)
        for bad in ("0", "abc", "99999999", "5x"):
            status, body = self.request("GET", f"/_emulator/dashboard/data?minutes={bad}")
            self.assertEqual(status, 400, bad)
            self.assertIn("minutes", json.loads(body)["error"])

    def test_dashboard_follows_the_emulator_into_alarm(self):
        self.assertEqual(set(self.post_metrics(20)), {200})
        self.advance(60)
        before = self.load("dashboard-before.png")
        charts = {c.attrs["data-chart"]: c for c in before.find_all(data_chart=True)}
        self.assertEqual(set(charts), WIDGETS)
        for name, chart in charts.items():
            with self.subTest(chart=name):
                self.assertGreater(int(chart.attrs.get("data-points", "0")), 0)
        row = before.find("tr", data_alarm=ALARM_5XX)
        self.assertNotEqual(row.attrs["data-state"], "ALARM")

        # The scenario: Lambda refuses every create_metrics invocation, phones get 500s.
        rc, _, err = aws(self.emu.url, "lambda", "put-function-concurrency", "--function-name",
                         "create_metrics", "--reserved-concurrent-executions", "0")
        self.assertEqual(rc, 0, err)
        self.assertEqual(set(self.post_metrics(250)), {500})
        now = self.advance(11 * 60)
        rc, alarms, err = aws(self.emu.url, "cloudwatch", "describe-alarms", "--alarm-names", ALARM_5XX)
        self.assertEqual(rc, 0, err)
        self.assertEqual(alarms["MetricAlarms"][0]["StateValue"], "ALARM")

        after = self.load("dashboard-5xx-alarm.png")
        self.assertEqual(after.find("body").attrs["data-now"], now[:19].replace("T", " ") + " UTC")
        row = after.find("tr", data_alarm=ALARM_5XX)
        self.assertEqual(row.attrs["data-state"], "ALARM")
        self.assertIn("ALARM", row.text)
        # Alarms in ALARM come first.
        rows = after.find_all("tr", data_alarm=True)
        self.assertEqual(rows[0].attrs["data-state"], "ALARM")
        self.assertEqual(after.find(data_total="5xx").text, "250")
        self.assertEqual(after.find(data_total="requests").text, "270")
        for chart in after.find_all(data_chart=True):
            with self.subTest(chart=chart.attrs["data-chart"]):
                self.assertGreater(int(chart.attrs.get("data-points", "0")), 0)


if __name__ == "__main__":
    unittest.main()
