"""docs/ci.md: its GitHub Actions workflow is valid YAML of the expected shape, every command it
runs exists in the package or in a debian:12 container once its install step is done, and its
steps after the install, then its plain shell recipe, run against the package unpacked in the
scratch root (each /usr/share/covid-alert-emulator path pointed there) and pass, with the
scenario gate's exit codes and the report the workflow uploads."""
import json
import os
import re
import shlex
import shutil
import signal
import subprocess
import time
from pathlib import Path

import pytest
import yaml

from package_paths import ROOT, SHARE, SOURCE_DIR, clean_env

CI_MD = (SOURCE_DIR / "docs/ci.md").read_text()
INSTALLED_PREFIX = "/usr/share/covid-alert-emulator"
SHELL_WORDS = {"if", "then", "else", "elif", "fi", "for", "in", "do", "done", "while", "until",
               "!", "{", "}"}
BUILTINS = {"echo", "kill", "trap", "set", "export", "cd", "exit", "test", "[", "true", "false",
            "read", "wait", "printf"}
OPERATORS = {"&&", "||", ";", "|", "&", "(", ")", ";;", "|&"}


def fenced(lang):
    return re.findall(rf"^```{lang}\n(.*?)^```", CI_MD, re.S | re.M)


WORKFLOW_TEXT = fenced("yaml")[0]
WORKFLOW = yaml.safe_load(WORKFLOW_TEXT)
JOB = WORKFLOW["jobs"]["integration"]
STEPS = JOB["steps"]
INSTALL_STEP = next(s for s in STEPS if s.get("id") == "install")


def segments(script):
    """The simple commands of a shell script, as token lists (enough shell for these scripts)."""
    out = []
    for line in script.replace("\\\n", " ").splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        lexer = shlex.shlex(line, posix=True, punctuation_chars=True)
        lexer.whitespace_split = True
        current = []
        for token in lexer:
            if token in OPERATORS:
                out.append(current)
                current = []
            else:
                current.append(token)
        out.append(current)
        # $(...) inside double quotes stays in one token: its command is a command too.
        out += [[m] for m in re.findall(r"\$\(\s*([A-Za-z][\w.+-]*)", line)]
    return [s for s in out if s]


def command_words(script):
    words = []
    for seg in segments(script):
        while seg and (seg[0] in SHELL_WORDS or re.match(r"^[A-Za-z_]\w*=", seg[0])):
            seg = seg[1:]
        if not seg or seg[0].startswith((">", "<")):
            continue
        words.append(seg[0])
        if seg[0] == "timeout":  # timeout DURATION COMMAND...
            words += command_words(shlex.join(seg[2:]))
        if seg[0] in ("sh", "bash") and "-c" in seg:
            words += command_words(seg[seg.index("-c") + 1])
        if seg[0] == "trap":
            words += command_words(seg[1])
    return words


def apt_installed_packages(script):
    packages = []
    for seg in segments(script):
        if seg[:2] == ["apt-get", "install"]:
            packages += [t for t in seg[2:] if not t.startswith("-") and "/" not in t]
    return packages


def dependency_closure(packages):
    out = subprocess.run(["apt-cache", "depends", "--recurse", "--no-recommends",
                          "--no-suggests", "--no-conflicts", "--no-breaks", "--no-replaces",
                          "--no-enhances", *packages], capture_output=True, text=True).stdout
    return {line.strip().split(":")[0] for line in out.splitlines() if not line.startswith(" ")}


def owner(command):
    path = shutil.which(command, path="/usr/sbin:/usr/bin:/sbin:/bin")
    assert path, f"{command} is not installed here"
    for candidate in (path, os.path.realpath(path), path.replace("/usr/bin/", "/bin/")):
        found = subprocess.run(["dpkg", "-S", candidate], capture_output=True, text=True).stdout
        owners = [line.split(":")[0].split(",")[0] for line in found.splitlines()
                  if not line.startswith("diversion by ")]  # /bin/sh is diverted by dash
        if owners:
            return owners[0]
    raise AssertionError(f"no package owns {path}")


