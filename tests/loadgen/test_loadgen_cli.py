"""loadgen end to end: exit codes, summary.json/report.html, determinism of virtual runs, an HTTP
run against `emulator serve`, merged shards, and the coordinated-omission test."""
import http.server
import json
import os
import shutil
import socketserver
import subprocess
import tempfile
import threading
import time
import unittest

from emulator_harness import Emulator, client

ROOT = os.path.join(os.path.dirname(__file__), "..", "..")
LOADGEN = os.environ.get("LOADGEN_BIN", os.path.join(os.path.dirname(os.environ.get(
    "EMULATOR_BIN", "build/emulator/emulator")), "..", "loadgen", "loadgen"))
SMOKE = os.path.join(ROOT, "scenarios", "everyday", "smoke.json")


def loadgen(*args):
    return subprocess.run([LOADGEN, *args], capture_output=True, text=True, timeout=300)


class StallingHandler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # else delayed ACKs, not the stall, dominate the latency
    stall_from = None  # monotonic time at which the server stalls for one second

    def do_POST(self):
        self.rfile.read(int(self.headers["Content-Length"]))
        now = time.monotonic()
        start = StallingHandler.stall_from
        if start is not None and start <= now < start + 1.0:
            time.sleep(start + 1.0 - now)  # the stall this test injects into the target
        body = b'{"status":"RECORD CREATED"}'
        self.wfile.write(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n%s" % (len(body), body))

    def log_message(self, *args):
        pass


class LoadgenCliTest(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="loadgen-test-")

    def tearDown(self):
        shutil.rmtree(self.dir, ignore_errors=True)

    def scenario(self, **fields):
        path = os.path.join(self.dir, "s.json")
        with open(path, "w") as f:
            json.dump(fields, f)
        return path

    def test_virtual_run_is_deterministic_and_writes_its_outputs(self):
        digests = []
        for n in range(2):
            out = os.path.join(self.dir, f"out{n}")
            proc = loadgen("run", SMOKE, "--out", out)
            self.assertEqual(proc.returncode, 0, proc.stdout + proc.stderr)
            with open(os.path.join(out, "summary.json")) as f:
                summary = json.load(f)
            digests.append(summary["digest"])
            self.assertTrue(summary["passed"])
            self.assertIn("latency_p99_ms", summary["figures"])
            with open(os.path.join(out, "report.html")) as f:
                html = f.read()
            # Charts by the inlined dygraphs from the embedded data (tests/browser draws them).
            self.assertIn("id='report-data'", html)
            self.assertIn("Dygraph", html)
            self.assertNotIn("http://", html.replace("http://www.w3.org", ""))  # self-contained
        self.assertEqual(digests[0], digests[1])
        # The tables are written once, when the run ends: `emulator serve` on the run's data dir
        # finds every aggregate the ledger counted.
        with Emulator(data_dir=os.path.join(out, "data")) as emu:
            pages = client("dynamodb", emu.url).get_paginator("scan").paginate(
                TableName="aggregate_metrics")
            total = sum(int(item["metricCount"]["N"]) for page in pages for item in page["Items"])
        self.assertGreater(total, 0)
        self.assertEqual(total, summary["ledger"]["aggregate_table_metric_count_sum"])

    def test_a_failed_expectation_exits_1_and_says_which(self):
        with open(SMOKE) as f:
            s = json.load(f)
        s["expectations"] = [{"figure": "status.2xx", "max": 10, "description": "deliberately wrong"}]
        proc = loadgen("run", self.scenario(**s), "--out", os.path.join(self.dir, "o"))
        self.assertEqual(proc.returncode, 1)
        self.assertIn("FAIL deliberately wrong", proc.stdout)

    def test_bad_scenarios_and_targets_exit_2(self):
        proc = loadgen("run", self.scenario(name="x", duration=10, schedule=[{"type": "wave"}]))
        self.assertEqual(proc.returncode, 2)
        self.assertIn("s.json: schedule[0].type: expected", proc.stderr)
        proc = loadgen("run", os.path.join(self.dir, "missing.json"))
        self.assertEqual(proc.returncode, 2)
        proc = loadgen("run", SMOKE, "--target", "http://127.0.0.1:1", "--out", self.dir)
        self.assertEqual(proc.returncode, 2)
        self.assertIn("unreachable", proc.stderr)

    def test_http_run_against_the_emulator_and_merged_shards(self):
        path = self.scenario(name="http", start="2021-06-26T23:59:58Z", duration=4,
                             population={"devices": 300},
                             schedule=[{"type": "constant", "rate": 100, "duration": 4}],
                             expectations=[{"figure": "status.2xx", "min": 1}])
        with Emulator() as emu:
            outs = []
            for i in range(2):
                out = os.path.join(self.dir, f"shard{i}")
                proc = loadgen("run", path, "--target", emu.url, "--out", out, "--shard", f"{i}/2",
                               "--speed", "2")
                self.assertEqual(proc.returncode, 0, proc.stdout + proc.stderr)
                outs.append(out)
            merged = os.path.join(self.dir, "merged")
            proc = loadgen("merge", *outs, "--out", merged)
            self.assertEqual(proc.returncode, 0, proc.stdout + proc.stderr)
            with open(os.path.join(merged, "summary.json")) as f:
                figures = json.load(f)["figures"]
            self.assertEqual(figures["planned"], 400)
            self.assertEqual(figures["status.2xx"], 400)
            with urllib_request(emu.url + "/_emulator/ledger") as ledger:
                self.assertEqual(ledger["requests"]["by_status"]["200"], 400)

    def test_coordinated_omission_a_stall_shows_in_latency_not_service_time(self):
        server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), StallingHandler)
        server.daemon_threads = True
        threading.Thread(target=server.serve_forever, daemon=True).start()
        try:
            path = self.scenario(name="co", duration=5, population={"devices": 100},
                                 schedule=[{"type": "constant", "rate": 100, "duration": 5}])
            StallingHandler.stall_from = time.monotonic() + 2.0
            out = os.path.join(self.dir, "co")
            proc = loadgen("run", path, "--target", f"http://127.0.0.1:{server.server_address[1]}",
                           "--connections", "1", "--out", out)
            self.assertEqual(proc.returncode, 0, proc.stdout + proc.stderr)
            with open(os.path.join(out, "summary.json")) as f:
                figures = json.load(f)["figures"]
            self.assertGreater(figures["latency_p99_ms"], 700)
            self.assertLess(figures["latency_p99_ms"], 1500)
            self.assertLess(figures["service_p99_ms"], 200)
            self.assertGreater(figures["late_sends"], 50)
        finally:
            server.shutdown()


class urllib_request:
    def __init__(self, url):
        import urllib.request
        self.r = urllib.request.urlopen(url)

    def __enter__(self):
        return json.load(self.r)

    def __exit__(self, *a):
        self.r.close()


if __name__ == "__main__":
    unittest.main()
