"""One scenario, two doors (issue 15): an HTTP run against `emulator serve` evaluates every
expectation an in-process run does (ledger scoped to the run, alarm history, emulator figures),
names the emulator-side causes of refused requests, applies the scenario's emulator block for
the run, and against a target that is not an emulator reports SKIPPED (exit 1 with --strict)."""
import http.server
import json
import os
import shutil
import socketserver
import subprocess
import tempfile
import threading
import unittest
import urllib.request

from emulator_harness import EMULATOR_BIN, Emulator, client

ROOT = os.path.join(os.path.dirname(__file__), "..", "..")
LOADGEN = os.environ.get("LOADGEN_BIN", os.path.join(os.path.dirname(EMULATOR_BIN), "..", "loadgen", "loadgen"))
SMOKE = os.path.join(ROOT, "scenarios", "everyday", "smoke.json")
QR_BURST = os.path.join(ROOT, "scenarios", "incidents", "qr-parse-error-burst.json")
DLQ = os.path.join(ROOT, "scenarios", "incidents", "aggregate-write-failures-dlq.json")


def loadgen(*args):
    return subprocess.run([LOADGEN, *args], capture_output=True, text=True, timeout=600)


def get_json(url):
    with urllib.request.urlopen(url) as r:
        return json.load(r)



# For the tests about emulator blocks, not about pacing: their 4 requests in 2 s of real time
# replace the default ">= 99 % of the planned rate" gate (one send held back on a loaded CI
# machine gave 98.95 %: tests/loadgen, fresh-clone check of 7e9d23d).
LENIENT_RATE = {"figure": "achieved_ratio", "min": 0.5}

class PlainHandler(http.server.BaseHTTPRequestHandler):
    """A target that is not an emulator: 200 to every POST, 404 to every GET."""
    protocol_version = "HTTP/1.1"

    def do_POST(self):
        self.rfile.read(int(self.headers["Content-Length"]))
        self.reply(200, b'{"status":"RECORD CREATED"}')

    def do_GET(self):
        self.reply(404, b"not found")

    def reply(self, status, body):
        self.send_response(status)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


