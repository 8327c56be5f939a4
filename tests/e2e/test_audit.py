"""The audit trail end to end: every call leaves a CloudTrail record that
`aws cloudtrail lookup-events` finds (filters, paging, permissions), no secret reaches
the files on disk, and `iamd audit verify` tells an intact trail from a tampered one."""
import gzip
import json
import os
import shutil
import subprocess
import time

import botocore.exceptions
import pytest

from conftest import ACCOUNT_ID, REGION, ROOT_KEY_ID, ROOT_SECRET, iamd_binary, unique, wait_until


def cloudtrail(iamd, key_id=ROOT_KEY_ID, secret=ROOT_SECRET):
    return iamd.client(key_id, secret, service="cloudtrail")


def lookup(iamd, key, value, client=None):
    client = client or cloudtrail(iamd)
    events = client.lookup_events(
        LookupAttributes=[{"AttributeKey": key, "AttributeValue": value}]
    )["Events"]
    return [json.loads(e["CloudTrailEvent"]) | {"_summary": e} for e in events]


def cli(iamd, *args, key_id=ROOT_KEY_ID, secret=ROOT_SECRET):
    env = {
        **os.environ,
        "AWS_ACCESS_KEY_ID": key_id,
        "AWS_SECRET_ACCESS_KEY": secret,
        "AWS_DEFAULT_REGION": REGION,
    }
    env.pop("AWS_SESSION_TOKEN", None)
    env.pop("AWS_PROFILE", None)
    out = subprocess.run(
        ["aws", *args, "--endpoint-url", iamd.endpoint, "--output", "json"],
        capture_output=True,
        text=True,
        env=env,
    )
    return out


def audit_text(data_dir):
    """Every byte of every audit log file, decompressed."""
    out = []
    for root, _, files in os.walk(data_dir / "audit"):
        for name in files:
            path = os.path.join(root, name)
            raw = open(path, "rb").read()
            out.append(gzip.decompress(raw) if name.endswith(".gz") else raw)
    return b"\n".join(out).decode("utf-8", "replace")


def test_a_call_leaves_one_cloudtrail_record_with_its_request_id(iamd, root):
    name = unique("audited")
    answer = root.create_user(UserName=name, Tags=[{"Key": "team", "Value": "blue"}])
    request_id = answer["ResponseMetadata"]["RequestId"]
    events = [e for e in lookup(iamd, "ResourceName", name) if e["eventName"] == "CreateUser"]
    assert len(events) == 1
    e = events[0]
    assert e["requestID"] == request_id
    assert e["eventVersion"] == "1.09"
    assert e["eventSource"] == "iam.amazonaws.com"
    assert e["eventType"] == "AwsApiCall"
    assert e["eventCategory"] == "Management"
    assert e["managementEvent"] is True
    assert e["readOnly"] is False
    assert e["awsRegion"] == REGION
    assert e["sourceIPAddress"] == "127.0.0.1"
    assert e["userAgent"].startswith("Boto3/")
    assert e["recipientAccountId"] == ACCOUNT_ID
    assert e["userIdentity"] == {
        "type": "Root",
        "principalId": ACCOUNT_ID,
        "arn": f"arn:aws:iam::{ACCOUNT_ID}:root",
        "accountId": ACCOUNT_ID,
        "accessKeyId": ROOT_KEY_ID,
    }
    assert e["requestParameters"] == {
        "userName": name,
        "tags": [{"key": "team", "value": "blue"}],
    }
    assert e["responseElements"]["user"]["userName"] == name
    assert e["resources"] == [
        {"accountId": ACCOUNT_ID, "type": "AWS::IAM::User", "ARN": f"arn:aws:iam::{ACCOUNT_ID}:user/{name}"}
    ]
    summary = e["_summary"]
    assert summary["Username"] == "root"
    assert summary["ReadOnly"] == "false"
    assert {"ResourceType": "AWS::IAM::User", "ResourceName": name} in summary["Resources"]
    # The access log line carries the same request id.
    assert wait_until(lambda: request_id in iamd.log_text())


