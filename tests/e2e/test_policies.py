"""Managed policies through boto3: customer policies, their versions and tags, and AWS
managed policies read from the built-in set."""
import json
import urllib.parse

import pytest
from botocore.exceptions import ClientError

from conftest import ACCOUNT_ID, unique

DOC = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}
DOC2 = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "*"}]}


def error_of(excinfo):
    e = excinfo.value.response
    return e["Error"]["Code"], e["Error"]["Message"], e["ResponseMetadata"]["HTTPStatusCode"]


def create(root, **kw):
    name = kw.pop("PolicyName", None) or unique("pol")
    return root.create_policy(PolicyName=name, PolicyDocument=json.dumps(kw.pop("doc", DOC)), **kw)["Policy"]


def test_create_get_list_delete(root):
    name = unique("ReadObjects")
    created = create(
        root, PolicyName=name, Path="/team/", Description="read objects", Tags=[{"Key": "env", "Value": "dev"}]
    )
    arn = f"arn:aws:iam::{ACCOUNT_ID}:policy/team/{name}"
    assert created["Arn"] == arn
    assert created["PolicyName"] == name
    assert created["Path"] == "/team/"
    assert created["PolicyId"].startswith("ANPA") and len(created["PolicyId"]) == 21
    assert created["DefaultVersionId"] == "v1"
    assert created["AttachmentCount"] == 0
    assert created["PermissionsBoundaryUsageCount"] == 0
    assert created["IsAttachable"] is True
    assert created["Tags"] == [{"Key": "env", "Value": "dev"}]

    got = root.get_policy(PolicyArn=arn)["Policy"]
    assert got["Description"] == "read objects"
    assert got["CreateDate"] == created["CreateDate"]
    assert got["Tags"] == [{"Key": "env", "Value": "dev"}]

    listed = root.list_policies(Scope="Local", PathPrefix="/team/")["Policies"]
    mine = [p for p in listed if p["Arn"] == arn]
    assert len(mine) == 1
    assert "Description" not in mine[0] and "Tags" not in mine[0]

    version = root.get_policy_version(PolicyArn=arn, VersionId="v1")["PolicyVersion"]
    assert version["IsDefaultVersion"] is True
    # boto3 decodes the URL-encoded document and parses it.
    assert version["Document"] == DOC

    root.delete_policy(PolicyArn=arn)
    with pytest.raises(ClientError) as e:
        root.get_policy(PolicyArn=arn)
    assert error_of(e) == ("NoSuchEntity", f"Policy {arn} does not exist or is not attachable.", 404)


def test_create_refusals(root):
    name = unique("dup")
    create(root, PolicyName=name)
    with pytest.raises(ClientError) as e:
        create(root, PolicyName=name.upper())
    assert error_of(e) == (
        "EntityAlreadyExists",
        f"A policy called {name.upper()} already exists. Duplicate names are not allowed.",
        409,
    )
    with pytest.raises(ClientError) as e:
        root.create_policy(PolicyName=unique("bad"), PolicyDocument='{"Version":"2012-10-17","Statement":[')
    code, message, status = error_of(e)
    assert (code, status) == ("MalformedPolicyDocument", 400)
    assert message == "Syntax errors in policy."
    with pytest.raises(ClientError) as e:
        root.create_policy(
            PolicyName=unique("noaction"),
            PolicyDocument='{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Resource":"*"}]}',
        )
    assert error_of(e)[0] == "MalformedPolicyDocument"
    big = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": [f"s3:GetObject{i}" for i in range(400)], "Resource": "*"}],
    }
    with pytest.raises(ClientError) as e:
        create(root, doc=big)
    assert error_of(e) == ("LimitExceeded", "Cannot exceed quota for PolicySize: 6144", 409)
    with pytest.raises(ClientError) as e:
        create(root, Path="no-slashes")
    assert error_of(e)[0] == "ValidationError"


