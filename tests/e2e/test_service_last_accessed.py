"""IAM's service-last-accessed reports (GenerateServiceLastAccessedDetails,
GetServiceLastAccessedDetails, GetServiceLastAccessedDetailsWithEntities) from what
iamd records per request, through boto3 and the aws CLI."""
import json

import pytest
from botocore.exceptions import ClientError

from conftest import ACCOUNT_ID, unique
from test_cli import aws

WORK_POLICY = {
    "Version": "2012-10-17",
    "Statement": [
        {"Effect": "Allow", "Action": ["iam:GetUser", "iam:GetRole", "s3:GetObject"], "Resource": "*"},
    ],
}


def report(root, arn, granularity="SERVICE_LEVEL", **kwargs):
    job = root.generate_service_last_accessed_details(Arn=arn, Granularity=granularity)["JobId"]
    assert len(job) == 36
    out = root.get_service_last_accessed_details(JobId=job, **kwargs)
    assert out["JobStatus"] == "COMPLETED"
    return job, out


def by_namespace(out):
    return {s["ServiceNamespace"]: s for s in out["ServicesLastAccessed"]}


def test_user_report_lists_used_and_unused_services(iamd, root, make_user):
    user, client = make_user(policy=WORK_POLICY)
    client.get_user()
    arn = f"arn:aws:iam::{ACCOUNT_ID}:user/{user}"
    job, out = report(root, arn)
    services = by_namespace(out)
    assert set(services) == {"iam", "s3"}
    iam = services["iam"]
    assert iam["ServiceName"] == "AWS Identity and Access Management (IAM)"
    assert iam["LastAuthenticatedEntity"] == arn
    assert iam["LastAuthenticatedRegion"] == "us-east-1"
    assert iam["TotalAuthenticatedEntities"] == 1
    assert "LastAuthenticated" in iam
    s3 = services["s3"]
    assert "LastAuthenticated" not in s3 and s3["TotalAuthenticatedEntities"] == 0
    assert "TrackedActionsLastAccessed" not in iam

    _, out = report(root, arn, granularity="ACTION_LEVEL")
    assert out["JobType"] == "ACTION_LEVEL"
    actions = {a["ActionName"]: a for a in by_namespace(out)["iam"]["TrackedActionsLastAccessed"]}
    assert set(actions) == {"GetUser", "GetRole"}
    assert actions["GetUser"]["LastAccessedEntity"] == arn
    assert "LastAccessedTime" in actions["GetUser"]
    assert "LastAccessedTime" not in actions["GetRole"]

    entities = root.get_service_last_accessed_details_with_entities(JobId=job, ServiceNamespace="iam")
    assert entities["JobStatus"] == "COMPLETED"
    [entity] = entities["EntityDetailsList"]
    assert entity["EntityInfo"]["Arn"] == arn and entity["EntityInfo"]["Type"] == "USER"
    assert "LastAuthenticated" in entity

    # Paging: one service per page.
    first = root.get_service_last_accessed_details(JobId=job, MaxItems=1)
    assert first["IsTruncated"] and len(first["ServicesLastAccessed"]) == 1
    second = root.get_service_last_accessed_details(JobId=job, MaxItems=1, Marker=first["Marker"])
    assert not second["IsTruncated"]
    assert [s["ServiceNamespace"] for s in first["ServicesLastAccessed"] + second["ServicesLastAccessed"]] == ["iam", "s3"]


def test_denied_attempts_count_and_refusals_are_tracked(iamd, root, make_user):
    # AWS counts attempts: a refused call is an access attempt too.
    user, client = make_user(policy=WORK_POLICY)
    with pytest.raises(ClientError):
        client.list_users()
    _, out = report(root, f"arn:aws:iam::{ACCOUNT_ID}:user/{user}", granularity="ACTION_LEVEL")
    assert by_namespace(out)["iam"]["TotalAuthenticatedEntities"] == 1