def in_base_image(package):
    """debian:12 holds the Essential and Priority: required packages."""
    fields = subprocess.run(["dpkg-query", "-W", "-f", "${Essential} ${Priority}", package],
                            capture_output=True, text=True).stdout.split()
    return fields and (fields[0] == "yes" or fields[-1] == "required")


def localized(text):
    return text.replace(INSTALLED_PREFIX, str(SHARE))


# -- the workflow's shape ----------------------------------------------------------------------

def test_workflow_is_yaml_of_the_expected_shape():
    triggers = WORKFLOW.get("on", WORKFLOW.get(True))  # YAML 1.1 reads a bare `on` as true
    assert set(triggers) >= {"push", "pull_request"}
    assert JOB["container"]["image"] == "debian:12"  # the package's dependencies are bookworm's
    assert JOB["runs-on"] == "ubuntu-latest"
    for step in STEPS:
        assert ("uses" in step) != ("run" in step), step
    assert [s["uses"].split("@")[0] for s in STEPS if "uses" in s] == [
        "actions/checkout", "actions/upload-artifact"]
    upload = next(s for s in STEPS if "upload-artifact" in s.get("uses", ""))
    assert upload["if"] == "always()" and "loadgen-out/report.html" in upload["with"]["path"]
    assert re.search(r"^apt-get install .*covid-alert-emulator\.deb", INSTALL_STEP["run"], re.M)


def test_every_command_exists_in_the_package_or_the_container():
    installed = dependency_closure(apt_installed_packages(INSTALL_STEP["run"]))
    assert {"curl", "python3-pytest", "python3-boto3"} <= installed
    scripts = [s["run"] for s in STEPS if "run" in s] + fenced("sh")
    words = {w for script in scripts for w in command_words(script)}
    assert {"covid-alert-emulator", "covid-alert-loadgen", "python3", "apt-get"} <= words
    for word in sorted(words):
        if word.startswith("covid-alert-"):
            assert (ROOT / "usr/bin" / word).is_file(), f"{word} is not in the package"
        elif word not in BUILTINS:
            package = owner(word)
            assert in_base_image(package) or package in installed, \
                f"{word} ({package}) is neither in debian:12 nor installed by the install step"


def test_every_shipped_path_it_names_is_in_the_package():
    paths = re.findall(re.escape(INSTALLED_PREFIX) + r"[\w./-]*", CI_MD)
    assert f"{INSTALLED_PREFIX}/scenarios/everyday/smoke.json" in paths
    for path in paths:
        assert (ROOT / path.lstrip("/")).exists(), path


def test_the_packaged_copy_is_this_file():
    assert (ROOT / "usr/share/doc/covid-alert-emulator/ci.md").read_text() == CI_MD


# -- running it ---------------------------------------------------------------------------------

# The user's integration tests: the fixture example from docs/ci.md, and one against the shared
# emulator the workflow starts.
SHARED_EMULATOR_TEST = '''
import os
import boto3

def test_the_shared_emulator_answers_at_EMULATOR_URL():
    ddb = boto3.client("dynamodb", endpoint_url=os.environ["EMULATOR_URL"],
                       region_name="ca-central-1", aws_access_key_id="x",
                       aws_secret_access_key="x")
    assert "raw_metrics" in ddb.list_tables()["TableNames"]
'''


@pytest.fixture
def workspace(tmp_path):
    """A checked-out user repository: tests/integration with two tests."""
    tests = tmp_path / "repo/tests/integration"
    tests.mkdir(parents=True)
    (tests / "test_fixture_example.py").write_text(fenced("python")[0])
    (tests / "test_shared.py").write_text(SHARED_EMULATOR_TEST)
    return tmp_path / "repo"


