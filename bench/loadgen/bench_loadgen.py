#!/usr/bin/env python3
"""loadgen against a trivial loopback server (nginx from Debian, one worker, `return 200`),
with wrk measured in the same run:

  1. closed loop, one thread, 50 connections: loadgen's rate / wrk's rate (target >= 0.9);
  2. open model at fixed rates (10k, 25k, 50k req/s): achieved vs planned (target within 1 %);
  3. memory: loadgen's peak RSS after 1 M and 3 M requests at 25k req/s (target flat).

    python3 bench/loadgen/bench_loadgen.py [build-dir] [--seconds 10]
"""
import argparse
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_nginx(work):
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    if not os.path.exists(nginx):
        sudo = [] if os.geteuid() == 0 else ["sudo"]
        subprocess.run(sudo + ["apt-get", "install", "-y", "-qq", "nginx-light"], check=True,
                       env=dict(os.environ, DEBIAN_FRONTEND="noninteractive"))
    port = free_port()
    os.makedirs(os.path.join(work, "logs"), exist_ok=True)
    conf = os.path.join(work, "nginx.conf")
    with open(conf, "w") as f:
        f.write(f"""worker_processes 1; daemon off; pid {work}/nginx.pid; error_log {work}/error.log;
events {{ worker_connections 4096; }}
http {{ access_log off; keepalive_requests 1000000;
  server {{ listen 127.0.0.1:{port}; location / {{ return 200 '{{"status":"RECORD CREATED"}}'; }} }} }}
""")
    proc = subprocess.Popen([nginx, "-p", work, "-c", conf], stderr=subprocess.DEVNULL)
    time.sleep(0.3)
    return proc, f"http://127.0.0.1:{port}"


def scenario(work, name, phase, devices=100000):
    path = os.path.join(work, name + ".json")
    with open(path, "w") as f:
        json.dump({"name": name, "duration": phase["duration"], "population": {"devices": devices,
                   "queue_min": 1, "queue_max": 1}, "schedule": [phase]}, f)
    return path


def run_loadgen(binary, path, url, out, connections=200):
    cmd = ["/usr/bin/time", "-f", "%M", binary, "run", path, "--target", url, "--out", out,
           "--connections", str(connections)]
    proc = subprocess.run(cmd, capture_output=True, text=True)
    rss_kb = int(proc.stderr.strip().splitlines()[-1])
    with open(os.path.join(out, "summary.json")) as f:
        summary = json.load(f)
    return summary, rss_kb


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("build", nargs="?", default=os.path.join(ROOT, "build"))
    ap.add_argument("--seconds", type=int, default=10)
    args = ap.parse_args()
    binary = os.path.join(args.build, "loadgen", "loadgen")
    work = tempfile.mkdtemp(prefix="lg-bench-")
    nginx, url = start_nginx(work)
    try:
        body = os.path.join(ROOT, "tests", "data", "payloads", "metrics-terraform-test_payload_small.json")
        lua = os.path.join(ROOT, "bench", "ingest", "post_small.lua")
        out = subprocess.run(["wrk", "-t1", "-c50", f"-d{args.seconds}s", "-s", lua, url],
                             env=dict(os.environ, PAYLOAD=body, API_KEY="k"),
                             capture_output=True, text=True).stdout
        wrk_rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
        path = scenario(work, "closed", {"type": "closed", "connections": 50, "duration": args.seconds})
        summary, _ = run_loadgen(binary, path, url, os.path.join(work, "closed"), 50)
        lg_rate = summary["figures"]["requests"] / summary["wall_seconds"]
        print(f"closed loop, 1 thread, 50 connections: wrk {wrk_rate:,.0f} req/s, loadgen "
              f"{lg_rate:,.0f} req/s, ratio {lg_rate / wrk_rate:.2f} (target >= 0.9)")
        for rate in (10000, 25000, 50000):
            path = scenario(work, f"open{rate}", {"type": "constant", "rate": rate, "duration": args.seconds})
            summary, rss = run_loadgen(binary, path, url, os.path.join(work, f"open{rate}"))
            f = summary["figures"]
            achieved = f["requests"] / summary["wall_seconds"]
            print(f"open model {rate:,} req/s: planned {f['planned']:,.0f}, answered {f['requests']:,.0f} "
                  f"in {summary['wall_seconds']:.2f} s ({achieved:,.0f} req/s, "
                  f"{100 * (achieved / rate - 1):+.2f} %), late sends {f['late_sends']:,.0f}, "
                  f"p99 {f['latency_p99_ms']:.2f} ms, peak RSS {rss / 1024:.1f} MiB")
        rss = {}
        for n_seconds in (40, 120):
            path = scenario(work, f"mem{n_seconds}", {"type": "constant", "rate": 25000, "duration": n_seconds})
            summary, rss[n_seconds] = run_loadgen(binary, path, url, os.path.join(work, f"mem{n_seconds}"))
            print(f"memory: {summary['figures']['requests']:,.0f} requests -> peak RSS "
                  f"{rss[n_seconds] / 1024:.1f} MiB")
        print(f"RSS growth from 1 M to 3 M requests: {100 * (rss[120] / rss[40] - 1):+.1f} % (target within 10 %)")
    finally:
        nginx.terminate()
        nginx.wait()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
