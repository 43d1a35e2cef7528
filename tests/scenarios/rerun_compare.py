#!/usr/bin/env python3
"""Runs a scenario again and checks that its event-log digest equals the first run's.

  rerun_compare.py LOADGEN SCENARIO FIRST_OUT OUT [--cache-mib N]

Without --cache-mib: determinism (same seed -> identical run). With it, the second run keeps
at most N MiB of DynamoDB rows in memory (the rest goes to the store and is read back): the
digest must not change, since the cache size changes memory, never results.

Fails (exit 1) when the first run left no summary or failed, when the second run exits non-zero,
or when the digests differ. OUT is emptied before the second run, so a summary.json left there
by an earlier run can never be read in place of this run's."""
import json
import os
import shutil
import subprocess
import sys


def digest(folder, label):
    path = os.path.join(folder, "summary.json")
    try:
        with open(path) as f:
            summary = json.load(f)
    except (OSError, ValueError) as e:
        sys.exit(f"{label} run left no readable {path}: {e}")
    if "digest" not in summary:
        sys.exit(f"{label} run's {path} has no digest")
    if not summary.get("passed", False):
        sys.exit(f"{label} run failed (its {path} says passed: false)")
    return summary["digest"]


loadgen, scenario, first, out = sys.argv[1:5]
shutil.rmtree(out, ignore_errors=True)
os.makedirs(out)
if "--cache-mib" in sys.argv:
    cache_mib = float(sys.argv[sys.argv.index("--cache-mib") + 1])
    with open(scenario) as f:
        s = json.load(f)
    s.setdefault("emulator", {}).setdefault("dynamodb", {})["cache_mib"] = cache_mib
    scenario = os.path.join(out, "scenario-small-cache.json")
    with open(scenario, "w") as f:
        json.dump(s, f)
a = digest(first, "first")
proc = subprocess.run([loadgen, "run", scenario, "--out", out], capture_output=True, text=True)
if proc.returncode != 0:
    sys.stdout.write(proc.stdout)
    sys.stderr.write(proc.stderr)
    sys.exit(f"second run failed with exit code {proc.returncode}")
b = digest(out, "second")
print(f"first run digest {a}, second run digest {b}")
sys.exit(0 if a == b else 1)
