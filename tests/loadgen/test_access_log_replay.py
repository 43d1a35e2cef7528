"""The `trace` phase's `apigw-access-log` format: a scenario runs over HTTP against `emulator
serve` (plus malformed requests: 400s, 403s, an unmatched path), its access log is replayed
into a fresh emulator, and every second has the same request count and the run the same status
mix. Also: client IPs are kept (a lower WAF rate limit refuses one client's excess in the
replay), unparseable lines are counted and skipped, or refused with --strict."""
import collections
import datetime
import http.client
import json
import os
import shutil
import subprocess
import tempfile
import unittest
import urllib.parse

from emulator_harness import Emulator

LOADGEN = os.environ.get("LOADGEN_BIN", os.path.join(os.path.dirname(os.environ.get(
    "EMULATOR_BIN", "build/emulator/emulator")), "..", "loadgen", "loadgen"))
CLF = "%d/%b/%Y:%H:%M:%S %z"


def loadgen(*args):
    return subprocess.run([LOADGEN, *args], capture_output=True, text=True, timeout=300)


def request_time(line):
    return datetime.datetime.strptime(line["requestTime"], CLF)


def replay_scenario(path, log, first, span, emulator=None):
    scenario = {
        "name": "replay", "seed": 3, "start": first.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "duration": span, "drain": 0,
        "schedule": [{"type": "trace", "format": "apigw-access-log", "file": log}],
    }
    if emulator:
        scenario["emulator"] = emulator
    with open(path, "w") as f:
        json.dump(scenario, f)
    return path


