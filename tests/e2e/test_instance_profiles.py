"""Instance profiles and the role each holds, through boto3: happy paths, IAM's
refusals and authorization."""
import json

import pytest
from botocore.exceptions import ClientError

from conftest import ACCOUNT_ID, unique, denial_sentence

EC2_TRUST = json.dumps({
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}],
})


def error_of(excinfo):
    e = excinfo.value.response
    return e["Error"]["Code"], denial_sentence(e["Error"]["Message"]), e["ResponseMetadata"]["HTTPStatusCode"]


def test_create_get_list_delete(root):
    name = unique("web")
    created = root.create_instance_profile(
        InstanceProfileName=name, Path="/fleet/", Tags=[{"Key": "tier", "Value": "web"}]
    )["InstanceProfile"]
    assert created["InstanceProfileName"] == name
    assert created["Path"] == "/fleet/"
    assert created["Arn"] == f"arn:aws:iam::{ACCOUNT_ID}:instance-profile/fleet/{name}"
    assert created["InstanceProfileId"].startswith("AIPA") and len(created["InstanceProfileId"]) == 21
    assert created["Roles"] == []
    assert created["Tags"] == [{"Key": "tier", "Value": "web"}]

    got = root.get_instance_profile(InstanceProfileName=name.upper())["InstanceProfile"]
    assert got["InstanceProfileId"] == created["InstanceProfileId"]
    assert got["CreateDate"] == created["CreateDate"]
    assert got["Tags"] == [{"Key": "tier", "Value": "web"}]

    listed = root.list_instance_profiles(PathPrefix="/fleet/")["InstanceProfiles"]
    assert [p["InstanceProfileName"] for p in listed] == [name]
    assert "Tags" not in listed[0]

    root.delete_instance_profile(InstanceProfileName=name)
    with pytest.raises(ClientError) as e:
        root.get_instance_profile(InstanceProfileName=name)
    assert error_of(e) == ("NoSuchEntity", f"Instance Profile {name} cannot be found.", 404)
    with pytest.raises(ClientError) as e:
        root.delete_instance_profile(InstanceProfileName=name)
    assert error_of(e)[0] == "NoSuchEntity"


def test_names_are_unique_case_insensitively(root):
    name = unique("Prof")
    root.create_instance_profile(InstanceProfileName=name)
    with pytest.raises(ClientError) as e:
        root.create_instance_profile(InstanceProfileName=name.lower())
    assert error_of(e) == ("EntityAlreadyExists", f"Instance Profile {name.lower()} already exists.", 409)


def test_pagination(root):
    prefix = "/" + unique("pages") + "/"
    names = sorted(unique(f"p{i}") for i in range(3))
    for n in names:
        root.create_instance_profile(InstanceProfileName=n, Path=prefix)
    first = root.list_instance_profiles(PathPrefix=prefix, MaxItems=2)
    assert [p["InstanceProfileName"] for p in first["InstanceProfiles"]] == names[:2]
    assert first["IsTruncated"] is True
    rest = root.list_instance_profiles(PathPrefix=prefix, Marker=first["Marker"])
    assert [p["InstanceProfileName"] for p in rest["InstanceProfiles"]] == names[2:]
    assert rest["IsTruncated"] is False


