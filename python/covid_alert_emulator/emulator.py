"""One `covid-alert-emulator serve` process: started on a free port with its own temporary data
dir, driven over HTTP (boto3 clients, POST /save-metrics, the /_emulator control API), stopped
and removed by close()."""
import datetime
import http.client
import json
import os
import shutil
import signal
import subprocess
import tempfile
import urllib.parse
from pathlib import Path

from .locate import find_program, share_dir
from .scenario import resolve_scenario, run_loadgen

REGION = "ca-central-1"
# Any credentials work: the emulator does not check signatures (a DEVIATION from AWS).
CREDENTIALS = {"aws_access_key_id": "AKIDLOCALTEST", "aws_secret_access_key": "local-secret"}
# What a phone sends besides its body (seed spec, section 2).
PHONE_HEADERS = {"Content-Type": "application/json", "Accept": "application/json",
                 "User-Agent": "CovidShield/1.4.5"}
STOP_TIMEOUT_SECONDS = 30
# Per-test state is thrown away, so it goes to memory when the machine has room: on a disk, the
# emulator's durable commits (every 200 is fsynced) and removing the files cost more than
# starting it (bench/fixture/bench_fixture.py, 2-core machine under load: median 100-120 ms per
# fixture with the data on its disk, 30 ms on tmpfs).
TMPFS = "/dev/shm"
TMPFS_MIN_FREE_BYTES = 256 << 20


class EmulatorError(RuntimeError):
    """The emulator did not start, or a control request was refused."""


class Response:
    """An HTTP answer: status, headers (lower-case names), body (bytes)."""

    def __init__(self, status, headers, body):
        self.status, self.headers, self.body = status, headers, body

    def json(self):
        return json.loads(self.body)

    def __repr__(self):
        return f"Response({self.status}, {self.body[:200]!r})"


def seed_payloads():
    """The seed's test payloads shipped with the emulator: {name: path}, name = file stem."""
    folder = share_dir("payloads")
    return {p.name[:-len(".json")]: p for p in sorted(folder.glob("*.json"))
            if not p.name.endswith(".schema.json")}


def scratch_base():
    """Where temporary data dirs go: $COVID_ALERT_EMULATOR_TMPDIR, else /dev/shm when it is a
    writable directory with 256 MiB free, else the usual temporary directory ($TMPDIR)."""
    chosen = os.environ.get("COVID_ALERT_EMULATOR_TMPDIR")
    if chosen:
        return chosen
    try:
        fs = os.statvfs(TMPFS)
        if os.access(TMPFS, os.W_OK) and fs.f_bavail * fs.f_frsize >= TMPFS_MIN_FREE_BYTES:
            return TMPFS
    except OSError:
        pass
    return tempfile.gettempdir()


def _iso(start):
    if isinstance(start, datetime.datetime):
        if start.tzinfo is not None:
            start = start.astimezone(datetime.timezone.utc).replace(tzinfo=None)
        return start.isoformat(timespec="seconds") + "Z"
    return str(start)


