"""Roles, their trust policies, inline policies and tags, and service-linked roles
through boto3: happy paths, IAM's refusals and authorization."""
import json

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from conftest import ACCOUNT_ID, REGION, ROOT_KEY_ID, ROOT_SECRET, unique, denial_sentence


def error_of(excinfo):
    e = excinfo.value.response
    return e["Error"]["Code"], denial_sentence(e["Error"]["Message"]), e["ResponseMetadata"]["HTTPStatusCode"]


def trust(principal):
    return {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": principal, "Action": "sts:AssumeRole"}],
    }


EC2_TRUST = trust({"Service": "ec2.amazonaws.com"})
ALLOW_GET = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}],
}


def test_create_get_list_update_delete(root):
    name = unique("app")
    created = root.create_role(
        RoleName=name,
        Path="/svc/",
        AssumeRolePolicyDocument=json.dumps(EC2_TRUST),
        Description="the app",
        MaxSessionDuration=7200,
        Tags=[{"Key": "env", "Value": "prod"}],
    )["Role"]
    assert created["RoleName"] == name
    assert created["Path"] == "/svc/"
    assert created["Arn"] == f"arn:aws:iam::{ACCOUNT_ID}:role/svc/{name}"
    assert created["RoleId"].startswith("AROA") and len(created["RoleId"]) == 21
    assert created["AssumeRolePolicyDocument"] == EC2_TRUST
    assert created["Description"] == "the app"
    assert created["MaxSessionDuration"] == 7200
    assert created["Tags"] == [{"Key": "env", "Value": "prod"}]

    got = root.get_role(RoleName=name.upper())["Role"]
    assert got["RoleId"] == created["RoleId"]
    assert got["CreateDate"] == created["CreateDate"]
    assert got["AssumeRolePolicyDocument"] == EC2_TRUST
    assert got["RoleLastUsed"] == {}
    assert got["Tags"] == [{"Key": "env", "Value": "prod"}]

    listed = root.list_roles(PathPrefix="/svc/")["Roles"]
    mine = [r for r in listed if r["RoleName"] == name]
    assert len(mine) == 1
    assert mine[0]["MaxSessionDuration"] == 7200
    assert "Tags" not in mine[0] and "RoleLastUsed" not in mine[0]

    root.update_role(RoleName=name, Description="changed", MaxSessionDuration=43200)
    got = root.get_role(RoleName=name)["Role"]
    assert (got["Description"], got["MaxSessionDuration"]) == ("changed", 43200)
    described = root.update_role_description(RoleName=name, Description="again")["Role"]
    assert described["Description"] == "again"
    assert described["RoleName"] == name

    lambda_trust = trust({"Service": "lambda.amazonaws.com"})
    root.update_assume_role_policy(RoleName=name, PolicyDocument=json.dumps(lambda_trust))
    assert root.get_role(RoleName=name)["Role"]["AssumeRolePolicyDocument"] == lambda_trust

    root.delete_role(RoleName=name)
    with pytest.raises(ClientError) as e:
        root.get_role(RoleName=name)
    assert error_of(e) == ("NoSuchEntity", f"The role with name {name} cannot be found.", 404)


def test_defaults_and_pagination(root):
    prefix = "/" + unique("page") + "/"
    names = sorted(unique(f"r{i}") for i in range(3))
    for n in names:
        root.create_role(RoleName=n, Path=prefix, AssumeRolePolicyDocument=json.dumps(EC2_TRUST))
    role = root.get_role(RoleName=names[0])["Role"]
    assert role["MaxSessionDuration"] == 3600
    assert "Description" not in role
    first = root.list_roles(PathPrefix=prefix, MaxItems=2)
    assert [r["RoleName"] for r in first["Roles"]] == names[:2]
    assert first["IsTruncated"] is True
    rest = root.list_roles(PathPrefix=prefix, Marker=first["Marker"])
    assert [r["RoleName"] for r in rest["Roles"]] == names[2:]
    assert rest["IsTruncated"] is False


def test_names_are_unique_case_insensitively(root):
    name = unique("Dup")
    root.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(EC2_TRUST))
    with pytest.raises(ClientError) as e:
        root.create_role(RoleName=name.lower(), AssumeRolePolicyDocument=json.dumps(EC2_TRUST))
    assert error_of(e) == ("EntityAlreadyExists", f"Role with name {name.lower()} already exists.", 409)


def unvalidated(iamd):
    """A root client that sends out-of-range values instead of refusing them itself."""
    return boto3.client(
        "iam",
        endpoint_url=iamd.endpoint,
        region_name=REGION,
        aws_access_key_id=ROOT_KEY_ID,
        aws_secret_access_key=ROOT_SECRET,
        config=Config(parameter_validation=False, retries={"max_attempts": 1}),
    )


