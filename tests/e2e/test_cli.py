"""The unmodified aws CLI against iamd, and the `iamd account create` command."""
import json
import os
import subprocess

from conftest import ACCOUNT_ID, REGION, ROOT_KEY_ID, ROOT_SECRET, iamd_binary, unique


def aws(iamd, *args, key=ROOT_KEY_ID, secret=ROOT_SECRET):
    env = {
        **os.environ,
        "AWS_ACCESS_KEY_ID": key,
        "AWS_SECRET_ACCESS_KEY": secret,
        "AWS_DEFAULT_REGION": REGION,
        "AWS_CONFIG_FILE": os.devnull,
        "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
    }
    env.pop("AWS_PROFILE", None)
    out = subprocess.run(
        ["aws", "--endpoint-url", iamd.endpoint, "--output", "json", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    return out.returncode, out.stdout, out.stderr


def test_aws_cli_creates_and_reads_a_user(iamd):
    name = unique("cli")
    code, out, err = aws(iamd, "iam", "create-user", "--user-name", name)
    assert code == 0, err
    assert json.loads(out)["User"]["Arn"] == f"arn:aws:iam::{ACCOUNT_ID}:user/{name}"
    code, out, err = aws(iamd, "iam", "get-user", "--user-name", name)
    assert code == 0, err
    assert json.loads(out)["User"]["UserName"] == name
    code, out, err = aws(iamd, "iam", "get-user", "--user-name", name + "-absent")
    assert code != 0
    assert "NoSuchEntity" in err


def test_account_create_adds_a_second_account(start_iamd, tmp_path):
    data = tmp_path / "accounts"
    server = start_iamd(data_dir=data, name="accounts")
    out = subprocess.run(
        [iamd_binary(), "account", "create", "--data-dir", str(data), "--account-id", "210987654321"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert out.returncode == 0, out.stderr
    fields = dict(line.split(": ", 1) for line in out.stdout.splitlines())
    key_id = fields["root access key id"]
    secret = fields["root secret access key"].split(" ")[0]
    assert fields["account id"] == "210987654321"
    other = server.client(key_id, secret)
    assert other.get_user()["User"]["Arn"] == "arn:aws:iam::210987654321:root"
    # Accounts are separate: a user of one is not visible in the other.
    name = unique("mine")
    server.root().create_user(UserName=name)
    assert name not in [u["UserName"] for u in other.list_users()["Users"]]