class Emulator:
    """A private emulator. Use as a context manager, or start() and close().

    clock: "real" or "virtual" (time then moves only through advance() / set_clock());
    start: the virtual clock's start (ISO-8601 UTC string or datetime);
    config: a dict merged over the defaults (`covid-alert-emulator config --print-defaults`);
    args: more `serve` flags; data_dir: keep state there instead of a removed temp dir."""

    def __init__(self, clock="real", start=None, config=None, args=(), data_dir=None,
                 program=None):
        if clock not in ("real", "virtual"):
            raise ValueError(f"clock: expected 'real' or 'virtual', got {clock!r}")
        if start is not None and clock != "virtual":
            raise ValueError("start applies to the virtual clock (clock='virtual')")
        self.clock, self.start_time, self.config = clock, start, config
        self.args = list(args)
        self.program = Path(program) if program else find_program("emulator")
        self._given_data_dir = data_dir
        # Set by start(): a temporary root holding the data dir (unless given), the config file,
        # the emulator's stderr and scenario outputs; removed by close().
        self._root = self.data_dir = self._log_path = None
        self.url = self.api_key = self.process = None
        self._clients = {}
        self._scenario_runs = 0
        self.stopped = False  # by stop(): whatever the exit code, it was asked for

    # -- life cycle --------------------------------------------------------------------------

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.close()

    def start(self):
        self._root = Path(tempfile.mkdtemp(prefix="covid-alert-emu-", dir=scratch_base()))
        self.data_dir = Path(self._given_data_dir or self._root / "data")
        self._log_path = self._root / "emulator.log"
        args = [str(self.program), "serve", "--port", "0", "--data-dir", str(self.data_dir),
                "--clock", self.clock]
        if self.start_time is not None:
            args += ["--start", _iso(self.start_time)]
        if self.config is not None:
            config_path = self._root / "config.json"
            config_path.write_text(json.dumps(self.config))
            args += ["--config", str(config_path)]
        with open(self._log_path, "wb") as log:
            # stdout carries only the ready line; stderr (shutdown notes, errors) goes to a file
            # so that a chatty emulator can never block on a full pipe.
            self.process = subprocess.Popen(args + self.args, stdout=subprocess.PIPE,
                                            stderr=log, stdin=subprocess.DEVNULL)
        line = self.process.stdout.readline().decode()
        if not line.startswith("emulator ready:"):
            code = self.process.wait(timeout=STOP_TIMEOUT_SECONDS)
            self.process.stdout.close()
            message = f"{self.program} serve did not start (exit {code}): {line} {self.log()}"
            self._remove_root()
            raise EmulatorError(message.strip())
        fields = dict(part.split("=", 1) for part in line.split() if "=" in part)
        self.url, self.api_key = fields["url"], fields["api-key"]
        return self

    def stop(self, sig=signal.SIGTERM):
        """Stops the server (SIGTERM: a clean shutdown); returns its exit code."""
        if self.process is None:
            return None
        self.stopped = True
        if self.process.poll() is None:
            self.process.send_signal(sig)
            try:
                self.process.wait(timeout=STOP_TIMEOUT_SECONDS)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process.stdout.close()
        return self.process.returncode

    def close(self):
        """Stops the server, closes the clients and removes the temporary data. Returns the
        server's exit code."""
        for c in self._clients.values():
            c.close()
        self._clients.clear()
        code = self.stop()
        self._remove_root()
        return code

    def log(self):
        """What the emulator wrote on stderr so far."""
        try:
            return self._log_path.read_text(errors="replace")
        except (TypeError, FileNotFoundError):  # not started, or removed
            return ""

    def _remove_root(self):
        if self._root is not None:
            shutil.rmtree(self._root, ignore_errors=True)

    # -- AWS clients -------------------------------------------------------------------------

    def client(self, service, **kwargs):
        """A boto3 client for `service` pointed at this emulator. Without kwargs it is made once
        and reused. It does not retry, so a test sees every throttle and error as it happens."""
        if not kwargs and service in self._clients:
            return self._clients[service]
        import boto3
        from botocore.config import Config
        config = kwargs.pop("config", Config(retries={"max_attempts": 1, "mode": "standard"}))
        made = boto3.client(service, endpoint_url=self.url, region_name=REGION, config=config,
                            **CREDENTIALS, **kwargs)
        if not kwargs:
            self._clients[service] = made
        return made

    dynamodb = property(lambda self: self.client("dynamodb"))
    dynamodbstreams = property(lambda self: self.client("dynamodbstreams"))
    s3 = property(lambda self: self.client("s3"))
    sqs = property(lambda self: self.client("sqs"))
    cloudwatch = property(lambda self: self.client("cloudwatch"))
    lambda_ = property(lambda self: self.client("lambda"))

    # -- the phones' door ----------------------------------------------------------------------

    def request(self, method, path, body=None, headers=None):
        parts = urllib.parse.urlparse(self.url)
        conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
        try:
            conn.request(method, path, body=body, headers=headers or {})
            r = conn.getresponse()
            return Response(r.status, {k.lower(): v for k, v in r.getheaders()}, r.read())
        finally:
            conn.close()

    def post_payload(self, payload, headers=None, api_key=True, path="/save-metrics"):
        """POSTs a metrics body as a phone does. payload: bytes, str, or a dict/list (sent as
        JSON). api_key: True (the emulator's key), False (none) or another key."""
        if not isinstance(payload, (bytes, str)):
            payload = json.dumps(payload)
        if isinstance(payload, str):
            payload = payload.encode()
        h = dict(PHONE_HEADERS)
        if api_key:
            h["x-api-key"] = self.api_key if api_key is True else api_key
        h.update(headers or {})
        return self.request("POST", path, payload, h)

    def post_seed_payload(self, name, **kwargs):
        """POSTs one of the seed's payloads by name (seed_payloads() lists them), as shipped."""
        payloads = seed_payloads()
        if name not in payloads:
            raise KeyError(f"no seed payload {name!r}; there are: {', '.join(payloads)}")
        return self.post_payload(payloads[name].read_bytes(), **kwargs)

    # -- the control API -----------------------------------------------------------------------

    def control(self, path, body=None):
        """GET (or POST, with a body) /_emulator/<path>; the answer's JSON. Raises EmulatorError
        on a non-2xx answer."""
        method = "GET" if body is None else "POST"
        r = self.request(method, "/_emulator/" + path,
                         None if body is None else json.dumps(body).encode(),
                         {"Content-Type": "application/json"})
        if not 200 <= r.status < 300:
            raise EmulatorError(f"{method} /_emulator/{path}: {r.status} {r.body.decode()}")
        return r.json()

    def health(self):
        return self.control("health")

    def now(self):
        """The emulator's current time (ISO-8601 UTC string)."""
        return self.health()["now"]

    def advance(self, seconds):
        """Moves the virtual clock forward, running everything due (stream, DLQ, alarms, ETL)."""
        return self.control("clock", {"advance_seconds": seconds})

    def set_clock(self, when):
        """Moves the virtual clock to `when` (ISO-8601 UTC string or datetime)."""
        return self.control("clock", {"set": _iso(when)})

    def ledger(self):
        """Every request and payload entry accounted for (nothing_lost, invariant_holds, ...)."""
        return self.control("ledger")

    def state(self):
        return self.control("state")

    def run_etl(self, task="masked_inapp_metrics", date=None):
        body = {"task": task}
        if date:
            body["date"] = date
        return self.control("etl", body)

    # -- scenarios ------------------------------------------------------------------------------

    def run_scenario(self, scenario, out_dir=None, speed=None, seed=None, args=()):
        """Runs a scenario over HTTP against this emulator (`covid-alert-loadgen run --target`),
        in real time scaled by `speed`. Ledger and alarm expectations are known only to
        in-process runs (covid_alert_emulator.run_scenario): over HTTP they fail, so read
        self.ledger() instead. Returns a ScenarioResult (its out_dir is removed by close()
        unless given)."""
        if out_dir is None:
            self._scenario_runs += 1
            out_dir = self._root / f"scenario-{self._scenario_runs}"
        extra = ["--target", self.url]
        if speed is not None:
            extra += ["--speed", str(speed)]
        return run_loadgen(resolve_scenario(scenario), out_dir, seed, extra + list(args))


def run_scenario(scenario, out_dir, seed=None, args=()):
    """Runs a scenario in process on the virtual clock (`covid-alert-loadgen run`): its own
    pipeline, deterministic, with ledger and alarm expectations. scenario: a path, or a shipped
    scenario's name such as "everyday/smoke". Returns a ScenarioResult."""
    return run_loadgen(resolve_scenario(scenario), out_dir, seed, list(args))


