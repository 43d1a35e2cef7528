"""The server starts on a free port, answers its health endpoint and stops cleanly."""
import json
import signal
import unittest
import urllib.request

from emulator_harness import Emulator


class HealthTest(unittest.TestCase):
    def test_health_and_clean_shutdown(self):
        emu = Emulator().start()
        try:
            with urllib.request.urlopen(emu.url + "/_emulator/health") as r:
                body = json.load(r)
            self.assertEqual(body["clock_mode"], "real")
            self.assertEqual(body["data_dir"], emu.data_dir)
            self.assertIn("version", body)
        finally:
            self.assertEqual(emu.stop(signal.SIGINT), 0)

    def test_virtual_clock_moves_only_when_told(self):
        with Emulator("--clock", "virtual", "--start", "2021-06-27T03:59:00Z") as emu:
            def post(body):
                req = urllib.request.Request(emu.url + "/_emulator/clock", method="POST",
                                             data=json.dumps(body).encode())
                with urllib.request.urlopen(req) as r:
                    return json.load(r)
            self.assertEqual(post({"advance_seconds": 60})["now"], "2021-06-27T04:00:00.000Z")
            self.assertEqual(post({"set": "2021-06-27T05:00:00Z"})["now"],
                             "2021-06-27T05:00:00.000Z")
            with urllib.request.urlopen(emu.url + "/_emulator/health") as r:
                self.assertEqual(json.load(r)["now"], "2021-06-27T05:00:00.000Z")

    def test_bad_config_exits_2_naming_the_key(self):
        import subprocess
        import tempfile
        import os
        with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
            json.dump({"waf": {"nope": 1}}, f)
        from emulator_harness import EMULATOR_BIN
        proc = subprocess.run([EMULATOR_BIN, "serve", "--port", "0", "--config", f.name],
                              capture_output=True, text=True, timeout=30)
        os.unlink(f.name)
        self.assertEqual(proc.returncode, 2)
        self.assertIn("/waf/nope", proc.stderr)
        self.assertIn(f.name, proc.stderr)


if __name__ == "__main__":
    unittest.main()
