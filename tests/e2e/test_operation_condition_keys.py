"""The condition keys IAM operations document for themselves, as AWS fills them:
`iam:PermissionsBoundary` (the boundary a request sets, or the one the user or role acted
on has), `iam:PolicyARN` (attach and detach only) and `iam:AWSServiceName`
(CreateServiceLinkedRole). Delegated administration, as AWS's examples write it."""
import json

import pytest
from botocore.exceptions import ClientError

from conftest import ACCOUNT_ID, unique

TRUST = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}],
}
READ_ONLY = "arn:aws:iam::aws:policy/ReadOnlyAccess"
ADMIN = "arn:aws:iam::aws:policy/AdministratorAccess"


def denied(call, **kwargs):
    with pytest.raises(ClientError) as e:
        call(**kwargs)
    err = e.value.response["Error"]
    assert err["Code"] == "AccessDenied", err
    return err["Message"]


def policy(*statements):
    return {"Version": "2012-10-17", "Statement": list(statements)}


@pytest.fixture(scope="module")
def boundaries(root):
    """Two customer managed policies to use as boundaries."""
    doc = json.dumps(policy({"Effect": "Allow", "Action": "s3:*", "Resource": "*"}))
    return [
        root.create_policy(PolicyName=unique("boundary"), PolicyDocument=doc)["Policy"]["Arn"]
        for _ in range(2)
    ]


def test_create_and_attach_only_for_entities_under_the_boundary(root, make_user, boundaries):
    boundary, _ = boundaries
    under_boundary = {"StringEquals": {"iam:PermissionsBoundary": boundary}}
    _, admin = make_user(policy(
        {"Effect": "Allow", "Action": ["iam:CreateUser", "iam:CreateRole"], "Resource": "*", "Condition": under_boundary},
        {
            "Effect": "Allow",
            "Action": ["iam:AttachUserPolicy", "iam:PutUserPolicy", "iam:AttachRolePolicy"],
            "Resource": "*",
            "Condition": under_boundary,
        },
    ))
    # CreateUser/CreateRole: the boundary the request sets.
    bound_user = unique("bound")
    admin.create_user(UserName=bound_user, PermissionsBoundary=boundary)
    denied(admin.create_user, UserName=unique("free"))
    bound_role = unique("bound-role")
    admin.create_role(RoleName=bound_role, AssumeRolePolicyDocument=json.dumps(TRUST), PermissionsBoundary=boundary)
    message = denied(admin.create_role, RoleName=unique("free-role"), AssumeRolePolicyDocument=json.dumps(TRUST))
    assert "iam:CreateRole" in message

    # Operations on existing entities: the boundary the entity has now.
    free_user = unique("free")
    root.create_user(UserName=free_user)
    admin.attach_user_policy(UserName=bound_user, PolicyArn=READ_ONLY)
    list_bucket = json.dumps(policy({"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "*"}))
    admin.put_user_policy(UserName=bound_user, PolicyName="p", PolicyDocument=list_bucket)
    message = denied(admin.attach_user_policy, UserName=free_user, PolicyArn=READ_ONLY)
    assert f"iam:AttachUserPolicy on resource: arn:aws:iam::{ACCOUNT_ID}:user/{free_user}" in message
    denied(admin.put_user_policy, UserName=free_user, PolicyName="p", PolicyDocument=list_bucket)

    free_role = unique("free-role")
    root.create_role(RoleName=free_role, AssumeRolePolicyDocument=json.dumps(TRUST))
    admin.attach_role_policy(RoleName=bound_role, PolicyArn=READ_ONLY)
    denied(admin.attach_role_policy, RoleName=free_role, PolicyArn=READ_ONLY)
    # Setting the boundary later brings the role under the administrator's reach.
    root.put_role_permissions_boundary(RoleName=free_role, PermissionsBoundary=boundary)
    admin.attach_role_policy(RoleName=free_role, PolicyArn=READ_ONLY)
    attached = root.list_attached_role_policies(RoleName=free_role)["AttachedPolicies"]
    assert [p["PolicyArn"] for p in attached] == [READ_ONLY]


def test_a_boundary_cannot_be_removed_or_replaced_when_denied(root, make_user, boundaries):
    boundary, other = boundaries
    _, admin = make_user(policy(
        {
            "Effect": "Allow",
            "Action": ["iam:DeleteUserPermissionsBoundary", "iam:PutUserPermissionsBoundary"],
            "Resource": "*",
        },
        # Users under `boundary` keep it; boundaries may be set only to `boundary`.
        {
            "Effect": "Deny",
            "Action": "iam:DeleteUserPermissionsBoundary",
            "Resource": "*",
            "Condition": {"StringEquals": {"iam:PermissionsBoundary": boundary}},
        },
        {
            "Effect": "Deny",
            "Action": "iam:PutUserPermissionsBoundary",
            "Resource": "*",
            "Condition": {"StringNotEquals": {"iam:PermissionsBoundary": boundary}},
        },
    ))
    kept, loose = unique("kept"), unique("loose")
    root.create_user(UserName=kept, PermissionsBoundary=boundary)
    root.create_user(UserName=loose, PermissionsBoundary=other)
    message = denied(admin.delete_user_permissions_boundary, UserName=kept)
    assert "with an explicit deny in an identity-based policy" in message
    admin.delete_user_permissions_boundary(UserName=loose)
    assert "PermissionsBoundary" not in root.get_user(UserName=loose)["User"]
    # Put: the boundary being set, not the one the user had.
    denied(admin.put_user_permissions_boundary, UserName=loose, PermissionsBoundary=other)
    admin.put_user_permissions_boundary(UserName=loose, PermissionsBoundary=boundary)
    assert root.get_user(UserName=loose)["User"]["PermissionsBoundary"]["PermissionsBoundaryArn"] == boundary


def test_policy_arn_only_on_attach_and_detach(root, make_user):
    only_read_only = {"ArnEquals": {"iam:PolicyARN": READ_ONLY}}
    _, admin = make_user(policy(
        {
            "Effect": "Allow",
            "Action": ["iam:AttachGroupPolicy", "iam:DetachGroupPolicy", "iam:GetPolicy"],
            "Resource": "*",
            "Condition": only_read_only,
        },
    ))
    group = unique("readers")
    root.create_group(GroupName=group)
    admin.attach_group_policy(GroupName=group, PolicyArn=READ_ONLY)
    denied(admin.attach_group_policy, GroupName=group, PolicyArn=ADMIN)
    admin.detach_group_policy(GroupName=group, PolicyArn=READ_ONLY)
    # GetPolicy documents no iam:PolicyARN: the key is absent and the condition fails.
    message = denied(admin.get_policy, PolicyArn=READ_ONLY)
    assert "because no identity-based policy allows the iam:GetPolicy action" in message


def test_service_linked_role_by_service_name(make_user):
    _, admin = make_user(policy({
        "Effect": "Allow",
        "Action": "iam:CreateServiceLinkedRole",
        "Resource": "*",
        "Condition": {"StringEquals": {"iam:AWSServiceName": "elasticbeanstalk.amazonaws.com"}},
    }))
    role = admin.create_service_linked_role(AWSServiceName="elasticbeanstalk.amazonaws.com")["Role"]
    assert role["Path"] == "/aws-service-role/elasticbeanstalk.amazonaws.com/"
    denied(admin.create_service_linked_role, AWSServiceName="autoscaling.amazonaws.com")
