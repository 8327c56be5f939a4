"""Workload credentials: the seeds' EC2 instance-profile walkthrough made real. A role
trusting ec2.amazonaws.com with AmazonS3ReadOnlyAccess, in an instance profile bound to
an IMDSv2 endpoint with `iamd workload bind`; unmodified boto3 in a subprocess with no
keys anywhere finds credentials through AWS_EC2_METADATA_SERVICE_ENDPOINT (or the
container variables), is the assumed role, may read S3 in the simulator and may not
write IAM. Roles that do not trust the endpoint's service principal get nothing. The same
bindings may be declared in the configuration file's [[workload]] section."""
import json
import socket
import subprocess
import sys
import textwrap
import urllib.error
import urllib.request

import pytest

from conftest import ACCOUNT_ID, REGION, iamd_binary, unique, wait_until

EC2_TRUST = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}],
}
ECS_TRUST = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Principal": {"Service": "ecs-tasks.amazonaws.com"}, "Action": "sts:AssumeRole"}],
}
S3_READ_ONLY = "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"

# What the workload runs: plain boto3, credentials from the default chain only.
WORKLOAD_SCRIPT = textwrap.dedent(
    """
    import json, sys
    import boto3
    from botocore.exceptions import ClientError, NoCredentialsError

    endpoint = sys.argv[1]
    session = boto3.Session(region_name="us-east-1")
    out = {}
    creds = session.get_credentials()
    if creds is None:
        out["credentials"] = None
    else:
        frozen = creds.get_frozen_credentials()
        out["credentials"] = {"method": creds.method, "access_key_id": frozen.access_key,
                              "has_token": bool(frozen.token)}
        sts = session.client("sts", endpoint_url=endpoint)
        out["arn"] = sts.get_caller_identity()["Arn"]
        iam = session.client("iam", endpoint_url=endpoint)
        try:
            iam.create_user(UserName="made-by-workload")
            out["create_user"] = "allowed"
        except ClientError as e:
            out["create_user"] = e.response["Error"]["Code"]
    print(json.dumps(out))
    """
)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def clean_env(tmp_path, **extra) -> dict:
    """An environment with no AWS keys, config or credentials files."""
    import os

    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(
        HOME=str(tmp_path),
        AWS_CONFIG_FILE=str(tmp_path / "no-config"),
        AWS_SHARED_CREDENTIALS_FILE=str(tmp_path / "no-credentials"),
        AWS_METADATA_SERVICE_TIMEOUT="5",
        AWS_METADATA_SERVICE_NUM_ATTEMPTS="2",
    )
    env.update(extra)
    return env


