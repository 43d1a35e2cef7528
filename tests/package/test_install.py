"""The Debian package: its metadata, its dependencies (derived from what the binaries link, and
resolvable by apt), its files, and its programs run from the scratch root it was unpacked into,
away from the source and build trees: the emulator served, the loadgen on the smoke scenario (in
process and over HTTP against the installed emulator), the man pages, the pytest fixture."""
import gzip
import json
import os
import re
import subprocess
import time
import urllib.request

import pytest

from package_paths import (BUILD_DIR, PROGRAMS, PYTHON_DIR, ROOT, SHARE, SOURCE_DIR, VERSION,
                           clean_env, the_deb)


def run(args, **kwargs):
    return subprocess.run([str(a) for a in args], capture_output=True, text=True,
                          env=kwargs.pop("env", clean_env()), **kwargs)


def deb_field(name):
    return run(["dpkg-deb", "-f", the_deb(), name]).stdout.strip()


def needed_libraries(binary):
    dynamic = run(["readelf", "-d", binary]).stdout
    return re.findall(r"\(NEEDED\)\s+Shared library: \[([^\]]+)\]", dynamic)


def owning_packages(sonames):
    """{soname: the Debian package that ships it for this machine's architecture}."""
    multiarch = run(["dpkg-architecture", "-qDEB_HOST_MULTIARCH"]).stdout.strip()
    patterns = [f"*/{multiarch}/{soname}" for soname in sonames]
    owners = {}
    for line in run(["dpkg", "-S", *patterns]).stdout.splitlines():
        package, path = line.split(": ", 1)
        owners[os.path.basename(path)] = package.split(":")[0]
    return owners


def test_metadata():
    arch = run(["dpkg", "--print-architecture"]).stdout.strip()
    assert the_deb().name == f"covid-alert-emulator_{VERSION}_{arch}.deb"
    assert deb_field("Package") == "covid-alert-emulator"
    assert deb_field("Version") == VERSION
    assert deb_field("Architecture") == arch
    assert re.fullmatch(r".+ <.+@.+>", deb_field("Maintainer"))
    assert "python3-boto3" in deb_field("Recommends")


def test_depends_names_the_package_of_every_library_the_programs_link():
    depends = {d.split()[0] for d in deb_field("Depends").split(", ")}
    for program in PROGRAMS.values():
        libraries = needed_libraries(program)
        # SQLite, zlib, OpenSSL and jemalloc are linked statically and fmt is header-only
        # (CMakeLists.txt); Debian's simdjson ships only a shared library.
        assert not any(soname.startswith("libfmt.so") for soname in libraries)
        assert any(soname.startswith("libsimdjson.so.") for soname in libraries)
        owners = owning_packages(libraries)
        for soname in libraries:
            assert soname in owners, f"no package ships {soname}"
            assert owners[soname] in depends, f"{program.name} links {soname} ({owners[soname]})"
    # Derived by dpkg-shlibdeps, with the versions it found, not written by hand.
    assert re.search(r"libsimdjson[0-9]+ \(>= [0-9]", deb_field("Depends"))


def test_dependencies_resolve_with_apt():
    # As root, --simulate only plans: it installs nothing.
    result = run(["apt-get", "install", "--simulate", "--no-install-recommends", the_deb()],
                 env=clean_env(DEBIAN_FRONTEND="noninteractive"))
    assert result.returncode == 0, result.stdout + result.stderr
    assert re.search(rf"^Inst covid-alert-emulator \({re.escape(VERSION)} ", result.stdout, re.M)


def test_files_are_where_the_docs_say():
    for path in ["usr/share/covid-alert-emulator/config/defaults.json",
                 "usr/share/covid-alert-emulator/scenarios/everyday/smoke.json",
                 "usr/share/covid-alert-emulator/scenarios/README.md",
                 "usr/share/covid-alert-emulator/payloads/metrics-terraform-test_payload_small.json",
                 "usr/share/doc/covid-alert-emulator/ci.md",
                 "usr/share/man/man1/covid-alert-emulator.1.gz",
                 "usr/share/man/man1/covid-alert-loadgen.1.gz",
                 "usr/lib/python3/dist-packages/covid_alert_emulator/pytest_plugin.py"]:
        assert (ROOT / path).is_file(), path
    shipped = {p.relative_to(SHARE / "scenarios") for p in (SHARE / "scenarios").rglob("*.json")}
    in_tree = {p.relative_to(SOURCE_DIR / "scenarios")
               for p in (SOURCE_DIR / "scenarios").rglob("*.json")}
    assert shipped == in_tree


def test_programs_are_stripped_and_hold_no_path_into_the_trees():
    for program in PROGRAMS.values():
        sections = run(["readelf", "-S", "-W", program]).stdout
        assert ".text" in sections and ".debug_info" not in sections
        data = program.read_bytes()
        assert str(SOURCE_DIR).encode() not in data and str(BUILD_DIR).encode() not in data


def test_the_defaults_file_is_what_the_program_embeds():
    printed = run([PROGRAMS["emulator"], "config", "--print-defaults"], cwd=ROOT)
    assert printed.returncode == 0
    shipped = json.loads((SHARE / "config/defaults.json").read_text())
    assert json.loads(printed.stdout) == shipped