def test_versions(root):
    arn = create(root)["Arn"]
    v2 = root.create_policy_version(PolicyArn=arn, PolicyDocument=json.dumps(DOC2))["PolicyVersion"]
    assert v2["VersionId"] == "v2" and v2["IsDefaultVersion"] is False
    assert "Document" not in v2
    v3 = root.create_policy_version(PolicyArn=arn, PolicyDocument=json.dumps(DOC2), SetAsDefault=True)
    assert v3["PolicyVersion"]["IsDefaultVersion"] is True
    assert root.get_policy(PolicyArn=arn)["Policy"]["DefaultVersionId"] == "v3"
    root.create_policy_version(PolicyArn=arn, PolicyDocument=json.dumps(DOC))
    root.create_policy_version(PolicyArn=arn, PolicyDocument=json.dumps(DOC))
    with pytest.raises(ClientError) as e:
        root.create_policy_version(PolicyArn=arn, PolicyDocument=json.dumps(DOC))
    assert error_of(e) == (
        "LimitExceeded",
        "A managed policy can have up to 5 versions. Before you create a new version, you must delete an existing version.",
        409,
    )
    versions = root.list_policy_versions(PolicyArn=arn)["Versions"]
    assert [v["VersionId"] for v in versions] == ["v5", "v4", "v3", "v2", "v1"]
    assert [v["IsDefaultVersion"] for v in versions] == [False, False, True, False, False]
    first = root.list_policy_versions(PolicyArn=arn, MaxItems=2)
    assert [v["VersionId"] for v in first["Versions"]] == ["v5", "v4"] and first["IsTruncated"]
    rest = root.list_policy_versions(PolicyArn=arn, Marker=first["Marker"])
    assert [v["VersionId"] for v in rest["Versions"]] == ["v3", "v2", "v1"] and not rest["IsTruncated"]

    with pytest.raises(ClientError) as e:
        root.delete_policy_version(PolicyArn=arn, VersionId="v3")
    assert error_of(e) == ("DeleteConflict", "Cannot delete the default version of a policy.", 409)
    with pytest.raises(ClientError) as e:
        root.delete_policy(PolicyArn=arn)
    assert error_of(e)[0] == "DeleteConflict"
    assert "must delete the policy's versions" in error_of(e)[1]
    with pytest.raises(ClientError) as e:
        root.get_policy_version(PolicyArn=arn, VersionId="v9")
    assert error_of(e) == ("NoSuchEntity", f"Policy {arn} version v9 does not exist or is not attachable.", 404)
    with pytest.raises(ClientError) as e:
        root.set_default_policy_version(PolicyArn=arn, VersionId="v9")
    assert error_of(e)[0] == "NoSuchEntity"

    root.set_default_policy_version(PolicyArn=arn, VersionId="v1")
    assert root.get_policy_version(PolicyArn=arn, VersionId="v1")["PolicyVersion"]["IsDefaultVersion"]
    for v in ["v2", "v3", "v4", "v5"]:
        root.delete_policy_version(PolicyArn=arn, VersionId=v)
    assert [v["VersionId"] for v in root.list_policy_versions(PolicyArn=arn)["Versions"]] == ["v1"]
    # Version numbers are never reused.
    again = root.create_policy_version(PolicyArn=arn, PolicyDocument=json.dumps(DOC2))["PolicyVersion"]
    assert again["VersionId"] == "v6"
    root.delete_policy_version(PolicyArn=arn, VersionId="v6")
    root.delete_policy(PolicyArn=arn)


