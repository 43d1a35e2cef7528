#!/usr/bin/env python3
"""Crash loop: load -> kill -9 at a random moment -> restart on the same data dir -> verify.

Each cycle starts `emulator serve` on one data dir, posts numbered bodies from several
connections (each body its own, so the raw table can be checked body by body), kills the
process with SIGKILL after a random time, restarts it, and checks the whole table against
every body ever acknowledged: lost (acknowledged, not stored), duplicated (stored twice),
stored without an answer (committed, killed before the reply: allowed), the ledger's invariant,
and the time from exec to the first answered request after the restart.

    python3 bench/crashloop/crash_loop.py build --cycles 100
Exit status 1 if anything acknowledged was lost or duplicated, or the ledger broke.
"""
import argparse
import collections
import http.client
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
CONFIG = os.path.join(HERE, "..", "ingest", "bench_config.json")
AUTH = ("AWS4-HMAC-SHA256 Credential=AKIDLOCAL/20210627/ca-central-1/dynamodb/aws4_request, "
        "SignedHeaders=host, Signature=0")


def body(n):
    return json.dumps({"metricstimestamp": 1624766400000, "appversion": "1.4.5", "appos": "ios",
                       "payload": [{"identifier": "active-user", "region": "ON",
                                    "timestamp": 1624766400000, "n": n}]})


class Server:
    def __init__(self, binary, data_dir):
        self.started = time.monotonic()
        self.proc = subprocess.Popen(
            [binary, "serve", "--port", "0", "--data-dir", data_dir, "--config", CONFIG],
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        line = self.proc.stdout.readline()
        if "ready" not in line:
            raise RuntimeError(f"emulator did not start: {line!r}")
        fields = dict(p.split("=", 1) for p in line.split() if "=" in p)
        host, port = fields["url"].rsplit("/", 1)[-1].split(":")
        self.host, self.port, self.api_key = host, int(port), fields["api-key"]
        self.ready_ms = self.first_answer_ms()

    def connection(self):
        return http.client.HTTPConnection(self.host, self.port, timeout=60)

    def first_answer_ms(self):
        while True:
            try:
                c = self.connection()
                c.request("GET", "/_emulator/health")
                if c.getresponse().status == 200:
                    return (time.monotonic() - self.started) * 1000
            except OSError:
                time.sleep(0.001)

    def get_json(self, path):
        c = self.connection()
        c.request("GET", path)
        return json.loads(c.getresponse().read())

    def scan_bodies(self):
        """Every stored raw body's number, with how often it is stored."""
        found, start = collections.Counter(), None
        c = self.connection()
        while True:
            request = {"TableName": "raw_metrics", "ProjectionExpression": "#r",
                       "ExpressionAttributeNames": {"#r": "raw"}}
            if start:
                request["ExclusiveStartKey"] = start
            c.request("POST", "/", body=json.dumps(request), headers={
                "X-Amz-Target": "DynamoDB_20120810.Scan", "Authorization": AUTH,
                "Content-Type": "application/x-amz-json-1.0"})
            page = json.loads(c.getresponse().read())
            for item in page["Items"]:
                found[json.loads(item["raw"]["S"])["payload"][0]["n"]] += 1
            start = page.get("LastEvaluatedKey")
            if not start:
                return found

    def kill9(self):
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        return self.proc.wait(timeout=60)


def post_until_killed(server, numbers, acknowledged):
    headers = {"Content-Type": "application/json", "x-api-key": server.api_key,
               "User-Agent": "CovidShield/1.4.5 crash-loop"}
    c = server.connection()
    try:
        for n in numbers:
            c.request("POST", "/save-metrics", body=body(n), headers=headers)
            r = c.getresponse()
            if r.status == 200 and r.read() == b'{"status":"RECORD CREATED"}':
                acknowledged.append(n)
    except (OSError, http.client.HTTPException):
        pass  # the kill


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("build", nargs="?", default="build")
    ap.add_argument("--cycles", type=int, default=100)
    ap.add_argument("--connections", type=int, default=8)
    ap.add_argument("--min-seconds", type=float, default=0.5)
    ap.add_argument("--max-seconds", type=float, default=3.0)
    ap.add_argument("--seed", type=int, default=20210627)
    ap.add_argument("--keep", action="store_true", help="keep the data dir")
    args = ap.parse_args()
    binary = os.path.join(args.build, "emulator", "emulator")
    rng = random.Random(args.seed)
    data_dir = tempfile.mkdtemp(prefix="emu-crash-loop-")
    acknowledged, next_number, failed = set(), 0, False
    print(f"{'cycle':>5} {'run s':>6} {'acked':>7} {'acked total':>11} {'found':>8} "
          f"{'lost':>5} {'dup':>4} {'unacked':>7} {'ledger':>6} {'ready ms':>8}")
    try:
        server = Server(binary, data_dir)
        for cycle in range(1, args.cycles + 1):
            run_for = rng.uniform(args.min_seconds, args.max_seconds)
            per_connection = [[] for _ in range(args.connections)]
            threads = []
            for i in range(args.connections):
                numbers = range(next_number + i * 10_000_000, next_number + (i + 1) * 10_000_000)
                threads.append(threading.Thread(target=post_until_killed,
                                                args=(server, numbers, per_connection[i])))
            next_number += args.connections * 10_000_000
            for t in threads:
                t.start()
            time.sleep(run_for)  # the random moment of the kill: the point of the benchmark
            server.kill9()
            for t in threads:
                t.join()
            cycle_acked = [n for part in per_connection for n in part]
            acknowledged.update(cycle_acked)
            server = Server(binary, data_dir)
            found = server.scan_bodies()
            lost = sum(1 for n in acknowledged if found[n] == 0)
            duplicated = sum(1 for n, k in found.items() if k > 1)
            unacked = sum(1 for n in found if n not in acknowledged)
            ledger = server.get_json("/_emulator/ledger")
            holds = ledger["invariant_holds"] and \
                ledger["entries"]["items_stored"] == sum(found.values())
            failed |= lost > 0 or duplicated > 0 or not holds
            print(f"{cycle:>5} {run_for:>6.2f} {len(cycle_acked):>7} {len(acknowledged):>11} "
                  f"{sum(found.values()):>8} {lost:>5} {duplicated:>4} {unacked:>7} "
                  f"{'holds' if holds else 'BROKEN':>6} {server.ready_ms:>8.1f}", flush=True)
        server.stop()
    finally:
        if args.keep:
            print(f"data dir kept: {data_dir}")
        else:
            shutil.rmtree(data_dir, ignore_errors=True)
    print("result:", "FAILED: acknowledged writes lost or repeated" if failed
          else "0 lost, 0 duplicated, ledger holds after every restart")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
