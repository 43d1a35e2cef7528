#!/usr/bin/env python3
"""One scenario, two doors: runs scenario files in process and over HTTP against a fresh
`emulator serve --clock virtual --start <the scenario's start>` (with the storage settings an
in-process run uses, IN_PROCESS_STORAGE), and requires the same verdict
for every expectation (none skipped over HTTP).

    python3 scripts/two_doors.py BUILD_DIR [SCENARIO.json ...] [--speed X] [--out DIR]

Without scenario files it takes every scenario under scenarios/ except the sweeps' and the
ones listed in TOO_LARGE (named in the output with the reason, never left out silently).

A scenario whose "emulator" block holds settings an emulator cannot take at runtime is first
run against a default emulator, where loadgen must refuse it with exit 2 naming the keys; then
against an emulator started with the block as its --config. A scenario that loadgen refuses
even then is listed as refused, with loadgen's reason.

Exit status: 0 when every scenario run got the same verdicts in both doors, 1 when one
differs (or an HTTP run skipped an expectation), 2 on bad usage.
"""
import argparse
import glob
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
# What an in-process run sets under the scenario's emulator block (loadgen/run_virtual.cc):
# tables written behind, consumed stream records dropped, no fsync. Nothing a verdict reads
# depends on them; they spare the lock-stepped HTTP run a durable commit per request.
IN_PROCESS_STORAGE = {"dynamodb": {"write_through": False, "stream_drop_consumed_records": True},
                      "storage": {"synchronous": "OFF"}}
# Scenarios left out of the default list, with why (printed on every run).
TOO_LARGE = {
    "national-day.json": "the national day at full scale (9.9 M requests, 26 min in process); "
                         "over HTTP it is a soak, not a check",
    "national-day-2021-06-20.json": "4.5 M devices at full scale; its 1/20-scale fit runs in "
                                    "process as the calibrate ctests",
}


# Figures printed side by side (the verdicts are what must agree).
FIGURES = ["requests", "status.2xx", "status.4xx", "status.5xx", "lambda_throttles", "entries_stored",
           "entries_lost", "entries_in_dlq"]


def default_scenarios():
    files = sorted(glob.glob(os.path.join(ROOT, "scenarios", "*", "*.json")))
    files = [f for f in files if os.sep + "sweeps" + os.sep not in f]
    # The whole day at 1/20 last: it takes most of the time.
    return sorted(files, key=lambda f: os.path.basename(f) == "normal-day.json")


def verdicts(out_dir):
    with open(os.path.join(out_dir, "summary.json")) as f:
        s = json.load(f)
    return [(e["description"], e["passed"], e["skipped"]) for e in s["expectations"]], s


def merged(base, over):
    out = dict(base)
    for k, v in over.items():
        out[k] = merged(out[k], v) if isinstance(v, dict) and isinstance(out.get(k), dict) else v
    return out


class Emulator:
    def __init__(self, build, start, config=None):
        self.dir = tempfile.mkdtemp(prefix="two-doors-")
        args = [os.path.join(build, "emulator", "emulator"), "serve", "--port", "0",
                "--data-dir", os.path.join(self.dir, "data"), "--clock", "virtual", "--start", start]
        path = os.path.join(self.dir, "config.json")
        with open(path, "w") as f:
            json.dump(merged(IN_PROCESS_STORAGE, config or {}), f)
        args += ["--config", path]
        self.process = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        line = self.process.stdout.readline()
        if "ready" not in line:
            raise RuntimeError(f"emulator did not start: {line!r} {self.process.stderr.read()!r}")
        self.url = dict(p.split("=", 1) for p in line.split() if "=" in p)["url"]

    def close(self):
        self.process.terminate()
        try:
            self.process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        shutil.rmtree(self.dir, ignore_errors=True)


def loadgen(build, *args):
    started = time.monotonic()
    proc = subprocess.run([os.path.join(build, "loadgen", "loadgen"), "run", *args, "--no-progress"],
                          capture_output=True, text=True)
    return proc, time.monotonic() - started


def run_http(build, path, scenario, out, speed, config):
    emu = Emulator(build, scenario["start"], config)
    try:
        return loadgen(build, path, "--target", emu.url, "--speed", str(speed), "--out", out)
    finally:
        emu.close()


def first_line(text):
    return next((line for line in text.splitlines() if line.strip()), "").strip()