def test_tags(root):
    arn = create(root)["Arn"]
    root.tag_policy(PolicyArn=arn, Tags=[{"Key": "a", "Value": "1"}, {"Key": "b", "Value": "2"}])
    assert root.list_policy_tags(PolicyArn=arn)["Tags"] == [{"Key": "a", "Value": "1"}, {"Key": "b", "Value": "2"}]
    root.untag_policy(PolicyArn=arn, TagKeys=["a"])
    listed = root.list_policy_tags(PolicyArn=arn)
    assert listed["Tags"] == [{"Key": "b", "Value": "2"}] and listed["IsTruncated"] is False
    missing = f"arn:aws:iam::{ACCOUNT_ID}:policy/{unique('missing')}"
    with pytest.raises(ClientError) as e:
        root.tag_policy(PolicyArn=missing, Tags=[{"Key": "a", "Value": "1"}])
    assert error_of(e)[0] == "NoSuchEntity"
    with pytest.raises(ClientError) as e:
        root.tag_policy(PolicyArn=arn, Tags=[{"Key": f"k{i}", "Value": "v"} for i in range(50)])
    assert error_of(e)[0] == "LimitExceeded"


def test_aws_managed_policies_are_readable(root):
    arn = "arn:aws:iam::aws:policy/ReadOnlyAccess"
    policy = root.get_policy(PolicyArn=arn)["Policy"]
    assert policy["PolicyName"] == "ReadOnlyAccess"
    assert policy["Path"] == "/"
    assert policy["PolicyId"].startswith("ANPA")
    version = root.get_policy_version(PolicyArn=arn, VersionId=policy["DefaultVersionId"])["PolicyVersion"]
    assert version["IsDefaultVersion"] is True
    assert version["Document"]["Statement"]
    versions = root.list_policy_versions(PolicyArn=arn)["Versions"]
    assert versions[0]["VersionId"] == policy["DefaultVersionId"]
    oldest = root.get_policy_version(PolicyArn=arn, VersionId="v1")["PolicyVersion"]
    assert oldest["IsDefaultVersion"] is False
    assert oldest["Document"] != version["Document"]
    with pytest.raises(ClientError) as e:
        root.get_policy(PolicyArn="arn:aws:iam::aws:policy/NoSuchPolicyAtAll")
    assert error_of(e) == (
        "NoSuchEntity",
        "Policy arn:aws:iam::aws:policy/NoSuchPolicyAtAll does not exist or is not attachable.",
        404,
    )


def test_aws_managed_document_is_url_encoded_in_xml(iamd, root):
    """The raw XML carries the document URL-encoded, as IAM sends it."""
    import botocore.awsrequest
    import botocore.auth
    import botocore.credentials
    import requests

    body = "Action=GetPolicyVersion&Version=2010-05-08&PolicyArn=arn%3Aaws%3Aiam%3A%3Aaws%3Apolicy%2FAdministratorAccess&VersionId=v1"
    req = botocore.awsrequest.AWSRequest(
        method="POST",
        url=iamd.endpoint + "/",
        data=body,
        headers={"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"},
    )
    from conftest import ROOT_KEY_ID, ROOT_SECRET

    botocore.auth.SigV4Auth(botocore.credentials.Credentials(ROOT_KEY_ID, ROOT_SECRET), "iam", "us-east-1").add_auth(req)
    resp = requests.post(req.url, data=body, headers=dict(req.headers))
    assert resp.status_code == 200
    text = resp.text
    start = text.index("<Document>") + len("<Document>")
    encoded = text[start : text.index("</Document>")]
    assert "%7B" in encoded and "{" not in encoded
    assert json.loads(urllib.parse.unquote(encoded))["Statement"][0]["Action"] == "*"


