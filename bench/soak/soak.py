#!/usr/bin/env python3
"""Soak: `emulator serve` under constant load for a long time; its resident memory must stay
flat (bounded by configuration, not by what it stores).

The load is the project's own load generator over HTTP, open model, at a constant rate, with
the ingest benchmark's config (modelled latencies and throttles lifted, so every request is
stored and streamed). Every minute the emulator's RSS (/proc/PID/status) and the items it holds
are printed. Verdict: after the warm-up, RSS stays within +-10 % of its mean and under the cap.

    python3 bench/soak/soak.py build --rate 5000 --minutes 30
Exit status 1 if the verdict fails.
"""
import argparse
import http.client
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
CONFIG = os.path.join(HERE, "..", "ingest", "bench_config.json")


def rss_mib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def get_json(port, path):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    c.request("GET", path)
    return json.loads(c.getresponse().read())


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("build", nargs="?", default="build")
    ap.add_argument("--rate", type=float, default=5000)
    ap.add_argument("--minutes", type=int, default=30)
    ap.add_argument("--warmup-minutes", type=int, default=5)
    ap.add_argument("--cap-mib", type=float, default=256)
    ap.add_argument("--interval", type=float, default=60, help="seconds between samples")
    ap.add_argument("--settle-timeout", type=float, default=120,
                    help="seconds loadgen waits after the load for the pipeline to drain (the "
                         "aggregator lags at this rate; without a bound the wait is the "
                         "scenario's drain, 10 minutes)")
    args = ap.parse_args()
    emulator = os.path.join(args.build, "emulator", "emulator")
    loadgen = os.path.join(args.build, "loadgen", "loadgen")
    work = tempfile.mkdtemp(prefix="emu-soak-")
    data = os.path.join(work, "data")
    server = subprocess.Popen([emulator, "serve", "--port", "0", "--data-dir", data,
                               "--config", CONFIG], stdout=subprocess.PIPE,
                              stderr=subprocess.DEVNULL, text=True)
    line = server.stdout.readline()
    fields = dict(p.split("=", 1) for p in line.split() if "=" in p)
    url = fields["url"]
    port = int(url.rsplit(":", 1)[1])
    seconds = args.minutes * 60
    scenario = {"name": "soak", "seed": 1, "duration": seconds, "start": "2021-06-27T00:00:00Z",
                "population": {"devices": 200000},
                "schedule": [{"type": "constant", "rate": args.rate, "duration": seconds}]}
    scenario_file = os.path.join(work, "soak.json")
    with open(scenario_file, "w") as f:
        json.dump(scenario, f)
    load = subprocess.Popen([loadgen, "run", scenario_file, "--target", url, "--out",
                             os.path.join(work, "out"), "--settle-timeout",
                             str(args.settle_timeout)], stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)
    samples = []
    print(f"soak: {args.rate:.0f} req/s for {args.minutes} min against {url} "
          f"(pid {server.pid}); RSS every {args.interval:.0f} s", flush=True)
    print(f"{'minute':>6} {'RSS MiB':>8} {'raw items':>10} {'cached rows':>11} "
          f"{'db MiB':>7} {'wal MiB':>8}", flush=True)
    start = time.monotonic()
    while load.poll() is None:
        # Sampling is the point of the benchmark: one reading per interval of real time.
        time.sleep(max(0.0, start + (len(samples) + 1) * args.interval - time.monotonic()))
        if load.poll() is not None:
            break
        state = get_json(port, "/_emulator/state")["dynamodb"]
        db = os.path.join(data, "emulator.db")
        sizes = [os.path.getsize(p) / 2**20 if os.path.exists(p) else 0
                 for p in (db, db + "-wal")]
        samples.append(rss_mib(server.pid))
        print(f"{(time.monotonic() - start) / 60:>6.1f} {samples[-1]:>8.1f} "
              f"{state['tables']['raw_metrics']['item_count']:>10} "
              f"{state['row_cache']['rows']:>11} {sizes[0]:>7.0f} {sizes[1]:>8.0f}", flush=True)
    summary = load.stdout.read()
    print(summary.strip().splitlines()[1] if summary.strip() else "(no loadgen output)")
    server.terminate()
    server.wait(timeout=60)
    shutil.rmtree(work, ignore_errors=True)
    steady = samples[int(args.warmup_minutes * 60 / args.interval):]
    if not steady:
        print("verdict: too short to judge")
        return 1
    mean = sum(steady) / len(steady)
    spread = max(abs(s - mean) / mean for s in steady)
    ok = spread <= 0.10 and max(steady) <= args.cap_mib
    print(f"verdict: after {args.warmup_minutes} min, RSS {min(steady):.1f}..{max(steady):.1f} MiB "
          f"(mean {mean:.1f}, within {spread * 100:.1f} % of it; cap {args.cap_mib:.0f} MiB): "
          f"{'flat' if ok else 'NOT flat'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
