"""`emulator serve` without --data-dir works in a temporary data dir and removes it when it stops
cleanly (SIGTERM, SIGINT) or fails to start; a --data-dir given by the user is never removed."""
import json
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import unittest
import urllib.request

from emulator_harness import EMULATOR_BIN, Emulator


class DataDirTest(unittest.TestCase):
    def setUp(self):
        # The server's temporary dirs go here (TMPDIR), so a test can see every one of them.
        self.tmp = tempfile.mkdtemp(prefix="emu-tmpdir-")
        self.env = dict(os.environ, TMPDIR=self.tmp)

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def serve(self, *args):
        return subprocess.Popen([EMULATOR_BIN, "serve", "--port", "0", *args], env=self.env,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)

    def ready(self, process):
        line = process.stdout.readline()
        self.assertIn("ready", line)
        return dict(part.split("=", 1) for part in line.split() if "=" in part)

    def test_temporary_data_dir_removed_on_sigterm_and_sigint(self):
        for sig in (signal.SIGTERM, signal.SIGINT):
            with self.subTest(signal=sig):
                process = self.serve()
                fields = self.ready(process)
                data_dir = fields["data-dir"]
                self.assertTrue(data_dir.startswith(self.tmp), data_dir)
                with urllib.request.urlopen(fields["url"] + "/_emulator/health") as r:
                    self.assertEqual(json.load(r)["data_dir"], data_dir)
                self.assertTrue(os.path.exists(os.path.join(data_dir, "emulator.db")))
                process.send_signal(sig)
                _, err = process.communicate(timeout=60)
                self.assertEqual(process.returncode, 0, err)
                self.assertFalse(os.path.exists(data_dir))
                self.assertIn("removed temporary data dir", err)
                self.assertEqual(os.listdir(self.tmp), [])

    def test_temporary_data_dir_removed_when_start_fails(self):
        with socket.socket() as taken:
            taken.bind(("127.0.0.1", 0))
            taken.listen()
            port = taken.getsockname()[1]
            process = subprocess.run([EMULATOR_BIN, "serve", "--port", str(port)], env=self.env,
                                     capture_output=True, text=True, timeout=60)
        self.assertEqual(process.returncode, 2, process.stderr)
        self.assertIn("cannot listen", process.stderr)
        self.assertEqual(os.listdir(self.tmp), [])
        config = os.path.join(tempfile.mkdtemp(prefix="emu-cfg-"), "c.json")
        with open(config, "w") as f:
            json.dump({"storage": {"max_wal_bytes": 10}}, f)
        process = subprocess.run([EMULATOR_BIN, "serve", "--port", "0", "--config", config],
                                 env=self.env, capture_output=True, text=True, timeout=60)
        shutil.rmtree(os.path.dirname(config))
        self.assertEqual(process.returncode, 2, process.stderr)
        self.assertIn("/storage/max_wal_bytes", process.stderr)
        self.assertEqual(os.listdir(self.tmp), [])

    def test_user_data_dir_is_kept(self):
        data_dir = os.path.join(self.tmp, "state")
        with Emulator(data_dir=data_dir) as emu:
            pass
        self.assertEqual(emu.process.returncode, 0)
        self.assertTrue(os.path.exists(os.path.join(data_dir, "emulator.db")))
        process = self.serve("--data-dir", data_dir)
        self.ready(process)
        process.send_signal(signal.SIGINT)
        _, err = process.communicate(timeout=60)
        self.assertEqual(process.returncode, 0, err)
        self.assertNotIn("removed", err)
        self.assertTrue(os.path.exists(os.path.join(data_dir, "emulator.db")))


if __name__ == "__main__":
    unittest.main()
