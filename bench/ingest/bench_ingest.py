#!/usr/bin/env python3
"""save-metrics benchmark: time to ready, idle RSS, and durable save-metrics throughput with the
seed's small payload over keep-alive HTTP (wrk), with p50/p99.

    python3 bench/ingest/bench_ingest.py [build-dir] [--duration 10] [--connections 50]

The run uses bench_config.json: API Gateway's throttle (10,000 rps / 5,000 burst in the seed)
and DynamoDB's on-demand write limit are raised, and the modelled latencies (Lambda duration,
API Gateway's 3 ms overhead) are set to 0, so the figure is the emulator's own cost, not the
seed's limits: a closed-loop client with C connections against a server that holds every answer
3 ms can never see more than C / 3 ms (16,700 req/s at 50 connections), whatever the server
costs. A second run keeps the modelled 3 ms and uses enough connections (--modelled-connections)
for Little's law not to cap it. Every 200 is committed to SQLite before it is sent (group
commit), and the script checks afterwards that the table holds one raw item per 200."""
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


def run_wrk(binary, data_root, config, connections, threads, duration):
    """One durable save-metrics run against a fresh server: (wrk figures, stored items)."""
    data_dir = tempfile.mkdtemp(prefix="emu-run-", dir=data_root)
    proc, url, key, _ = start(binary, data_dir, config)
    try:
        time.sleep(1.0)
        idle = rss_mib(proc.pid)
        env = dict(os.environ, PAYLOAD=os.path.join(ROOT, "tests", "data", "payloads",
                                                    "metrics-terraform-test_payload_small.json"),
                   API_KEY=key)
        run = subprocess.run(["wrk", f"-t{threads}", f"-c{connections}", f"-d{duration}s",
                              "--latency", "-s", os.path.join(HERE, "post_small.lua"), url],
                             env=env, capture_output=True, text=True)
        out = run.stdout
        if "non_200_responses=" not in out:
            sys.exit(f"wrk failed: {run.stdout}{run.stderr}")
        figures = {
            "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
            "total": int(re.search(r"(\d+) requests in", out).group(1)),
            "non200": int(re.search(r"non_200_responses=(\d+)", out).group(1)),
            "lat": dict(re.findall(r"\s+(50|99)%\s+([\d.]+\w+)", out)),
            "idle": idle,
            "busy": rss_mib(proc.pid),
            "ledger": get(url + "/_emulator/ledger"),
            "wrk": f"wrk -t{threads} -c{connections} -d{duration}s",
        }
        return figures
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait()


def report(label, f):
    lat = f["lat"]
    print(f"{label}: {f['rps']:,.0f} req/s durable ({f['total']} requests, {f['non200']} not 200), "
          f"p50 {lat.get('50')}, p99 {lat.get('99')} [{f['wrk']}]")
    # wrk stops counting with requests still in flight; those were stored too.
    ledger = f["ledger"]
    print(f"  raw items stored: {ledger['entries']['items_stored']} (200s counted by wrk: "
          f"{f['total'] - f['non200']}; answers by outcome: {ledger['requests']['by_outcome']})")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("build", nargs="?", default=os.path.join(ROOT, "build"))
    ap.add_argument("--duration", type=int, default=10)
    ap.add_argument("--connections", type=int, default=50)
    ap.add_argument("--modelled-connections", type=int, default=200,
                    help="connections for the run that keeps the modelled 3 ms (0: skip it)")
    ap.add_argument("--threads", type=int, default=1)
    args = ap.parse_args()
    binary = os.path.join(args.build, "emulator", "emulator")
    config = os.path.join(HERE, "bench_config.json")
    data_root = tempfile.mkdtemp(prefix="emu-bench-")
    try:
        readies = []
        for _ in range(5):  # time to ready: best and median of five cold starts
            d = tempfile.mkdtemp(prefix="emu-ready-", dir=data_root)
            proc, _, _, ms = start(binary, d, config)
            readies.append(ms)
            proc.send_signal(signal.SIGTERM)
            proc.wait()
        readies.sort()
        main_run = run_wrk(binary, data_root, config, args.connections, args.threads,
                           args.duration)
        print(f"time to ready: best {readies[0]:.1f} ms, median {readies[2]:.1f} ms")
        print(f"idle RSS: {main_run['idle']:.1f} MiB (after the run: {main_run['busy']:.1f} MiB)")
        report("save-metrics", main_run)
        if args.modelled_connections > 0:
            modelled = os.path.join(data_root, "modelled.json")
            with open(config) as f:
                settings = json.load(f)
            settings["apigateway"].pop("overhead_ms", None)  # back to the seed's 3 ms
            with open(modelled, "w") as f:
                json.dump(settings, f)
            report("save-metrics with the modelled 3 ms API Gateway overhead",
                   run_wrk(binary, data_root, modelled, args.modelled_connections,
                           args.threads, args.duration))
    finally:
        shutil.rmtree(data_root, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
