"""Managed policies attached to users, groups and roles; permissions boundaries; and
their enforcement on the caller."""
import json

import pytest
from botocore.exceptions import ClientError

from conftest import ACCOUNT_ID, unique, denial_sentence

TRUST = json.dumps({
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}],
})
READ_ONLY = "arn:aws:iam::aws:policy/ReadOnlyAccess"
ADMIN = "arn:aws:iam::aws:policy/AdministratorAccess"
POWER_USER = "arn:aws:iam::aws:policy/PowerUserAccess"


def error_of(excinfo):
    e = excinfo.value.response
    return e["Error"]["Code"], denial_sentence(e["Error"]["Message"]), e["ResponseMetadata"]["HTTPStatusCode"]


def customer_policy(root, action="s3:GetObject", path="/"):
    doc = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": action, "Resource": "*"}]}
    return root.create_policy(PolicyName=unique("p"), Path=path, PolicyDocument=json.dumps(doc))["Policy"]["Arn"]


def keyed_user(iamd, root, name):
    key = root.create_access_key(UserName=name)["AccessKey"]
    return iamd.client(key["AccessKeyId"], key["SecretAccessKey"])


@pytest.mark.parametrize("kind", ["user", "group", "role"])
def test_attach_list_detach(root, kind):
    name = unique(kind)
    if kind == "user":
        root.create_user(UserName=name)
        attach, detach, listing = root.attach_user_policy, root.detach_user_policy, root.list_attached_user_policies
        key, quota = "UserName", "PoliciesPerUser"
    elif kind == "group":
        root.create_group(GroupName=name)
        attach, detach, listing = root.attach_group_policy, root.detach_group_policy, root.list_attached_group_policies
        key, quota = "GroupName", "PoliciesPerGroup"
    else:
        root.create_role(RoleName=name, AssumeRolePolicyDocument=TRUST)
        attach, detach, listing = root.attach_role_policy, root.detach_role_policy, root.list_attached_role_policies
        key, quota = "RoleName", "PoliciesPerRole"

    mine = customer_policy(root, path="/team/")
    attach(**{key: name}, PolicyArn=READ_ONLY)
    attach(**{key: name}, PolicyArn=mine)
    attach(**{key: name}, PolicyArn=mine)  # attaching twice changes nothing
    listed = listing(**{key: name})
    assert sorted(p["PolicyArn"] for p in listed["AttachedPolicies"]) == sorted([READ_ONLY, mine])
    assert {p["PolicyName"] for p in listed["AttachedPolicies"]} == {"ReadOnlyAccess", mine.rsplit("/", 1)[1]}
    assert listed["IsTruncated"] is False
    assert [p["PolicyArn"] for p in listing(**{key: name}, PathPrefix="/team/")["AttachedPolicies"]] == [mine]
    page = listing(**{key: name}, MaxItems=1)
    assert page["IsTruncated"] and len(page["AttachedPolicies"]) == 1
    rest = listing(**{key: name}, Marker=page["Marker"])
    assert len(rest["AttachedPolicies"]) == 1 and not rest["IsTruncated"]

    entities = root.list_entities_for_policy(PolicyArn=mine)
    member = {"user": "PolicyUsers", "group": "PolicyGroups", "role": "PolicyRoles"}[kind]
    name_key = {"user": "UserName", "group": "GroupName", "role": "RoleName"}[kind]
    assert [e[name_key] for e in entities[member]] == [name]
    for other in {"PolicyUsers", "PolicyGroups", "PolicyRoles"} - {member}:
        assert entities[other] == []
    assert root.get_policy(PolicyArn=mine)["Policy"]["AttachmentCount"] == 1
    with pytest.raises(ClientError) as e:
        root.delete_policy(PolicyArn=mine)
    assert error_of(e) == ("DeleteConflict", "Cannot delete a policy attached to entities.", 409)

    # Ten at most.
    extra = [customer_policy(root) for _ in range(8)]
    for arn in extra:
        attach(**{key: name}, PolicyArn=arn)
    eleventh = customer_policy(root)
    with pytest.raises(ClientError) as e:
        attach(**{key: name}, PolicyArn=eleventh)
    assert error_of(e) == ("LimitExceeded", f"Cannot exceed quota for {quota}: 10", 409)

    with pytest.raises(ClientError) as e:
        attach(**{key: name}, PolicyArn="arn:aws:iam::aws:policy/NoSuchManagedPolicy")
    assert error_of(e) == (
        "NoSuchEntity",
        "Policy arn:aws:iam::aws:policy/NoSuchManagedPolicy does not exist or is not attachable.",
        404,
    )
    missing = f"arn:aws:iam::{ACCOUNT_ID}:policy/{unique('missing')}"
    with pytest.raises(ClientError) as e:
        detach(**{key: name}, PolicyArn=eleventh)
    assert error_of(e) == ("NoSuchEntity", f"Policy {eleventh} was not found.", 404)
    with pytest.raises(ClientError) as e:
        attach(**{key: unique("ghost")}, PolicyArn=READ_ONLY)
    assert error_of(e)[0] == "NoSuchEntity"
    with pytest.raises(ClientError) as e:
        attach(**{key: name}, PolicyArn=missing)
    assert error_of(e)[0] == "NoSuchEntity"

    for arn in [READ_ONLY, mine, *extra]:
        detach(**{key: name}, PolicyArn=arn)
    assert listing(**{key: name})["AttachedPolicies"] == []
    root.delete_policy(PolicyArn=mine)


