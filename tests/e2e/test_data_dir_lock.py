"""One emulator per data dir: a second `emulator serve` on a data dir in use exits 2 naming the
process that holds it; the lock goes with its holder (even after kill -9). (A failed start
leaving no temporary directory: tests/wire/test_data_dir.py.)"""
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


if __name__ == "__main__":
    unittest.main()