def test_bad_input(iamd, root):
    name = unique("bad")
    raw = unvalidated(iamd)
    with pytest.raises(ClientError) as e:
        raw.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(EC2_TRUST), MaxSessionDuration=3599)
    assert error_of(e)[0] == "ValidationError"
    assert "maxSessionDuration" in error_of(e)[1]
    with pytest.raises(ClientError) as e:
        raw.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(EC2_TRUST), MaxSessionDuration=43201)
    assert error_of(e)[0] == "ValidationError"
    with pytest.raises(ClientError) as e:
        root.create_role(RoleName="x" * 65, AssumeRolePolicyDocument=json.dumps(EC2_TRUST))
    assert error_of(e)[0] == "ValidationError"
    with pytest.raises(ClientError) as e:
        root.create_role(RoleName=name, AssumeRolePolicyDocument="{nope")
    assert error_of(e)[0] == "MalformedPolicyDocument"
    # A trust policy needs a principal; an identity policy's shape is not one.
    with pytest.raises(ClientError) as e:
        root.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(ALLOW_GET))
    assert error_of(e)[0] == "MalformedPolicyDocument"
    # Trust policies are limited to 2,048 non-whitespace characters by default.
    big = trust({"AWS": [f"arn:aws:iam::{i:012d}:root" for i in range(100)]})
    with pytest.raises(ClientError) as e:
        root.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(big))
    assert error_of(e) == ("LimitExceeded", "Cannot exceed quota for ACLSizePerRole: 2048", 409)
    with pytest.raises(ClientError) as e:
        root.get_role(RoleName=name)
    assert error_of(e)[0] == "NoSuchEntity"
    with pytest.raises(ClientError) as e:
        root.update_role(RoleName=unique("missing"), Description="x")
    assert error_of(e)[0] == "NoSuchEntity"


def test_trust_policy_must_name_existing_principals(root):
    name = unique("trusting")
    ghost = f"arn:aws:iam::{ACCOUNT_ID}:user/{unique('ghost')}"
    with pytest.raises(ClientError) as e:
        root.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(trust({"AWS": ghost})))
    assert error_of(e) == ("MalformedPolicyDocument", f'Invalid principal in policy: "AWS":"{ghost}"', 400)
    # Accounts and principals elsewhere cannot be checked and are taken as given.
    elsewhere = trust({"AWS": ["arn:aws:iam::210987654321:role/x", "210987654321"]})
    root.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(elsewhere))
    with pytest.raises(ClientError) as e:
        root.update_assume_role_policy(RoleName=name, PolicyDocument=json.dumps(trust({"AWS": ghost})))
    assert error_of(e)[0] == "MalformedPolicyDocument"


def test_trust_policies_show_deleted_principals_by_unique_id(root):
    user = unique("trusted-user")
    peer = unique("trusted-role")
    user_id = root.create_user(UserName=user)["User"]["UserId"]
    peer_id = root.create_role(RoleName=peer, AssumeRolePolicyDocument=json.dumps(EC2_TRUST))["Role"]["RoleId"]
    user_arn = f"arn:aws:iam::{ACCOUNT_ID}:user/{user}"
    peer_arn = f"arn:aws:iam::{ACCOUNT_ID}:role/{peer}"
    doc = {
        "Version": "2012-10-17",
        "Statement": [{
            "Effect": "Allow",
            "Principal": {"AWS": [user_arn, peer_arn]},
            "Action": "sts:AssumeRole",
            "Condition": {"StringEquals": {"aws:PrincipalArn": peer_arn}},
        }],
    }
    role = unique("trusting")
    root.create_role(RoleName=role, AssumeRolePolicyDocument=json.dumps(doc))
    assert root.get_role(RoleName=role)["Role"]["AssumeRolePolicyDocument"] == doc

    root.delete_role(RoleName=peer)
    root.delete_user(UserName=user)
    shown = root.get_role(RoleName=role)["Role"]["AssumeRolePolicyDocument"]
    statement = shown["Statement"][0]
    assert statement["Principal"]["AWS"] == [user_id, peer_id]
    # Only the principal changes; a condition naming the ARN is left as written.
    assert statement["Condition"] == {"StringEquals": {"aws:PrincipalArn": peer_arn}}

    # A new role of the same name is a different principal: the old id stays.
    root.create_role(RoleName=peer, AssumeRolePolicyDocument=json.dumps(EC2_TRUST))
    again = root.get_role(RoleName=role)["Role"]["AssumeRolePolicyDocument"]
    assert again["Statement"][0]["Principal"]["AWS"] == [user_id, peer_id]
    listed = [r for r in root.list_roles()["Roles"] if r["RoleName"] == role]
    assert listed[0]["AssumeRolePolicyDocument"]["Statement"][0]["Principal"]["AWS"] == [user_id, peer_id]