def test_group_role_and_policy_reports(iamd, root, make_user):
    group = unique("readers")
    root.create_group(GroupName=group)
    root.put_group_policy(GroupName=group, PolicyName="read", PolicyDocument=json.dumps(WORK_POLICY))
    member, client = make_user()
    idle, _ = make_user()
    root.add_user_to_group(GroupName=group, UserName=member)
    root.add_user_to_group(GroupName=group, UserName=idle)
    client.get_user()
    job, out = report(root, f"arn:aws:iam::{ACCOUNT_ID}:group/{group}")
    iam = by_namespace(out)["iam"]
    assert iam["LastAuthenticatedEntity"] == f"arn:aws:iam::{ACCOUNT_ID}:user/{member}"
    assert iam["TotalAuthenticatedEntities"] == 1
    listed = root.get_service_last_accessed_details_with_entities(JobId=job, ServiceNamespace="iam")["EntityDetailsList"]
    assert [e["EntityInfo"]["Name"] for e in listed] == [member, idle]
    assert "LastAuthenticated" in listed[0] and "LastAuthenticated" not in listed[1]

    # A role used through its sessions.
    role = unique("worker")
    root.create_role(
        RoleName=role,
        AssumeRolePolicyDocument=json.dumps(
            {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT_ID}:root"}, "Action": "sts:AssumeRole"}]}
        ),
    )
    policy_arn = root.create_policy(PolicyName=unique("work"), PolicyDocument=json.dumps(WORK_POLICY))["Policy"]["Arn"]
    root.attach_role_policy(RoleName=role, PolicyArn=policy_arn)
    assumer, _ = make_user(policy={"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "*"}]})
    key = root.create_access_key(UserName=assumer)["AccessKey"]
    sts = iamd.client(key["AccessKeyId"], key["SecretAccessKey"], service="sts")
    creds = sts.assume_role(RoleArn=f"arn:aws:iam::{ACCOUNT_ID}:role/{role}", RoleSessionName="worker")["Credentials"]
    import boto3

    session_iam = boto3.client(
        "iam",
        endpoint_url=iamd.endpoint,
        region_name="eu-west-1",
        aws_access_key_id=creds["AccessKeyId"],
        aws_secret_access_key=creds["SecretAccessKey"],
        aws_session_token=creds["SessionToken"],
    )
    session_iam.get_role(RoleName=role)
    role_arn = f"arn:aws:iam::{ACCOUNT_ID}:role/{role}"
    _, out = report(root, role_arn)
    iam = by_namespace(out)["iam"]
    assert iam["LastAuthenticatedEntity"] == role_arn and iam["LastAuthenticatedRegion"] == "eu-west-1"

    # The policy's report: the role it is attached to.
    _, out = report(root, policy_arn)
    assert by_namespace(out)["iam"]["LastAuthenticatedEntity"] == role_arn
    _, out = report(root, "arn:aws:iam::aws:policy/ReadOnlyAccess")
    assert len(out["ServicesLastAccessed"]) > 50


def test_errors(iamd, root, make_user):
    with pytest.raises(ClientError) as e:
        root.generate_service_last_accessed_details(Arn=f"arn:aws:iam::{ACCOUNT_ID}:user/no-such-user-here")
    assert e.value.response["Error"]["Code"] == "NoSuchEntity"
    with pytest.raises(ClientError) as e:
        root.get_service_last_accessed_details(JobId="00000000-0000-4000-8000-000000000000")
    assert e.value.response["Error"]["Code"] == "NoSuchEntity"
    with pytest.raises(ClientError) as e:
        root.generate_service_last_accessed_details(Arn=f"arn:aws:iam::{ACCOUNT_ID}:root", Granularity="SERVICE_LEVEL")
    assert e.value.response["Error"]["Code"] == "InvalidInput"
    with pytest.raises(ClientError) as e:
        root.generate_service_last_accessed_details(Arn=f"arn:aws:iam::{ACCOUNT_ID}:user/x", Granularity="DAILY")
    assert e.value.response["Error"]["Code"] == "ValidationError"
    user, client = make_user(policy=WORK_POLICY)
    with pytest.raises(ClientError) as e:
        client.generate_service_last_accessed_details(Arn=f"arn:aws:iam::{ACCOUNT_ID}:user/{user}")
    assert e.value.response["Error"]["Code"] == "AccessDenied"
    assert "iam:GenerateServiceLastAccessedDetails" in e.value.response["Error"]["Message"]


def test_cli(iamd, root, make_user):
    user, client = make_user(policy=WORK_POLICY)
    client.get_user()
    code, out, err = aws(iamd, "iam", "generate-service-last-accessed-details", "--arn", f"arn:aws:iam::{ACCOUNT_ID}:user/{user}")
    assert code == 0, err
    job = json.loads(out)["JobId"]
    code, out, err = aws(iamd, "iam", "get-service-last-accessed-details", "--job-id", job)
    assert code == 0, err
    services = {s["ServiceNamespace"]: s for s in json.loads(out)["ServicesLastAccessed"]}
    assert services["iam"]["TotalAuthenticatedEntities"] == 1
