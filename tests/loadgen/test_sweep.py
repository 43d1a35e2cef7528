"""`loadgen sweep`: a small grid in virtual time (one process per point), its sweep.json and
sweep.html, the exit codes (0 / 1 / --expect-any / 2 on bad input), and that a point gives the
same digest as `loadgen run` of its own scenario."""
import json
import os
import shutil
import subprocess
import tempfile
import unittest

LOADGEN = os.environ.get("LOADGEN_BIN", os.path.join(os.path.dirname(os.environ.get(
    "EMULATOR_BIN", "build/emulator/emulator")), "..", "loadgen", "loadgen"))
RATE_KEY = "waf.rate_limit.limit"

# 20 req/s for 30 s: with one device every request comes from one IP, and a WAF rate limit of
# 100 per window refuses most of them (403); with 2,000 devices no IP comes near it.
SCENARIO = {
    "name": "sweep-test <b>&</b>",
    "seed": 11,
    "start": "2021-06-27T12:00:00Z",
    "duration": 30,
    "drain": 30,
    "schedule": [{"type": "constant", "rate": 20, "duration": 30}],
    "expectations": [{"figure": "status.4xx", "max": 0, "description": "no 4xx"},
                     {"ledger": "nothing_lost"}],
}


def loadgen(*args):
    return subprocess.run([LOADGEN, *args], capture_output=True, text=True, timeout=300)


class SweepTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.mkdtemp(prefix="sweep-test-")
        cls.scenario = os.path.join(cls.dir, "s.json")
        with open(cls.scenario, "w") as f:
            json.dump(SCENARIO, f)
        cls.out = os.path.join(cls.dir, "grid")
        cls.grid = loadgen("sweep", cls.scenario, "--set", "population.devices=1,2000",
                           "--set", f"{RATE_KEY}=100,100000", "--jobs", "2", "--out", cls.out)
        with open(os.path.join(cls.out, "sweep.json")) as f:
            cls.sweep = json.load(f)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.dir, ignore_errors=True)

    def row(self, devices, limit):
        for r in self.sweep["rows"]:
            if r["values"] == {"population.devices": devices, RATE_KEY: limit}:
                return r
        self.fail(f"no row for devices={devices} limit={limit}")

    def test_every_point_runs_with_its_settings(self):
        self.assertEqual(self.sweep["points"], 4)
        self.assertEqual([r["index"] for r in self.sweep["rows"]], [0, 1, 2, 3])
        blocked = self.row("1", "100")
        self.assertFalse(blocked["passed"])
        self.assertGreater(blocked["figures"]["status.4xx"], 300)  # 600 sent, 100 allowed
        self.assertFalse(blocked["expectations"][0]["passed"])
        self.assertTrue(blocked["expectations"][1]["passed"])
        for devices, limit in (("1", "100000"), ("2000", "100"), ("2000", "100000")):
            r = self.row(devices, limit)
            self.assertTrue(r["passed"], r)
            self.assertEqual(r["figures"]["status.4xx"], 0)
            self.assertEqual(r["figures"]["requests"], 600)
        # Each point's scenario carries its values, and its own report exists.
        with open(os.path.join(self.out, blocked["dir"], "scenario.json")) as f:
            point = json.load(f)
        self.assertEqual(point["population"]["devices"], 1)
        self.assertEqual(point["emulator"]["waf"]["rate_limit"]["limit"], 100)
        for r in self.sweep["rows"]:
            self.assertTrue(os.path.isfile(os.path.join(self.out, r["report"])))

    def test_exit_codes(self):
        self.assertEqual(self.grid.returncode, 1, self.grid.stderr)
        self.assertFalse(self.sweep["passed"])
        self.assertEqual(self.sweep["points_passed"], 3)
        out = os.path.join(self.dir, "any")
        any_run = loadgen("sweep", self.scenario, "--set", "population.devices=1",
                          "--set", f"{RATE_KEY}=100,100000", "--expect-any", "--out", out)
        self.assertEqual(any_run.returncode, 0, any_run.stderr)
        none = loadgen("sweep", self.scenario, "--set", "population.devices=1",
                       "--set", f"{RATE_KEY}=100", "--expect-any", "--out", out)
        self.assertEqual(none.returncode, 1, none.stderr)

    def test_html_has_the_table_the_heatmap_and_escapes(self):
        with open(os.path.join(self.out, "sweep.html")) as f:
            html = f.read()
        self.assertIn("class='heat'", html)
        self.assertIn("points/p000/report.html", html)
        self.assertIn("sweep-test &lt;b&gt;&amp;&lt;/b&gt;", html)
        self.assertNotIn("<b>&</b>", html)

    def test_a_point_is_the_run_of_its_scenario(self):
        r = self.row("2000", "100")
        out = os.path.join(self.dir, "rerun")
        run = loadgen("run", os.path.join(self.out, r["dir"], "scenario.json"), "--out", out,
                      "--no-progress")
        self.assertEqual(run.returncode, 0, run.stderr)
        with open(os.path.join(out, "summary.json")) as f:
            self.assertEqual(json.load(f)["digest"], r["digest"])

    def test_false_alarms_are_alarms_no_expectation_asked_for_in_a_fine_run(self):
        # One client over the WAF limit: the 4xx alarm fires. With only a ledger expectation
        # (which holds) that is a false alarm; when an expectation asks for it, it is not.
        alarm = "metrics-api-gateway-400-errors-above-threshold"
        rows = {}
        for name, expectations in (("unasked", [{"ledger": "nothing_lost"}]),
                                   ("asked", [{"ledger": "nothing_lost"}, {"alarm": alarm, "state": "ALARM"}])):
            path = os.path.join(self.dir, f"{name}.json")
            with open(path, "w") as f:
                json.dump({**SCENARIO, "expectations": expectations}, f)
            out = os.path.join(self.dir, name)
            r = loadgen("sweep", path, "--set", "population.devices=1", "--set", f"{RATE_KEY}=100",
                        "--out", out)
            self.assertEqual(r.returncode, 0, r.stderr)
            with open(os.path.join(out, "sweep.json")) as f:
                rows[name] = json.load(f)["rows"][0]
        self.assertIn(alarm, [a["alarm"] for a in rows["unasked"]["alarms_fired"]])
        self.assertEqual(rows["unasked"]["false_alarms"], [alarm])
        self.assertEqual(rows["asked"]["false_alarms"], [])
        self.assertIn(alarm, [a["alarm"] for a in rows["asked"]["alarms_fired"]])
        # The blocked point of the main grid failed a figure expectation: nothing there is false.
        self.assertEqual(self.row("1", "100")["false_alarms"], [])

    def test_bad_input_exits_2_naming_it(self):
        out = os.path.join(self.dir, "bad")
        cases = [
            (["--set", "lambda.no_such_key=1"], "lambda.no_such_key"),
            (["--set", f"{RATE_KEY}=ten"], "ten"),
            (["--set", "population.devices=-5"], "population.devices"),
            (["--set", "population.devices"], "KEY=V1,V2"),
            (["--set", "lambda.scaling.regime=2022"], "regime"),
        ]
        for args, named in cases:
            with self.subTest(args=args):
                r = loadgen("sweep", self.scenario, *args, "--out", out)
                self.assertEqual(r.returncode, 2, r.stdout + r.stderr)
                self.assertIn(named, r.stderr)


if __name__ == "__main__":
    unittest.main()
