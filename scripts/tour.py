#!/usr/bin/env python3
"""`./dev tour`: one day of the COVID Alert metrics pipeline, end to end, over HTTP, in virtual
time, in a few seconds.

1. starts `emulator serve --clock virtual` on a free port with the embedded production defaults;
2. posts the seed's own sample payloads plus a few malformed requests and prints every answer;
3. posts a synthetic day of phone traffic (seeded, so every run prints the same report);
4. moves the virtual clock so the raw_metrics stream feeds aggregate_metrics, then to 03:00 UTC
   the next day, when the nightly ETL publishes its CSVs;
5. prints what was stored (raw_metrics, aggregate_metrics, error samples), the ledger's verdict
   and the head of a published CSV, then stops the emulator.

    scripts/tour.py [build-dir]
"""
import json
import os
import random
import shutil
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(ROOT, "tests", "wire"))
sys.path.insert(0, os.path.join(ROOT, "tests", "e2e"))
from emulator_harness import Emulator, client  # noqa: E402
from saver import Saver, payload, control  # noqa: E402

DAY_START = "2021-06-26T00:00:00Z"
DAY_MS = 1624665600000  # 2021-06-26T00:00:00Z in epoch milliseconds
REGIONS = ["ON", "QC", "BC", "AB", "MB", "SK", "NS", "NB", "NL", "PE", "YT", "NT", "NU"]
IDENTIFIERS = ["active-user", "installed", "onboarded", "qr-code-successfully-scanned",
               "exposed", "error-500-qr-parse"]


def title(text):
    print(f"\n\033[1m{text}\033[0m")


def show(label, status, body, note=""):
    text = body.decode("utf-8", "replace")[:40] or "(empty body)"
    print(f"  {label:<52} -> {status} {text:<36} {note}")


def seed_payloads(saver):
    title("The seed's sample payloads and some malformed requests (what production answered)")
    small = payload("metrics-terraform-test_payload_small.json")
    one_big_entry = json.dumps({
        "metricstimestamp": DAY_MS, "appversion": "1.2.10", "appos": "ios", "osversion": "14.4",
        "manufacturer": "Apple", "model": "phone", "androidreleaseversion": "unavailable",
        "payload": [{"identifier": "installed", "region": "ON", "timestamp": DAY_MS,
                     "padding": "x" * 105000}]}).encode()
    cases = [
        ("app-MetricsJsonSerializer.spec-expected.json", {}, "stored as one raw item"),
        ("metrics-terraform-test_payload_large.json", {}, "stored"),
        ("metrics-terraform-test_payload_small.json", {}, "stored"),
        ("metrics-terraform-test_payload_large_single.json", {}, "payload is an object: model"),
        ("metrics-terraform-test_payload_gigantic.json", {}, "over the WAF's 120000-byte rule"),
    ]
    for name, kwargs, note in cases:
        body = payload(name)
        status, _, out = saver.post(body, **kwargs)
        show(f"{name} ({len(body)} B)", status, out, note)
    status, _, out = saver.post(one_big_entry)
    show(f"one entry, {len(one_big_entry)} B", status, out, "> 102400 B, cannot split: S3")
    status, _, out = saver.post(small, api_key="wrong-key")
    show("wrong x-api-key", status, out, "API key check")
    status, _, out = saver.post(b'{"appversion": 1}')
    show("body that breaks the request model", status, out, "request model 1.4.2")
    status, _, out = saver.post(small, path="/save-metrics?debug=1")
    show("query string", status, out, "WAF rule")


def phone_day(saver, rng, phones):
    title(f"A synthetic day: {phones} phones post their metrics for 2021-06-26")
    statuses = {}
    for _ in range(phones):
        os_name = rng.choice(["ios", "android"])
        entries = [{"identifier": ident, "region": rng.choice(REGIONS),
                    "timestamp": DAY_MS + rng.randrange(86_400_000)}
                   for ident in rng.sample(IDENTIFIERS, rng.randint(2, 4))]
        body = {"metricstimestamp": DAY_MS + 86_000_000, "appversion": "1.2.10",
                "appos": os_name, "osversion": "14.4" if os_name == "ios" else "11",
                "manufacturer": "Apple" if os_name == "ios" else "Google",
                "model": "phone", "androidreleaseversion": "unavailable", "payload": entries}
        status, _, _ = saver.post(json.dumps(body).encode())
        statuses[status] = statuses.get(status, 0) + 1
    print(f"  answers: {statuses}")


def stored(emu):
    title("What the pipeline stored (read back through the DynamoDB API with boto3)")
    ddb = client("dynamodb", emu.url)
    raw = ddb.scan(TableName="raw_metrics", Select="COUNT")["Count"]
    rows = []
    kwargs = {"TableName": "aggregate_metrics"}
    while True:
        page = ddb.scan(**kwargs)
        rows += page["Items"]
        if "LastEvaluatedKey" not in page:
            break
        kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]
    print(f"  raw_metrics items: {raw}")
    print(f"  aggregate_metrics rows: {len(rows)}; the three largest:")
    rows.sort(key=lambda r: -int(r["metricCount"]["N"]))
    for r in rows[:3]:
        print(f"    {r['pk']['S']:<12} {r['sk']['S'][:60]:<60} metricCount={r['metricCount']['N']}")
    ddb.close()
    s3 = client("s3", emu.url)
    count = s3.list_objects_v2(Bucket="error-samples-tdvfd-production")["KeyCount"]
    s3.close()
    print(f"  error-samples objects (over-threshold bodies with a single entry): {count}")


def ledger(emu):
    title("Ledger: every accepted metric entry accounted for")
    _, report = control(emu.url, "/_emulator/ledger")
    print("  " + json.dumps(report)[:400])


def published(emu):
    title("Nightly ETL at 03:00 UTC: CSVs published to the masked bucket")
    _, runs = control(emu.url, "/_emulator/etl")
    for run in runs.get("runs", [])[:4]:
        print("  " + json.dumps(run)[:160])
    s3 = client("s3", emu.url)
    bucket = "masked-metrics-tdvfd-production"
    pages = s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix="csv/")
    files = [o["Key"] for p in pages for o in p.get("Contents", [])]
    print(f"  {len(files)} CSV files in s3://{bucket}/ (read with boto3), for example:")
    for key in [f for f in files if "qr_code_successfully_scanned" in f][:2]:
        print(f"    {key}")
        body = s3.get_object(Bucket=bucket, Key=key)["Body"].read().decode()
        for line in body.splitlines()[:4]:
            print(f"      {line}")
    s3.close()
    print(f"  (also plain files under {os.path.join(emu.data_dir, 's3')}, removed when the demo ends)")


def main():
    build = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "build")
    os.environ.setdefault("EMULATOR_BIN", os.path.join(build, "emulator", "emulator"))
    data_dir = tempfile.mkdtemp(prefix="emu-demo-")
    try:
        with Emulator("--clock", "virtual", "--start", DAY_START, data_dir=data_dir) as emu:
            print(f"emulator ready at {emu.url} (virtual clock from {DAY_START}), "
                  f"data dir {emu.data_dir}")
            saver = Saver(emu.url, emu.api_key)
            seed_payloads(saver)
            phone_day(saver, random.Random(20210626), phones=400)
            saver.close()
            control(emu.url, "/_emulator/clock", {"advance_seconds": 60})
            stored(emu)
            control(emu.url, "/_emulator/clock", {"set": "2021-06-27T03:00:30Z"})
            ledger(emu)
            published(emu)
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
