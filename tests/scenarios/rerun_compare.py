#!/usr/bin/env python3
"""Determinism: runs a scenario again and checks that its event-log digest equals the first
run's (same seed -> identical run).  usage: rerun_compare.py LOADGEN SCENARIO FIRST_OUT OUT"""
import json
import subprocess
import sys

loadgen, scenario, first, out = sys.argv[1:5]
proc = subprocess.run([loadgen, "run", scenario, "--out", out], capture_output=True, text=True)
with open(f"{first}/summary.json") as f:
    a = json.load(f)["digest"]
with open(f"{out}/summary.json") as f:
    b = json.load(f)["digest"]
print(f"first run digest {a}, second run digest {b}")
sys.exit(0 if a == b else 1)
