"""`emulator etl`: the ETL run on demand, offline, over a data dir a server left behind."""
import json
import os
import shutil
import subprocess
import tempfile
import unittest

from emulator_harness import EMULATOR_BIN, Emulator, client, wait_until
from saver import Saver, payload


class EtlCommandTest(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="emu-etl-cmd-")

    def tearDown(self):
        shutil.rmtree(self.dir, ignore_errors=True)

    def run_etl(self, *args):
        return subprocess.run([EMULATOR_BIN, "etl", *args], capture_output=True, text=True)

    def test_publishes_the_csvs_of_a_stopped_emulator(self):
        with Emulator(data_dir=self.dir) as emu:
            saver = Saver(emu.url, emu.api_key)
            self.assertEqual(saver.post(payload("app-MetricsJsonSerializer.spec-expected.json"))[0], 200)
            saver.close()
            ddb = client("dynamodb", emu.url)
            wait_until(lambda: ddb.scan(TableName="aggregate_metrics")["Count"] > 0)
            ddb.close()
        proc = self.run_etl("--data-dir", self.dir, "--task", "unmasked_inapp_metrics",
                            "--date", "2021-01-31")
        self.assertEqual(proc.returncode, 0, proc.stderr)
        report = json.loads(proc.stdout)
        self.assertTrue(report["ok"])
        self.assertGreater(report["files_written"], 0)
        csv_dir = os.path.join(self.dir, "s3", "unmasked-metrics-tdvfd-production", "csv")
        self.assertTrue(os.path.isdir(csv_dir))

    def test_bad_options_exit_2_and_name_the_problem(self):
        proc = self.run_etl("--data-dir", self.dir)
        self.assertEqual(proc.returncode, 2)
        self.assertIn("no emulator.db", proc.stderr)
        proc = self.run_etl("--data-dir", os.path.join(self.dir, "missing"))
        self.assertEqual(proc.returncode, 2)
        with Emulator(data_dir=self.dir):
            pass
        proc = self.run_etl("--data-dir", self.dir, "--date", "June 1st")
        self.assertEqual(proc.returncode, 2)
        self.assertIn("--date", proc.stderr)
        proc = self.run_etl("--data-dir", self.dir, "--task", "no_such_task")
        self.assertEqual(proc.returncode, 1)
        self.assertFalse(json.loads(proc.stdout)["ok"])


if __name__ == "__main__":
    unittest.main()
