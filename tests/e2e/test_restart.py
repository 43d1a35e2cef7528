"""Restarts lose nothing that was acknowledged and count nothing twice.

Each POST carries a body of its own, so the raw table can be checked body by body: every body
answered RECORD CREATED is stored exactly once, across clean stops (SIGTERM), kill -9 at a
random moment under load, and the posts made after each restart (which, before ids were drawn
per start, overwrote the items stored before it). The ledger, kept with the tables, still
balances after every restart, and a DLQ holding poison messages is served after a restart."""
import collections
import json
import random
import shutil
import tempfile
import threading
import time
import unittest

from emulator_harness import Emulator, client
from saver import Saver, control

FAST = {"lambda": {"functions": {"create_metrics": {
    "duration_ms": {"type": "constant", "value": 1}, "init_ms": {"type": "constant", "value": 0}}}}}
DLQ = "aggregation-lambda-dead-letter-queue"


def body(n):
    return json.dumps({"metricstimestamp": 1624766400000 + n, "appversion": "1.4.5",
                       "appos": "ios", "payload": [{"identifier": "active-user",
                       "region": "ON", "timestamp": 1624766400000 + n}]})


class Poster:
    """Posts numbered bodies on one connection until told to stop or the server goes away."""

    def __init__(self, emu, first):
        self.emu, self.next, self.acknowledged = emu, first, []
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self.run)

    def run(self):
        saver = Saver(self.emu.url, self.emu.api_key)
        try:
            while not self.stopping.is_set():
                b = body(self.next)
                self.next += 1
                status, _, out = saver.post(b.encode())
                if status == 200 and out == b'{"status":"RECORD CREATED"}':
                    self.acknowledged.append(b)
        except OSError:
            pass  # killed under our feet: what was acknowledged before counts
        finally:
            saver.close()


def stored_bodies(url):
    ddb = client("dynamodb", url)
    bodies = collections.Counter()
    for page in ddb.get_paginator("scan").paginate(TableName="raw_metrics"):
        bodies.update(item["raw"]["S"] for item in page["Items"])
    ddb.close()
    return bodies


class RestartTest(unittest.TestCase):
    def setUp(self):
        self.data_dir = tempfile.mkdtemp(prefix="emu-restart-")

    def tearDown(self):
        shutil.rmtree(self.data_dir, ignore_errors=True)

    def start(self, *args):
        return Emulator(*args, data_dir=self.data_dir, config=FAST).start()

    def post(self, emu, numbers):
        saver = Saver(emu.url, emu.api_key)
        acknowledged = []
        for n in numbers:
            status, _, out = saver.post(body(n).encode())
            self.assertEqual((status, out), (200, b'{"status":"RECORD CREATED"}'))
            acknowledged.append(body(n))
        saver.close()
        return acknowledged

    def assert_each_once(self, emu, acknowledged):
        stored = stored_bodies(emu.url)
        self.assertEqual([b for b in acknowledged if stored[b] != 1], [])
        self.assertEqual([b for b, n in stored.items() if n > 1], [])
        _, ledger = control(emu.url, "/_emulator/ledger")
        self.assertTrue(ledger["invariant_holds"], ledger)
        # Stored but never acknowledged is allowed (killed between commit and answer); the
        # ledger counts exactly what the table holds.
        self.assertEqual(ledger["entries"]["items_stored"], sum(stored.values()))
        return stored

    def test_posts_after_clean_restarts_keep_earlier_items(self):
        acknowledged = []
        for round_number in range(3):
            emu = self.start()
            acknowledged += self.post(emu, range(round_number * 3, round_number * 3 + 3))
            self.assertEqual(emu.stop(), 0)
        emu = self.start()
        stored = self.assert_each_once(emu, acknowledged)
        self.assertEqual(sum(stored.values()), 9)
        self.assertEqual(emu.stop(), 0)

    def test_kill_9_under_load_loses_and_repeats_nothing(self):
        rng = random.Random(20210627)
        acknowledged, first = [], 0
        for _ in range(4):
            emu = self.start()
            poster = Poster(emu, first)
            poster.thread.start()
            deadline = time.monotonic() + 5
            while len(poster.acknowledged) < 20 and time.monotonic() < deadline:
                time.sleep(0.01)  # let some posts through before the kill, however slow the host
            time.sleep(rng.uniform(0, 0.2))
            emu.kill9()
            poster.thread.join()
            self.assertGreaterEqual(len(poster.acknowledged), 20)
            acknowledged += poster.acknowledged
            first = poster.next
        emu = self.start()
        acknowledged += self.post(emu, range(first, first + 3))
        self.assert_each_once(emu, acknowledged)
        self.assertEqual(emu.stop(), 0)

    def test_dead_letter_queue_with_poison_messages_survives_restart(self):
        start = ["--clock", "virtual", "--start", "2021-06-27T04:00:00Z"]
        emu = self.start(*start)
        sqs = client("sqs", emu.url)
        url = sqs.get_queue_url(QueueName=DLQ)["QueueUrl"]
        poison = json.dumps({"TableName": "nope", "Key": {"pk": "x"}})
        sent = {sqs.send_message(QueueUrl=url, MessageBody=poison)["MessageId"] for _ in range(3)}
        sqs.close()
        # The DLQ's poller hears of messages sent over the wire, not only of the aggregator's.
        control(emu.url, "/_emulator/clock", {"advance_seconds": 5})
        _, state = control(emu.url, "/_emulator/state")
        self.assertGreater(state["event_source_mappings"]["dead_letter_queue"]["invocations"], 0)
        self.assertEqual(emu.stop(), 0)

        emu = self.start(*start)
        sqs = client("sqs", emu.url)
        more = {sqs.send_message(QueueUrl=url, MessageBody=poison)["MessageId"] for _ in range(3)}
        self.assertEqual(sent & more, set())
        # backoff_retry keeps failing on them and re-enqueues each (one message in, one out).
        status, _ = control(emu.url, "/_emulator/clock", {"advance_seconds": 120})
        self.assertEqual(status, 200)
        _, state = control(emu.url, "/_emulator/state")
        self.assertGreater(state["event_source_mappings"]["dead_letter_queue"]["invocations"], 0)
        counts = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
        held = sum(int(counts[k]) for k in ("ApproximateNumberOfMessages",
                                             "ApproximateNumberOfMessagesNotVisible",
                                             "ApproximateNumberOfMessagesDelayed"))
        self.assertEqual(held, 6)
        # Receiving works (it answered 500 once ids repeated across the restart).
        sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, VisibilityTimeout=0)
        sqs.close()
        status, health = control(emu.url, "/_emulator/health")
        self.assertEqual((status, health["status"]), (200, "ok"))
        self.assertEqual(emu.stop(), 0)


if __name__ == "__main__":
    unittest.main()
