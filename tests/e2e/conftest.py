"""Fixtures that run a real iamd binary on an ephemeral port with a temporary data dir.

`IAMD_BIN` names the binary (scripts/test.sh sets it); otherwise target/debug/iamd of
this checkout (or of CARGO_TARGET_DIR) is used.
"""
import os
import signal
import subprocess
import threading
import time
import uuid
from pathlib import Path

import boto3
import pytest
from botocore.config import Config

REPO = Path(__file__).resolve().parents[2]
ACCOUNT_ID = "123456789012"
ROOT_KEY_ID = "AKIAIOSFODNN7EXAMPLE"
ROOT_SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
REGION = "us-east-1"


def iamd_binary() -> str:
    candidates = [os.environ.get("IAMD_BIN")]
    if os.environ.get("CARGO_TARGET_DIR"):
        candidates.append(os.path.join(os.environ["CARGO_TARGET_DIR"], "debug", "iamd"))
    candidates.append(str(REPO / "target" / "debug" / "iamd"))
    for c in candidates:
        if c and os.path.isfile(c) and os.access(c, os.X_OK):
            return c
    pytest.exit("no iamd binary: build it (cargo build -p iamd) or set IAMD_BIN", returncode=2)


class Iamd:
    """One iamd process. Its stdout is read for the bound address; stderr (the log) goes
    to `log_path`."""

    def __init__(self, data_dir: Path, log_path: Path, env: dict):
        self.data_dir = data_dir
        self.log_path = log_path
        self.env = env
        self.proc = None
        self.endpoint = None
        self.stdout_lines = []

    def start(self, timeout: float = 20.0):
        env = {**os.environ, **self.env}
        self.log_file = open(self.log_path, "ab")
        self.proc = subprocess.Popen(
            [iamd_binary(), "serve", "--listen", "127.0.0.1:0", "--data-dir", str(self.data_dir)],
            stdout=subprocess.PIPE,
            stderr=self.log_file,
            env=env,
        )
        found = threading.Event()

        def read_stdout():
            for raw in self.proc.stdout:
                line = raw.decode("utf-8", "replace").rstrip("\n")
                self.stdout_lines.append(line)
                if line.startswith("iamd: listening on "):
                    self.endpoint = line.split("listening on ", 1)[1].strip()
                    found.set()

        threading.Thread(target=read_stdout, daemon=True).start()
        if not found.wait(timeout):
            self.kill()
            pytest.fail(f"iamd did not start; log:\n{self.log_text()}")
        return self

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def stop(self, timeout: float = 10.0) -> int:
        if self.alive():
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log_file.close()
        return self.proc.returncode

    def kill(self):
        """kill -9: no chance to flush or finish anything."""
        if self.alive():
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait()
        self.log_file.close()

    def log_text(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")
        except FileNotFoundError:
            return ""

    def client(self, key_id: str, secret: str, service: str = "iam", retries: int = 0):
        return boto3.client(
            service,
            endpoint_url=self.endpoint,
            region_name=REGION,
            aws_access_key_id=key_id,
            aws_secret_access_key=secret,
            config=Config(retries={"max_attempts": retries + 1, "mode": "standard"}),
        )

    def root(self):
        return self.client(ROOT_KEY_ID, ROOT_SECRET)


def root_env() -> dict:
    return {
        "IAMD_ACCOUNT_ID": ACCOUNT_ID,
        "IAMD_ROOT_ACCESS_KEY_ID": ROOT_KEY_ID,
        "IAMD_ROOT_SECRET_ACCESS_KEY": ROOT_SECRET,
        "IAMD_LOG": "info",
    }


@pytest.fixture
def start_iamd(tmp_path):
    """Starts iamd processes on demand; stops them all at the end of the test."""
    started = []

    def start(data_dir: Path = None, env: dict = None, name: str = "iamd") -> Iamd:
        data_dir = data_dir or tmp_path / f"{name}-data"
        server = Iamd(data_dir, tmp_path / f"{name}.log", root_env() | (env or {}))
        started.append(server)
        return server.start()

    yield start
    for server in started:
        if server.alive():
            server.stop()


@pytest.fixture(scope="module")
def iamd(tmp_path_factory):
    """One iamd shared by a test module."""
    tmp = tmp_path_factory.mktemp("iamd")
    server = Iamd(tmp / "data", tmp / "iamd.log", root_env()).start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def root(iamd):
    return iamd.root()


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


# What ends an AccessDenied message for an authorization failure, before the encoded
# message that only sts:DecodeAuthorizationMessage reveals.
ENCODED_MESSAGE_MARKER = ". Encoded authorization failure message: "


def denial_sentence(message: str) -> str:
    """AWS's human sentence of an AccessDenied message, without the encoded message."""
    return message.split(ENCODED_MESSAGE_MARKER, 1)[0]


@pytest.fixture
def make_user(iamd, root):
    """Creates a user with one inline policy (a dict or JSON text) and an access key;
    returns (user name, IAM client signed with the user's key)."""
    import json

    def make(policy=None, name=None, wait_for_key=True):
        name = name or unique("user")
        root.create_user(UserName=name)
        if policy is not None:
            text = policy if isinstance(policy, str) else json.dumps(policy)
            root.put_user_policy(UserName=name, PolicyName="test", PolicyDocument=text)
        key = root.create_access_key(UserName=name)["AccessKey"]
        return name, iamd.client(key["AccessKeyId"], key["SecretAccessKey"])

    return make


def wait_until(predicate, timeout=5.0, interval=0.05):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return predicate()
