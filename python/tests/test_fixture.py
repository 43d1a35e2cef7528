"""The `emulator` fixture: a running, private emulator per test, its clients and helpers."""
import datetime
import os

import pytest

from covid_alert_emulator import Emulator, EmulatorError, seed_payloads

SEED_TABLES = {"raw_metrics", "aggregate_metrics"}
SEED_BUCKETS = {"masked-metrics-tdvfd-production", "unmasked-metrics-tdvfd-production",
                "error-samples-tdvfd-production"}


def test_each_test_gets_a_running_emulator_on_its_own_port_and_data_dir(emulator):
    health = emulator.health()
    assert health["status"] == "ok"
    assert health["clock_mode"] == "real"
    assert health["data_dir"] == str(emulator.data_dir)
    assert emulator.data_dir.is_dir()
    assert (emulator.data_dir / "emulator.db").is_file()
    assert emulator.url.startswith("http://127.0.0.1:")
    assert not emulator.url.endswith(":4566")  # a free port, not the well-known one


def test_boto3_clients_point_at_the_emulator(emulator):
    assert SEED_TABLES <= set(emulator.dynamodb.list_tables()["TableNames"])
    assert SEED_BUCKETS <= {b["Name"] for b in emulator.s3.list_buckets()["Buckets"]}
    queues = emulator.sqs.list_queues()["QueueUrls"]
    assert any(q.endswith("/aggregation-lambda-dead-letter-queue") for q in queues)
    assert len(emulator.cloudwatch.describe_alarms()["MetricAlarms"]) == 20
    assert emulator.client("dynamodb") is emulator.dynamodb  # made once per test


def test_seed_payloads_get_the_seed_specs_answers(emulator):
    names = set(seed_payloads())
    assert "metrics-terraform-test_payload_small" in names
    assert not any(n.endswith(".schema") for n in names)
    small = emulator.post_seed_payload("metrics-terraform-test_payload_small")
    assert (small.status, small.json()) == (200, {"status": "RECORD CREATED"})
    gigantic = emulator.post_seed_payload("metrics-terraform-test_payload_gigantic")
    assert (gigantic.status, gigantic.body) == (200, b"")  # the WAF's size rule, silently
    assert gigantic.headers["waf-block"] == "metrics_collection_max_body_size"
    single = emulator.post_seed_payload("metrics-terraform-test_payload_large_single")
    assert single.status == 400  # payload is an object, not a list: the API model refuses it
    assert emulator.post_seed_payload("metrics-terraform-test_payload_small",
                                      api_key=False).status == 403
    requests = emulator.ledger()["requests"]
    assert requests["total"] == 4
    assert requests["by_status"] == {"200": 2, "400": 1, "403": 1}
    with pytest.raises(KeyError, match="no seed payload"):
        emulator.post_seed_payload("no-such-payload")


@pytest.mark.emulator(clock="virtual", start="2021-06-27T03:59:00Z")
def test_virtual_clock_marker_sets_the_start_and_advance_moves_it(emulator):
    assert emulator.now() == "2021-06-27T03:59:00.000Z"
    assert emulator.post_seed_payload("metrics-terraform-test_payload_small").status == 200
    before = emulator.ledger()
    assert before["entries"]["awaiting_delivery"] == 1  # no time has passed: still in the stream
    assert not before["nothing_lost"]
    assert emulator.advance(60)["now"] == "2021-06-27T04:00:00.000Z"
    after = emulator.ledger()
    assert after["nothing_lost"] and after["entries"]["aggregated"] == 1
    assert emulator.dynamodb.scan(TableName="aggregate_metrics")["Count"] == 1
    emulator.set_clock(datetime.datetime(2021, 6, 27, 5, 0, tzinfo=datetime.timezone.utc))
    assert emulator.now() == "2021-06-27T05:00:00.000Z"


def test_advancing_a_real_clock_is_refused_with_the_emulators_answer(emulator):
    with pytest.raises(EmulatorError, match="/_emulator/clock: 4"):
        emulator.advance(60)


@pytest.mark.emulator(config={"apigateway": {"api_key": "my-test-key"}})
def test_config_marker_is_merged_over_the_defaults(emulator):
    assert emulator.api_key == "my-test-key"
    assert emulator.post_seed_payload("metrics-terraform-test_payload_small").status == 200
    wrong = emulator.post_seed_payload("metrics-terraform-test_payload_small",
                                       api_key="local-metrics-api-key")
    assert wrong.status == 403


def test_factory_gives_independent_emulators(emulator_factory):
    a = emulator_factory()
    b = emulator_factory(clock="virtual", start="2021-06-26T12:00:00Z")
    assert a.url != b.url and a.data_dir != b.data_dir
    a.dynamodb.put_item(TableName="raw_metrics", Item={"uuid": {"S": "only-in-a"}})
    assert a.dynamodb.scan(TableName="raw_metrics")["Count"] == 1
    assert b.dynamodb.scan(TableName="raw_metrics")["Count"] == 0
    assert b.now() == "2021-06-26T12:00:00.000Z"


def test_a_bad_config_fails_to_start_with_the_emulators_message_and_leaves_nothing(
        monkeypatch, tmp_path):
    monkeypatch.setenv("COVID_ALERT_EMULATOR_TMPDIR", str(tmp_path))
    emu = Emulator(config={"no_such_setting": 1})
    assert os.listdir(tmp_path) == []  # nothing made before start()
    with pytest.raises(EmulatorError, match="exit 2.*no_such_setting"):
        emu.start()
    assert os.listdir(tmp_path) == []


def test_options_are_checked_before_starting():
    with pytest.raises(ValueError, match="clock"):
        Emulator(clock="fast")
    with pytest.raises(ValueError, match="virtual"):
        Emulator(start="2021-06-27T00:00:00Z")


def test_a_missing_program_is_named(monkeypatch, tmp_path):
    monkeypatch.setenv("COVID_ALERT_EMULATOR_BIN", str(tmp_path / "nothing-here"))
    with pytest.raises(FileNotFoundError, match="COVID_ALERT_EMULATOR_BIN"):
        Emulator()


def test_scratch_dir_follows_the_environment(monkeypatch, tmp_path, emulator_factory):
    monkeypatch.setenv("COVID_ALERT_EMULATOR_TMPDIR", str(tmp_path))
    emu = emulator_factory()
    assert emu.data_dir.parent.parent == tmp_path
    assert os.listdir(tmp_path) == [emu.data_dir.parent.name]