def test_denials_and_failed_authentication_are_recorded(iamd, root, make_user):
    name, client = make_user(policy=None)
    with pytest.raises(botocore.exceptions.ClientError) as denied:
        client.list_roles()
    assert denied.value.response["Error"]["Code"] == "AccessDenied"
    denied_id = denied.value.response["ResponseMetadata"]["RequestId"]
    by_user = lookup(iamd, "Username", name)
    (event,) = [e for e in by_user if e["requestID"] == denied_id]
    assert event["errorCode"] == "AccessDenied"
    assert event["errorMessage"].startswith(f"User: arn:aws:iam::{ACCOUNT_ID}:user/{name} is not authorized")
    assert event["userIdentity"]["type"] == "IAMUser"
    assert event["userIdentity"]["userName"] == name

    key = root.create_access_key(UserName=name)["AccessKey"]
    forged = iamd.client(key["AccessKeyId"], "not-the-secret")
    with pytest.raises(botocore.exceptions.ClientError) as refused:
        forged.get_user()
    assert refused.value.response["Error"]["Code"] == "SignatureDoesNotMatch"
    (event,) = [
        e for e in lookup(iamd, "AccessKeyId", key["AccessKeyId"]) if e["eventName"] == "GetUser"
    ]
    assert event["errorCode"] == "SignatureDoesNotMatch"
    assert event["userIdentity"]["userName"] == name
    assert event["recipientAccountId"] == ACCOUNT_ID


def assumer(iamd, root):
    """A user allowed to assume roles, and its STS client."""
    name = unique("assumer")
    root.create_user(UserName=name)
    policy = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": ["sts:AssumeRole", "sts:SetSourceIdentity"], "Resource": "*"}]}
    root.put_user_policy(UserName=name, PolicyName="assume", PolicyDocument=json.dumps(policy))
    key = root.create_access_key(UserName=name)["AccessKey"]
    return iamd.client(key["AccessKeyId"], key["SecretAccessKey"], service="sts")


def trusting_role(root, name):
    trust = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT_ID}:root"}, "Action": ["sts:AssumeRole", "sts:SetSourceIdentity"]}],
    }
    return root.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(trust))["Role"]


def test_sessions_carry_their_session_context(iamd, root):
    role = unique("audited-role")
    created = trusting_role(root, role)
    sts = assumer(iamd, root)
    creds = sts.assume_role(RoleArn=created["Arn"], RoleSessionName="auditor", SourceIdentity="alice")["Credentials"]
    boto = __import__("boto3")
    session = boto.client(
        "sts", endpoint_url=iamd.endpoint, region_name=REGION,
        aws_access_key_id=creds["AccessKeyId"], aws_secret_access_key=creds["SecretAccessKey"],
        aws_session_token=creds["SessionToken"],
    )
    session.get_caller_identity()
    assume = [e for e in lookup(iamd, "ResourceName", role) if e["eventName"] == "AssumeRole"]
    assert len(assume) == 1
    assert assume[0]["readOnly"] is True
    assert assume[0]["responseElements"]["credentials"]["accessKeyId"] == creds["AccessKeyId"]
    assert "sessionToken" not in assume[0]["responseElements"]["credentials"]
    assert assume[0]["requestParameters"]["roleSessionName"] == "auditor"
    (call,) = lookup(iamd, "AccessKeyId", creds["AccessKeyId"])
    assert call["eventSource"] == "sts.amazonaws.com"
    identity = call["userIdentity"]
    assert identity["type"] == "AssumedRole"
    assert identity["arn"] == f"arn:aws:sts::{ACCOUNT_ID}:assumed-role/{role}/auditor"
    assert identity["principalId"] == f"{created['RoleId']}:auditor"
    context = identity["sessionContext"]
    assert context["sessionIssuer"] == {
        "type": "Role",
        "principalId": created["RoleId"],
        "arn": created["Arn"],
        "accountId": ACCOUNT_ID,
        "userName": role,
    }
    assert context["attributes"]["mfaAuthenticated"] == "false"
    assert context["sourceIdentity"] == "alice"
    assert call["_summary"]["Username"] == "auditor"


