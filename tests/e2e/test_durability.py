"""An acknowledged 200 is durable: N requests answered RECORD CREATED, then `kill -9`, then a
restart on the same data dir: every acknowledged body is in raw_metrics."""
import json
import shutil
import tempfile
import unittest

from emulator_harness import Emulator, client
from saver import Saver

N = 300
# Modelled Lambda time would only slow the test down (the client waits for each answer).
FAST = {"lambda": {"functions": {"create_metrics": {
    "duration_ms": {"type": "constant", "value": 1}, "init_ms": {"type": "constant", "value": 0}}}}}


class DurabilityTest(unittest.TestCase):
    def test_acknowledged_items_survive_kill_9(self):
        data_dir = tempfile.mkdtemp(prefix="emu-durable-")
        try:
            emu = Emulator(data_dir=data_dir, config=FAST).start()
            saver = Saver(emu.url, emu.api_key)
            acknowledged = []
            for i in range(N):
                body = json.dumps({"metricstimestamp": 1624766400000 + i, "appversion": "1.4.5",
                                   "appos": "ios", "payload": [{"identifier": "active-user",
                                   "region": "ON", "timestamp": 1624766400000 + i}]})
                status, _, out = saver.post(body.encode())
                if status == 200 and out == b'{"status":"RECORD CREATED"}':
                    acknowledged.append(body)
            saver.close()
            self.assertEqual(len(acknowledged), N)
            emu.kill9()
            again = Emulator(data_dir=data_dir, config=FAST).start()
            ddb = client("dynamodb", again.url)
            stored = set()
            for page in ddb.get_paginator("scan").paginate(TableName="raw_metrics"):
                stored.update(item["raw"]["S"] for item in page["Items"])
            ddb.close()
            self.assertEqual(again.stop(), 0)
            missing = [b for b in acknowledged if b not in stored]
            self.assertEqual(missing, [])
        finally:
            shutil.rmtree(data_dir, ignore_errors=True)


if __name__ == "__main__":
    unittest.main()
