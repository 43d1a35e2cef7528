"""loadgen's report.html in headless Chromium: the midnight incident's report draws every chart
with data, with no console error and nothing wider than the window at 1,400 and 900 px; its
headline numbers, fired alarms and ledger equal summary.json; `loadgen merge` output loads
the same way; scenario text is shown as text, never run as HTML. Screenshots: BROWSER_OUT."""
import json
import os
import pathlib
import shutil
import subprocess
import tempfile
import unittest

from browser import OUT_DIR, Dom, dump_dom, screenshot

LOADGEN = os.environ.get("LOADGEN_BIN", "build/loadgen/loadgen")
SOURCE_DIR = pathlib.Path(os.environ.get("EMU_SOURCE_DIR", pathlib.Path(__file__).resolve().parents[2]))
INCIDENT = SOURCE_DIR / "scenarios/incidents/2021-06-27-midnight-throttle.json"


def run_loadgen(*args):
    proc = subprocess.run([LOADGEN, *args, "--no-progress"] if args[0] == "run" else [LOADGEN, *args],
                          capture_output=True, text=True, timeout=600)
    if proc.returncode not in (0, 1):
        raise AssertionError(f"loadgen {args}: exit {proc.returncode}: {proc.stderr}")
    return proc


class IncidentReport(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.out = os.path.join(OUT_DIR, "midnight-incident")
        run_loadgen("run", str(INCIDENT), "--out", cls.out)
        with open(os.path.join(cls.out, "summary.json")) as f:
            cls.summary = json.load(f)
        cls.url = pathlib.Path(cls.out, "report.html").resolve().as_uri()
        text, cls.console = dump_dom(cls.url, width=1400)
        cls.dom = Dom(text)

    def test_scripts_ran_without_console_errors(self):
        self.assertEqual(self.console, [])
        body = self.dom.find("body")
        self.assertEqual(body.attrs.get("data-ready"), "true")
        self.assertEqual(body.attrs.get("data-errors"), "0")

    def test_every_chart_has_data_points(self):
        charts = {e.attrs["data-chart"]: e for e in self.dom.find_all(data_chart=True)}
        self.assertEqual(set(charts), {"requests", "errors", "latency", "concurrency", "spectrum"})
        for name, chart in charts.items():
            with self.subTest(chart=name):
                self.assertGreater(int(chart.attrs.get("data-points", "0")), 100)
                self.assertGreater(float(chart.attrs.get("data-max", "0")), 0)
                self.assertIsNotNone(chart.attrs.get("class"))

    def test_throttles_and_concurrency_charts_show_the_incident(self):
        columns = self.summary["recorder"]["series_columns"]
        series = self.summary["recorder"]["series"]
        column = lambda name: [row[columns.index(name)] for row in series]
        charts = {e.attrs["data-chart"]: e for e in self.dom.find_all(data_chart=True)}
        # The errors chart has its own axis: its top is the worst second's errors or throttles.
        worst = max(max(column("5xx")), max(column("lambda_throttles")))
        self.assertGreater(worst, 0)
        self.assertEqual(float(charts["errors"].attrs["data-max"]), worst)
        self.assertEqual(sum(column("lambda_throttles")), self.summary["figures"]["lambda_throttles"])
        # Concurrency is the true per-second maximum: at the peak the scaling limit (the
        # 2021 regime's initial burst of 500 environments) is what throttled.
        peak = max(column("lambda_concurrency"))
        self.assertEqual(float(charts["concurrency"].attrs["data-max"]), peak)
        ceiling_at_peak = column("scaling_ceiling")[column("lambda_throttles").index(max(column("lambda_throttles")))]
        self.assertGreaterEqual(ceiling_at_peak, 500)
        self.assertGreater(peak, 0.8 * 500)

    def test_headline_numbers_equal_the_summary(self):
        figures = self.summary["figures"]
        tiles = self.dom.find_all(data_figure=True)
        shown = {t.attrs["data-figure"] for t in tiles}
        self.assertTrue({"requests", "lambda_throttles", "status.4xx", "status.5xx", "entries_stored",
                         "entries_lost"} <= shown, shown)
        for tile in tiles:
            name = tile.attrs["data-figure"]
            with self.subTest(figure=name):
                self.assertAlmostEqual(float(tile.attrs["data-value"]), figures[name], places=6)
                if float(figures[name]).is_integer():
                    self.assertEqual(int(tile.text.replace(",", "")), int(figures[name]))
        ledger = self.summary["ledger"]["requests"]["by_outcome"]
        cells = {c.attrs["data-outcome"]: int(c.text.replace(",", ""))
                 for c in self.dom.find_all("td", data_outcome=True)}
        self.assertEqual(cells, ledger)

    def test_fired_alarms_come_first_with_time_and_threshold(self):
        fired = {name for name, states in self.summary["alarms"].items()
                 if any(state == "ALARM" for _, state in states)}
        self.assertEqual(fired, {"metrics-api-gateway-500-errors-above-threshold"})
        items = self.dom.find_all("li", class_="alarm-fired")
        self.assertEqual({i.attrs["data-alarm"] for i in items}, fired)
        text = " ".join(items[0].text.split())
        self.assertIn("04:01:00 UTC (00:01:00 UTC-4)", text)
        self.assertIn("Sum of AWS/ApiGateway 5XXError > 100 over 60 s", text)
        rows = [r for r in self.dom.find_all("tr") if r.attrs.get("class") == "fired"]
        self.assertEqual(len(rows), 1)
        table_rows = self.dom.find("section", id="alarms").text
        self.assertLess(table_rows.index("metrics-api-gateway-500-errors-above-threshold"),
                        table_rows.index("EcsTaskError"))

    def test_quick_zooms_to_the_incident(self):
        buttons = [b.text for b in self.dom.find_all("button")]
        self.assertEqual(buttons[0], "whole run")
        self.assertIn("first errors (04:00:00 UTC) \u00b1 2 min", buttons)
        self.assertIn("metrics-api-gateway-500-errors-above-threshold ALARM (04:01:00 UTC) \u00b1 3 min", buttons)

    def test_nothing_wider_than_the_window(self):
        for width in (1400, 900):
            with self.subTest(width=width):
                text, console = dump_dom(self.url, width=width)
                self.assertEqual(console, [])
                self.assertEqual(Dom(text).find("body").attrs.get("data-fits"), "true")
                path = screenshot(self.url, f"midnight-incident-report-{width}.png", width=width)
                self.assertGreater(os.path.getsize(path), 20000)


class MergedAndHostileReports(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="emu-report-")

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def test_scenario_text_is_escaped(self):
        hostile = json.loads((SOURCE_DIR / "scenarios/everyday/smoke.json").read_text())
        hostile["name"] = "<img src=x onerror=\"document.title='pwned'\">&amp;"
        hostile["description"] = "</script><script>document.title='pwned'</script><b>bold</b>"
        hostile["duration"], hostile["drain"] = 120, 60
        hostile["schedule"] = [{"type": "constant", "rate": 5, "duration": 120}]
        hostile["expectations"] = [{"figure": "status.2xx", "min": 1, "description": "<i>x</i>"}]
        path = os.path.join(self.tmp, "hostile.json")
        with open(path, "w") as f:
            json.dump(hostile, f)
        run_loadgen("run", path, "--out", os.path.join(self.tmp, "out"))
        url = pathlib.Path(self.tmp, "out", "report.html").as_uri()
        text, console = dump_dom(url)
        dom = Dom(text)
        self.assertEqual(console, [])
        self.assertEqual(dom.find("body").attrs.get("data-ready"), "true")
        self.assertEqual(dom.find("title").text, hostile["name"])
        self.assertEqual(dom.find("h1").text, hostile["name"])
        self.assertEqual(dom.find("p", class_="description").text, hostile["description"])
        self.assertEqual(dom.find_all("img"), [])
        self.assertEqual(dom.find_all("b"), [])
        self.assertEqual(dom.find_all("i"), [])

    def test_merged_report_loads(self):
        shards = []
        for i in range(2):
            out = os.path.join(self.tmp, f"s{i}")
            run_loadgen("run", str(SOURCE_DIR / "scenarios/everyday/smoke.json"), "--out", out)
            shards.append(out)
        merged = os.path.join(self.tmp, "merged")
        run_loadgen("merge", *shards, "--out", merged)
        with open(os.path.join(merged, "summary.json")) as f:
            summary = json.load(f)
        url = pathlib.Path(merged, "report.html").as_uri()
        text, console = dump_dom(url)
        dom = Dom(text)
        self.assertEqual(console, [])
        self.assertEqual(dom.find("body").attrs.get("data-ready"), "true")
        for chart in dom.find_all(data_chart=True):
            with self.subTest(chart=chart.attrs["data-chart"]):
                self.assertGreater(int(chart.attrs.get("data-points", "0")), 0)
        requests = dom.find(data_figure="requests")
        self.assertEqual(int(requests.text.replace(",", "")), summary["figures"]["requests"])
        screenshot(url, "merged-report-1400.png")


if __name__ == "__main__":
    unittest.main()
