"""Running scenarios: in process (the gate CI uses) and over HTTP against the fixture's emulator."""
import json

import pytest

from covid_alert_emulator import run_scenario

# A few seconds of traffic that an HTTP run can send in real time.
TRICKLE = {
    "name": "trickle", "seed": 3, "start": "2021-06-27T12:00:00Z", "duration": 2,
    "population": {"devices": 50},
    "schedule": [{"type": "constant", "rate": 20, "duration": 2}],
}


def write(tmp_path, scenario, name="scenario.json"):
    path = tmp_path / name
    path.write_text(json.dumps(scenario))
    return path


def test_the_shipped_smoke_scenario_passes_in_process(tmp_path):
    result = run_scenario("everyday/smoke", out_dir=tmp_path / "out")
    assert result.returncode == 0, result.output
    assert result.passed and result.summary["passed"]
    assert result.summary["mode"] == "virtual"
    assert result.summary["ledger"]["nothing_lost"]
    assert result.failed_expectations() == []
    assert result.report.is_file() and result.report.read_text().startswith("<!")


def test_a_failed_expectation_exits_1_and_names_it(tmp_path):
    scenario = dict(TRICKLE, expectations=[{"figure": "status.2xx", "max": 0}])
    result = run_scenario(write(tmp_path, scenario), out_dir=tmp_path / "out")
    assert result.returncode == 1
    assert [e["description"] for e in result.failed_expectations()] == ["status.2xx <= 0"]


def test_a_bad_scenario_exits_2_naming_the_field(tmp_path):
    bad = dict(TRICKLE)
    del bad["duration"]
    result = run_scenario(write(tmp_path, bad), out_dir=tmp_path / "out")
    assert result.returncode == 2
    assert "duration" in result.output and result.summary is None


def test_an_unknown_scenario_name_is_refused(tmp_path):
    with pytest.raises(FileNotFoundError, match="no scenario file"):
        run_scenario("everyday/no-such-day", out_dir=tmp_path)


def test_a_scenario_over_http_reaches_the_fixtures_emulator(emulator, tmp_path):
    scenario = dict(TRICKLE, expectations=[{"figure": "status.5xx", "max": 0}])
    result = emulator.run_scenario(write(tmp_path, scenario), out_dir=tmp_path / "out")
    assert result.returncode == 0, result.output
    assert result.summary["mode"] == "http"
    sent = result.summary["figures"]["requests"]
    assert sent == 40
    assert emulator.ledger()["requests"]["total"] == sent