def test_unsigned_web_identity_calls_name_the_federated_caller(iamd, root):
    from oidc_issuer import Issuer

    with Issuer() as idp:
        provider_arn = root.create_open_id_connect_provider(Url=idp.url, ClientIDList=["app"])[
            "OpenIDConnectProviderArn"
        ]
        trust = {
            "Version": "2012-10-17",
            "Statement": [{
                "Effect": "Allow",
                "Principal": {"Federated": provider_arn},
                "Action": "sts:AssumeRoleWithWebIdentity",
                "Condition": {"StringEquals": {f"{idp.provider}:aud": "app"}},
            }],
        }
        role = root.create_role(RoleName=unique("web-audited"), AssumeRolePolicyDocument=json.dumps(trust))["Role"]
        token = idp.token(sub="alice", aud="app")
        sts = iamd.client(ROOT_KEY_ID, ROOT_SECRET, service="sts")
        out = sts.assume_role_with_web_identity(RoleArn=role["Arn"], RoleSessionName="web", WebIdentityToken=token)
        root.delete_open_id_connect_provider(OpenIDConnectProviderArn=provider_arn)
    request_id = out["ResponseMetadata"]["RequestId"]
    (event,) = [e for e in lookup(iamd, "EventName", "AssumeRoleWithWebIdentity") if e["requestID"] == request_id]
    assert event["userIdentity"] == {
        "type": "WebIdentityUser",
        "principalId": f"{out['Provider']}:app:alice",
        "userName": "alice",
        "identityProvider": out["Provider"],
    }
    assert event["recipientAccountId"] == ACCOUNT_ID
    assert event["requestParameters"] == {"roleArn": role["Arn"], "roleSessionName": "web"}
    written = json.dumps(event, default=str)
    assert token not in written
    assert out["Credentials"]["SessionToken"] not in written
    assert event["resources"][0]["ARN"] == role["Arn"]
    assert event["_summary"]["Username"] == "alice"

    boto = __import__("boto3")
    session = boto.client(
        "iam", endpoint_url=iamd.endpoint, region_name=REGION,
        aws_access_key_id=out["Credentials"]["AccessKeyId"],
        aws_secret_access_key=out["Credentials"]["SecretAccessKey"],
        aws_session_token=out["Credentials"]["SessionToken"],
    )
    with pytest.raises(botocore.exceptions.ClientError):
        session.list_users()
    (denied,) = lookup(iamd, "AccessKeyId", out["Credentials"]["AccessKeyId"])
    assert denied["errorCode"] == "AccessDenied"
    assert denied["userIdentity"]["sessionContext"]["webIdFederationData"]["federatedProvider"]


def test_lookup_events_filters_and_pages_with_the_aws_cli(iamd, root):
    names = [unique("paged") for _ in range(5)]
    for n in names:
        root.create_user(UserName=n)
    root.get_user(UserName=names[0])
    by_name = cli(iamd, "cloudtrail", "lookup-events", "--lookup-attributes",
                  f"AttributeKey=ResourceName,AttributeValue={names[0]}")
    assert by_name.returncode == 0, by_name.stderr
    found = json.loads(by_name.stdout)["Events"]
    assert [e["EventName"] for e in found] == ["GetUser", "CreateUser"]  # newest first

    # Paging: two per page, the CLI follows NextToken through every page.
    paged = cli(iamd, "cloudtrail", "lookup-events", "--lookup-attributes",
                "AttributeKey=EventName,AttributeValue=CreateUser", "--page-size", "2")
    assert paged.returncode == 0, paged.stderr
    all_created = json.loads(paged.stdout)["Events"]
    created_names = [json.loads(e["CloudTrailEvent"])["requestParameters"]["userName"] for e in all_created]
    assert created_names[:5] == list(reversed(names))
    assert len(set(e["EventId"] for e in all_created)) == len(all_created)

    first = cloudtrail(iamd).lookup_events(
        LookupAttributes=[{"AttributeKey": "EventName", "AttributeValue": "CreateUser"}], MaxResults=2
    )
    assert len(first["Events"]) == 2 and "NextToken" in first
    second = cloudtrail(iamd).lookup_events(
        LookupAttributes=[{"AttributeKey": "EventName", "AttributeValue": "CreateUser"}],
        MaxResults=2, NextToken=first["NextToken"],
    )
    assert [e["EventId"] for e in first["Events"] + second["Events"]] == [e["EventId"] for e in all_created[:4]]

    reads = cli(iamd, "cloudtrail", "lookup-events", "--max-items", "20", "--lookup-attributes",
                "AttributeKey=ReadOnly,AttributeValue=true")
    assert all(e["ReadOnly"] == "true" for e in json.loads(reads.stdout)["Events"])
    sts_events = cli(iamd, "cloudtrail", "lookup-events", "--max-items", "20", "--lookup-attributes",
                     "AttributeKey=EventSource,AttributeValue=cloudtrail.amazonaws.com")
    assert {e["EventName"] for e in json.loads(sts_events.stdout)["Events"]} == {"LookupEvents"}
    by_key = cli(iamd, "cloudtrail", "lookup-events", "--max-items", "5", "--lookup-attributes",
                 f"AttributeKey=AccessKeyId,AttributeValue={ROOT_KEY_ID}")
    assert all(e["AccessKeyId"] == ROOT_KEY_ID for e in json.loads(by_key.stdout)["Events"])
    by_user = cli(iamd, "cloudtrail", "lookup-events", "--max-items", "5", "--lookup-attributes",
                  "AttributeKey=Username,AttributeValue=root")
    assert {e["Username"] for e in json.loads(by_user.stdout)["Events"]} == {"root"}

    # Time range: nothing lies in the future; everything just made lies in the last hour.
    now = int(time.time())
    future = cli(iamd, "cloudtrail", "lookup-events", "--start-time", str(now + 3600))
    assert json.loads(future.stdout)["Events"] == []
    recent = cli(iamd, "cloudtrail", "lookup-events", "--start-time", str(now - 3600), "--end-time",
                 str(now + 60), "--lookup-attributes", f"AttributeKey=ResourceName,AttributeValue={names[1]}")
    assert len(json.loads(recent.stdout)["Events"]) == 1

    bad = cli(iamd, "cloudtrail", "lookup-events", "--no-paginate", "--max-results", "51")
    assert bad.returncode != 0 and "InvalidMaxResultsException" in bad.stderr
    two = cli(iamd, "cloudtrail", "lookup-events", "--lookup-attributes",
              "AttributeKey=EventName,AttributeValue=a", "AttributeKey=EventName,AttributeValue=b")
    assert two.returncode != 0 and "InvalidLookupAttributesException" in two.stderr


