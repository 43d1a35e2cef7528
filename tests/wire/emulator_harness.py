"""Starts `emulator serve` on a free port for a wire test and drives it with the real AWS CLI and
boto3 (Debian's awscli and python3-boto3; the README's test command installs them).

Usage in a test (plain unittest):
    from emulator_harness import Emulator, client, aws
    with Emulator() as emu:
        ddb = client("dynamodb", emu.url)
        rc, out, err = aws(emu.url, "dynamodb", "list-tables")
"""
import json
import os
import shutil
import signal
import subprocess
import tempfile
import time

EMULATOR_BIN = os.environ.get("EMULATOR_BIN", "build/emulator/emulator")
REGION = "ca-central-1"
CREDENTIALS = {"AWS_ACCESS_KEY_ID": "AKIDLOCALTEST", "AWS_SECRET_ACCESS_KEY": "local-secret"}


def _aws_cli_path():
    # Prefer Debian's CLI (what ./dev installs) over any pip-installed one earlier on PATH.
    return "/usr/bin/aws" if os.path.exists("/usr/bin/aws") else shutil.which("aws")


class Emulator:
    """A running `emulator serve`. Attributes: url, data_dir, api_key, process."""

    def __init__(self, *extra_args, config=None, data_dir=None):
        self.extra_args = list(extra_args)
        self.config = config
        self._own_dir = data_dir is None
        self.data_dir = data_dir or tempfile.mkdtemp(prefix="emu-wire-")
        self.url = None
        self.api_key = None
        self.process = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()
        if self._own_dir:
            shutil.rmtree(self.data_dir, ignore_errors=True)

    def start(self):
        args = [EMULATOR_BIN, "serve", "--port", "0", "--data-dir", self.data_dir]
        if self.config is not None:
            path = os.path.join(self.data_dir, "test-config.json")
            with open(path, "w") as f:
                json.dump(self.config, f)
            args += ["--config", path]
        self.process = subprocess.Popen(args + self.extra_args, stdout=subprocess.PIPE,
                                        stderr=subprocess.PIPE, text=True)
        line = self.process.stdout.readline()
        if "ready" not in line:
            err = self.process.stderr.read()
            raise RuntimeError(f"emulator did not start: {line!r} {err!r}")
        fields = dict(part.split("=", 1) for part in line.split() if "=" in part)
        self.url = fields["url"]
        self.api_key = fields.get("api-key")
        return self

    def stop(self, sig=signal.SIGTERM):
        """Stops the server; returns its exit code (0 after a clean shutdown)."""
        if self.process is None or self.process.poll() is not None:
            return self.process.returncode if self.process else None
        self.process.send_signal(sig)
        try:
            return self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            return self.process.wait()

    def kill9(self):
        self.process.kill()
        self.process.wait()


def client(service, url, **kwargs):
    import boto3
    from botocore.config import Config
    config = kwargs.pop("config", Config(retries={"max_attempts": 1, "mode": "standard"}))
    return boto3.client(service, endpoint_url=url, region_name=REGION,
                        aws_access_key_id=CREDENTIALS["AWS_ACCESS_KEY_ID"],
                        aws_secret_access_key=CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
                        config=config, **kwargs)


def aws(url, *args, input_text=None, timeout=60):
    """Runs the AWS CLI against the emulator. Returns (returncode, parsed JSON or text, stderr)."""
    env = dict(os.environ, AWS_DEFAULT_REGION=REGION, AWS_PAGER="", **CREDENTIALS)
    env.pop("AWS_PROFILE", None)
    cmd = [_aws_cli_path(), "--endpoint-url", url, "--output", "json", *args]
    proc = subprocess.run(cmd, input=input_text, capture_output=True, text=True, env=env,
                          timeout=timeout)
    out = proc.stdout
    try:
        out = json.loads(out) if out.strip() else None
    except json.JSONDecodeError:
        pass
    return proc.returncode, out, proc.stderr


def wait_until(predicate, timeout=30.0, interval=0.02):
    """Polls `predicate` (for server-side effects that complete asynchronously in real time)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    return predicate()
