"""Every call is authorized: identity policies, explicit denies, boundaries, tags."""
import pytest
from botocore.exceptions import ClientError

from conftest import ACCOUNT_ID, unique, denial_sentence

GET_ONLY = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "iam:Get*", "Resource": "*"}]}


def denial(excinfo):
    err = excinfo.value.response["Error"]
    assert excinfo.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403
    assert err["Code"] == "AccessDenied"
    return denial_sentence(err["Message"])


def test_get_only_user_reads_but_cannot_write(make_user, root):
    name, user = make_user(GET_ONLY)
    assert user.get_user()["User"]["UserName"] == name
    assert user.get_user(UserName=name)["User"]["UserName"] == name
    target = unique("bob")
    with pytest.raises(ClientError) as e:
        user.create_user(UserName=target)
    assert denial(e) == (
        f"User: arn:aws:iam::{ACCOUNT_ID}:user/{name} is not authorized to perform: iam:CreateUser "
        f"on resource: arn:aws:iam::{ACCOUNT_ID}:user/{target} because no identity-based policy "
        "allows the iam:CreateUser action"
    )
    with pytest.raises(ClientError) as e:
        user.list_users()
    assert "iam:ListUsers" in denial(e)
    # Nothing was created.
    with pytest.raises(ClientError):
        root.get_user(UserName=target)


def test_explicit_deny_wins(make_user):
    policy = {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Action": "iam:*", "Resource": "*"},
            {"Effect": "Deny", "Action": "iam:CreateUser", "Resource": "*"},
        ],
    }
    name, user = make_user(policy)
    user.list_users()
    with pytest.raises(ClientError) as e:
        user.create_user(UserName=unique("x"))
    assert denial(e).endswith("with an explicit deny in an identity-based policy")


def test_resource_arn_carries_the_path(make_user, root):
    path = "/" + unique("team") + "/"
    policy = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "iam:GetUser", "Resource": f"arn:aws:iam::*:user{path}*"}],
    }
    _, user = make_user(policy)
    inside, outside = unique("in"), unique("out")
    root.create_user(UserName=inside, Path=path)
    root.create_user(UserName=outside)
    assert user.get_user(UserName=inside)["User"]["Path"] == path
    with pytest.raises(ClientError) as e:
        user.get_user(UserName=outside)
    assert f"on resource: arn:aws:iam::{ACCOUNT_ID}:user/{outside} " in denial(e)


def test_permissions_boundary_limits(iamd, root):
    name = unique("bounded")
    root.create_user(UserName=name, PermissionsBoundary="arn:aws:iam::aws:policy/IAMReadOnlyAccess")
    root.put_user_policy(
        UserName=name,
        PolicyName="all",
        PolicyDocument='{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}',
    )
    key = root.create_access_key(UserName=name)["AccessKey"]
    user = iamd.client(key["AccessKeyId"], key["SecretAccessKey"])
    assert root.get_user(UserName=name)["User"]["PermissionsBoundary"]["PermissionsBoundaryArn"].endswith(
        "IAMReadOnlyAccess"
    )
    user.list_users()
    with pytest.raises(ClientError) as e:
        user.create_user(UserName=unique("y"))
    assert denial(e).endswith("because no permissions boundary allows the iam:CreateUser action")


def test_tag_conditions(make_user, root):
    policy = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Action": ["iam:GetUser", "iam:TagUser"],
                "Resource": "*",
                "Condition": {"StringEquals": {"iam:ResourceTag/team": "${aws:PrincipalTag/team}"}},
            },
            {
                "Effect": "Allow",
                "Action": "iam:CreateUser",
                "Resource": "*",
                "Condition": {"StringEquals": {"aws:RequestTag/team": "blue"}},
            },
        ],
    }
    name, user = make_user(policy)
    root.tag_user(UserName=name, Tags=[{"Key": "team", "Value": "blue"}])
    same, other = unique("same"), unique("other")
    root.create_user(UserName=same, Tags=[{"Key": "team", "Value": "blue"}])
    root.create_user(UserName=other, Tags=[{"Key": "team", "Value": "red"}])
    assert user.get_user(UserName=same)["User"]["UserName"] == same
    with pytest.raises(ClientError) as e:
        user.get_user(UserName=other)
    denial(e)
    user.create_user(UserName=unique("ok"), Tags=[{"Key": "team", "Value": "blue"}])
    with pytest.raises(ClientError) as e:
        user.create_user(UserName=unique("no"), Tags=[{"Key": "team", "Value": "red"}])
    denial(e)


def test_policy_changes_apply_to_the_next_request(make_user, root):
    name, user = make_user(GET_ONLY)
    with pytest.raises(ClientError):
        user.list_users()
    root.put_user_policy(
        UserName=name,
        PolicyName="list",
        PolicyDocument='{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:ListUsers","Resource":"*"}]}',
    )
    user.list_users()
    root.delete_user_policy(UserName=name, PolicyName="list")
    with pytest.raises(ClientError):
        user.list_users()