def test_reading_events_needs_cloudtrail_lookup_events(iamd, root, make_user):
    name, _ = make_user(policy=None)
    key = root.create_access_key(UserName=name)["AccessKey"]
    denied = cli(iamd, "cloudtrail", "lookup-events", "--max-items", "1",
                 key_id=key["AccessKeyId"], secret=key["SecretAccessKey"])
    assert denied.returncode != 0
    assert "AccessDeniedException" in denied.stderr
    assert "cloudtrail:LookupEvents" in denied.stderr
    policy = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "cloudtrail:LookupEvents", "Resource": "*"}]}
    root.put_user_policy(UserName=name, PolicyName="read-trail", PolicyDocument=json.dumps(policy))
    allowed = cli(iamd, "cloudtrail", "lookup-events", "--max-items", "50",
                  key_id=key["AccessKeyId"], secret=key["SecretAccessKey"])
    assert allowed.returncode == 0, allowed.stderr
    events = json.loads(allowed.stdout)["Events"]
    assert events and all(json.loads(e["CloudTrailEvent"])["recipientAccountId"] == ACCOUNT_ID for e in events)
    # The refusal itself is on record.
    refusals = [e for e in lookup(iamd, "Username", name) if e["eventName"] == "LookupEvents"]
    assert {e.get("errorCode") for e in refusals} == {"AccessDeniedException", None}
    assert all(e["eventSource"] == "cloudtrail.amazonaws.com" for e in refusals)


def test_access_analyzer_calls_are_recorded(iamd):
    analyzer = unique("audited-analyzer")
    client = iamd.client(ROOT_KEY_ID, ROOT_SECRET, service="accessanalyzer")
    arn = client.create_analyzer(analyzerName=analyzer, type="ACCOUNT")["arn"]
    client.list_analyzers()
    events = lookup(iamd, "EventSource", "access-analyzer.amazonaws.com")
    (created,) = [e for e in events if e["eventName"] == "CreateAnalyzer" and e["requestParameters"]["analyzerName"] == analyzer]
    assert created["readOnly"] is False
    assert created["requestParameters"]["type"] == "ACCOUNT"
    assert created["responseElements"] == {"arn": arn}
    assert created["userIdentity"]["type"] == "Root"
    assert {"ResourceType": "AWS::AccessAnalyzer::Analyzer", "ResourceName": analyzer} in created["_summary"]["Resources"]
    listed = [e for e in events if e["eventName"] == "ListAnalyzers"]
    assert listed and listed[0]["readOnly"] is True and listed[0]["responseElements"] is None


