"""CloudWatch Logs of the three functions over the wire: every invocation writes START, the
function's console lines, END and REPORT to /aws/lambda/<function>, one stream per execution
environment; the AWS CLI's `logs tail` (with --since and --follow), get-log-events and
filter-log-events read them."""
import http.client
import json
import os
import re
import subprocess
import time
import unittest
import urllib.parse
import urllib.request

from emulator_harness import Emulator, CREDENTIALS, REGION, _aws_cli_path, aws, client, wait_until

PAYLOADS = os.path.join(os.path.dirname(__file__), "..", "data", "payloads")
GROUP = "/aws/lambda/create_metrics"
STREAM = re.compile(r"^\d{4}/\d{2}/\d{2}/\[\$LATEST\][0-9a-f]{32}$")


def payload(name):
    with open(os.path.join(PAYLOADS, name), "rb") as f:
        return f.read()


def invocations(url):
    """create_metrics invocations so far (each one logs START/END/REPORT)."""
    with urllib.request.urlopen(url + "/_emulator/state") as r:
        return json.load(r)["lambda"]["functions"]["create_metrics"]["invocations"]


def post(url, api_key, body):
    parts = urllib.parse.urlparse(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    conn.request("POST", "/save-metrics", body=body,
                 headers={"Content-Type": "application/json", "x-api-key": api_key,
                          "User-Agent": "CovidShield/1.4.5 test"})
    r = conn.getresponse()
    out = (r.status, r.read())
    conn.close()
    return out


class LogsWireTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.emu = Emulator().start()
        cls.logs = client("logs", cls.emu.url)
        small = payload("metrics-terraform-test_payload_small.json")
        for _ in range(3):
            assert post(cls.emu.url, cls.emu.api_key, small)[0] == 200
        single = json.loads(small)
        single["padding"] = "x" * 110000  # over the split threshold with one entry: dropped
        cls.dropped_body = json.dumps(single).encode()
        assert post(cls.emu.url, cls.emu.api_key, cls.dropped_body) == (200, b'{"status":"RECORD DROPPED"}')

    @classmethod
    def tearDownClass(cls):
        cls.emu.stop()

    def events(self):
        return self.logs.filter_log_events(logGroupName=GROUP)["events"]

    def test_the_three_functions_have_log_groups_with_the_seed_retention(self):
        groups = self.logs.describe_log_groups(logGroupNamePrefix="/aws/lambda/")["logGroups"]
        self.assertEqual([g["logGroupName"] for g in groups],
                         ["/aws/lambda/aggregate_metrics", "/aws/lambda/backoff_retry", GROUP])
        self.assertTrue(all(g["retentionInDays"] == 14 for g in groups))

    def test_each_invocation_writes_start_end_report_in_its_environment_stream(self):
        streams = self.logs.describe_log_streams(logGroupName=GROUP)["logStreams"]
        self.assertGreaterEqual(len(streams), 1)
        for s in streams:
            self.assertRegex(s["logStreamName"], STREAM)
        messages = [e["message"] for e in self.events()]
        starts = [m for m in messages if m.startswith("START RequestId: ")]
        ends = [m for m in messages if m.startswith("END RequestId: ")]
        reports = [m for m in messages if m.startswith("REPORT RequestId: ")]
        n = invocations(self.emu.url)
        self.assertGreaterEqual(n, 4)
        self.assertEqual((len(starts), len(ends), len(reports)), (n, n, n))
        self.assertTrue(all("Version: $LATEST" in m for m in starts))
        for report in reports:
            duration = float(re.search(r"\tDuration: ([0-9.]+) ms", report).group(1))
            billed = int(re.search(r"\tBilled Duration: (\d+) ms", report).group(1))
            # Rounded up to the millisecond (the printed duration is itself rounded to 0.01).
            self.assertTrue(duration - 0.01 <= billed < duration + 1.01, report)
            self.assertIn("\tMemory Size: 256 MB\t", report)
        # One cold start per environment: Init Duration only on each stream's first REPORT.
        cold = [m for m in reports if "\tInit Duration: " in m]
        self.assertEqual(len(cold), len(streams))

    def test_the_seed_functions_console_lines(self):
        messages = [e["message"] for e in self.events()]
        size = len(self.dropped_body)
        self.assertTrue(any(f"\tINFO\tLarge payload being split; size: {size}" in m for m in messages))
        dropped = [m for m in messages if "Upload failed, unable to split large payload" in m]
        self.assertEqual(len(dropped), 1)
        self.assertIn(f"\tERROR\t", dropped[0])
        self.assertIn(f": {size} > 102400", dropped[0])
        self.assertTrue(any(" - Payload isArray: true" in m for m in messages))

    def test_filter_patterns_terms_and_quoted_phrases(self):
        cold = self.logs.filter_log_events(logGroupName=GROUP, filterPattern='"Init Duration"')
        everything = self.events()
        self.assertEqual(len(cold["events"]),
                         sum("Init Duration" in e["message"] for e in everything))
        both = self.logs.filter_log_events(logGroupName=GROUP, filterPattern="REPORT Billed")
        self.assertEqual(len(both["events"]), invocations(self.emu.url))
        none = self.logs.filter_log_events(logGroupName=GROUP, filterPattern='"Billed REPORT"')
        self.assertEqual(none["events"], [])

    def test_get_log_events_pages_through_a_stream(self):
        stream = self.logs.describe_log_streams(logGroupName=GROUP)["logStreams"][0]["logStreamName"]
        first = self.logs.get_log_events(logGroupName=GROUP, logStreamName=stream,
                                          startFromHead=True, limit=2)
        self.assertEqual(len(first["events"]), 2)
        self.assertTrue(first["events"][0]["message"].startswith("START"))
        rest = self.logs.get_log_events(logGroupName=GROUP, logStreamName=stream,
                                         nextToken=first["nextForwardToken"])
        whole = self.logs.get_log_events(logGroupName=GROUP, logStreamName=stream, startFromHead=True)
        self.assertEqual(first["events"] + rest["events"], whole["events"])
        end = self.logs.get_log_events(logGroupName=GROUP, logStreamName=stream,
                                        nextToken=rest["nextForwardToken"])
        self.assertEqual(end["events"], [])
        self.assertEqual(end["nextForwardToken"], rest["nextForwardToken"])

    def test_unknown_group_is_resource_not_found(self):
        rc, _, err = aws(self.emu.url, "logs", "get-log-events", "--log-group-name", "/nope",
                         "--log-stream-name", "x")
        self.assertNotEqual(rc, 0)
        self.assertIn("ResourceNotFoundException", err)

    def test_cli_tail_since_and_follow(self):
        rc, out, err = aws(self.emu.url, "logs", "tail", GROUP, "--since", "10m")
        self.assertEqual(rc, 0, err)
        n = invocations(self.emu.url)
        self.assertEqual(out.count("REPORT RequestId: "), n)
        env = dict(os.environ, AWS_DEFAULT_REGION=REGION, AWS_PAGER="", **CREDENTIALS)
        follow = subprocess.Popen([_aws_cli_path(), "--endpoint-url", self.emu.url, "logs", "tail",
                                   GROUP, "--since", "10m", "--follow"], env=env,
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            seen = []
            # The first page: the invocations so far.
            while sum("REPORT RequestId: " in line for line in seen) < n:
                seen.append(follow.stdout.readline())
            post(self.emu.url, self.emu.api_key, payload("metrics-terraform-test_payload_small.json"))
            # --follow polls every 5 s: the new invocation's REPORT arrives on its own.
            while sum("REPORT RequestId: " in line for line in seen) < n + 1:
                line = follow.stdout.readline()
                self.assertNotEqual(line, "", "tail --follow ended")
                seen.append(line)
        finally:
            follow.terminate()
            follow.wait(timeout=10)
            follow.stdout.close()
            follow.stderr.close()


if __name__ == "__main__":
    unittest.main()
