"""In-process runs show a live progress line on stderr when it is a terminal (and only then,
unless --progress / --no-progress say otherwise): virtual time, % of the run, requests and
entries per wall second, RSS and an ETA, rewritten in place and finished with a newline."""
import json
import os
import pty
import re
import shutil
import subprocess
import tempfile
import time
import unittest

ROOT = os.path.join(os.path.dirname(__file__), "..", "..")
LOADGEN = os.environ.get("LOADGEN_BIN", os.path.join(os.path.dirname(os.environ.get(
    "EMULATOR_BIN", "build/emulator/emulator")), "..", "loadgen", "loadgen"))
SMOKE = os.path.join(ROOT, "scenarios", "everyday", "smoke.json")

LINE = re.compile(
    r"virtual (\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ)  (\d+\.\d)%  requests ([\d,]+) \(([\d,]+)/s\)  "
    r"entries ([\d,]+) \(([\d,]+)/s\)  rss (\d+) MiB  eta (\S+)")


def number(text):
    return int(text.replace(",", ""))


class ProgressTest(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="loadgen-progress-")

    def tearDown(self):
        shutil.rmtree(self.dir, ignore_errors=True)

    def run_on_terminal(self, *flags):
        """Runs the smoke scenario with stderr on a pseudo-terminal; returns what it wrote there,
        the wall seconds it took and its summary.json."""
        out = os.path.join(self.dir, "out")
        master, slave = pty.openpty()
        started = time.monotonic()
        with open(os.path.join(self.dir, "stdout"), "w") as stdout:
            proc = subprocess.Popen([LOADGEN, "run", SMOKE, "--out", out, *flags],
                                    stdin=subprocess.DEVNULL, stdout=stdout, stderr=slave)
        os.close(slave)
        chunks = []
        while True:
            try:
                data = os.read(master, 65536)
            except OSError:  # EIO: the child closed its end
                break
            if not data:
                break
            chunks.append(data)
        os.close(master)
        self.assertEqual(proc.wait(timeout=300), 0)
        elapsed = time.monotonic() - started
        with open(os.path.join(out, "summary.json")) as f:
            summary = json.load(f)
        return b"".join(chunks).decode(), elapsed, summary

    def test_a_terminal_gets_one_updating_line_with_every_field(self):
        text, elapsed, summary = self.run_on_terminal()
        updates = LINE.findall(text)
        self.assertGreaterEqual(len(updates), 2, text)  # the start and the end at least
        # One line rewritten in place (\r), finished with a newline (the terminal shows \r\n).
        self.assertTrue(text.startswith("\r"), repr(text[:80]))
        self.assertEqual(text.count("\n"), 1, repr(text))
        self.assertTrue(text.endswith("\r\n"), repr(text[-80:]))
        # At most one update every 2 s of wall time, plus the first and the final one.
        self.assertLessEqual(len(updates), elapsed / 2 + 2)
        first, last = updates[0], updates[-1]
        self.assertEqual(first[0], "2021-06-26T23:55:00Z")
        self.assertEqual(first[1], "0.0")
        self.assertEqual(last[0], "2021-06-27T00:10:00Z")  # start + duration + drain
        self.assertEqual(last[1], "100.0")
        self.assertEqual(last[7], "0s")
        self.assertEqual(number(last[2]), summary["recorder"]["answered"])
        self.assertGreater(number(last[4]), number(last[2]))  # JS batches carry several entries
        self.assertGreater(int(last[6]), 0)  # resident set from /proc/self/statm
        virtual_times = [u[0] for u in updates]
        self.assertEqual(virtual_times, sorted(virtual_times))

    def test_no_progress_on_a_terminal_when_told(self):
        text, _, _ = self.run_on_terminal("--no-progress")
        self.assertEqual(LINE.findall(text), [])
        self.assertNotIn("\r", text)

    def test_nothing_extra_when_stderr_is_not_a_terminal(self):
        out = os.path.join(self.dir, "piped")
        proc = subprocess.run([LOADGEN, "run", SMOKE, "--out", out], capture_output=True, text=True,
                              timeout=300)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertEqual(proc.stderr, "")
        # --progress forces it anywhere.
        proc = subprocess.run([LOADGEN, "run", SMOKE, "--out", out, "--progress"],
                              capture_output=True, text=True, timeout=300)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertGreaterEqual(len(LINE.findall(proc.stderr)), 2)
        self.assertTrue(proc.stderr.endswith("\n"))
        # The two flags exclude each other.
        proc = subprocess.run([LOADGEN, "run", SMOKE, "--progress", "--no-progress"],
                              capture_output=True, text=True, timeout=300)
        self.assertEqual(proc.returncode, 2)

    def test_help_documents_the_flags(self):
        proc = subprocess.run([LOADGEN, "run", "--help"], capture_output=True, text=True, timeout=60)
        self.assertIn("--progress", proc.stdout)
        self.assertIn("--no-progress", proc.stdout)


if __name__ == "__main__":
    unittest.main()