def test_list_policies_scopes_and_paging(root):
    aws = root.list_policies(Scope="AWS", MaxItems=50)
    assert len(aws["Policies"]) == 50 and aws["IsTruncated"]
    assert all(p["Arn"].startswith("arn:aws:iam::aws:policy/") for p in aws["Policies"])
    names = [p["PolicyName"].lower() for p in aws["Policies"]]
    assert names == sorted(names)
    nxt = root.list_policies(Scope="AWS", MaxItems=50, Marker=aws["Marker"])
    assert nxt["Policies"][0]["PolicyName"].lower() > names[-1]

    # A full walk of Scope=All with small pages sees every local policy once.
    prefix = "/" + unique("walk") + "/"
    made = {create(root, Path=prefix)["Arn"] for _ in range(3)}
    seen, marker, pages = [], None, 0
    paginator = root.get_paginator("list_policies")
    for page in paginator.paginate(Scope="All", PathPrefix=prefix, PaginationConfig={"PageSize": 2}):
        pages += 1
        seen += [p["Arn"] for p in page["Policies"]]
    assert sorted(seen) == sorted(made) and pages == 2

    job = root.list_policies(Scope="AWS", PathPrefix="/job-function/")["Policies"]
    assert job and all(p["Path"] == "/job-function/" for p in job)
    with pytest.raises(ClientError) as e:
        root.list_policies(Scope="Everything")
    assert error_of(e)[0] == "ValidationError"


def test_only_attached_and_usage_filter_count_per_account(root):
    user = unique("att")
    root.create_user(UserName=user)
    arn = "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"
    before = root.get_policy(PolicyArn=arn)["Policy"]["AttachmentCount"]
    root.attach_user_policy(UserName=user, PolicyArn=arn)
    assert root.get_policy(PolicyArn=arn)["Policy"]["AttachmentCount"] == before + 1
    attached = root.list_policies(Scope="AWS", OnlyAttached=True)["Policies"]
    assert arn in [p["Arn"] for p in attached]
    assert all(p["AttachmentCount"] > 0 for p in attached)

    boundary = create(root)["Arn"]
    root.put_user_permissions_boundary(UserName=user, PermissionsBoundary=boundary)
    as_boundary = root.list_policies(Scope="Local", OnlyAttached=True, PolicyUsageFilter="PermissionsBoundary")
    assert boundary in [p["Arn"] for p in as_boundary["Policies"]]
    as_policy = root.list_policies(Scope="Local", OnlyAttached=True, PolicyUsageFilter="PermissionsPolicy")
    assert boundary not in [p["Arn"] for p in as_policy["Policies"]]
    assert root.get_policy(PolicyArn=boundary)["Policy"]["PermissionsBoundaryUsageCount"] == 1
    with pytest.raises(ClientError) as e:
        root.delete_policy(PolicyArn=boundary)
    assert error_of(e)[0] == "DeleteConflict"
    root.delete_user_permissions_boundary(UserName=user)
    root.detach_user_policy(UserName=user, PolicyArn=arn)
    root.delete_policy(PolicyArn=boundary)
    root.delete_user(UserName=user)


def test_aws_managed_policies_are_read_only(root):
    arn = "arn:aws:iam::aws:policy/ReadOnlyAccess"
    for call in (
        lambda: root.delete_policy(PolicyArn=arn),
        lambda: root.create_policy_version(PolicyArn=arn, PolicyDocument=json.dumps(DOC)),
        lambda: root.tag_policy(PolicyArn=arn, Tags=[{"Key": "a", "Value": "b"}]),
    ):
        with pytest.raises(ClientError) as e:
            call()
        assert error_of(e)[0] == "NoSuchEntity"
    assert root.get_policy(PolicyArn=arn)["Policy"]["PolicyName"] == "ReadOnlyAccess"


def test_policy_operations_are_authorized_on_the_policy_arn(make_user, root):
    own = create(root, PolicyName=unique("Readable"))["Arn"]
    other = create(root, PolicyName=unique("Hidden"))["Arn"]
    _, user = make_user({
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "iam:GetPolicy", "Resource": own}],
    })
    assert user.get_policy(PolicyArn=own)["Policy"]["Arn"] == own
    with pytest.raises(ClientError) as e:
        user.get_policy(PolicyArn=other)
    code, message, status = error_of(e)
    assert (code, status) == ("AccessDenied", 403)
    assert f"iam:GetPolicy on resource: {other} " in message
    with pytest.raises(ClientError) as e:
        user.list_policies(Scope="Local")
    assert "iam:ListPolicies on resource: *" in error_of(e)[1]