def test_delete_conflicts(root):
    name = unique("held")
    root.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(EC2_TRUST))
    profile = unique("holder")
    root.create_instance_profile(InstanceProfileName=profile)
    root.add_role_to_instance_profile(InstanceProfileName=profile, RoleName=name)
    with pytest.raises(ClientError) as e:
        root.delete_role(RoleName=name)
    assert error_of(e) == ("DeleteConflict", "Cannot delete entity, must remove roles from instance profile first.", 409)
    root.remove_role_from_instance_profile(InstanceProfileName=profile, RoleName=name)
    root.put_role_policy(RoleName=name, PolicyName="p", PolicyDocument=json.dumps(ALLOW_GET))
    with pytest.raises(ClientError) as e:
        root.delete_role(RoleName=name)
    assert error_of(e) == ("DeleteConflict", "Cannot delete entity, must delete policies first.", 409)
    root.delete_role_policy(RoleName=name, PolicyName="p")
    root.delete_role(RoleName=name)


def test_role_inline_policies(root):
    name = unique("inline")
    root.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(EC2_TRUST))
    root.put_role_policy(RoleName=name, PolicyName="zeta", PolicyDocument=json.dumps(ALLOW_GET))
    root.put_role_policy(RoleName=name, PolicyName="alpha", PolicyDocument=json.dumps(ALLOW_GET))
    got = root.get_role_policy(RoleName=name, PolicyName="zeta")
    assert (got["RoleName"], got["PolicyName"], got["PolicyDocument"]) == (name, "zeta", ALLOW_GET)
    assert root.list_role_policies(RoleName=name)["PolicyNames"] == ["alpha", "zeta"]
    with pytest.raises(ClientError) as e:
        root.get_role_policy(RoleName=name, PolicyName="nope")
    assert error_of(e) == ("NoSuchEntity", "The role policy with name nope cannot be found.", 404)
    with pytest.raises(ClientError) as e:
        root.put_role_policy(RoleName=name, PolicyName="bad", PolicyDocument="[]")
    assert error_of(e)[0] == "MalformedPolicyDocument"
    with pytest.raises(ClientError) as e:
        root.put_role_policy(RoleName=unique("none"), PolicyName="p", PolicyDocument=json.dumps(ALLOW_GET))
    assert error_of(e)[0] == "NoSuchEntity"

    # 10,240 non-whitespace characters over all of a role's inline policies.
    def sized(n):
        return json.dumps({
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Action": "s3:GetObject",
                           "Resource": [f"arn:aws:s3:::bucket-{i:04d}/*" for i in range(n)]}],
        })
    root.put_role_policy(RoleName=name, PolicyName="big", PolicyDocument=sized(200))
    with pytest.raises(ClientError) as e:
        root.put_role_policy(RoleName=name, PolicyName="bigger", PolicyDocument=sized(200))
    assert error_of(e) == ("LimitExceeded", f"Maximum policy size of 10240 bytes exceeded for role {name}", 409)
    for p in ["alpha", "zeta", "big"]:
        root.delete_role_policy(RoleName=name, PolicyName=p)
    assert root.list_role_policies(RoleName=name)["PolicyNames"] == []


def test_role_tags(root):
    name = unique("tagged")
    root.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(EC2_TRUST))
    root.tag_role(RoleName=name, Tags=[{"Key": "a", "Value": "1"}, {"Key": "b", "Value": "2"}])
    root.tag_role(RoleName=name, Tags=[{"Key": "A", "Value": "3"}])
    assert root.list_role_tags(RoleName=name)["Tags"] == [{"Key": "A", "Value": "3"}, {"Key": "b", "Value": "2"}]
    root.untag_role(RoleName=name, TagKeys=["b", "absent"])
    assert root.list_role_tags(RoleName=name)["Tags"] == [{"Key": "A", "Value": "3"}]
    too_many = [{"Key": f"k{i}", "Value": "v"} for i in range(50)]
    with pytest.raises(ClientError) as e:
        root.tag_role(RoleName=name, Tags=too_many)
    assert error_of(e)[0] == "LimitExceeded"
    with pytest.raises(ClientError) as e:
        root.list_role_tags(RoleName=unique("none"))
    assert error_of(e)[0] == "NoSuchEntity"


