"""Alarm notifications: a JSON line per state change in the data dir, and a webhook that is
retried with a cap and never blocks the emulator."""
import http.server
import json
import os
import socket
import threading
import unittest
import urllib.request

from emulator_harness import Emulator, client, wait_until

TOPIC = "arn:aws:sns:ca-central-1:000000000000:alert-warning"


class Receiver(http.server.BaseHTTPRequestHandler):
    attempts = []
    fail_first = 2

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        Receiver.attempts.append(json.loads(body))
        ok = len(Receiver.attempts) > Receiver.fail_first
        self.send_response(200 if ok else 500)
        self.end_headers()

    def log_message(self, *args):
        pass


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def state(emu):
    with urllib.request.urlopen(emu.url + "/_emulator/state") as r:
        return json.load(r)["notifications"]


class NotificationTest(unittest.TestCase):
    def alarm(self, emu, name):
        cw = client("cloudwatch", emu.url)
        cw.put_metric_alarm(AlarmName=name, Namespace="T", MetricName="M", Statistic="Sum",
                            Period=60, EvaluationPeriods=1, Threshold=1,
                            ComparisonOperator="GreaterThanThreshold", AlarmActions=[TOPIC])
        cw.set_alarm_state(AlarmName=name, StateValue="ALARM", StateReason="test")
        cw.close()

    def test_webhook_is_retried_until_it_answers(self):
        server = http.server.HTTPServer(("127.0.0.1", 0), Receiver)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        url = f"http://127.0.0.1:{server.server_port}/hook"
        config = {"cloudwatch": {"notifications": {"webhook_url": url, "webhook_retry_seconds": 0.05,
                                                   "webhook_max_attempts": 5}}}
        try:
            with Emulator(config=config) as emu:
                self.alarm(emu, "hooked")
                self.assertTrue(wait_until(lambda: state(emu)["webhook_delivered"] == 1))
                self.assertEqual(len(Receiver.attempts), 3)  # two 500s, then 200
                message = json.loads(Receiver.attempts[-1]["Message"])
                self.assertEqual((message["AlarmName"], message["NewStateValue"]), ("hooked", "ALARM"))
                self.assertEqual(Receiver.attempts[-1]["TopicArn"], TOPIC)
                with open(os.path.join(emu.data_dir, "notifications.jsonl")) as f:
                    lines = [json.loads(line) for line in f if line.strip()]
                self.assertEqual(json.loads(lines[-1]["Message"])["AlarmName"], "hooked")
        finally:
            server.shutdown()

    def test_a_dead_webhook_never_blocks_and_gives_up(self):
        url = f"http://127.0.0.1:{free_port()}/nobody"
        config = {"cloudwatch": {"notifications": {"webhook_url": url, "webhook_retry_seconds": 0.05,
                                                   "webhook_max_attempts": 3}}}
        with Emulator(config=config) as emu:
            self.alarm(emu, "unheard")
            with urllib.request.urlopen(emu.url + "/_emulator/health") as r:
                self.assertEqual(r.status, 200)
            self.assertTrue(wait_until(lambda: state(emu)["webhook_failed"] == 1))
            self.assertEqual(state(emu)["webhook_delivered"], 0)


if __name__ == "__main__":
    unittest.main()
