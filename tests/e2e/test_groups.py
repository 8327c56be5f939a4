"""Groups, membership and group inline policies through boto3: happy paths, IAM's
refusals and authorization."""
import json

import pytest
from botocore.exceptions import ClientError

from conftest import ACCOUNT_ID, unique, denial_sentence

ALLOW_GET = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": "iam:GetUser", "Resource": "*"}],
}


def error_of(excinfo):
    e = excinfo.value.response
    return e["Error"]["Code"], denial_sentence(e["Error"]["Message"]), e["ResponseMetadata"]["HTTPStatusCode"]


def test_create_get_list_update_delete(root):
    name = unique("devs")
    created = root.create_group(GroupName=name, Path="/eng/")["Group"]
    assert created["GroupName"] == name
    assert created["Path"] == "/eng/"
    assert created["Arn"] == f"arn:aws:iam::{ACCOUNT_ID}:group/eng/{name}"
    assert created["GroupId"].startswith("AGPA") and len(created["GroupId"]) == 21

    got = root.get_group(GroupName=name.upper())
    assert got["Group"]["GroupId"] == created["GroupId"]
    assert got["Group"]["CreateDate"] == created["CreateDate"]
    assert got["Users"] == []
    assert got["IsTruncated"] is False

    listed = root.list_groups(PathPrefix="/eng/")["Groups"]
    assert [g["GroupName"] for g in listed] == [name]
    assert root.list_groups(PathPrefix="/nowhere/")["Groups"] == []

    root.update_group(GroupName=name, NewGroupName=name + "-x", NewPath="/ops/")
    moved = root.get_group(GroupName=name + "-x")["Group"]
    assert moved["Arn"] == f"arn:aws:iam::{ACCOUNT_ID}:group/ops/{name}-x"
    assert moved["GroupId"] == created["GroupId"]
    root.delete_group(GroupName=name + "-x")
    with pytest.raises(ClientError) as e:
        root.get_group(GroupName=name + "-x")
    assert error_of(e) == ("NoSuchEntity", f"The group with name {name}-x cannot be found.", 404)


def test_names_are_unique_case_insensitively(root):
    name = unique("Ops")
    root.create_group(GroupName=name)
    with pytest.raises(ClientError) as e:
        root.create_group(GroupName=name.lower())
    assert error_of(e) == ("EntityAlreadyExists", f"Group with name {name.lower()} already exists.", 409)
    other = unique("other")
    root.create_group(GroupName=other)
    with pytest.raises(ClientError) as e:
        root.update_group(GroupName=other, NewGroupName=name.upper())
    assert error_of(e)[0] == "EntityAlreadyExists"


def test_membership_and_get_group_pages(root):
    group = unique("team")
    root.create_group(GroupName=group)
    users = sorted(unique(f"member{i}") for i in range(3))
    for u in users:
        root.create_user(UserName=u)
        root.add_user_to_group(GroupName=group, UserName=u)
    # Adding twice is harmless, as in IAM.
    root.add_user_to_group(GroupName=group, UserName=users[0])

    first = root.get_group(GroupName=group, MaxItems=2)
    assert [u["UserName"] for u in first["Users"]] == users[:2]
    assert first["IsTruncated"] is True
    rest = root.get_group(GroupName=group, Marker=first["Marker"])
    assert [u["UserName"] for u in rest["Users"]] == users[2:]
    assert rest["IsTruncated"] is False
    assert all(u["UserId"].startswith("AIDA") for u in first["Users"])

    groups = root.list_groups_for_user(UserName=users[1])["Groups"]
    assert [g["GroupName"] for g in groups] == [group]

    root.remove_user_from_group(GroupName=group, UserName=users[1])
    assert root.list_groups_for_user(UserName=users[1])["Groups"] == []
    with pytest.raises(ClientError) as e:
        root.remove_user_from_group(GroupName=group, UserName=users[1])
    assert error_of(e)[0] == "NoSuchEntity"

    with pytest.raises(ClientError) as e:
        root.add_user_to_group(GroupName=group, UserName="nobody-" + group)
    assert error_of(e) == ("NoSuchEntity", f"The user with name nobody-{group} cannot be found.", 404)
    with pytest.raises(ClientError) as e:
        root.add_user_to_group(GroupName="no-" + group, UserName=users[0])
    assert error_of(e) == ("NoSuchEntity", f"The group with name no-{group} cannot be found.", 404)
    with pytest.raises(ClientError) as e:
        root.list_groups_for_user(UserName="nobody-" + group)
    assert error_of(e)[0] == "NoSuchEntity"


def test_a_user_is_in_at_most_ten_groups(root):
    user = unique("joiner")
    root.create_user(UserName=user)
    for i in range(10):
        g = unique(f"g{i}")
        root.create_group(GroupName=g)
        root.add_user_to_group(GroupName=g, UserName=user)
    eleventh = unique("g10")
    root.create_group(GroupName=eleventh)
    with pytest.raises(ClientError) as e:
        root.add_user_to_group(GroupName=eleventh, UserName=user)
    assert error_of(e) == ("LimitExceeded", "Cannot exceed quota for GroupsPerUser: 10", 409)


def test_delete_conflicts(root):
    group = unique("busy")
    user = unique("inside")
    root.create_group(GroupName=group)
    root.create_user(UserName=user)
    root.add_user_to_group(GroupName=group, UserName=user)
    with pytest.raises(ClientError) as e:
        root.delete_group(GroupName=group)
    assert error_of(e) == ("DeleteConflict", "Cannot delete entity, must remove users from group first.", 409)
    root.remove_user_from_group(GroupName=group, UserName=user)

    root.put_group_policy(GroupName=group, PolicyName="p", PolicyDocument=json.dumps(ALLOW_GET))
    with pytest.raises(ClientError) as e:
        root.delete_group(GroupName=group)
    assert error_of(e) == ("DeleteConflict", "Cannot delete entity, must delete policies first.", 409)
    root.delete_group_policy(GroupName=group, PolicyName="p")
    root.delete_group(GroupName=group)


