"""Runs `covid-alert-loadgen run` and reads what it wrote."""
import json
import subprocess
from pathlib import Path

from .locate import find_program, share_dir

LOADGEN_EXIT_MEANINGS = {0: "every expectation met", 1: "an expectation failed",
                         2: "bad flag, scenario file or unreachable target"}


class ScenarioResult:
    """returncode (0 passed, 1 an expectation failed, 2 bad input), output (stdout + stderr),
    out_dir, summary (summary.json as a dict, or None), report (report.html's path)."""

    def __init__(self, returncode, output, out_dir):
        self.returncode, self.output, self.out_dir = returncode, output, Path(out_dir)
        self.report = self.out_dir / "report.html"
        summary = self.out_dir / "summary.json"
        self.summary = json.loads(summary.read_text()) if summary.is_file() else None

    @property
    def passed(self):
        return self.returncode == 0

    def failed_expectations(self):
        if not self.summary:
            return []
        return [e for e in self.summary["expectations"] if not e["passed"]]

    def __repr__(self):
        meaning = LOADGEN_EXIT_MEANINGS.get(self.returncode, "unexpected exit")
        return f"ScenarioResult({self.returncode}: {meaning}, out_dir={str(self.out_dir)!r})"


def resolve_scenario(scenario):
    """A path as given, or a shipped scenario by name ("everyday/smoke", ".json" optional)."""
    path = Path(scenario)
    if path.is_file():
        return path
    shipped = share_dir("scenarios")
    for candidate in (shipped / scenario, shipped / f"{scenario}.json"):
        if candidate.is_file():
            return candidate
    raise FileNotFoundError(f"no scenario file {scenario} (nor under {shipped})")


def run_loadgen(scenario_path, out_dir, seed, extra_args):
    args = [str(find_program("loadgen")), "run", str(scenario_path), "--out", str(out_dir),
            "--no-progress"]
    if seed is not None:
        args += ["--seed", str(seed)]
    proc = subprocess.run(args + list(extra_args), capture_output=True, text=True,
                          stdin=subprocess.DEVNULL)
    return ScenarioResult(proc.returncode, proc.stdout + proc.stderr, out_dir)