def alive(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def wait_gone(pid, timeout=30):
    deadline = time.monotonic() + timeout
    while alive(pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    return not alive(pid)


class Runner:
    """Runs workflow steps as GitHub does: `bash -e` per step, one environment for the job,
    $GITHUB_ENV lines carried to later steps, RUNNER_TEMP."""

    def __init__(self, tmp_path, workspace):
        self.workspace = workspace
        self.runner_temp = tmp_path / "runner-temp"
        self.runner_temp.mkdir()
        self.github_env = tmp_path / "github-env"
        job_env = {k: localized(re.sub(r"\$\{\{.*?\}\}", "", str(v)))
                   for k, v in JOB.get("env", {}).items()}
        self.env = clean_env(CI="true", GITHUB_ACTIONS="true", RUNNER_TEMP=str(self.runner_temp),
                             GITHUB_WORKSPACE=str(workspace), TMPDIR=str(tmp_path), **job_env)

    def run(self, step, **env):
        self.github_env.write_text("")
        proc = subprocess.run(["bash", "-e", "-c", localized(step["run"])], cwd=self.workspace,
                              env=dict(self.env, GITHUB_ENV=str(self.github_env), **env),
                              capture_output=True, text=True, timeout=240)
        for line in self.github_env.read_text().splitlines():
            key, value = line.split("=", 1)
            self.env[key] = value
        return proc

    def emulator_pid(self):
        pid_file = self.runner_temp / "emulator.pid"
        return int(pid_file.read_text()) if pid_file.exists() else None


def test_the_workflow_runs_against_the_package(tmp_path, workspace):
    runner = Runner(tmp_path, workspace)
    results = {}
    try:
        for step in STEPS:
            if "uses" in step or step is INSTALL_STEP:
                continue  # checkout: the workspace; install: the scratch root (test_install.py)
            # Every step must pass, so the `if: always()` ones run after passing steps here.
            results[step["name"]] = proc = runner.run(step)
            assert proc.returncode == 0, f"{step['name']}:\n{proc.stdout}\n{proc.stderr}"
    finally:
        pid = runner.emulator_pid()
        if pid and alive(pid):
            os.kill(pid, signal.SIGTERM)
    assert runner.env["EMULATOR_URL"].startswith("http://127.0.0.1:")
    assert "2 passed" in results["Integration tests"].stdout
    assert "PASS ledger nothing_lost" in results["Scenario gate"].stdout
    upload = next(s for s in STEPS if "upload-artifact" in s.get("uses", ""))
    for path in upload["with"]["path"].split():
        assert (workspace / path).stat().st_size > 0, path
    assert json.loads((workspace / "loadgen-out/summary.json").read_text())["passed"]
    assert wait_gone(runner.emulator_pid()), "the stop step left the emulator running"
    assert "stopped cleanly" in results["Stop the shared emulator"].stdout


@pytest.mark.parametrize("change, exit_code", [
    ({"expectations": [{"figure": "status.2xx", "max": 0}]}, 1),  # an expectation fails
    ({"duration": "ten minutes"}, 2),                              # a bad scenario file
])
def test_the_gate_fails_the_job(tmp_path, workspace, change, exit_code):
    scenario = json.loads((SHARE / "scenarios/everyday/smoke.json").read_text())
    scenario.update(change)
    (workspace / "gate.json").write_text(json.dumps(scenario))
    gate = next(s for s in STEPS if s.get("name") == "Scenario gate")
    proc = Runner(tmp_path, workspace).run(gate, SCENARIO="gate.json")
    assert proc.returncode == exit_code, proc.stdout + proc.stderr


def test_the_shell_recipe_runs_against_the_package(tmp_path, workspace):
    recipe = fenced("sh")[0]
    install = re.search(r"^# 1\..*?(?=^# 2\.)", recipe, re.S | re.M).group(0)
    assert re.search(r"^apt-get install -y \./covid-alert-emulator_\*_amd64\.deb ", install, re.M)
    script = localized(recipe.replace(install, ""))
    recipe_tmp = tmp_path / "recipe-tmp"
    recipe_tmp.mkdir()
    proc = subprocess.run(["sh", "-c", script], cwd=workspace, capture_output=True, text=True,
                          env=clean_env(TMPDIR=str(recipe_tmp)), timeout=240)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "2 passed" in proc.stdout and "PASS ledger nothing_lost" in proc.stdout
    assert (workspace / "loadgen-out/report.html").is_file()
    # Its trap stops the shared emulator: no process is left with its data dir.
    leftovers = [p for p in Path("/proc").glob("[0-9]*")
                 if str(recipe_tmp).encode() in _cmdline(p) and alive(p.name)]
    assert all(wait_gone(p.name) for p in leftovers)


def _cmdline(proc_dir):
    try:
        return (proc_dir / "cmdline").read_bytes()
    except OSError:
        return b""