def test_group_inline_policies(root):
    group = unique("pol")
    root.create_group(GroupName=group)
    text = json.dumps(ALLOW_GET, indent=2)
    root.put_group_policy(GroupName=group, PolicyName="b-read", PolicyDocument=text)
    root.put_group_policy(GroupName=group, PolicyName="a-read", PolicyDocument=text)
    got = root.get_group_policy(GroupName=group, PolicyName="b-read")
    assert got["GroupName"] == group
    assert got["PolicyName"] == "b-read"
    assert got["PolicyDocument"] == ALLOW_GET

    names = root.list_group_policies(GroupName=group)
    assert names["PolicyNames"] == ["a-read", "b-read"]
    assert names["IsTruncated"] is False
    page = root.list_group_policies(GroupName=group, MaxItems=1)
    assert page["PolicyNames"] == ["a-read"] and page["IsTruncated"] is True

    with pytest.raises(ClientError) as e:
        root.get_group_policy(GroupName=group, PolicyName="missing")
    assert error_of(e) == ("NoSuchEntity", "The group policy with name missing cannot be found.", 404)
    with pytest.raises(ClientError) as e:
        root.delete_group_policy(GroupName=group, PolicyName="missing")
    assert error_of(e)[0] == "NoSuchEntity"
    with pytest.raises(ClientError) as e:
        root.put_group_policy(GroupName="no-" + group, PolicyName="p", PolicyDocument=text)
    assert error_of(e) == ("NoSuchEntity", f"The group with name no-{group} cannot be found.", 404)

    root.delete_group_policy(GroupName=group, PolicyName="a-read")
    assert root.list_group_policies(GroupName=group)["PolicyNames"] == ["b-read"]


def test_group_policies_are_validated_and_limited(root):
    group = unique("strict")
    root.create_group(GroupName=group)
    with pytest.raises(ClientError) as e:
        root.put_group_policy(GroupName=group, PolicyName="p", PolicyDocument="{not json")
    assert error_of(e)[0] == "MalformedPolicyDocument"
    assert error_of(e)[2] == 400
    with pytest.raises(ClientError) as e:
        root.put_group_policy(
            GroupName=group,
            PolicyName="p",
            PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*"}]}),
        )
    assert error_of(e) == ("MalformedPolicyDocument", "Policy statement must contain resources.", 400)

    # 5,120 non-whitespace characters in all of a group's inline policies together.
    def policy_of_size(n_resources):
        return json.dumps({
            "Version": "2012-10-17",
            "Statement": [{
                "Effect": "Allow",
                "Action": "s3:GetObject",
                "Resource": [f"arn:aws:s3:::bucket-{i:04d}/*" for i in range(n_resources)],
            }],
        })

    root.put_group_policy(GroupName=group, PolicyName="big", PolicyDocument=policy_of_size(100))
    with pytest.raises(ClientError) as e:
        root.put_group_policy(GroupName=group, PolicyName="more", PolicyDocument=policy_of_size(100))
    assert error_of(e) == ("LimitExceeded", f"Maximum policy size of 5120 bytes exceeded for group {group}", 409)


def test_group_policies_grant_their_members(iamd, root):
    group = unique("readers")
    user = unique("reader")
    root.create_group(GroupName=group)
    root.create_user(UserName=user)
    key = root.create_access_key(UserName=user)["AccessKey"]
    client = iamd.client(key["AccessKeyId"], key["SecretAccessKey"])
    with pytest.raises(ClientError) as e:
        client.get_group(GroupName=group)
    assert error_of(e)[0] == "AccessDenied"
    root.put_group_policy(
        GroupName=group,
        PolicyName="read",
        PolicyDocument=json.dumps({
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Action": "iam:GetGroup", "Resource": f"arn:aws:iam::{ACCOUNT_ID}:group/{group}"}],
        }),
    )
    root.add_user_to_group(GroupName=group, UserName=user)
    assert client.get_group(GroupName=group)["Group"]["GroupName"] == group


def test_read_only_user_reads_groups_but_cannot_change_them(make_user, root):
    group = unique("ro")
    root.create_group(GroupName=group, Path="/team/")
    name, client = make_user({
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": ["iam:Get*", "iam:List*"], "Resource": "*"}],
    })
    assert client.get_group(GroupName=group)["Group"]["GroupName"] == group
    assert group in [g["GroupName"] for g in client.list_groups()["Groups"]]
    with pytest.raises(ClientError) as e:
        client.create_group(GroupName=unique("nope"))
    code, message, status = error_of(e)
    assert (code, status) == ("AccessDenied", 403)
    with pytest.raises(ClientError) as e:
        client.delete_group(GroupName=group)
    assert error_of(e)[1] == (
        f"User: arn:aws:iam::{ACCOUNT_ID}:user/{name} is not authorized to perform: iam:DeleteGroup "
        f"on resource: arn:aws:iam::{ACCOUNT_ID}:group/team/{group} "
        "because no identity-based policy allows the iam:DeleteGroup action"
    )


def test_bad_input(root):
    with pytest.raises(ClientError) as e:
        root.create_group(GroupName="bad name")
    assert error_of(e)[0] == "ValidationError"
    with pytest.raises(ClientError) as e:
        root.create_group(GroupName=unique("p"), Path="no-slashes")
    assert error_of(e)[0] == "ValidationError"