def two_doors(build, path, out_root, speed):
    """One scenario in both doors: a result dict (see main for the fields)."""
    name = os.path.splitext(os.path.basename(path))[0]
    with open(path) as f:
        scenario = json.load(f)
    r = {"scenario": os.path.relpath(path, ROOT), "notes": []}
    proc, r["in_process_s"] = loadgen(build, path, "--out", os.path.join(out_root, name, "in-process"))
    if proc.returncode not in (0, 1):
        r["status"] = "in-process run failed: " + first_line(proc.stderr)
        return r
    expected, summary = verdicts(os.path.join(out_root, name, "in-process"))
    r["requests"] = summary["figures"]["requests"]
    http_out = os.path.join(out_root, name, "http")
    proc, r["http_s"] = run_http(build, path, scenario, http_out, speed, None)
    if proc.returncode == 2 and "cannot change at runtime" in proc.stderr:
        # Refused against a default emulator (exit 2, naming the keys): an emulator started
        # with the block in its --config has them in force.
        r["notes"].append("refused by a default emulator (exit 2): " + first_line(proc.stderr))
        r["notes"].append("run against an emulator started with the scenario's emulator block as --config")
        proc, r["http_s"] = run_http(build, path, scenario, http_out, speed, scenario["emulator"])
    if proc.returncode == 2:
        r["status"] = "refused over HTTP (exit 2): " + first_line(proc.stderr)
        r["refused"] = True
        return r
    if proc.returncode not in (0, 1):
        r["status"] = f"HTTP run exited {proc.returncode}: " + first_line(proc.stderr)
        return r
    got, http_summary = verdicts(http_out)
    r["verdicts"] = [{"expectation": d, "in_process": p, "http": g, "http_skipped": s}
                     for (d, p, _), (_, g, s) in zip(expected, got)]
    # HTTP runs add expectations of their own (the default achieved_ratio gate): they must pass.
    r["http_only"] = [{"expectation": d, "http": g, "http_skipped": s} for d, g, s in got[len(expected):]]
    same = len(expected) <= len(got) and all(
        e[0] == g[0] and e[1] == g[1] and not g[2] for e, g in zip(expected, got)) and all(
        g and not s for _, g, s in got[len(expected):])
    r["figures"] = {k: (summary["figures"].get(k), http_summary["figures"].get(k)) for k in FIGURES}
    r["same"] = same
    r["status"] = "same verdicts" if same else "DIFFERENT verdicts"
    if not same:
        r["notes"].append("HTTP run output:\n" + proc.stdout)
    return r


def fmt(x):
    return "-" if x is None else f"{x:.0f}"


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("build", help="build directory (holds loadgen/loadgen and emulator/emulator)")
    ap.add_argument("scenarios", nargs="*", help="scenario files (default: all but the sweeps')")
    ap.add_argument("--speed", type=float, default=100000,
                    help="loadgen --speed over HTTP, a cap: the lock step with the emulator's "
                         "virtual clock sets the pace (default 100000)")
    ap.add_argument("--out", help="output directory (default: a temporary one, removed)")
    ap.add_argument("--json", help="also write the results to this file")
    args = ap.parse_args()
    files = [os.path.abspath(f) for f in args.scenarios] or default_scenarios()
    for f in files:
        if not os.path.isfile(f):
            print(f"two_doors.py: no scenario file {f}", file=sys.stderr)
            return 2
    out_root = args.out or tempfile.mkdtemp(prefix="two-doors-out-")
    results, ok = [], True
    for f in files:
        if not args.scenarios and os.path.basename(f) in TOO_LARGE:
            print(f"NOT RUN  {os.path.relpath(f, ROOT)}: {TOO_LARGE[os.path.basename(f)]}")
            results.append({"scenario": os.path.relpath(f, ROOT), "status": "not run: " + TOO_LARGE[os.path.basename(f)]})
            continue
        r = two_doors(args.build, f, out_root, args.speed)
        results.append(r)
        ok = ok and (r.get("same", False) or r.get("refused", False))
        tag = "SAME" if r.get("same") else "REFUSED" if r.get("refused") else "DIFFERS"
        times = f"in process {r['in_process_s']:.1f} s, over HTTP {r.get('http_s', 0):.1f} s"
        print(f"{tag:8} {r['scenario']}: {r['status']} ({r.get('requests', '?')} requests; {times})")
        for v in r.get("verdicts", []):
            flag = "" if v["in_process"] == v["http"] and not v["http_skipped"] else "   <- differs"
            print(f"           {'PASS' if v['in_process'] else 'FAIL'} / {'PASS' if v['http'] else 'FAIL'}"
                  f"{' (skipped)' if v['http_skipped'] else ''}  {v['expectation']}{flag}")
        for v in r.get("http_only", []):
            print(f"           HTTP only: {'PASS' if v['http'] and not v['http_skipped'] else 'FAIL'}  {v['expectation']}")
        if "figures" in r:
            print("           figures (in process / HTTP): " + ", ".join(
                f"{k} {fmt(a)}/{fmt(b)}" for k, (a, b) in r["figures"].items()))
        for note in r["notes"]:
            print("           " + note)
        sys.stdout.flush()
    if args.json:
        with open(args.json, "w") as f:
            json.dump(results, f, indent=2)
    if not args.out:
        shutil.rmtree(out_root, ignore_errors=True)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
