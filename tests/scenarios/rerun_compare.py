#!/usr/bin/env python3
"""Runs a scenario again and checks that its event-log digest equals the first run's.

  rerun_compare.py LOADGEN SCENARIO FIRST_OUT OUT [--cache-mib N]

Without --cache-mib: determinism (same seed -> identical run). With it, the second run keeps
at most N MiB of DynamoDB rows in memory (the rest goes to the store and is read back): the
digest must not change, since the cache size changes memory, never results."""
import json
import os
import subprocess
import sys

loadgen, scenario, first, out = sys.argv[1:5]
if "--cache-mib" in sys.argv:
    cache_mib = float(sys.argv[sys.argv.index("--cache-mib") + 1])
    with open(scenario) as f:
        s = json.load(f)
    s.setdefault("emulator", {}).setdefault("dynamodb", {})["cache_mib"] = cache_mib
    os.makedirs(out, exist_ok=True)
    scenario = os.path.join(out, "scenario-small-cache.json")
    with open(scenario, "w") as f:
        json.dump(s, f)
proc = subprocess.run([loadgen, "run", scenario, "--out", out], capture_output=True, text=True)
with open(f"{first}/summary.json") as f:
    a = json.load(f)["digest"]
with open(f"{out}/summary.json") as f:
    b = json.load(f)["digest"]
print(f"first run digest {a}, second run digest {b}")
sys.exit(0 if a == b else 1)