def test_list_entities_filters(root):
    arn = customer_policy(root)
    user, role = unique("u"), unique("r")
    root.create_user(UserName=user, Path="/eng/")
    root.create_role(RoleName=role, AssumeRolePolicyDocument=TRUST)
    root.attach_user_policy(UserName=user, PolicyArn=arn)
    root.put_role_permissions_boundary(RoleName=role, PermissionsBoundary=arn)

    both = root.list_entities_for_policy(PolicyArn=arn)
    assert [u["UserName"] for u in both["PolicyUsers"]] == [user]
    assert [r["RoleName"] for r in both["PolicyRoles"]] == [role]
    assert both["PolicyUsers"][0]["UserId"].startswith("AIDA")
    only_users = root.list_entities_for_policy(PolicyArn=arn, EntityFilter="User")
    assert only_users["PolicyRoles"] == [] and len(only_users["PolicyUsers"]) == 1
    bounds = root.list_entities_for_policy(PolicyArn=arn, PolicyUsageFilter="PermissionsBoundary")
    assert bounds["PolicyUsers"] == [] and [r["RoleName"] for r in bounds["PolicyRoles"]] == [role]
    policies = root.list_entities_for_policy(PolicyArn=arn, PolicyUsageFilter="PermissionsPolicy")
    assert policies["PolicyRoles"] == [] and len(policies["PolicyUsers"]) == 1
    assert root.list_entities_for_policy(PolicyArn=arn, PathPrefix="/ops/")["PolicyUsers"] == []
    assert len(root.list_entities_for_policy(PolicyArn=arn, PathPrefix="/eng/")["PolicyUsers"]) == 1
    with pytest.raises(ClientError) as e:
        root.list_entities_for_policy(PolicyArn=f"arn:aws:iam::{ACCOUNT_ID}:policy/{unique('none')}")
    assert error_of(e)[0] == "NoSuchEntity"
    with pytest.raises(ClientError) as e:
        root.list_entities_for_policy(PolicyArn=arn, EntityFilter="Nobody")
    assert error_of(e)[0] == "ValidationError"


def test_permissions_boundaries(root):
    user, role = unique("bu"), unique("br")
    root.create_user(UserName=user)
    root.create_role(RoleName=role, AssumeRolePolicyDocument=TRUST)
    root.put_user_permissions_boundary(UserName=user, PermissionsBoundary=READ_ONLY)
    got = root.get_user(UserName=user)["User"]["PermissionsBoundary"]
    assert got == {"PermissionsBoundaryType": "PermissionsBoundaryPolicy", "PermissionsBoundaryArn": READ_ONLY}
    root.put_role_permissions_boundary(RoleName=role, PermissionsBoundary=READ_ONLY)
    assert root.get_role(RoleName=role)["Role"]["PermissionsBoundary"]["PermissionsBoundaryArn"] == READ_ONLY
    assert root.get_policy(PolicyArn=READ_ONLY)["Policy"]["PermissionsBoundaryUsageCount"] >= 2

    root.delete_user_permissions_boundary(UserName=user)
    assert "PermissionsBoundary" not in root.get_user(UserName=user)["User"]
    root.delete_role_permissions_boundary(RoleName=role)
    assert "PermissionsBoundary" not in root.get_role(RoleName=role)["Role"]

    with pytest.raises(ClientError) as e:
        root.put_user_permissions_boundary(UserName=user, PermissionsBoundary="arn:aws:iam::aws:policy/NotAPolicy")
    assert error_of(e)[0] == "NoSuchEntity"
    with pytest.raises(ClientError) as e:
        root.put_role_permissions_boundary(
            RoleName=role, PermissionsBoundary=f"arn:aws:iam::{ACCOUNT_ID}:policy/{unique('none')}"
        )
    assert error_of(e)[0] == "NoSuchEntity"
    with pytest.raises(ClientError) as e:
        root.put_user_permissions_boundary(UserName=unique("ghost"), PermissionsBoundary=READ_ONLY)
    assert error_of(e)[0] == "NoSuchEntity"


# Enforcement: attached AWS managed policies and boundaries decide what the caller may do.