def test_version_and_help():
    assert run([PROGRAMS["emulator"], "--version"]).stdout.strip() == VERSION
    for program, subcommands in (("emulator", ["serve", "config", "etl"]),
                                 ("loadgen", ["run", "merge"])):
        for sub in subcommands:
            result = run([PROGRAMS[program], sub, "--help"])
            assert result.returncode == 0 and "Usage:" in result.stdout


def test_man_pages_document_every_flag():
    for program, subcommands in (("emulator", ["serve", "config", "etl"]),
                                 ("loadgen", ["run", "merge"])):
        name = f"covid-alert-{program}"
        page = gzip.decompress((ROOT / f"usr/share/man/man1/{name}.1.gz").read_bytes()).decode()
        assert page.splitlines()[1].startswith(f'.TH {name.upper()} "1"')
        assert "EXIT STATUS" in page
        for sub in subcommands:
            assert f'.SS "{name} {sub}"' in page
            flags = re.findall(r"(--[a-z-]+)", run([PROGRAMS[program], sub, "--help"]).stdout)
            assert flags
            for flag in flags:
                assert flag in page, f"{name} {sub} {flag}"


def test_installed_loadgen_passes_the_smoke_scenario_in_process(tmp_path):
    result = run([PROGRAMS["loadgen"], "run", SHARE / "scenarios/everyday/smoke.json",
                  "--out", tmp_path / "out", "--no-progress"], cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    summary = json.loads((tmp_path / "out/summary.json").read_text())
    assert summary["passed"] and summary["mode"] == "virtual"
    assert summary["ledger"]["nothing_lost"]
    assert (tmp_path / "out/report.html").stat().st_size > 10_000


@pytest.fixture
def installed_emulator(tmp_path):
    proc = subprocess.Popen([PROGRAMS["emulator"], "serve", "--port", "0",
                             "--data-dir", tmp_path / "data"], cwd=tmp_path, env=clean_env(),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    line = proc.stdout.readline()
    assert line.startswith("emulator ready:"), line + proc.stderr.read()
    url = re.search(r"url=(\S+)", line).group(1)
    yield url
    proc.terminate()
    assert proc.wait(timeout=30) == 0
    assert "stopped cleanly" in proc.stderr.read()


def get_json(url):
    with urllib.request.urlopen(url, timeout=30) as r:
        return json.loads(r.read())


def test_installed_emulator_serves_the_smoke_scenario_from_the_installed_loadgen(
        installed_emulator, tmp_path):
    assert get_json(installed_emulator + "/_emulator/health")["version"] == VERSION
    # Over HTTP the loadgen knows what it sent and what came back, not the ledger or the alarms
    # (in-process figures): those expectations are checked here against the emulator instead.
    smoke = json.loads((SHARE / "scenarios/everyday/smoke.json").read_text())
    smoke["expectations"] = [e for e in smoke["expectations"] if "figure" in e]
    scenario = tmp_path / "smoke-http.json"
    scenario.write_text(json.dumps(smoke))
    result = run([PROGRAMS["loadgen"], "run", scenario, "--target", installed_emulator,
                  "--speed", "60", "--out", tmp_path / "out", "--no-progress"], cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    summary = json.loads((tmp_path / "out/summary.json").read_text())
    sent = summary["figures"]["requests"]
    assert sent > 1000 and summary["figures"]["status.2xx"] == sent

    deadline = time.monotonic() + 30  # the stream drains in real time after the last 200
    ledger = get_json(installed_emulator + "/_emulator/ledger")
    while not ledger["nothing_lost"] and time.monotonic() < deadline:
        time.sleep(0.1)
        ledger = get_json(installed_emulator + "/_emulator/ledger")
    assert ledger["requests"]["total"] == sent
    assert ledger["invariant_holds"] and ledger["nothing_lost"], ledger["verdict"]


INNER_TEST = '''
import os

import pytest

ROOT = os.environ["SCRATCH_ROOT"]


@pytest.mark.emulator(clock="virtual", start="2021-06-27T03:59:00Z")
def test_a_batch_is_aggregated(emulator):
    assert str(emulator.program).startswith(ROOT)          # the package's program
    assert emulator.post_seed_payload("metrics-terraform-test_payload_small").status == 200
    emulator.advance(60)
    assert emulator.ledger()["nothing_lost"]
    assert emulator.dynamodb.scan(TableName="aggregate_metrics")["Count"] == 1


def test_shipped_scenario_by_name(tmp_path):
    from covid_alert_emulator import run_scenario
    from covid_alert_emulator.scenario import resolve_scenario
    assert str(resolve_scenario("everyday/smoke")).startswith(ROOT)  # the package's file
    result = run_scenario("everyday/smoke", out_dir=tmp_path / "out")
    assert result.passed, result.output
'''


def test_the_packaged_fixture_loads_by_itself_and_uses_the_packaged_programs(tmp_path):
    (tmp_path / "test_user.py").write_text(INNER_TEST)
    # No conftest and no -p: pytest finds the fixture through the package's entry point.
    result = run(["/usr/bin/python3", "-m", "pytest", "-v", "-p", "no:cacheprovider", tmp_path],
                 cwd=tmp_path, env=clean_env(SCRATCH_ROOT=str(ROOT)))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "2 passed" in result.stdout
    assert str(PYTHON_DIR) in run(
        ["/usr/bin/python3", "-c", "import covid_alert_emulator; print(covid_alert_emulator.__file__)"],
        cwd=tmp_path).stdout
