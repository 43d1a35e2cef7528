"""One emulator per data dir: a second `emulator serve` on a data dir in use exits 2 naming the
process that holds it; the lock goes with its holder (even after kill -9); a failed start
leaves no temporary directory behind."""
import glob
import os
import shutil
import subprocess
import tempfile
import unittest

from emulator_harness import EMULATOR_BIN, Emulator


class DataDirLockTest(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="emu-lock-")

    def tearDown(self):
        shutil.rmtree(self.dir, ignore_errors=True)

    def second_start(self, *extra):
        return subprocess.run([EMULATOR_BIN, "serve", "--port", "0", "--data-dir", self.dir, *extra],
                              capture_output=True, text=True, timeout=60)

    def test_a_second_emulator_on_a_data_dir_in_use_exits_2_naming_the_first(self):
        first = Emulator(data_dir=self.dir).start()
        try:
            proc = self.second_start()
            self.assertEqual(proc.returncode, 2, proc.stderr)
            self.assertIn(f"data dir {os.path.realpath(self.dir)}", proc.stderr.replace(self.dir, os.path.realpath(self.dir)))
            self.assertIn(f"in use by another emulator (pid {first.process.pid};", proc.stderr)
            self.assertIsNone(first.process.poll())  # the first one is untouched
        finally:
            first.kill9()
        # The kernel released the lock with its holder: the data dir starts again.
        again = Emulator(data_dir=self.dir).start()
        self.assertEqual(again.stop(), 0)

    def test_a_failed_start_leaves_no_temporary_directory(self):
        tmp = tempfile.mkdtemp(prefix="emu-tmpdir-")
        try:
            env = dict(os.environ, TMPDIR=tmp)
            with Emulator() as running:
                port = running.url.rsplit(":", 1)[1]
                # The port is taken: this start fails after making its temporary data dir.
                proc = subprocess.run([EMULATOR_BIN, "serve", "--port", port], capture_output=True,
                                      text=True, timeout=60, env=env)
            self.assertEqual(proc.returncode, 2, proc.stderr)
            self.assertIn("cannot listen", proc.stderr)
            self.assertEqual(glob.glob(os.path.join(tmp, "covid-alert-emulator-*")), [])
        finally:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    unittest.main()