def run_workload(server, tmp_path, **env) -> dict:
    result = subprocess.run(
        [sys.executable, "-c", WORKLOAD_SCRIPT, server.endpoint],
        env=clean_env(tmp_path, **env),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def workload_cli(server, *args) -> subprocess.CompletedProcess:
    return subprocess.run(
        [iamd_binary(), "workload", *args, "--data-dir", str(server.data_dir)],
        capture_output=True,
        text=True,
        timeout=30,
    )


def bind(server, *args) -> dict:
    """`iamd workload bind ...`; its `key: value` and `VAR=value` lines as a dict."""
    result = workload_cli(server, "bind", *args)
    assert result.returncode == 0, result.stderr
    out = {}
    for line in result.stdout.splitlines():
        if "=" in line and not line.startswith("("):
            key, value = line.split("=", 1)
        elif ": " in line:
            key, value = line.split(": ", 1)
        else:
            continue
        out[key] = value
    return out


def http(method, url, headers=None):
    """(status, headers, body) without raising on error statuses."""
    request = urllib.request.Request(url, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.headers, response.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.headers, e.read().decode()


def imds_token(base, ttl="21600"):
    return http("PUT", f"{base}/latest/api/token", {"X-aws-ec2-metadata-token-ttl-seconds": ttl})


def wait_for_listener(base):
    assert wait_until(lambda: _answers(base), timeout=10), f"no IMDS endpoint at {base}"


def _answers(base):
    try:
        return imds_token(base)[0] == 200
    except OSError:
        return False


def make_role(root, trust, name=None):
    name = name or unique("role")
    role = root.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(trust))["Role"]
    root.attach_role_policy(RoleName=name, PolicyArn=S3_READ_ONLY)
    return role


def make_profile(root, role_name):
    profile = unique("profile")
    root.create_instance_profile(InstanceProfileName=profile)
    root.add_role_to_instance_profile(InstanceProfileName=profile, RoleName=role_name)
    return root.get_instance_profile(InstanceProfileName=profile)["InstanceProfile"]


@pytest.fixture
def server(start_iamd):
    return start_iamd()


def test_boto3_on_an_instance_profile_through_imds(server, tmp_path):
    root = server.root()
    role = make_role(root, EC2_TRUST, "EC2-S3-ReadRole")
    profile = make_profile(root, "EC2-S3-ReadRole")
    port = free_port()
    bound = bind(server, "web-1", "--instance-profile", profile["InstanceProfileName"],
                 "--listen", f"127.0.0.1:{port}")
    instance_id = bound["workload id"]
    assert instance_id.startswith("i-") and len(instance_id) == 19
    base = f"http://127.0.0.1:{port}"
    assert bound["AWS_EC2_METADATA_SERVICE_ENDPOINT"] == base + "/"
    wait_for_listener(base)

    out = run_workload(server, tmp_path, AWS_EC2_METADATA_SERVICE_ENDPOINT=base + "/")
    assert out["credentials"]["method"] == "iam-role"
    assert out["credentials"]["access_key_id"].startswith("ASIA")
    assert out["credentials"]["has_token"]
    assert out["arn"] == f"arn:aws:sts::{ACCOUNT_ID}:assumed-role/EC2-S3-ReadRole/{instance_id}"
    assert out["create_user"] == "AccessDenied"

    # What AmazonS3ReadOnlyAccess allows the role, in the simulator.
    results = root.simulate_principal_policy(
        PolicySourceArn=role["Arn"],
        ActionNames=["s3:GetObject", "s3:ListBucket", "s3:PutObject", "iam:CreateUser"],
    )["EvaluationResults"]
    decisions = {r["EvalActionName"]: r["EvalDecision"] for r in results}
    assert decisions == {
        "s3:GetObject": "allowed",
        "s3:ListBucket": "allowed",
        "s3:PutObject": "implicitDeny",
        "iam:CreateUser": "implicitDeny",
    }

    # The other documents an SDK or agent reads.
    _, _, token = imds_token(base)
    headers = {"X-aws-ec2-metadata-token": token}
    status, _, info = http("GET", f"{base}/latest/meta-data/iam/info", headers)
    assert status == 200
    info = json.loads(info)
    assert info["Code"] == "Success"
    assert info["InstanceProfileArn"] == profile["Arn"]
    assert info["InstanceProfileId"] == profile["InstanceProfileId"]
    status, _, document = http("GET", f"{base}/latest/dynamic/instance-identity/document", headers)
    document = json.loads(document)
    assert (document["accountId"], document["instanceId"], document["region"]) == (ACCOUNT_ID, instance_id, REGION)
    assert http("GET", f"{base}/latest/meta-data/instance-id", headers)[2] == instance_id
    assert http("GET", f"{base}/latest/meta-data/placement/region", headers)[2] == REGION
    status, _, doc = http("GET", f"{base}/latest/meta-data/iam/security-credentials/EC2-S3-ReadRole", headers)
    doc = json.loads(doc)
    assert doc["Code"] == "Success" and doc["Type"] == "AWS-HMAC"
    assert set(doc) == {"Code", "LastUpdated", "Type", "AccessKeyId", "SecretAccessKey", "Token", "Expiration"}
    # Served from the cache until due for refresh: the same key as the workload got.
    assert doc["AccessKeyId"] == out["credentials"]["access_key_id"]
    assert http("GET", f"{base}/latest/meta-data/iam/security-credentials/OtherRole", headers)[0] == 404
    # The secret never reaches the log.
    assert doc["SecretAccessKey"] not in server.log_text()


def test_imds_tokens_are_required_and_checked(server):
    root = server.root()
    make_role(root, EC2_TRUST, "imds-tokens-role")
    profile = make_profile(root, "imds-tokens-role")
    port = free_port()
    bind(server, "tokens", "--instance-profile", profile["InstanceProfileName"], "--listen", f"127.0.0.1:{port}")
    base = f"http://127.0.0.1:{port}"
    wait_for_listener(base)
    creds_url = f"{base}/latest/meta-data/iam/security-credentials/"

    # IMDSv2 only: no token, a forged token → 401.
    assert http("GET", creds_url)[0] == 401
    assert http("GET", creds_url, {"X-aws-ec2-metadata-token": "forged"})[0] == 401
    # The TTL header is required and 1..21600.
    for ttl in ["0", "21601", "-1", "soon"]:
        assert imds_token(base, ttl)[0] == 400, ttl
    assert http("PUT", f"{base}/latest/api/token")[0] == 400
    # Requests that went through a proxy are refused, as on EC2.
    assert http("PUT", f"{base}/latest/api/token",
                {"X-aws-ec2-metadata-token-ttl-seconds": "60", "X-Forwarded-For": "10.0.0.1"})[0] == 403
    status, headers, token = imds_token(base, "60")
    assert status == 200
    # The SDKs (aws-config) read the TTL back from the response header.
    assert headers["X-aws-ec2-metadata-token-ttl-seconds"] == "60"
    status, _, body = http("GET", creds_url, {"X-aws-ec2-metadata-token": token})
    assert (status, body) == (200, "imds-tokens-role")


def test_a_role_that_does_not_trust_ec2_gets_nothing(server, tmp_path):
    root = server.root()
    make_role(root, ECS_TRUST, "not-for-ec2")
    profile = make_profile(root, "not-for-ec2")
    port = free_port()
    bind(server, "untrusted", "--instance-profile", profile["InstanceProfileName"], "--listen", f"127.0.0.1:{port}")
    base = f"http://127.0.0.1:{port}"
    wait_for_listener(base)

    _, _, token = imds_token(base)
    status, _, body = http("GET", f"{base}/latest/meta-data/iam/security-credentials/not-for-ec2",
                           {"X-aws-ec2-metadata-token": token})
    document = json.loads(body)
    assert document["Code"] == "AssumeRoleUnauthorizedAccess"
    assert "AccessKeyId" not in document
    assert wait_until(lambda: "does not trust the service principal" in server.log_text())

    out = run_workload(server, tmp_path, AWS_EC2_METADATA_SERVICE_ENDPOINT=base + "/")
    assert out["credentials"] is None


def test_boto3_through_the_container_endpoint(server, tmp_path):
    root = server.root()
    make_role(root, ECS_TRUST, "task-role")
    bound = bind(server, "batch-task", "--role", "task-role")
    task_id = bound["workload id"]
    token = bound["AWS_CONTAINER_AUTHORIZATION_TOKEN"]
    uri = f"{server.endpoint}/v1/workload-credentials"
    out = run_workload(
        server, tmp_path,
        AWS_CONTAINER_CREDENTIALS_FULL_URI=uri,
        AWS_CONTAINER_AUTHORIZATION_TOKEN=token,
    )
    assert out["credentials"]["method"] == "container-role"
    assert out["arn"] == f"arn:aws:sts::{ACCOUNT_ID}:assumed-role/task-role/{task_id}"
    assert out["create_user"] == "AccessDenied"

    status, _, body = http("GET", uri, {"Authorization": token})
    doc = json.loads(body)
    assert status == 200
    assert set(doc) == {"AccessKeyId", "SecretAccessKey", "Token", "Expiration", "RoleArn"}
    assert doc["RoleArn"] == f"arn:aws:iam::{ACCOUNT_ID}:role/task-role"
    # The token is kept only as a hash: it is not in the database.
    raw = b"".join(p.read_bytes() for p in server.data_dir.glob("iamd.sqlite3*"))
    assert token.encode() not in raw

    assert http("GET", uri)[0] == 401
    assert http("GET", uri, {"Authorization": token + "x"})[0] == 401

    # A role trusting EC2 only is refused to containers.
    make_role(root, EC2_TRUST, "ec2-only")
    other = bind(server, "wrong-principal", "--role", "ec2-only")
    status, _, body = http("GET", uri, {"Authorization": other["AWS_CONTAINER_AUTHORIZATION_TOKEN"]})
    assert status == 403
    assert json.loads(body)["Code"] == "AssumeRoleUnauthorizedAccess"

    # Unbound: the token stops working.
    assert workload_cli(server, "unbind", "batch-task").returncode == 0
    assert http("GET", uri, {"Authorization": token})[0] == 401


def test_bindings_are_listed_checked_and_removed(server):
    root = server.root()
    make_role(root, EC2_TRUST, "listed-role")
    profile = make_profile(root, "listed-role")
    port = free_port()
    bind(server, "listed", "--instance-profile", profile["InstanceProfileName"], "--listen", f"127.0.0.1:{port}")
    base = f"http://127.0.0.1:{port}"
    wait_for_listener(base)

    listing = workload_cli(server, "list")
    assert listing.returncode == 0
    rows = [line.split("\t") for line in listing.stdout.splitlines()[1:]]
    assert [(r[0], r[1], r[3], r[4]) for r in rows] == [
        ("listed", "imds", profile["InstanceProfileName"], f"127.0.0.1:{port}")
    ]
    # Unknown targets, clashing names and port 0 are refused.
    assert workload_cli(server, "bind", "x", "--instance-profile", "nope", "--listen", "127.0.0.1:9").returncode == 1
    assert workload_cli(server, "bind", "LISTED", "--role", "listed-role").returncode == 1
    assert workload_cli(server, "bind", "y", "--instance-profile", profile["InstanceProfileName"],
                        "--listen", "127.0.0.1:0").returncode == 1
    assert workload_cli(server, "unbind", "missing").returncode == 1

    # Unbinding closes the endpoint of a running server.
    assert workload_cli(server, "unbind", "listed").returncode == 0
    assert wait_until(lambda: not _answers(base), timeout=10)


def write_config(tmp_path, text) -> str:
    path = tmp_path / "iamd.toml"
    path.write_text(textwrap.dedent(text))
    return str(path)


def serve_until_exit(data_dir, config_path):
    """`iamd serve` that is expected to refuse to start: (exit status, stderr)."""
    import os

    from conftest import root_env

    result = subprocess.run(
        [iamd_binary(), "serve", "--listen", "127.0.0.1:0", "--data-dir", str(data_dir), "--config", config_path],
        env={**os.environ, **root_env()},
        capture_output=True,
        text=True,
        timeout=30,
    )
    return result.returncode, result.stderr


def test_bindings_declared_in_the_config_file(start_iamd, tmp_path):
    port = free_port()
    # The container token sits in its own file (relative to the config file); only its
    # hash is kept by the server.
    token = "declared-task-token-" + unique("t")
    (tmp_path / "task.token").write_text(token + "\n")
    config = write_config(tmp_path, f"""
        [[workload]]
        name = "declared-web"
        kind = "imds"
        instance_profile = "declared-profile"
        listen = "127.0.0.1:{port}"

        [[workload]]
        name = "declared-task"
        kind = "container"
        role = "declared-task-role"
        token_file = "task.token"
    """)
    server = start_iamd(env={"IAMD_CONFIG": config})
    uri = f"{server.endpoint}/v1/workload-credentials"
    # The roles are created after the server started: bindings resolve them at first use.
    assert wait_until(lambda: "does not exist yet" in server.log_text())
    status, _, body = http("GET", uri, {"Authorization": token})
    assert (status, json.loads(body)["Code"]) == (404, "InstanceProfileNotFound")
    root = server.root()
    make_role(root, EC2_TRUST, "declared-web-role")
    root.create_instance_profile(InstanceProfileName="declared-profile")
    root.add_role_to_instance_profile(InstanceProfileName="declared-profile", RoleName="declared-web-role")
    make_role(root, ECS_TRUST, "declared-task-role")

    base = f"http://127.0.0.1:{port}"
    wait_for_listener(base)
    _, _, imds = imds_token(base)
    instance_id = http("GET", f"{base}/latest/meta-data/instance-id", {"X-aws-ec2-metadata-token": imds})[2]
    assert instance_id.startswith("i-") and len(instance_id) == 19

    out = run_workload(server, tmp_path, AWS_EC2_METADATA_SERVICE_ENDPOINT=base + "/")
    assert out["credentials"]["method"] == "iam-role"
    assert out["arn"] == f"arn:aws:sts::{ACCOUNT_ID}:assumed-role/declared-web-role/{instance_id}"
    assert out["create_user"] == "AccessDenied"

    out = run_workload(
        server, tmp_path,
        AWS_CONTAINER_CREDENTIALS_FULL_URI=uri,
        AWS_CONTAINER_AUTHORIZATION_TOKEN=token,
    )
    assert out["credentials"]["method"] == "container-role"
    assert out["arn"].startswith(f"arn:aws:sts::{ACCOUNT_ID}:assumed-role/declared-task-role/")
    assert out["create_user"] == "AccessDenied"
    assert http("GET", uri, {"Authorization": token + "x"})[0] == 401
    assert token not in server.log_text()

    # `iamd workload bind` will not take a name the config file declares.
    taken = subprocess.run(
        [iamd_binary(), "workload", "bind", "DECLARED-TASK", "--role", "declared-task-role",
         "--data-dir", str(server.data_dir), "--config", config],
        capture_output=True, text=True, timeout=30,
    )
    assert taken.returncode == 1
    assert "configuration file declares the workload declared-task" in taken.stderr
    assert server.stop() == 0

    # A restart serves the same instance id (the credentials' session name).
    again = start_iamd(data_dir=server.data_dir, env={"IAMD_CONFIG": config}, name="again")
    wait_for_listener(base)
    _, _, imds = imds_token(base)
    assert http("GET", f"{base}/latest/meta-data/instance-id", {"X-aws-ec2-metadata-token": imds})[2] == instance_id
    assert again.stop() == 0

    # A stored binding of a declared name: the server refuses to start, and says why.
    bind(server, "declared-web", "--instance-profile", "declared-profile", "--listen", f"127.0.0.1:{free_port()}")
    status, stderr = serve_until_exit(server.data_dir, config)
    assert status != 0
    assert "[[workload]] declared-web" in stderr and "iamd workload unbind declared-web" in stderr


@pytest.mark.parametrize("entry, words", [
    ('kind = "imds"\ninstance_profile = "p"\nlisten = "nowhere"', "not a socket address: nowhere"),
    ('kind = "imds"\ninstance_profile = "p"', "needs listen"),
    ('kind = "container"\nrole = "r"', "one of token_file and token_sha256"),
    ('kind = "container"\nrole = "r"\ntoken_file = "missing.token"', "cannot read"),
    ('kind = "container"\nrole = "r"\ntoken_sha256 = "00"', "64 hexadecimal digits"),
    ('kind = "ecs"\nrole = "r"', "kind must be imds or container"),
    ('kind = "container"\nrole = "r"\ntoken_sha256 = "' + "ab" * 32 + '"\naccount_id = "999999999999"',
     "no account 999999999999"),
])
def test_bad_workload_entries_stop_the_start(tmp_path, entry, words):
    config = write_config(tmp_path, '[[workload]]\nname = "bad"\n' + entry + "\n")
    status, stderr = serve_until_exit(tmp_path / "data", config)
    assert status != 0
    assert words in stderr, stderr