def test_no_secret_reaches_the_audit_files(iamd, root):
    name = unique("secretive")
    root.create_user(UserName=name)
    key = root.create_access_key(UserName=name)["AccessKey"]
    password = "Audit-Secret-Passw0rd!" + unique("p")
    root.create_login_profile(UserName=name, Password=password)
    sts = iamd.client(ROOT_KEY_ID, ROOT_SECRET, service="sts")
    token = sts.get_session_token()["Credentials"]
    arn = trusting_role(root, unique("secret-role"))["Arn"]
    assumed = assumer(iamd, root).assume_role(RoleArn=arn, RoleSessionName="sess")["Credentials"]
    # The records are there (their ids are) ...
    assert wait_until(lambda: assumed["AccessKeyId"] in audit_text(iamd.data_dir))
    text = audit_text(iamd.data_dir)
    assert key["AccessKeyId"] in text and token["AccessKeyId"] in text
    # ... their secrets are not.
    for secret in [key["SecretAccessKey"], password, token["SecretAccessKey"], token["SessionToken"],
                   assumed["SecretAccessKey"], assumed["SessionToken"], ROOT_SECRET]:
        assert secret not in text
    (event,) = [e for e in lookup(iamd, "Username", "root") if e["eventName"] == "CreateLoginProfile"
                and e["requestParameters"]["userName"] == name]
    assert event["requestParameters"] == {"userName": name}


def run_iamd(*args):
    return subprocess.run([iamd_binary(), *args], capture_output=True, text=True)


def flip_a_byte(audit_dir):
    """Changes one character inside a record of the newest log file with records."""
    logs = sorted(p for p in audit_dir.iterdir() if p.name.startswith("log-"))
    for path in reversed(logs):
        raw = path.read_bytes()
        data = gzip.decompress(raw) if path.name.endswith(".gz") else raw
        at = data.find(b'"userName":"')
        if at < 0:
            continue
        at += len(b'"userName":"')
        data = data[:at] + bytes([data[at] ^ 0x01]) + data[at + 1:]
        path.write_bytes(gzip.compress(data) if path.name.endswith(".gz") else data)
        return path
    raise AssertionError("no record to tamper with")


def test_verify_tells_an_intact_trail_from_a_tampered_copy(start_iamd, tmp_path):
    server = start_iamd(name="verified")
    client = server.root()
    for i in range(3):
        client.create_user(UserName=f"verified-{i}")
    client.list_users()
    assert server.stop() == 0, server.log_text()
    # A second run over the same directory continues the chain with its own digests.
    again = start_iamd(data_dir=server.data_dir, name="verified-again")
    again.root().list_users()
    assert again.stop() == 0
    intact = run_iamd("audit", "verify", "--data-dir", str(server.data_dir))
    assert intact.returncode == 0, intact.stdout + intact.stderr + server.log_text()
    assert "audit trail intact" in intact.stdout, intact.stdout + server.log_text()
    assert "not yet covered" not in intact.stdout, intact.stdout + server.log_text()

    tail = run_iamd("audit", "tail", "--data-dir", str(server.data_dir), "-n", "2")
    lines = tail.stdout.splitlines()
    assert len(lines) == 2
    assert "iam:ListUsers" in lines[0] and "iam:ListUsers" in lines[1]
    assert f"arn:aws:iam::{ACCOUNT_ID}:root" in lines[1] and lines[1].endswith("OK")

    tampered = tmp_path / "tampered"
    shutil.copytree(server.data_dir, tampered)
    flip_a_byte(tampered / "audit")
    report = run_iamd("audit", "verify", "--data-dir", str(tampered))
    assert report.returncode == 1
    assert "altered" in report.stdout
    assert "NOT intact" in report.stdout

    removed = tmp_path / "removed"
    shutil.copytree(server.data_dir, removed)
    digest = sorted((removed / "audit").glob("digest-*.json"))[0]
    digest.unlink()
    report = run_iamd("audit", "verify", "--data-dir", str(removed))
    assert report.returncode == 1
    assert f"{digest.name}: removed" in report.stdout


def test_auditing_can_be_turned_off(start_iamd):
    server = start_iamd(name="unaudited", env={"IAMD_AUDIT": "off"})
    server.root().list_users()
    assert not (server.data_dir / "audit").exists()
    with pytest.raises(botocore.exceptions.ClientError) as off:
        cloudtrail(server).lookup_events()
    assert off.value.response["Error"]["Code"] == "TrailNotFoundException"
