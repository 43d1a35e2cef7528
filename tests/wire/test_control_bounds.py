"""Control requests are bounded: a far-future ETL date is refused at once, clock advances are
validated and capped, and a long advance runs in slices while GET /_emulator/health (answered on
the I/O thread) and other requests (between slices) keep being answered."""
import http.client
import json
import threading
import time
import unittest
import urllib.error
import urllib.request

from emulator_harness import Emulator

START = "2021-06-27T03:59:00.000Z"
MAX_ADVANCE = 366 * 24 * 3600


def request(emu, method, path, body=None, raw=None, timeout=600):
    """(status, parsed JSON body, seconds taken)."""
    data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
    req = urllib.request.Request(emu.url + path, method=method, data=data)
    began = time.monotonic()
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return r.status, json.load(r), time.monotonic() - began
    except urllib.error.HTTPError as e:
        return e.code, json.load(e), time.monotonic() - began


class Poller(threading.Thread):
    """GETs `path` over a keep-alive connection of its own until stopped; records latencies."""

    def __init__(self, emu, path):
        super().__init__(daemon=True)
        host, port = emu.url[len("http://"):].split(":")
        self.conn = http.client.HTTPConnection(host, int(port), timeout=30)
        self.path = path
        self.samples = []  # (seconds, status, body)
        self.done = threading.Event()

    def run(self):
        while not self.done.is_set():
            began = time.monotonic()
            self.conn.request("GET", self.path)
            r = self.conn.getresponse()
            body = json.loads(r.read())
            self.samples.append((time.monotonic() - began, r.status, body))
            self.done.wait(0.05)

    def stop(self):
        self.done.set()
        self.join()
        self.conn.close()


class ControlBoundsTest(unittest.TestCase):
    def setUp(self):
        self.emu = Emulator("--clock", "virtual", "--start", START).start()

    def tearDown(self):
        self.assertEqual(self.emu.stop(), 0)
        self.emu.__exit__()

    def now(self):
        return request(self.emu, "GET", "/_emulator/health")[1]["now"]

    def test_a_far_future_etl_date_is_refused_at_once(self):
        # Before: 75 s (and ~6 GB) on an empty data dir, with everything else waiting.
        status, body, took = request(self.emu, "POST", "/_emulator/etl",
                                     {"task": "masked_inapp_metrics", "date": "9999-12-31"})
        self.assertEqual(status, 400, body)
        self.assertIn("accepted: 0000-01-01 to 2021-06-27 (today on the emulator's clock)",
                      body["error"])
        self.assertLess(took, 1.0)
        status, body, took = request(self.emu, "POST", "/_emulator/etl",
                                     {"task": "masked_inapp_metrics", "date": "2021-06-27"})
        self.assertEqual(status, 200, body)
        self.assertTrue(body["ok"])
        self.assertGreater(body["files_written"], 0)
        self.assertLess(took, 1.0)  # nothing to scan: the cost tracks the data

    def test_clock_advances_are_validated_and_capped(self):
        cases = [
            ({"advance_seconds": 1e300}, "at most 31622400 seconds (366 days)"),
            ({"advance_seconds": MAX_ADVANCE + 1}, "at most 31622400 seconds (366 days)"),
            ({"advance_seconds": "NaN"}, "must be a JSON number"),
            ({"advance_seconds": "Infinity"}, "must be a JSON number"),
            ({"advance_seconds": "60"}, "must be a JSON number"),
            ({"advance_seconds": -1}, "must be >= 0"),
            ({"advance_seconds": True}, "must be a JSON number"),
            ({"set": "9999-01-01T00:00:00Z"}, "at most 31622400 seconds (366 days)"),
            ({"set": "2021-06-27T03:00:00Z"}, "time cannot move backwards"),
            ({"set": "tomorrow"}, "ISO-8601"),
            ({"advance_seconds": 1, "set": "2021-06-28T00:00:00Z"}, "expected"),
            ({}, "expected"),
        ]
        for body, message in cases:
            with self.subTest(body=body):
                status, answer, took = request(self.emu, "POST", "/_emulator/clock", body)
                self.assertEqual(status, 400, answer)
                self.assertIn(message, answer["error"])
                self.assertLess(took, 1.0)
        for raw in (b'{"advance_seconds": NaN}', b'{"advance_seconds": 1e400}', b"Infinity"):
            with self.subTest(raw=raw):
                status, answer, _ = request(self.emu, "POST", "/_emulator/clock", raw=raw)
                self.assertEqual(status, 400, answer)
                self.assertIn("expected", answer["error"])
        self.assertEqual(self.now(), START)  # nothing moved the clock
        status, answer, _ = request(self.emu, "POST", "/_emulator/clock", {"advance_seconds": 0.5})
        self.assertEqual((status, answer["now"]), (200, "2021-06-27T03:59:00.500Z"))

    def test_a_long_advance_leaves_the_edge_responsive(self):
        # 30 days of events (periodic polls, sweeps, alarms, the nightly ETL): 9 s in one piece
        # before, during which even health waited. Now health answers from the I/O thread and
        # other requests are served between slices, at the clock's current time.
        health = Poller(self.emu, "/_emulator/health")
        config = Poller(self.emu, "/_emulator/config")  # goes through the simulation loop
        health.start()
        config.start()
        outcome = {}

        def advance():
            outcome["answer"] = request(self.emu, "POST", "/_emulator/clock",
                                        {"advance_seconds": 30 * 86400})

        advancing = threading.Thread(target=advance)
        advancing.start()
        # A second clock request while the first runs is refused, not queued behind it.
        while not any(START < s[2]["now"] for s in health.samples) and advancing.is_alive():
            time.sleep(0.01)
        status, second, _ = request(self.emu, "POST", "/_emulator/clock", {"advance_seconds": 60})
        advancing.join()
        health.stop()
        config.stop()
        status_done, body, took = outcome["answer"]
        self.assertEqual(status_done, 200, body)
        self.assertEqual(body["now"], "2021-07-27T03:59:00.000Z")
        self.assertGreater(body["events_run"], 0)
        if status == 409:
            self.assertIn("in progress", second["error"])
        else:  # the advance had just finished: the second one ran after it
            self.assertEqual(status, 200, second)
        during = [s for s in health.samples if START < s[2]["now"] < body["now"]]
        self.assertGreater(len(during), 3, f"advance took {took:.1f} s; too short to observe")
        worst_health = max(s[0] for s in health.samples)
        worst_config = max(s[0] for s in config.samples)
        print(f"advance {took:.1f} s; health worst {worst_health * 1000:.0f} ms over "
              f"{len(health.samples)}; config worst {worst_config * 1000:.0f} ms over "
              f"{len(config.samples)}")
        self.assertLess(worst_health, 0.5)
        self.assertLess(worst_config, 1.0)
        self.assertGreater(len(config.samples), 3)
        times = [s[2]["now"] for s in health.samples]
        self.assertEqual(times, sorted(times))  # the published clock only moves forward


if __name__ == "__main__":
    unittest.main()
