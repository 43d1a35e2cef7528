"""What happens around a test: isolation between tests, and the emulator stopped and its data
removed afterwards. Checked from outside, with inner pytest sessions (pytester)."""
import json
import os

PLUGIN = ("-p", "covid_alert_emulator.pytest_plugin")

# Each inner test notes its emulator's pid and data dir; the second looks for the first's item.
TWO_TESTS = """
import json

def note(emulator, name):
    with open({record!r}, "a") as f:
        f.write(json.dumps({{"test": name, "pid": emulator.process.pid,
                             "root": str(emulator.data_dir.parent)}}) + "\\n")

def test_first_writes(emulator):
    note(emulator, "first")
    emulator.dynamodb.put_item(TableName="raw_metrics", Item={{"uuid": {{"S": "left-over"}}}})
    assert emulator.dynamodb.scan(TableName="raw_metrics")["Count"] == 1

def test_second_starts_empty(emulator):
    note(emulator, "second")
    assert emulator.dynamodb.scan(TableName="raw_metrics")["Count"] == 0
"""


def pid_alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie (exited, not yet reaped) is not running; the fixture reaps what it starts.
    with open(f"/proc/{pid}/stat") as f:
        return f.read().split(")")[-1].split()[0] != "Z"


def test_no_state_leaks_between_tests_and_nothing_is_left_behind(pytester, tmp_path):
    record = tmp_path / "record.jsonl"
    pytester.makepyfile(test_inner=TWO_TESTS.format(record=str(record)))
    result = pytester.runpytest(*PLUGIN, "-p", "no:randomly")
    result.assert_outcomes(passed=2)
    notes = [json.loads(line) for line in record.read_text().splitlines()]
    assert [n["test"] for n in notes] == ["first", "second"]
    assert notes[0]["pid"] != notes[1]["pid"]
    for n in notes:
        assert not pid_alive(n["pid"]), f"{n['test']}'s emulator still runs"
        assert not os.path.exists(n["root"]), f"{n['test']}'s data was not removed"


def test_an_emulator_that_dies_during_a_test_fails_it(pytester):
    pytester.makepyfile(test_inner="""
def test_crash(emulator):
    emulator.process.kill()
    emulator.process.wait()
""")
    result = pytester.runpytest(*PLUGIN)
    result.assert_outcomes(passed=1, errors=1)
    result.stdout.fnmatch_lines(["*exited during the test (exit -9)*"])


def test_an_emulator_the_test_stopped_itself_is_not_an_error(pytester):
    pytester.makepyfile(test_inner="""
import signal

def test_stop(emulator):
    assert emulator.stop(signal.SIGKILL) == -9
""")
    pytester.runpytest(*PLUGIN).assert_outcomes(passed=1)