def test_power_user_may_not_write_iam(iamd, root):
    name = unique("power")
    root.create_user(UserName=name)
    root.attach_user_policy(UserName=name, PolicyArn=POWER_USER)
    user = keyed_user(iamd, root, name)
    # PowerUserAccess allows iam:List* reads on roles... but not IAM writes.
    target = unique("made-by-power")
    with pytest.raises(ClientError) as e:
        user.create_user(UserName=target)
    code, message, status = error_of(e)
    assert (code, status) == ("AccessDenied", 403)
    assert message == (
        f"User: arn:aws:iam::{ACCOUNT_ID}:user/{name} is not authorized to perform: iam:CreateUser "
        f"on resource: arn:aws:iam::{ACCOUNT_ID}:user/{target} because no identity-based policy "
        "allows the iam:CreateUser action"
    )
    with pytest.raises(ClientError) as e:
        user.attach_user_policy(UserName=name, PolicyArn=ADMIN)
    assert error_of(e)[0] == "AccessDenied"
    # What PowerUserAccess does grant in IAM: listing roles, creating service-linked roles.
    user.list_roles()


def test_group_attached_policy_applies_to_members(iamd, root):
    name, group = unique("member"), unique("readers")
    root.create_user(UserName=name)
    root.create_group(GroupName=group)
    root.add_user_to_group(GroupName=group, UserName=name)
    user = keyed_user(iamd, root, name)
    with pytest.raises(ClientError):
        user.list_users()
    root.attach_group_policy(GroupName=group, PolicyArn="arn:aws:iam::aws:policy/IAMReadOnlyAccess")
    user.list_users()
    root.detach_group_policy(GroupName=group, PolicyArn="arn:aws:iam::aws:policy/IAMReadOnlyAccess")
    with pytest.raises(ClientError):
        user.list_users()


def test_boundary_limits_administrator(iamd, root):
    name = unique("bounded-admin")
    boundary = customer_policy(root, action=["iam:Get*", "iam:List*"])
    root.create_user(UserName=name)
    root.attach_user_policy(UserName=name, PolicyArn=ADMIN)
    root.put_user_permissions_boundary(UserName=name, PermissionsBoundary=boundary)
    user = keyed_user(iamd, root, name)
    user.list_users()
    with pytest.raises(ClientError) as e:
        user.create_user(UserName=unique("nope"))
    assert error_of(e)[0] == "AccessDenied"
    assert "because no permissions boundary allows the iam:CreateUser action" in error_of(e)[1]
    # Lifting the boundary restores what AdministratorAccess grants.
    root.delete_user_permissions_boundary(UserName=name)
    made = unique("now-allowed")
    user.create_user(UserName=made)
    root.delete_user(UserName=made)


def test_explicit_deny_in_attached_policy_wins(iamd, root):
    name = unique("denied-admin")
    deny = json.dumps({
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Deny", "Action": "iam:CreateUser", "Resource": "*"}],
    })
    deny_arn = root.create_policy(PolicyName=unique("deny"), PolicyDocument=deny)["Policy"]["Arn"]
    root.create_user(UserName=name)
    root.attach_user_policy(UserName=name, PolicyArn=ADMIN)
    root.attach_user_policy(UserName=name, PolicyArn=deny_arn)
    user = keyed_user(iamd, root, name)
    user.list_users()
    with pytest.raises(ClientError) as e:
        user.create_user(UserName=unique("x"))
    assert error_of(e)[1].endswith("with an explicit deny in an identity-based policy")


def test_new_default_version_takes_effect(iamd, root):
    name = unique("versioned")
    arn = customer_policy(root, action="iam:ListUsers")
    root.create_user(UserName=name)
    root.attach_user_policy(UserName=name, PolicyArn=arn)
    user = keyed_user(iamd, root, name)
    user.list_users()
    doc = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "iam:ListGroups", "Resource": "*"}]}
    root.create_policy_version(PolicyArn=arn, PolicyDocument=json.dumps(doc), SetAsDefault=True)
    user.list_groups()
    with pytest.raises(ClientError):
        user.list_users()


def test_attach_is_authorized_on_the_principal_with_policy_arn(iamd, make_user, root):
    target = unique("target")
    root.create_user(UserName=target)
    _, admin = make_user({
        "Version": "2012-10-17",
        "Statement": [{
            "Effect": "Allow",
            "Action": "iam:AttachUserPolicy",
            "Resource": f"arn:aws:iam::{ACCOUNT_ID}:user/{target}",
            "Condition": {"ArnEquals": {"iam:PolicyARN": READ_ONLY}},
        }],
    })
    admin.attach_user_policy(UserName=target, PolicyArn=READ_ONLY)
    with pytest.raises(ClientError) as e:
        admin.attach_user_policy(UserName=target, PolicyArn=ADMIN)
    assert f"iam:AttachUserPolicy on resource: arn:aws:iam::{ACCOUNT_ID}:user/{target} " in error_of(e)[1]
