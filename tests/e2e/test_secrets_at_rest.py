"""Secret access keys never appear in plaintext in the data directory or the log."""
from conftest import ROOT_SECRET, unique


def test_secrets_absent_from_database_and_log(start_iamd):
    server = start_iamd(name="secrets")
    root = server.root()
    secrets = [ROOT_SECRET]
    for _ in range(3):
        name = unique("s")
        root.create_user(UserName=name)
        key = root.create_access_key(UserName=name)["AccessKey"]
        secrets.append(key["SecretAccessKey"])
        server.client(key["AccessKeyId"], key["SecretAccessKey"]).get_user  # a client, unused
    root.list_users()
    server.stop()
    blobs = [p.read_bytes() for p in server.data_dir.rglob("*") if p.is_file()]
    assert blobs, "the data dir is empty"
    log = server.log_text()
    assert "request" in log  # the log is there and has content
    for secret in secrets:
        for blob in blobs:
            assert secret.encode() not in blob
        assert secret not in log


def test_generated_root_secret_is_printed_once(start_iamd, tmp_path):
    data = tmp_path / "gen"
    server = start_iamd(data_dir=data, env={"IAMD_ROOT_ACCESS_KEY_ID": "", "IAMD_ROOT_SECRET_ACCESS_KEY": ""}, name="gen")
    lines = [l for l in server.stdout_lines if "root secret access key" in l]
    assert len(lines) == 1
    key_id = next(l for l in server.stdout_lines if "root access key id" in l).split(": ")[-1]
    secret = lines[0].split(": ")[2].split(" ")[0]
    assert server.client(key_id, secret).get_user()["User"]["Arn"].endswith(":root")
    server.stop()
    assert secret not in server.log_text()
    for p in data.rglob("*"):
        if p.is_file():
            assert secret.encode() not in p.read_bytes()
    again = start_iamd(data_dir=data, env={"IAMD_ROOT_ACCESS_KEY_ID": "", "IAMD_ROOT_SECRET_ACCESS_KEY": ""}, name="gen2")
    assert not any("secret" in l for l in again.stdout_lines)