def test_service_linked_roles(root):
    created = root.create_service_linked_role(AWSServiceName="autoscaling.amazonaws.com", CustomSuffix="one")["Role"]
    name = "AWSServiceRoleForAutoScaling_one"
    assert created["RoleName"] == name
    assert created["Path"] == "/aws-service-role/autoscaling.amazonaws.com/"
    assert created["Arn"] == f"arn:aws:iam::{ACCOUNT_ID}:role/aws-service-role/autoscaling.amazonaws.com/{name}"
    principal = created["AssumeRolePolicyDocument"]["Statement"][0]["Principal"]
    assert principal == {"Service": ["autoscaling.amazonaws.com"]}
    with pytest.raises(ClientError) as e:
        root.create_service_linked_role(AWSServiceName="autoscaling.amazonaws.com", CustomSuffix="one")
    assert error_of(e) == (
        "InvalidInput",
        f"Service role name {name} has been taken in this account, please try a different suffix.",
        400,
    )
    # Only the service changes its role.
    with pytest.raises(ClientError) as e:
        root.delete_role(RoleName=name)
    assert error_of(e) == (
        "UnmodifiableEntity",
        f"Cannot perform the operation on the protected role '{name}' - this role is only modifiable by AWS",
        400,
    )
    with pytest.raises(ClientError) as e:
        root.put_role_policy(RoleName=name, PolicyName="p", PolicyDocument=json.dumps(ALLOW_GET))
    assert error_of(e)[0] == "UnmodifiableEntity"
    with pytest.raises(ClientError) as e:
        root.update_assume_role_policy(RoleName=name, PolicyDocument=json.dumps(EC2_TRUST))
    assert error_of(e)[0] == "UnmodifiableEntity"
    assert root.update_role_description(RoleName=name, Description="mine")["Role"]["Description"] == "mine"

    task = root.delete_service_linked_role(RoleName=name)["DeletionTaskId"]
    assert task.startswith(f"task/aws-service-role/autoscaling.amazonaws.com/{name}/")
    assert root.get_service_linked_role_deletion_status(DeletionTaskId=task)["Status"] == "SUCCEEDED"
    with pytest.raises(ClientError) as e:
        root.get_role(RoleName=name)
    assert error_of(e)[0] == "NoSuchEntity"

    plain = unique("plain")
    root.create_role(RoleName=plain, AssumeRolePolicyDocument=json.dumps(EC2_TRUST))
    with pytest.raises(ClientError) as e:
        root.delete_service_linked_role(RoleName=plain)
    assert error_of(e)[0] == "InvalidInput"
    with pytest.raises(ClientError) as e:
        root.create_service_linked_role(AWSServiceName="not-a-service")
    assert error_of(e)[0] == "InvalidInput"
    with pytest.raises(ClientError) as e:
        root.get_service_linked_role_deletion_status(DeletionTaskId="task/unknown")
    assert error_of(e)[0] == "NoSuchEntity"


def test_read_only_user_reads_roles_but_cannot_create(make_user, root):
    role = unique("visible")
    root.create_role(RoleName=role, AssumeRolePolicyDocument=json.dumps(EC2_TRUST))
    name, client = make_user({
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": ["iam:Get*", "iam:List*"], "Resource": "*"}],
    })
    assert client.get_role(RoleName=role)["Role"]["RoleName"] == role
    assert role in [r["RoleName"] for r in client.list_roles()["Roles"]]
    assert client.list_role_tags(RoleName=role)["Tags"] == []
    new = unique("denied")
    with pytest.raises(ClientError) as e:
        client.create_role(RoleName=new, Path="/x/", AssumeRolePolicyDocument=json.dumps(EC2_TRUST))
    assert error_of(e) == (
        "AccessDenied",
        f"User: arn:aws:iam::{ACCOUNT_ID}:user/{name} is not authorized to perform: iam:CreateRole "
        f"on resource: arn:aws:iam::{ACCOUNT_ID}:role/x/{new} "
        "because no identity-based policy allows the iam:CreateRole action",
        403,
    )
    with pytest.raises(ClientError) as e:
        client.delete_role(RoleName=role)
    assert error_of(e)[0] == "AccessDenied"


def test_role_tags_feed_resource_conditions(make_user, root):
    tagged = unique("team-blue")
    other = unique("team-red")
    root.create_role(RoleName=tagged, AssumeRolePolicyDocument=json.dumps(EC2_TRUST), Tags=[{"Key": "team", "Value": "blue"}])
    root.create_role(RoleName=other, AssumeRolePolicyDocument=json.dumps(EC2_TRUST), Tags=[{"Key": "team", "Value": "red"}])
    _, client = make_user({
        "Version": "2012-10-17",
        "Statement": [{
            "Effect": "Allow", "Action": "iam:GetRole", "Resource": "*",
            "Condition": {"StringEquals": {"iam:ResourceTag/team": "blue"}},
        }],
    })
    assert client.get_role(RoleName=tagged)["Role"]["RoleName"] == tagged
    with pytest.raises(ClientError) as e:
        client.get_role(RoleName=other)
    assert error_of(e)[0] == "AccessDenied"
