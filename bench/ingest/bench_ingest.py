#!/usr/bin/env python3
"""save-metrics benchmark: time to ready, idle RSS, and durable save-metrics throughput with the
seed's small payload over keep-alive HTTP (wrk), with p50/p99.

    python3 bench/ingest/bench_ingest.py [build-dir] [--duration 10] [--connections 50]

The run uses bench_config.json: API Gateway's throttle (10,000 rps / 5,000 burst in the seed)
and DynamoDB's on-demand write limit are raised and the modelled Lambda duration set to 0, so
the figure is the emulator's own cost, not the seed's limits. Every 200 is committed to SQLite before it is sent (group commit), and
the script checks afterwards that the table holds one raw item per 200."""
import argparse
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))


def start(binary, data_dir, config):
    t0 = time.monotonic()
    proc = subprocess.Popen([binary, "serve", "--port", "0", "--data-dir", data_dir,
                             "--config", config], stdout=subprocess.PIPE, text=True)
    line = proc.stdout.readline()
    ready_ms = (time.monotonic() - t0) * 1000
    fields = dict(p.split("=", 1) for p in line.split() if "=" in p)
    return proc, fields["url"], fields["api-key"], ready_ms


def rss_mib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def get(url):
    with urllib.request.urlopen(url) as r:
        return json.load(r)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("build", nargs="?", default=os.path.join(ROOT, "build"))
    ap.add_argument("--duration", type=int, default=10)
    ap.add_argument("--connections", type=int, default=50)
    ap.add_argument("--threads", type=int, default=1)
    args = ap.parse_args()
    binary = os.path.join(args.build, "emulator", "emulator")
    data_dir = tempfile.mkdtemp(prefix="emu-bench-")
    try:
        readies = []
        for _ in range(5):  # time to ready: best and median of five cold starts
            d = tempfile.mkdtemp(prefix="emu-ready-", dir=data_dir)
            proc, _, _, ms = start(binary, d, os.path.join(HERE, "bench_config.json"))
            readies.append(ms)
            proc.send_signal(signal.SIGTERM)
            proc.wait()
        proc, url, key, _ = start(binary, data_dir, os.path.join(HERE, "bench_config.json"))
        time.sleep(1.0)
        idle = rss_mib(proc.pid)
        env = dict(os.environ, PAYLOAD=os.path.join(ROOT, "tests", "data", "payloads",
                                                    "metrics-terraform-test_payload_small.json"),
                   API_KEY=key)
        run = subprocess.run(["wrk", f"-t{args.threads}", f"-c{args.connections}",
                              f"-d{args.duration}s", "--latency", "-s",
                              os.path.join(HERE, "post_small.lua"), url], env=env,
                             capture_output=True, text=True)
        out = run.stdout
        if "non_200_responses=" not in out:
            proc.kill()
            sys.exit(f"wrk failed: {run.stdout}{run.stderr}")
        rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
        total = int(re.search(r"(\d+) requests in", out).group(1))
        non200 = int(re.search(r"non_200_responses=(\d+)", out).group(1))
        lat = dict(re.findall(r"\s+(50|99)%\s+([\d.]+\w+)", out))
        busy = rss_mib(proc.pid)
        ledger = get(url + "/_emulator/ledger")
        proc.send_signal(signal.SIGTERM)
        proc.wait()
        readies.sort()
        print(f"time to ready: best {readies[0]:.1f} ms, median {readies[2]:.1f} ms")
        print(f"idle RSS: {idle:.1f} MiB (after the run: {busy:.1f} MiB)")
        print(f"save-metrics: {rps:,.0f} req/s durable ({total} requests, {non200} not 200), "
              f"p50 {lat.get('50')}, p99 {lat.get('99')} "
              f"[wrk -t{args.threads} -c{args.connections} -d{args.duration}s]")
        # wrk stops counting with requests still in flight; those were stored too.
        stored = ledger["entries"]["items_stored"]
        print(f"raw items stored: {stored} (200s counted by wrk: {total - non200}; answers by "
              f"outcome: {ledger['requests']['by_outcome']})")
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