class HttpRunTest(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="loadgen-http-")

    def tearDown(self):
        shutil.rmtree(self.dir, ignore_errors=True)

    def summary(self, out):
        with open(os.path.join(out, "summary.json")) as f:
            return json.load(f)

    def assert_everything_evaluated(self, proc, out):
        self.assertEqual(proc.returncode, 0, proc.stdout + proc.stderr)
        s = self.summary(out)
        self.assertEqual(s["skipped"], 0, proc.stdout)
        self.assertNotIn("SKIPPED", proc.stdout)
        for e in s["expectations"]:
            self.assertTrue(e["passed"] and not e["skipped"], e)
        return s

    def test_smoke_over_http_against_a_real_clock_emulator(self):
        out = os.path.join(self.dir, "smoke")
        with Emulator() as emu:
            proc = loadgen("run", SMOKE, "--target", emu.url, "--speed", "20", "--out", out)
            s = self.assert_everything_evaluated(proc, out)
            ledger = get_json(emu.url + "/_emulator/ledger")
        # The run's ledger is the emulator's (a fresh emulator: the whole of it).
        self.assertEqual(s["ledger"]["entries"]["stored"], ledger["entries"]["stored"])
        self.assertGreater(s["figures"]["entries_stored"], 1000)
        self.assertTrue(s["ledger"]["nothing_lost"])
        self.assertTrue(s["drain"]["settled"])
        self.assertIn("waited", s["drain"]["how"])
        self.assertIn("metrics-api-gateway-500-errors-above-threshold", s["alarms"])
        self.assertIn("ledger: holds", proc.stdout)

    def test_smoke_twice_on_one_emulator_scopes_the_ledger_to_each_run(self):
        with Emulator("--clock", "virtual", "--start", "2021-06-26T23:55:00Z") as emu:
            stored = []
            for n in range(2):
                out = os.path.join(self.dir, f"smoke{n}")
                proc = loadgen("run", SMOKE, "--target", emu.url, "--speed", "40", "--out", out)
                s = self.assert_everything_evaluated(proc, out)
                stored.append(s["ledger"]["entries"]["stored"])
                self.assertIn("virtual clock moved through the scenario's drain", s["drain"]["how"])
            ledger = get_json(emu.url + "/_emulator/ledger")
        # The same seed sends the same entries each time; each run counts only its own.
        self.assertEqual(stored[0], stored[1])
        self.assertEqual(ledger["entries"]["stored"], stored[0] + stored[1])

    def test_incident_over_http_fires_its_alarms_from_alarm_history(self):
        out = os.path.join(self.dir, "qr")
        with Emulator("--clock", "virtual", "--start", "2021-07-01T00:00:00Z") as emu:
            proc = loadgen("run", QR_BURST, "--target", emu.url, "--speed", "60", "--out", out)
            s = self.assert_everything_evaluated(proc, out)
        for name in ["metrics-app-errors-500-qr-parse-above-warning-threshold",
                     "metrics-app-errors-500-qr-parse-above-critical-threshold"]:
            self.assertIn("ALARM", [state for _, state in s["alarms"][name]])
            self.assertGreaterEqual(s["figures"]["alarm_fired." + name], 1)
        # Same verdicts as in process.
        virtual = os.path.join(self.dir, "qr-virtual")
        proc = loadgen("run", QR_BURST, "--out", virtual)
        self.assertEqual(proc.returncode, 0, proc.stdout)
        self.assertEqual([e["passed"] for e in self.summary(virtual)["expectations"]],
                         [e["passed"] for e in s["expectations"]][:len(self.summary(virtual)["expectations"])])

    def test_an_emulator_started_with_the_scenarios_settings_runs_it(self):
        # Faults cannot change at runtime: an emulator started with them in its --config has
        # them in force, and the DLQ incident runs over HTTP with the in-process verdicts.
        with open(DLQ) as f:
            block = json.load(f)["emulator"]
        out = os.path.join(self.dir, "dlq")
        with Emulator("--clock", "virtual", "--start", "2021-10-01T12:00:00Z", config=block) as emu:
            proc = loadgen("run", DLQ, "--target", emu.url, "--speed", "60", "--out", out)
            s = self.assert_everything_evaluated(proc, out)
        self.assertEqual(sorted(s["settings"]["emulator"]["overrides"]["already_in_force"]),
                         ["backoff_retry.faithful_nan_bug", "faults"])
        entries = s["ledger"]["entries"]
        self.assertGreater(entries["sent_to_dlq"], 0)  # the fault was in force
        self.assertEqual(entries["applied_by_retry"], entries["sent_to_dlq"])

    def test_the_summary_names_emulator_side_causes(self):
        path = os.path.join(self.dir, "burst.json")
        with open(path, "w") as f:
            json.dump({"name": "burst", "start": "2021-06-27T00:00:00Z", "duration": 3, "drain": 0,
                       "population": {"devices": 1000},
                       "schedule": [{"type": "constant", "rate": 300, "duration": 3}],
                       "expectations": [{"figure": "status.5xx", "max": 0}]}, f)
        out = os.path.join(self.dir, "burst")
        with Emulator() as emu:
            client("lambda", emu.url).put_function_concurrency(
                FunctionName="create_metrics", ReservedConcurrentExecutions=1)
            proc = loadgen("run", path, "--target", emu.url, "--out", out)
        self.assertEqual(proc.returncode, 1, proc.stdout + proc.stderr)
        s = self.summary(out)
        throttled = s["figures"]["lambda_throttles"]
        self.assertGreater(throttled, 0)
        self.assertIn(f"create_metrics throttled {throttled:.0f}: reserved concurrency 1", proc.stdout)
        self.assertIn(f"create_metrics throttled {throttled:.0f}: reserved concurrency 1", s["causes"])

    def test_the_emulator_block_is_applied_for_the_run_and_restored(self):
        alarm = "metrics-api-gateway-500-errors-above-threshold"
        path = os.path.join(self.dir, "override.json")
        with open(path, "w") as f:
            json.dump({"name": "override", "start": "2021-06-27T00:00:00Z", "duration": 2, "drain": 0,
                       "population": {"devices": 10},
                       "emulator": {"cloudwatch": {"alarms": {alarm: {"Threshold": 7, "Period": 60}}}},
                       "schedule": [{"type": "constant", "rate": 2, "duration": 2}],
                       "expectations": [{"alarm": alarm, "state": "ALARM", "mode": "never"},
                                        LENIENT_RATE]}, f)
        out = os.path.join(self.dir, "override")
        with Emulator() as emu:
            cw = client("cloudwatch", emu.url)
            before = cw.describe_alarms(AlarmNames=[alarm])["MetricAlarms"][0]
            proc = loadgen("run", path, "--target", emu.url, "--out", out)
            after = cw.describe_alarms(AlarmNames=[alarm])["MetricAlarms"][0]
            history = cw.describe_alarm_history(AlarmName=alarm, HistoryItemType="ConfigurationUpdate")
        self.assertEqual(proc.returncode, 0, proc.stdout + proc.stderr)
        changed = self.summary(out)["settings"]["emulator"]["overrides"]["changed_for_the_run"][alarm]
        self.assertEqual((changed["Threshold"], changed["Period"]), (7, 60))
        self.assertEqual((after["Threshold"], after["Period"]), (before["Threshold"], before["Period"]))
        self.assertNotEqual(before["Threshold"], 7)
        updates = [h for h in history["AlarmHistoryItems"] if "updated" in h["HistorySummary"]]
        self.assertEqual(len(updates), 2)  # changed for the run, put back

    def test_a_reserved_concurrency_block_applies_over_http_with_the_in_process_verdicts(self):
        path = os.path.join(self.dir, "reserved.json")
        with open(path, "w") as f:
            json.dump({"name": "reserved", "start": "2021-06-27T00:00:00Z", "duration": 3, "drain": 60,
                       "population": {"devices": 1000},
                       "emulator": {"lambda": {"functions": {"create_metrics": {"reserved_concurrency": 2}}}},
                       "schedule": [{"type": "constant", "rate": 100, "duration": 3}],
                       "expectations": [{"figure": "lambda_throttles", "min": 1},
                                        {"figure": "status.5xx", "max": 0},
                                        {"ledger": "nothing_lost"}]}, f)
        inproc = os.path.join(self.dir, "reserved-in-process")
        proc = loadgen("run", path, "--out", inproc)
        self.assertEqual(proc.returncode, 1, proc.stdout + proc.stderr)  # throttled phones get 5xx
        out = os.path.join(self.dir, "reserved-http")
        with Emulator("--clock", "virtual", "--start", "2021-06-27T00:00:00Z") as emu:
            lam = client("lambda", emu.url)
            proc = loadgen("run", path, "--target", emu.url, "--speed", "50", "--out", out)
            after = lam.get_function_concurrency(FunctionName="create_metrics")
        self.assertEqual(proc.returncode, 1, proc.stdout + proc.stderr)
        s, v = self.summary(out), self.summary(inproc)
        # The scenario's expectations, then the HTTP run's default achieved_ratio gate.
        self.assertEqual([(e["passed"], e["skipped"]) for e in s["expectations"]],
                         [(e["passed"], e["skipped"]) for e in v["expectations"]] + [(True, False)])
        self.assertEqual([e["passed"] for e in v["expectations"]], [True, False, True])
        # In lock step with the virtual clock the emulator throttles what it does in process (to
        # within the draws of its random streams, which the HTTP door consumes in another order:
        # 209 vs 213 when written). Without the lock step a client behind schedule bunches sends.
        self.assertGreater(s["figures"]["lambda_throttles"], 0)
        self.assertAlmostEqual(s["figures"]["lambda_throttles"], v["figures"]["lambda_throttles"],
                               delta=0.05 * v["figures"]["lambda_throttles"])
        self.assertIn("reserved concurrency 2", proc.stdout)
        changed = s["settings"]["emulator"]["overrides"]["changed_for_the_run"]
        self.assertEqual(changed["lambda.functions.create_metrics.reserved_concurrency"],
                         {"before": -1, "for_the_run": 2})
        self.assertNotIn("ReservedConcurrentExecutions", after)  # put back: none reserved

    def test_memory_and_timeout_apply_over_http_with_update_function_configuration(self):
        path = os.path.join(self.dir, "memory.json")
        with open(path, "w") as f:
            json.dump({"name": "memory", "start": "2021-06-27T00:00:00Z", "duration": 2, "drain": 0,
                       "population": {"devices": 10},
                       "emulator": {"lambda": {"functions": {"create_metrics": {
                           "memory_mb": 512, "timeout_ms": 5000}}}},
                       "schedule": [{"type": "constant", "rate": 2, "duration": 2}],
                       "expectations": [{"ledger": "nothing_lost"}, LENIENT_RATE]}, f)
        out = os.path.join(self.dir, "memory")
        with Emulator() as emu:
            lam = client("lambda", emu.url)
            proc = loadgen("run", path, "--target", emu.url, "--out", out)
            after = lam.get_function_configuration(FunctionName="create_metrics")
            reports = client("logs", emu.url).filter_log_events(
                logGroupName="/aws/lambda/create_metrics", filterPattern="REPORT")["events"]
        self.assertEqual(proc.returncode, 0, proc.stdout + proc.stderr)
        changed = self.summary(out)["settings"]["emulator"]["overrides"]["changed_for_the_run"]
        self.assertEqual(changed["lambda.functions.create_metrics.memory_mb"],
                         {"before": 256, "for_the_run": 512})
        self.assertEqual(changed["lambda.functions.create_metrics.timeout_ms"],
                         {"before": 3000, "for_the_run": 5000})
        # Every invocation of the run ran with the run's memory; afterwards it is put back.
        self.assertTrue(reports)
        for event in reports:
            self.assertIn("Memory Size: 512 MB", event["message"])
        self.assertEqual((after["MemorySize"], after["Timeout"]), (256, 3))

    def test_a_timeout_in_fractions_of_a_second_is_refused_over_http(self):
        path = os.path.join(self.dir, "fraction.json")
        with open(path, "w") as f:
            json.dump({"name": "fraction", "start": "2021-06-27T00:00:00Z", "duration": 1, "drain": 0,
                       "population": {"devices": 10},
                       "emulator": {"lambda": {"functions": {"create_metrics": {"timeout_ms": 2500}}}},
                       "schedule": [{"type": "constant", "rate": 1, "duration": 1}]}, f)
        with Emulator() as emu:
            proc = loadgen("run", path, "--target", emu.url, "--out", os.path.join(self.dir, "fraction"))
            after = client("lambda", emu.url).get_function_configuration(FunctionName="create_metrics")
        self.assertEqual(proc.returncode, 2, proc.stdout + proc.stderr)
        self.assertIn("emulator.lambda.functions.create_metrics.timeout_ms", proc.stderr)
        self.assertIn("whole seconds", proc.stderr)
        self.assertEqual(after["Timeout"], 3)

    def test_lambda_settings_without_a_runtime_api_are_refused_naming_them(self):
        path = os.path.join(self.dir, "regime.json")
        with open(path, "w") as f:
            json.dump({"name": "regime", "start": "2021-06-27T00:00:00Z", "duration": 1, "drain": 0,
                       "population": {"devices": 10},
                       "emulator": {"lambda": {"scaling": {"regime": "2023"},
                                               "functions": {"create_metrics": {"reserved_concurrency": 5}}}},
                       "schedule": [{"type": "constant", "rate": 1, "duration": 1}]}, f)
        with Emulator() as emu:
            proc = loadgen("run", path, "--target", emu.url, "--out", os.path.join(self.dir, "regime"))
            after = client("lambda", emu.url).get_function_concurrency(FunctionName="create_metrics")
        self.assertEqual(proc.returncode, 2, proc.stdout + proc.stderr)
        self.assertIn("lambda.scaling.regime cannot change at runtime", proc.stderr)
        self.assertNotIn("ReservedConcurrentExecutions", after)  # refused before any change

    def test_shards_against_a_virtual_clock_are_refused_up_front(self):
        with Emulator("--clock", "virtual", "--start", "2021-06-26T23:55:00Z") as emu:
            proc = loadgen("run", SMOKE, "--target", emu.url, "--shard", "0/2",
                           "--out", os.path.join(self.dir, "shard"))
            ledger = get_json(emu.url + "/_emulator/ledger")
        self.assertEqual(proc.returncode, 2, proc.stdout + proc.stderr)
        self.assertIn("--shard 0/2", proc.stderr)
        self.assertIn("virtual clock", proc.stderr)
        self.assertEqual(ledger["entries"]["stored"], 0)  # nothing was sent

    def test_a_target_that_is_not_an_emulator_skips_and_strict_fails(self):
        server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), PlainHandler)
        server.daemon_threads = True
        threading.Thread(target=server.serve_forever, daemon=True).start()
        url = f"http://127.0.0.1:{server.server_address[1]}"
        path = os.path.join(self.dir, "plain.json")
        with open(path, "w") as f:
            json.dump({"name": "plain", "duration": 2, "population": {"devices": 10},
                       "schedule": [{"type": "constant", "rate": 5, "duration": 2}],
                       "expectations": [{"figure": "status.2xx", "min": 10},
                                        {"ledger": "nothing_lost"},
                                        {"figure": "entries_lost", "max": 0},
                                        {"alarm": "any-alarm", "state": "ALARM", "mode": "never"}]}, f)
        try:
            out = os.path.join(self.dir, "plain")
            proc = loadgen("run", path, "--target", url, "--out", out, "--api-key", "k1",
                           "--header", "X-Team: metrics")
            self.assertEqual(proc.returncode, 0, proc.stdout + proc.stderr)
            s = self.summary(out)
            self.assertEqual(s["skipped"], 3)
            self.assertEqual([e["skipped"] for e in s["expectations"]], [False, True, True, True, False])
            self.assertEqual(proc.stdout.count("SKIPPED"), 3)
            self.assertIn("the target is not an emulator", proc.stdout)
            self.assertNotIn("FAIL", proc.stdout)
            with open(os.path.join(out, "report.html")) as f:
                self.assertEqual(f.read().count("'skip'>SKIPPED"), 3)
            proc = loadgen("run", path, "--target", url, "--out", out, "--strict")
            self.assertEqual(proc.returncode, 1, proc.stdout + proc.stderr)
            self.assertIn("FAIL (skipped) ledger nothing_lost", proc.stdout)
        finally:
            server.shutdown()

    def test_api_key_and_headers_reach_the_target(self):
        seen = []

        class Recording(PlainHandler):
            def do_POST(self):
                seen.append((self.headers.get("x-api-key"), self.headers.get("X-Team")))
                super().do_POST()

        server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Recording)
        server.daemon_threads = True
        threading.Thread(target=server.serve_forever, daemon=True).start()
        path = os.path.join(self.dir, "h.json")
        with open(path, "w") as f:
            json.dump({"name": "h", "duration": 1, "population": {"devices": 10},
                       "schedule": [{"type": "constant", "rate": 5, "duration": 1}]}, f)
        try:
            proc = loadgen("run", path, "--target", f"http://127.0.0.1:{server.server_address[1]}",
                           "--out", os.path.join(self.dir, "h"), "--api-key", "k1", "--header", "X-Team: metrics")
            self.assertEqual(proc.returncode, 0, proc.stdout + proc.stderr)
        finally:
            server.shutdown()
        self.assertEqual(len(seen), 5)
        self.assertEqual(set(seen), {("k1", "metrics")})
        # A wrong key against the emulator is refused there (403), as API Gateway does.
        with Emulator() as emu:
            proc = loadgen("run", path, "--target", emu.url, "--out", os.path.join(self.dir, "k"),
                           "--api-key", "wrong")
        self.assertIn("4xx 5", proc.stdout)


if __name__ == "__main__":
    unittest.main()
