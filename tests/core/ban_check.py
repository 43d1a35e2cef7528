#!/usr/bin/env python3
"""Fails when emulator or loadgen code reads the wall clock, sleeps, or draws randomness outside
the core's clock and random files. Time must come from emu::Clock (or emu::wall for the real-time
edge) and randomness from emu::Random, so that virtual-time runs are deterministic."""
import pathlib
import re
import sys

ROOT = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else ".")
SCANNED = ["emulator", "loadgen"]
ALLOWED = {"emulator/core/clock_system.cc", "emulator/core/clock.h"}
BANNED = [
    (r"\bsystem_clock\s*::\s*now", "reads the wall clock; use emu::Clock"),
    (r"\bsteady_clock\s*::\s*now", "reads the wall clock; use emu::wall::monotonic_now"),
    (r"\bhigh_resolution_clock\b", "reads the wall clock; use emu::wall::monotonic_now"),
    (r"(?<!wall::)\bsleep_for\s*\(", "sleeps; schedule an event or use emu::wall::sleep_for"),
    (r"\bsleep_until\s*\(", "sleeps; schedule an event"),
    (r"\busleep\s*\(|\bnanosleep\s*\(|(?<![\w:.])sleep\s*\(", "sleeps"),
    (r"\bgettimeofday\s*\(|\bclock_gettime\s*\(", "reads the wall clock"),
    (r"(?<![\w.])time\s*\(\s*(nullptr|NULL|0)\s*\)", "reads the wall clock"),
    (r"(?<![\w.])s?rand\s*\(", "unseeded randomness; use emu::Random"),
    (r"\brandom_device\b", "unseeded randomness; use emu::Random"),
    (r"\bmt19937", "std engines differ by library; use emu::Random"),
    (r"\b\w+_distribution\s*<", "std distributions differ by library; use emu::Random"),
]
CODE = re.compile(r"//.*?$|/\*.*?\*/|\"(?:\\.|[^\"\\])*\"", re.S | re.M)

failures = []
for top in SCANNED:
    for path in sorted((ROOT / top).rglob("*")):
        if path.suffix not in {".h", ".hpp", ".cc", ".cpp"}:
            continue
        rel = path.relative_to(ROOT).as_posix()
        if rel in ALLOWED:
            continue
        text = CODE.sub(lambda m: re.sub(r"[^\n]", " ", m.group(0))
                        if m.group(0).startswith("/") else '""', path.read_text(errors="replace"))
        for lineno, line in enumerate(text.splitlines(), 1):
            for pattern, why in BANNED:
                if re.search(pattern, line):
                    failures.append(f"{rel}:{lineno}: {why}: {line.strip()}")
if failures:
    print("ban_check: forbidden time/randomness use outside emulator/core/clock_system.cc:")
    print("\n".join(failures))
    sys.exit(1)
print("ban_check: ok")
