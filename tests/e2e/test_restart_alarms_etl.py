"""State users expect to outlive a restart does: alarm states and histories (also of alarms made
with PutMetricAlarm) and the ETL's run history, after a clean stop and after kill -9."""
import json
import os
import shutil
import tempfile
import unittest
import urllib.request

from emulator_harness import Emulator, client

ALARM = "metrics-api-gateway-500-errors-above-threshold"
START = ["--clock", "virtual", "--start", "2021-06-27T04:00:00Z"]


def control(url, path, body=None):
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url + path, data=data, method="POST" if data else "GET")
    try:
        with urllib.request.urlopen(request) as r:
            return r.status, json.load(r)
    except urllib.error.HTTPError as e:
        return e.code, json.load(e)


class RestartKeepsAlarmsAndEtlTest(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="emu-restart-alarms-")

    def tearDown(self):
        shutil.rmtree(self.dir, ignore_errors=True)

    def check_kept(self, stop):
        emu = Emulator(*START, data_dir=self.dir).start()
        cw = client("cloudwatch", emu.url)
        cw.set_alarm_state(AlarmName=ALARM, StateValue="ALARM", StateReason="paged by the test")
        cw.put_metric_alarm(AlarmName="made-at-runtime", Namespace="AWS/Lambda", MetricName="Throttles",
                            Statistic="Sum", Period=60, EvaluationPeriods=1, Threshold=5,
                            ComparisonOperator="GreaterThanThreshold")
        status, run = control(emu.url, "/_emulator/etl", {"task": "masked_inapp_metrics", "date": "2021-06-26"})
        self.assertEqual(status, 200, run)
        history = cw.describe_alarm_history(AlarmName=ALARM)["AlarmHistoryItems"]
        _, runs = control(emu.url, "/_emulator/etl")
        cw.close()
        stop(emu)

        emu = Emulator(*START, data_dir=self.dir).start()
        try:
            cw = client("cloudwatch", emu.url)
            alarm = cw.describe_alarms(AlarmNames=[ALARM])["MetricAlarms"][0]
            self.assertEqual((alarm["StateValue"], alarm["StateReason"]), ("ALARM", "paged by the test"))
            self.assertEqual(cw.describe_alarm_history(AlarmName=ALARM)["AlarmHistoryItems"], history)
            made = cw.describe_alarms(AlarmNames=["made-at-runtime"])["MetricAlarms"]
            self.assertEqual([(a["MetricName"], a["Threshold"]) for a in made], [("Throttles", 5.0)])
            _, after = control(emu.url, "/_emulator/etl")
            self.assertEqual(after["runs"], runs["runs"])
            self.assertEqual(len(after["runs"]), 1)
            cw.close()
        finally:
            self.assertEqual(emu.stop(), 0)

    def test_after_a_clean_stop(self):
        self.check_kept(lambda emu: self.assertEqual(emu.stop(), 0))

    def test_after_kill_9(self):
        self.check_kept(lambda emu: emu.kill9())


if __name__ == "__main__":
    unittest.main()