class AccessLogReplayTest(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="replay-test-")

    def tearDown(self):
        shutil.rmtree(self.dir, ignore_errors=True)

    def send(self, url, method, path, body, headers):
        u = urllib.parse.urlparse(url)
        conn = http.client.HTTPConnection(u.hostname, u.port, timeout=10)
        conn.request(method, path, body=body, headers=headers)
        status = conn.getresponse().status
        conn.close()
        return status

    def record_a_log(self):
        """A scenario over HTTP and a few requests the client gets wrong; returns the log's lines."""
        scenario = os.path.join(self.dir, "http.json")
        with open(scenario, "w") as f:
            json.dump({"name": "http-source", "seed": 5, "duration": 3, "population": {"devices": 500},
                       "schedule": [{"type": "constant", "rate": 40, "duration": 3}]}, f)
        with Emulator() as emu:
            run = loadgen("run", scenario, "--target", emu.url, "--out", os.path.join(self.dir, "src"),
                          "--no-progress")
            self.assertEqual(run.returncode, 0, run.stdout + run.stderr)
            ua = {"User-Agent": "okhttp/4.9.0", "Content-Type": "application/json"}
            for _ in range(4):  # the request model refuses the body
                self.assertEqual(self.send(emu.url, "POST", "/save-metrics", b'{"x":1}',
                                           {**ua, "x-api-key": emu.api_key}), 400)
            for _ in range(3):  # no API key
                self.assertEqual(self.send(emu.url, "POST", "/save-metrics", b"{}", ua), 403)
            self.send(emu.url, "POST", "/elsewhere", b"{}", {**ua, "x-api-key": emu.api_key})
            emu.stop()
            emu.process.stdout.close()
            emu.process.stderr.close()
            with open(os.path.join(emu.data_dir, "logs", "api-gateway-access.log")) as f:
                raw = f.read()
        path = os.path.join(self.dir, "access.log")
        with open(path, "w") as f:
            f.write(raw)
        return path, [json.loads(line) for line in raw.splitlines()]

    def test_round_trip_keeps_per_second_counts_and_status_mix(self):
        log, lines = self.record_a_log()
        self.assertGreaterEqual(len(lines), 128)
        times = [request_time(l) for l in lines]
        first = min(times)
        span = int((max(times) - first).total_seconds()) + 1
        per_second = collections.Counter(int((t - first).total_seconds()) for t in times)
        statuses = collections.Counter(l["status"] for l in lines)
        self.assertEqual({"400", "403"} - set(statuses), set())

        out = os.path.join(self.dir, "replay")
        run = loadgen("run", replay_scenario(os.path.join(self.dir, "r.json"), log, first, span),
                      "--out", out, "--no-progress")
        self.assertEqual(run.returncode, 0, run.stdout + run.stderr)
        with open(os.path.join(out, "summary.json")) as f:
            summary = json.load(f)
        recorder = summary["recorder"]
        replayed = {i: row[0] for i, row in enumerate(recorder["series"]) if row[0]}
        self.assertEqual(replayed, dict(per_second))
        self.assertEqual(recorder["statuses"], {k: v for k, v in statuses.items()})
        self.assertEqual(summary["figures"]["trace_lines"], len(lines))
        self.assertEqual(summary["figures"]["trace_unparseable_lines"], 0)

        # Over HTTP into another fresh emulator (4x faster): the same status mix.
        with Emulator() as fresh:
            run = loadgen("run", os.path.join(self.dir, "r.json"), "--target", fresh.url,
                          "--speed", "4", "--out", os.path.join(self.dir, "http-replay"), "--no-progress")
            self.assertEqual(run.returncode, 0, run.stdout + run.stderr)
            fresh.stop()
            fresh.process.stdout.close()
            fresh.process.stderr.close()
            with open(os.path.join(fresh.data_dir, "logs", "api-gateway-access.log")) as f:
                again = [json.loads(line) for line in f]
        self.assertEqual(collections.Counter(l["status"] for l in again), statuses)
        self.assertEqual(collections.Counter(l["ip"] for l in again), collections.Counter(l["ip"] for l in lines))

    def write_log(self, lines):
        path = os.path.join(self.dir, "synthetic.log")
        with open(path, "w") as f:
            for line in lines:
                f.write((line if isinstance(line, str) else json.dumps(line)) + "\n")
        return path

    def line(self, second, ip, status="200"):
        return {"requestId": "r", "ip": ip, "caller": "-", "user": "-",
                "requestTime": f"27/Jun/2021:04:00:{second:02d} +0000", "httpMethod": "POST",
                "resourcePath": "/save-metrics", "status": status, "protocol": "HTTP/1.1",
                "responseLength": "27"}

    def test_client_ips_are_kept_for_the_waf_rate_rule(self):
        # 150 requests from one client and 50 from others, all answered 200 in production;
        # replayed against a WAF rate limit of 100 per window, the one client's excess is refused.
        lines = [self.line(i % 10, "198.51.100.7") for i in range(150)]
        lines += [self.line(i % 10, f"203.0.113.{i}") for i in range(50)]
        log = self.write_log(lines)
        first = datetime.datetime(2021, 6, 27, 4, 0, 0, tzinfo=datetime.timezone.utc)
        scenario = replay_scenario(os.path.join(self.dir, "ip.json"), log, first, 10,
                                   {"waf": {"rate_limit": {"limit": 100}}})
        out = os.path.join(self.dir, "ip")
        run = loadgen("run", scenario, "--out", out, "--no-progress")
        self.assertEqual(run.returncode, 0, run.stdout + run.stderr)
        with open(os.path.join(out, "summary.json")) as f:
            statuses = json.load(f)["recorder"]["statuses"]
        self.assertEqual(statuses, {"200": 150, "403": 50})

    def test_unparseable_lines_are_counted_or_refused_with_strict(self):
        lines = [self.line(0, "192.0.2.1"), "not json", self.line(1, "192.0.2.1"),
                 {"requestTime": "yesterday", "status": "200"}, self.line(2, "192.0.2.2")]
        log = self.write_log(lines)
        first = datetime.datetime(2021, 6, 27, 4, 0, 0, tzinfo=datetime.timezone.utc)
        scenario = replay_scenario(os.path.join(self.dir, "bad.json"), log, first, 5)
        out = os.path.join(self.dir, "bad")
        run = loadgen("run", scenario, "--out", out, "--no-progress")
        self.assertEqual(run.returncode, 0, run.stdout + run.stderr)
        self.assertIn("2 line(s)", run.stderr)
        with open(os.path.join(out, "summary.json")) as f:
            figures = json.load(f)["figures"]
        self.assertEqual(figures["trace_lines"], 3)
        self.assertEqual(figures["trace_unparseable_lines"], 2)
        self.assertEqual(figures["requests"], 3)
        strict = loadgen("run", scenario, "--out", out, "--no-progress", "--strict")
        self.assertEqual(strict.returncode, 2)
        self.assertIn("synthetic.log", strict.stderr)
        self.assertIn("line 2, 4", strict.stderr)


if __name__ == "__main__":
    unittest.main()