def test_one_role_per_profile(root):
    profile = unique("holder")
    role = unique("ec2-role")
    second = unique("ec2-other")
    root.create_instance_profile(InstanceProfileName=profile)
    role_id = root.create_role(RoleName=role, AssumeRolePolicyDocument=EC2_TRUST)["Role"]["RoleId"]
    root.create_role(RoleName=second, AssumeRolePolicyDocument=EC2_TRUST)

    root.add_role_to_instance_profile(InstanceProfileName=profile, RoleName=role)
    got = root.get_instance_profile(InstanceProfileName=profile)["InstanceProfile"]
    assert [(r["RoleName"], r["RoleId"]) for r in got["Roles"]] == [(role, role_id)]
    assert got["Roles"][0]["AssumeRolePolicyDocument"] == json.loads(EC2_TRUST)

    with pytest.raises(ClientError) as e:
        root.add_role_to_instance_profile(InstanceProfileName=profile, RoleName=second)
    assert error_of(e) == ("LimitExceeded", "Cannot exceed quota for InstanceSessionsPerInstanceProfile: 1", 409)

    for_role = root.list_instance_profiles_for_role(RoleName=role)
    assert [p["InstanceProfileName"] for p in for_role["InstanceProfiles"]] == [profile]
    assert for_role["IsTruncated"] is False
    assert root.list_instance_profiles_for_role(RoleName=second)["InstanceProfiles"] == []

    with pytest.raises(ClientError) as e:
        root.delete_instance_profile(InstanceProfileName=profile)
    assert error_of(e) == ("DeleteConflict", "Cannot delete entity, must remove roles from instance profile first.", 409)

    with pytest.raises(ClientError) as e:
        root.remove_role_from_instance_profile(InstanceProfileName=profile, RoleName=second)
    assert error_of(e)[0] == "NoSuchEntity"
    root.remove_role_from_instance_profile(InstanceProfileName=profile, RoleName=role)
    assert root.get_instance_profile(InstanceProfileName=profile)["InstanceProfile"]["Roles"] == []
    root.delete_instance_profile(InstanceProfileName=profile)


def test_missing_entities(root):
    profile = unique("lonely")
    root.create_instance_profile(InstanceProfileName=profile)
    with pytest.raises(ClientError) as e:
        root.add_role_to_instance_profile(InstanceProfileName=profile, RoleName=unique("none"))
    assert error_of(e)[0] == "NoSuchEntity"
    missing = unique("nothere")
    with pytest.raises(ClientError) as e:
        root.add_role_to_instance_profile(InstanceProfileName=missing, RoleName="x")
    assert error_of(e) == ("NoSuchEntity", f"Instance Profile {missing} cannot be found.", 404)
    with pytest.raises(ClientError) as e:
        root.list_instance_profiles_for_role(RoleName=missing)
    assert error_of(e) == ("NoSuchEntity", f"The role with name {missing} cannot be found.", 404)
    with pytest.raises(ClientError) as e:
        root.create_instance_profile(InstanceProfileName="has space")
    assert error_of(e)[0] == "ValidationError"


def test_instance_profile_tags(root):
    name = unique("tags")
    root.create_instance_profile(InstanceProfileName=name)
    root.tag_instance_profile(InstanceProfileName=name, Tags=[{"Key": "a", "Value": "1"}, {"Key": "b", "Value": "2"}])
    tags = root.list_instance_profile_tags(InstanceProfileName=name)
    assert tags["Tags"] == [{"Key": "a", "Value": "1"}, {"Key": "b", "Value": "2"}]
    assert tags["IsTruncated"] is False
    root.untag_instance_profile(InstanceProfileName=name, TagKeys=["a"])
    assert root.list_instance_profile_tags(InstanceProfileName=name)["Tags"] == [{"Key": "b", "Value": "2"}]
    with pytest.raises(ClientError) as e:
        root.tag_instance_profile(InstanceProfileName=name, Tags=[{"Key": "k", "Value": "1"}, {"Key": "K", "Value": "2"}])
    assert error_of(e)[0] == "InvalidInput"
    with pytest.raises(ClientError) as e:
        root.list_instance_profile_tags(InstanceProfileName=unique("none"))
    assert error_of(e)[0] == "NoSuchEntity"


def test_read_only_user_reads_profiles_but_cannot_change_them(make_user, root):
    profile = unique("ro")
    root.create_instance_profile(InstanceProfileName=profile, Path="/ro/")
    name, client = make_user({
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": ["iam:Get*", "iam:List*"], "Resource": "*"}],
    })
    assert client.get_instance_profile(InstanceProfileName=profile)["InstanceProfile"]["Path"] == "/ro/"
    assert profile in [p["InstanceProfileName"] for p in client.list_instance_profiles()["InstanceProfiles"]]
    with pytest.raises(ClientError) as e:
        client.delete_instance_profile(InstanceProfileName=profile)
    assert error_of(e) == (
        "AccessDenied",
        f"User: arn:aws:iam::{ACCOUNT_ID}:user/{name} is not authorized to perform: iam:DeleteInstanceProfile "
        f"on resource: arn:aws:iam::{ACCOUNT_ID}:instance-profile/ro/{profile} "
        "because no identity-based policy allows the iam:DeleteInstanceProfile action",
        403,
    )
