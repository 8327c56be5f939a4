"""Users through boto3 as the account root: the happy paths and IAM's refusals."""
import pytest
from botocore.exceptions import ClientError

from conftest import ACCOUNT_ID, unique


def error_of(excinfo):
    e = excinfo.value.response
    return e["Error"]["Code"], e["Error"]["Message"], e["ResponseMetadata"]["HTTPStatusCode"]


def test_create_get_list_update_delete(root):
    name = unique("alice")
    created = root.create_user(UserName=name, Path="/eng/", Tags=[{"Key": "team", "Value": "blue"}])["User"]
    assert created["UserName"] == name
    assert created["Path"] == "/eng/"
    assert created["Arn"] == f"arn:aws:iam::{ACCOUNT_ID}:user/eng/{name}"
    assert created["UserId"].startswith("AIDA") and len(created["UserId"]) == 21
    assert created["Tags"] == [{"Key": "team", "Value": "blue"}]

    got = root.get_user(UserName=name.upper())["User"]
    assert got["UserId"] == created["UserId"]
    assert got["CreateDate"] == created["CreateDate"]

    listed = root.list_users(PathPrefix="/eng/")["Users"]
    assert name in [u["UserName"] for u in listed]
    assert all("Tags" not in u for u in listed)

    root.update_user(UserName=name, NewUserName=name + "-x", NewPath="/ops/")
    moved = root.get_user(UserName=name + "-x")["User"]
    assert moved["Arn"] == f"arn:aws:iam::{ACCOUNT_ID}:user/ops/{name}-x"
    root.delete_user(UserName=name + "-x")
    with pytest.raises(ClientError) as e:
        root.get_user(UserName=name + "-x")
    assert error_of(e) == ("NoSuchEntity", f"The user with name {name}-x cannot be found.", 404)


def test_names_are_unique_case_insensitively(root):
    name = unique("Bob")
    root.create_user(UserName=name)
    with pytest.raises(ClientError) as e:
        root.create_user(UserName=name.lower())
    assert error_of(e) == ("EntityAlreadyExists", f"User with name {name.lower()} already exists.", 409)


def test_delete_conflict_while_the_user_has_keys_or_policies(root):
    name = unique("carol")
    root.create_user(UserName=name)
    key = root.create_access_key(UserName=name)["AccessKey"]
    with pytest.raises(ClientError) as e:
        root.delete_user(UserName=name)
    assert error_of(e) == ("DeleteConflict", "Cannot delete entity, must delete access keys first.", 409)
    root.delete_access_key(UserName=name, AccessKeyId=key["AccessKeyId"])
    root.put_user_policy(
        UserName=name,
        PolicyName="p",
        PolicyDocument='{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:GetUser","Resource":"*"}]}',
    )
    with pytest.raises(ClientError) as e:
        root.delete_user(UserName=name)
    assert error_of(e)[0] == "DeleteConflict"
    root.delete_user_policy(UserName=name, PolicyName="p")
    root.delete_user(UserName=name)


def test_pagination_with_marker(root):
    prefix = "/" + unique("page") + "/"
    names = sorted(unique("u") for _ in range(5))
    for n in names:
        root.create_user(UserName=n, Path=prefix)
    seen = []
    page = root.list_users(PathPrefix=prefix, MaxItems=2)
    while True:
        seen += [u["UserName"] for u in page["Users"]]
        if not page["IsTruncated"]:
            break
        assert len(page["Users"]) == 2
        page = root.list_users(PathPrefix=prefix, MaxItems=2, Marker=page["Marker"])
    assert seen == names
    # The SDK's own paginator agrees.
    paginated = [
        u["UserName"]
        for p in root.get_paginator("list_users").paginate(PathPrefix=prefix, PaginationConfig={"PageSize": 3})
        for u in p["Users"]
    ]
    assert paginated == names


def test_tags(root):
    name = unique("tagged")
    root.create_user(UserName=name)
    root.tag_user(UserName=name, Tags=[{"Key": "a", "Value": "1"}, {"Key": "b", "Value": "2"}])
    root.tag_user(UserName=name, Tags=[{"Key": "A", "Value": "3"}])
    assert root.list_user_tags(UserName=name)["Tags"] == [{"Key": "A", "Value": "3"}, {"Key": "b", "Value": "2"}]
    root.untag_user(UserName=name, TagKeys=["b"])
    assert root.list_user_tags(UserName=name)["Tags"] == [{"Key": "A", "Value": "3"}]
    with pytest.raises(ClientError) as e:
        root.tag_user(UserName=name, Tags=[{"Key": f"k{i}", "Value": "v"} for i in range(50)])
    assert error_of(e)[0] == "LimitExceeded"


def test_inline_policies(root):
    name = unique("inline")
    root.create_user(UserName=name)
    doc = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:Get*","Resource":"*"}]}'
    root.put_user_policy(UserName=name, PolicyName="read", PolicyDocument=doc)
    got = root.get_user_policy(UserName=name, PolicyName="read")
    assert got["PolicyDocument"]["Statement"][0]["Action"] == "iam:Get*"
    assert root.list_user_policies(UserName=name)["PolicyNames"] == ["read"]
    with pytest.raises(ClientError) as e:
        root.put_user_policy(UserName=name, PolicyName="bad", PolicyDocument='{"Statement":[')
    assert error_of(e)[0] == "MalformedPolicyDocument"
    with pytest.raises(ClientError) as e:
        root.get_user_policy(UserName=name, PolicyName="nope")
    assert error_of(e) == ("NoSuchEntity", "The user policy with name nope cannot be found.", 404)
    root.delete_user_policy(UserName=name, PolicyName="read")
    assert root.list_user_policies(UserName=name)["PolicyNames"] == []


def test_validation_errors_use_aws_wording(root):
    with pytest.raises(ClientError) as e:
        root.create_user(UserName="bad name")
    code, message, status = error_of(e)
    assert (code, status) == ("ValidationError", 400)
    assert message == (
        "1 validation error detected: Value 'bad name' at 'userName' failed to satisfy constraint: "
        "Member must satisfy regular expression pattern: [\\w+=,.@-]+"
    )
    with pytest.raises(ClientError) as e:
        root.create_user(UserName=unique("p"), Path="no-slashes")
    assert error_of(e)[0] == "ValidationError"


def test_get_user_without_name_is_the_caller(root):
    me = root.get_user()["User"]
    assert me["Arn"] == f"arn:aws:iam::{ACCOUNT_ID}:root"
    assert me["UserId"] == ACCOUNT_ID
