"""Every mistake in a scenario or a flag is caught before anything is sent: exit 2 with the
file, the field and what was expected (issue 15, item 5). One test per rule."""
import json
import os
import shutil
import subprocess
import tempfile
import unittest

from emulator_harness import EMULATOR_BIN, Emulator

LOADGEN = os.environ.get("LOADGEN_BIN", os.path.join(os.path.dirname(EMULATOR_BIN), "..", "loadgen", "loadgen"))


def run(*args, timeout=120):
    return subprocess.run(list(args), capture_output=True, text=True, timeout=timeout)


def loadgen(*args):
    return run(LOADGEN, *args)


BASE = {"name": "v", "start": "2021-06-27T00:00:00Z", "duration": 2, "drain": 0,
        "population": {"devices": 10},
        "schedule": [{"type": "constant", "rate": 1, "duration": 2}]}


class ValidationTest(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="loadgen-validation-")
        self.out = os.path.join(self.dir, "out")

    def tearDown(self):
        shutil.rmtree(self.dir, ignore_errors=True)

    def scenario(self, text=None, name="s.json", **changes):
        path = os.path.join(self.dir, name)
        with open(path, "w") as f:
            f.write(text if text is not None else json.dumps({**BASE, **changes}, indent=1))
        return path

    def refused(self, proc, *needles):
        self.assertEqual(proc.returncode, 2, proc.stdout + proc.stderr)
        for needle in needles:
            self.assertIn(needle, proc.stderr)
        # Refused before the run: nothing was written.
        self.assertFalse(os.path.exists(os.path.join(self.out, "summary.json")))

    def test_unknown_figure_name(self):
        path = self.scenario(expectations=[{"figure": "latency_p98_ms", "max": 5}])
        self.refused(loadgen("run", path, "--out", self.out), "s.json: expectations[0].figure: expected a figure",
                     "latency_p98_ms")

    def test_badly_written_status_class(self):
        for figure in ["status.5XX", "status.50", "status.5xxx", "status.abc"]:
            path = self.scenario(expectations=[{"figure": figure, "max": 0}])
            self.refused(loadgen("run", path, "--out", self.out),
                         "s.json: expectations[0].figure: expected status.<code>", figure)
        # The documented forms pass validation (and the run).
        path = self.scenario(expectations=[{"figure": "status.5xx", "max": 0}, {"figure": "status.503", "max": 0}])
        self.assertEqual(loadgen("run", path, "--out", self.out).returncode, 0)

    def test_alarm_the_emulator_does_not_have(self):
        path = self.scenario(expectations=[{"alarm": "no-such-alarm", "state": "ALARM"}])
        self.refused(loadgen("run", path, "--out", self.out), "s.json: expectations[0].alarm",
                     "\"no-such-alarm\" is not one", "metrics-api-gateway-500-errors-above-threshold")
        path = self.scenario(expectations=[{"figure": "alarm_fired.no-such-alarm", "max": 0}])
        self.refused(loadgen("run", path, "--out", self.out), "s.json: expectations[0].figure")
        path = self.scenario(expectations=[{"alarm": "no-such-alarm", "state": "ALARM"}])
        with Emulator() as emu:
            proc = loadgen("run", path, "--target", emu.url, "--out", self.out)
            self.refused(proc, "s.json: expectations[0].alarm", "\"no-such-alarm\" is not one")
            with open(os.devnull) as _:
                import urllib.request
                ledger = json.load(urllib.request.urlopen(emu.url + "/_emulator/ledger"))
            self.assertEqual(ledger["requests"]["total"], 0)  # nothing was sent

    def test_phase_or_figure_that_cannot_run_in_the_mode(self):
        path = self.scenario(schedule=[{"type": "closed", "connections": 2, "duration": 1}])
        self.refused(loadgen("run", path, "--out", self.out), "s.json: schedule[0].type: expected a planned phase",
                     "needs --target")
        path = self.scenario(expectations=[{"figure": "connections_opened", "max": 5}])
        self.refused(loadgen("run", path, "--out", self.out), "s.json: expectations[0].figure",
                     "only in HTTP runs")
        path = self.scenario(expectations=[{"figure": "simulated_requests_per_wall_second", "min": 1}])
        self.refused(loadgen("run", path, "--target", "http://127.0.0.1:1", "--out", self.out),
                     "s.json: expectations[0].figure", "only in in-process runs")

    def test_http_flags_on_an_in_process_run(self):
        path = self.scenario()
        for flag in (["--speed", "20"], ["--api-key", "k"], ["--header", "a:b"], ["--settle-timeout", "5"],
                     ["--shard", "0/2"]):
            self.refused(loadgen("run", path, "--out", self.out, *flag), flag[0] + ": applies to HTTP runs")

    def test_badly_written_header(self):
        path = self.scenario()
        for header in ["no-colon", ":value", "two words:x"]:
            self.refused(loadgen("run", path, "--target", "http://127.0.0.1:1", "--header", header,
                                 "--out", self.out), "--header: expected NAME:VALUE", header)

    def test_date_only_start(self):
        path = self.scenario(start="2021-06-27")
        self.refused(loadgen("run", path, "--out", self.out), "s.json: start: expected an ISO-8601 UTC time with a time of day",
                     "\"2021-06-27\"")
        proc = run(EMULATOR_BIN, "serve", "--port", "0", "--clock", "virtual", "--start", "2021-06-27")
        self.assertEqual(proc.returncode, 2)
        self.assertIn("--start: expected an ISO-8601 UTC time with a time of day", proc.stderr)

    def test_serve_start_without_a_virtual_clock(self):
        proc = run(EMULATOR_BIN, "serve", "--port", "0", "--start", "2021-06-27T00:00:00Z")
        self.assertEqual(proc.returncode, 2)
        self.assertIn("--start: sets the virtual clock's start; expected --clock virtual", proc.stderr)

    def test_json_syntax_error_gives_line_and_column(self):
        path = self.scenario('{\n  "name": "v",\n  "duration": 2,,\n}\n')
        self.refused(loadgen("run", path, "--out", self.out), "s.json: line 3, column 17: expected valid JSON")

    def test_yaml_syntax_error_gives_line_and_column(self):
        path = self.scenario("name: v\nduration: 2\nschedule: [\n  {type: constant\n", name="s.yaml")
        proc = loadgen("run", path, "--out", self.out)
        self.refused(proc, "s.yaml: line ", ", column ", "expected valid YAML")

    def test_emulator_block_keys_that_cannot_change_at_runtime(self):
        faults = [{"service": "dynamodb", "operation": "UpdateItem", "resource": "aggregate_metrics",
                   "error": "InternalServerError", "from": "2021-06-27T00:00:00Z", "to": "2021-06-27T00:01:00Z"}]
        path = self.scenario(emulator={"faults": faults, "waf": {"common_size_restrictions_body": {"limit_bytes": 100}},
                                       "backoff_retry": {"faithful_nan_bug": False}})
        with Emulator() as emu:
            proc = loadgen("run", path, "--target", emu.url, "--out", self.out)
            # Both keys that differ from the emulator's config are named; the one already in
            # force (the default faithful_nan_bug) is not.
            self.refused(proc, "s.json: emulator: expected settings an emulator can take at runtime",
                         "faults", "waf.common_size_restrictions_body.limit_bytes", "cannot change at runtime")
            self.assertNotIn("faithful_nan_bug", proc.stderr)

    def test_fault_rule_without_a_hook(self):
        # A rule no model consults would silently do nothing: refused in a scenario ...
        cases = [({"service": "waf", "error": "InternalServerError"}, "/faults/0/service",
                  "the services with a fault hook"),
                 ({"service": "sqs", "operation": "PurgeQueue", "error": "InternalFailure"},
                  "/faults/0/operation", "SendMessage")]
        for rule, field, allowed in cases:
            path = self.scenario(emulator={"faults": [rule]})
            self.refused(loadgen("run", path, "--out", self.out), "s.json: emulator:", field, allowed)
        # ... and in emulator serve's --config, before it opens a data dir or a port.
        config = os.path.join(self.dir, "c.json")
        with open(config, "w") as f:
            json.dump({"faults": [cases[0][0]]}, f)
        proc = run(EMULATOR_BIN, "serve", "--port", "0", "--config", config, timeout=30)
        self.assertEqual(proc.returncode, 2, proc.stderr)
        self.assertIn("c.json", proc.stderr)
        self.assertIn("/faults/0/service", proc.stderr)


if __name__ == "__main__":
    unittest.main()
