"""The policy simulator through the IAM API: SimulateCustomPolicy, SimulatePrincipalPolicy
and GetContextKeysFor*Policy, with boto3 against a real iamd."""
import json
import urllib.parse

import botocore.handlers
import pytest
from botocore.exceptions import ClientError

from conftest import ACCOUNT_ID, unique

POWER_USER = "arn:aws:iam::aws:policy/PowerUserAccess"
READ_ONLY = "arn:aws:iam::aws:policy/ReadOnlyAccess"


def error_of(excinfo):
    e = excinfo.value.response
    return e["Error"]["Code"], e["Error"]["Message"], e["ResponseMetadata"]["HTTPStatusCode"]


def doc(*statements, version="2012-10-17"):
    return json.dumps({"Version": version, "Statement": list(statements)})


def allow(action, resource="*", **extra):
    return {"Effect": "Allow", "Action": action, "Resource": resource, **extra}


def deny(action, resource="*", **extra):
    return {"Effect": "Deny", "Action": action, "Resource": resource, **extra}


def statement_positions(text):
    """Where each statement of a policy is, as AWS's simulator reports it: the line and
    the column just after its `{`, and the position where the text goes on after its `}`
    (the next character that is not white space)."""
    out, stack, line, col, in_string, escaped, key, last_string = [], [], 1, 0, False, False, None, None
    statement_depth, end_pending = None, False
    for ch in text:
        if ch == "\n":
            line, col = line + 1, 0
            continue
        col += 1
        if end_pending and not ch.isspace():
            out[-1]["EndPosition"] = {"Line": line, "Column": col}
            end_pending = False
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
            else:
                last_string += ch
            continue
        if ch == '"':
            in_string, last_string = True, ""
        elif ch == ":":
            key = last_string
        elif ch in "{[":
            if len(stack) == 1 and key == "Statement":
                statement_depth = len(stack) + (1 if ch == "{" else 2)
            if ch == "{" and len(stack) + 1 == statement_depth:
                out.append({"StartPosition": {"Line": line, "Column": col + 1}})
            stack.append(ch)
        elif ch in "}]":
            if ch == "}" and len(stack) == statement_depth:
                end_pending = True
            stack.pop()
    return out


def matched(policy_id, text, index=0, source_type="IAM Policy"):
    return {"SourcePolicyId": policy_id, "SourcePolicyType": source_type, **statement_positions(text)[index]}


def results(response):
    return [(r["EvalActionName"], r["EvalResourceName"], r["EvalDecision"]) for r in response["EvaluationResults"]]


# ---- SimulateCustomPolicy ----

def test_custom_policy_allowed_denied_and_matched_statements(root):
    policy = doc(allow("s3:Get*"), deny("s3:GetObjectAcl"))
    out = root.simulate_custom_policy(
        PolicyInputList=[policy], ActionNames=["s3:GetObject", "s3:GetObjectAcl", "s3:PutObject"]
    )
    assert results(out) == [
        ("s3:GetObject", "*", "allowed"),
        ("s3:GetObjectAcl", "*", "explicitDeny"),
        ("s3:PutObject", "*", "implicitDeny"),
    ]
    allowed, denied, implicit = out["EvaluationResults"]
    assert allowed["MatchedStatements"] == [matched("PolicyInputList.1", policy, 0)]
    assert denied["MatchedStatements"] == [matched("PolicyInputList.1", policy, 1)]
    assert implicit["MatchedStatements"] == []
    assert allowed["MissingContextValues"] == []
    assert "ResourceSpecificResults" not in allowed
    assert out["IsTruncated"] is False


def test_custom_policy_positions_in_a_pretty_printed_policy(root):
    policy = json.dumps(
        {"Version": "2012-10-17", "Statement": [deny("ec2:*"), allow("dynamodb:Query")]}, indent=2
    )
    out = root.simulate_custom_policy(PolicyInputList=[policy], ActionNames=["dynamodb:Query"])
    statement = out["EvaluationResults"][0]["MatchedStatements"][0]
    # The second statement: from just after its `{` on line 9 to where the text goes on
    # after its `}`: the `]` on line 14.
    assert statement["StartPosition"] == {"Line": 9, "Column": 6}
    assert statement["EndPosition"] == {"Line": 14, "Column": 3}
    assert statement == matched("PolicyInputList.1", policy, 1)


def test_resource_arns_give_resource_specific_results(root):
    policy = doc(allow("s3:GetObject", "arn:aws:s3:::reports/*"))
    out = root.simulate_custom_policy(
        PolicyInputList=[policy],
        ActionNames=["s3:GetObject"],
        ResourceArns=["arn:aws:s3:::reports/q1.csv", "arn:aws:s3:::other/x"],
    )
    assert results(out) == [
        ("s3:GetObject", "arn:aws:s3:::reports/q1.csv", "allowed"),
        ("s3:GetObject", "arn:aws:s3:::other/x", "implicitDeny"),
    ]
    first = out["EvaluationResults"][0]
    assert first["EvalDecisionDetails"] == {}
    assert first["ResourceSpecificResults"] == [{
        "EvalResourceName": "arn:aws:s3:::reports/q1.csv",
        "EvalResourceDecision": "allowed",
        "MatchedStatements": [matched("PolicyInputList.1", policy)],
        "MissingContextValues": [],
    }]


def test_missing_context_values_and_context_entries(root):
    policy = doc(allow("ec2:RunInstances", Condition={
        "IpAddress": {"aws:SourceIp": "203.0.113.0/24"},
        "DateGreaterThan": {"aws:CurrentTime": "2020-01-01T00:00:00Z"},
    }))
    out = root.simulate_custom_policy(PolicyInputList=[policy], ActionNames=["ec2:RunInstances"])
    first = out["EvaluationResults"][0]
    assert first["EvalDecision"] == "implicitDeny"
    assert sorted(first["MissingContextValues"]) == ["aws:CurrentTime", "aws:SourceIp"]

    def with_context(ip):
        return root.simulate_custom_policy(
            PolicyInputList=[policy],
            ActionNames=["ec2:RunInstances"],
            ContextEntries=[
                {"ContextKeyName": "aws:SourceIp", "ContextKeyValues": [ip], "ContextKeyType": "ip"},
                {"ContextKeyName": "aws:CurrentTime", "ContextKeyValues": ["2024-05-01T00:00:00Z"],
                 "ContextKeyType": "date"},
            ],
        )["EvaluationResults"][0]

    inside = with_context("203.0.113.7")
    assert (inside["EvalDecision"], inside["MissingContextValues"]) == ("allowed", [])
    assert with_context("198.51.100.1")["EvalDecision"] == "implicitDeny"


def test_list_context_keys_and_bad_context_types(root):
    policy = doc(allow("iam:TagUser", Condition={"ForAllValues:StringEquals": {"aws:TagKeys": ["team", "env"]}}))

    def decision(values):
        return root.simulate_custom_policy(
            PolicyInputList=[policy],
            ActionNames=["iam:TagUser"],
            ContextEntries=[{"ContextKeyName": "aws:TagKeys", "ContextKeyValues": values,
                             "ContextKeyType": "stringList"}],
        )["EvaluationResults"][0]["EvalDecision"]

    assert decision(["team"]) == "allowed"
    assert decision(["team", "owner"]) == "implicitDeny"
    with pytest.raises(ClientError) as e:
        root.simulate_custom_policy(
            PolicyInputList=[policy],
            ActionNames=["iam:TagUser"],
            ContextEntries=[{"ContextKeyName": "aws:TagKeys", "ContextKeyValues": ["a", "b"],
                             "ContextKeyType": "string"}],
        )
    assert error_of(e)[0] == "InvalidInput"


def test_custom_permissions_boundary(root):
    out = root.simulate_custom_policy(
        PolicyInputList=[doc(allow("s3:*"))],
        PermissionsBoundaryPolicyInputList=[doc(allow("s3:Get*"))],
        ActionNames=["s3:GetObject", "s3:PutObject"],
    )
    get, put = out["EvaluationResults"]
    assert get["EvalDecision"] == "allowed"
    assert get["PermissionsBoundaryDecisionDetail"] == {"AllowedByPermissionsBoundary": True}
    assert [m["SourcePolicyId"] for m in get["MatchedStatements"]] == [
        "PolicyInputList.1", "PermissionsBoundaryPolicyInputList.1"]
    assert put["EvalDecision"] == "implicitDeny"
    assert put["PermissionsBoundaryDecisionDetail"] == {"AllowedByPermissionsBoundary": False}


def test_resource_policy_needs_a_caller(root):
    bucket_policy = doc({"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT_ID}:user/alice"},
                         "Action": "s3:GetObject", "Resource": "arn:aws:s3:::shared/*"})
    with pytest.raises(ClientError) as e:
        root.simulate_custom_policy(
            PolicyInputList=[doc(deny("ec2:*"))], ResourcePolicy=bucket_policy, ActionNames=["s3:GetObject"],
            ResourceArns=["arn:aws:s3:::shared/a"],
        )
    assert error_of(e)[:1] == ("InvalidInput",)
    out = root.simulate_custom_policy(
        PolicyInputList=[doc(deny("ec2:*"))], ResourcePolicy=bucket_policy, ActionNames=["s3:GetObject"],
        ResourceArns=["arn:aws:s3:::shared/a"], CallerArn=f"arn:aws:iam::{ACCOUNT_ID}:user/alice",
    )
    first = out["EvaluationResults"][0]
    assert first["EvalDecision"] == "allowed"
    assert first["MatchedStatements"] == [matched("ResourcePolicy", bucket_policy, source_type="Resource Policy")]


def test_paging_with_max_items_and_marker(root):
    actions = [f"s3:{a}" for a in ("GetObject", "PutObject", "DeleteObject", "ListBucket", "GetBucketAcl")]
    first = root.simulate_custom_policy(PolicyInputList=[doc(allow("s3:*"))], ActionNames=actions, MaxItems=2)
    assert [r["EvalActionName"] for r in first["EvaluationResults"]] == actions[:2]
    assert first["IsTruncated"] is True and first["Marker"]
    second = root.simulate_custom_policy(
        PolicyInputList=[doc(allow("s3:*"))], ActionNames=actions, MaxItems=2, Marker=first["Marker"]
    )
    assert [r["EvalActionName"] for r in second["EvaluationResults"]] == actions[2:4]
    # boto3's paginator follows the markers to the end.
    pages = root.get_paginator("simulate_custom_policy").paginate(
        PolicyInputList=[doc(allow("s3:*"))], ActionNames=actions, PaginationConfig={"PageSize": 2}
    )
    seen = [r["EvalActionName"] for page in pages for r in page["EvaluationResults"]]
    assert seen == actions


def test_invalid_policies_and_actions(root):
    for bad in ["{", doc({"Effect": "Allow", "Resource": "*"}), doc(allow("s3:GetObject"), version="2020-01-01")]:
        with pytest.raises(ClientError) as e:
            root.simulate_custom_policy(PolicyInputList=[bad], ActionNames=["s3:GetObject"])
        code, message, status = error_of(e)
        assert (code, status) == ("InvalidInput", 400)
        assert "PolicyInputList.1" in message
    with pytest.raises(ClientError) as e:
        root.simulate_custom_policy(PolicyInputList=[doc(allow("*"))], ActionNames=["GetObject"])
    assert error_of(e)[0] == "InvalidInput"
    with pytest.raises(ClientError) as e:
        root.simulate_custom_policy(
            PolicyInputList=[doc(allow("*")), doc(allow("*"))], ActionNames=["s3:GetObject"],
            PermissionsBoundaryPolicyInputList=[doc(allow("*")), doc(allow("*"))],
        )
    assert error_of(e)[0] == "InvalidInput"


# ---- SimulatePrincipalPolicy ----

def test_user_with_inline_group_and_aws_managed_policies(root):
    user, group = unique("sim-user"), unique("sim-group")
    own = doc(allow("sqs:SendMessage"), deny("s3:DeleteBucket"))
    group_inline = doc(allow("sns:Publish"))
    root.create_user(UserName=user)
    root.put_user_policy(UserName=user, PolicyName="Own", PolicyDocument=own)
    root.create_group(GroupName=group)
    root.put_group_policy(GroupName=group, PolicyName="Notify", PolicyDocument=group_inline)
    root.attach_group_policy(GroupName=group, PolicyArn=POWER_USER)
    root.add_user_to_group(GroupName=group, UserName=user)
    out = root.simulate_principal_policy(
        PolicySourceArn=f"arn:aws:iam::{ACCOUNT_ID}:user/{user}",
        ActionNames=["sqs:SendMessage", "sns:Publish", "s3:DeleteBucket", "iam:CreateUser"],
    )
    send, publish, delete, create = out["EvaluationResults"]
    assert send["EvalDecision"] == "allowed"
    assert matched(f"user_{user}_Own", own, 0) in send["MatchedStatements"]
    assert publish["EvalDecision"] == "allowed"
    assert matched(f"group_{group}_Notify", group_inline) in publish["MatchedStatements"]
    # PowerUserAccess allows both too (NotAction iam:*): AWS names it by its name.
    assert "PowerUserAccess" in [m["SourcePolicyId"] for m in publish["MatchedStatements"]]
    # The user's own deny beats PowerUserAccess; only the deny is reported.
    assert delete["EvalDecision"] == "explicitDeny"
    assert delete["MatchedStatements"] == [matched(f"user_{user}_Own", own, 1)]
    assert (create["EvalDecision"], create["MatchedStatements"]) == ("implicitDeny", [])


def test_group_and_role_sources(root):
    group, role = unique("sim-g"), unique("sim-r")
    root.create_group(GroupName=group)
    root.attach_group_policy(GroupName=group, PolicyArn=READ_ONLY)
    out = root.simulate_principal_policy(
        PolicySourceArn=f"arn:aws:iam::{ACCOUNT_ID}:group/{group}", ActionNames=["s3:GetObject", "s3:PutObject"]
    )
    assert [r["EvalDecision"] for r in out["EvaluationResults"]] == ["allowed", "implicitDeny"]
    assert out["EvaluationResults"][0]["MatchedStatements"][0]["SourcePolicyId"] == "ReadOnlyAccess"

    trust = doc({"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"})
    role_arn = root.create_role(RoleName=role, AssumeRolePolicyDocument=trust)["Role"]["Arn"]
    inline = doc(allow("logs:PutLogEvents"))
    root.put_role_policy(RoleName=role, PolicyName="Logs", PolicyDocument=inline)
    customer = root.create_policy(PolicyName=unique("metrics"), PolicyDocument=doc(allow("cloudwatch:PutMetricData")))
    root.attach_role_policy(RoleName=role, PolicyArn=customer["Policy"]["Arn"])
    out = root.simulate_principal_policy(
        PolicySourceArn=role_arn, ActionNames=["logs:PutLogEvents", "cloudwatch:PutMetricData"]
    )
    logs, metrics = out["EvaluationResults"]
    assert logs["MatchedStatements"] == [matched(f"role_{role}_Logs", inline)]
    assert metrics["MatchedStatements"][0]["SourcePolicyId"] == customer["Policy"]["PolicyName"]
    assert metrics["EvalDecision"] == "allowed"


def test_boundary_of_the_user_and_its_override(root):
    user = unique("sim-bounded")
    boundary = root.create_policy(PolicyName=unique("boundary"), PolicyDocument=doc(allow("s3:Get*")))
    root.create_user(UserName=user, PermissionsBoundary=boundary["Policy"]["Arn"])
    root.attach_user_policy(UserName=user, PolicyArn="arn:aws:iam::aws:policy/AmazonS3FullAccess")
    arn = f"arn:aws:iam::{ACCOUNT_ID}:user/{user}"
    out = root.simulate_principal_policy(PolicySourceArn=arn, ActionNames=["s3:GetObject", "s3:PutObject"])
    get, put = out["EvaluationResults"]
    assert get["EvalDecision"] == "allowed"
    assert get["PermissionsBoundaryDecisionDetail"] == {"AllowedByPermissionsBoundary": True}
    assert [m["SourcePolicyType"] for m in get["MatchedStatements"]] == ["IAM Policy", "Permissions Boundary Policy"]
    assert get["MatchedStatements"][1]["SourcePolicyId"] == boundary["Policy"]["PolicyName"]
    assert put["EvalDecision"] == "implicitDeny"
    assert put["PermissionsBoundaryDecisionDetail"] == {"AllowedByPermissionsBoundary": False}
    # PermissionsBoundaryPolicyInputList replaces the user's boundary for the simulation.
    out = root.simulate_principal_policy(
        PolicySourceArn=arn, ActionNames=["s3:PutObject"],
        PermissionsBoundaryPolicyInputList=[doc(allow("s3:Put*"))],
    )
    assert out["EvaluationResults"][0]["EvalDecision"] == "allowed"


def test_principal_policy_with_extra_policies_context_and_resources(root):
    user = unique("sim-extra")
    root.create_user(UserName=user)
    extra = doc(allow("dynamodb:GetItem", f"arn:aws:dynamodb:us-east-1:{ACCOUNT_ID}:table/orders",
                      Condition={"StringEquals": {"aws:PrincipalTag/team": "orders"}}))
    out = root.simulate_principal_policy(
        PolicySourceArn=f"arn:aws:iam::{ACCOUNT_ID}:user/{user}",
        PolicyInputList=[extra],
        ActionNames=["dynamodb:GetItem"],
        ResourceArns=[f"arn:aws:dynamodb:us-east-1:{ACCOUNT_ID}:table/orders"],
    )
    first = out["EvaluationResults"][0]
    assert first["EvalDecision"] == "implicitDeny"
    assert first["ResourceSpecificResults"][0]["MissingContextValues"] == ["aws:PrincipalTag/team"]
    out = root.simulate_principal_policy(
        PolicySourceArn=f"arn:aws:iam::{ACCOUNT_ID}:user/{user}",
        PolicyInputList=[extra],
        ActionNames=["dynamodb:GetItem"],
        ResourceArns=[f"arn:aws:dynamodb:us-east-1:{ACCOUNT_ID}:table/orders"],
        ContextEntries=[{"ContextKeyName": "aws:PrincipalTag/team", "ContextKeyValues": ["orders"],
                         "ContextKeyType": "string"}],
    )
    first = out["EvaluationResults"][0]
    assert first["EvalDecision"] == "allowed"
    assert first["MatchedStatements"] == [matched("PolicyInputList.1", extra)]


def test_principal_resource_policy_matches_the_simulated_user(root):
    user = unique("sim-reader")
    root.create_user(UserName=user)
    arn = f"arn:aws:iam::{ACCOUNT_ID}:user/{user}"
    bucket_policy = doc({"Effect": "Allow", "Principal": {"AWS": arn}, "Action": "s3:GetObject",
                         "Resource": "arn:aws:s3:::team/*"})
    out = root.simulate_principal_policy(
        PolicySourceArn=arn, ActionNames=["s3:GetObject"], ResourceArns=["arn:aws:s3:::team/a"],
        ResourcePolicy=bucket_policy,
    )
    assert out["EvaluationResults"][0]["EvalDecision"] == "allowed"
    # For a role, AWS needs CallerArn to know who the resource policy is evaluated for.
    role = unique("sim-role")
    trust = doc({"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"})
    role_arn = root.create_role(RoleName=role, AssumeRolePolicyDocument=trust)["Role"]["Arn"]
    with pytest.raises(ClientError) as e:
        root.simulate_principal_policy(
            PolicySourceArn=role_arn, ActionNames=["s3:GetObject"], ResourcePolicy=bucket_policy
        )
    assert error_of(e)[0] == "InvalidInput"


def test_unknown_and_invalid_sources(root):
    for kind in ("user", "group", "role"):
        name = unique("ghost")
        with pytest.raises(ClientError) as e:
            root.simulate_principal_policy(
                PolicySourceArn=f"arn:aws:iam::{ACCOUNT_ID}:{kind}/{name}", ActionNames=["s3:GetObject"]
            )
        assert error_of(e) == ("NoSuchEntity", f"The {kind} with name {name} cannot be found.", 404)
    with pytest.raises(ClientError) as e:
        root.simulate_principal_policy(
            PolicySourceArn=f"arn:aws:iam::{ACCOUNT_ID}:policy/NotAnEntity", ActionNames=["s3:GetObject"]
        )
    assert error_of(e)[0] == "InvalidInput"


# ---- GetContextKeysFor*Policy ----

def test_context_keys_for_custom_policy_as_in_aws_example(root):
    policy = doc(allow("dynamodb:*", "arn:aws:dynamodb:us-west-2:123456789012:table/${aws:username}",
                       Condition={"DateGreaterThan": {"aws:CurrentTime": "2015-08-16T12:00:00Z"}}))
    keys = root.get_context_keys_for_custom_policy(PolicyInputList=[policy])["ContextKeyNames"]
    assert keys == ["aws:username", "aws:CurrentTime"]
    assert root.get_context_keys_for_custom_policy(PolicyInputList=[doc(allow("*"))])["ContextKeyNames"] == []


def test_context_keys_for_principal_policy(root):
    user, group = unique("keys-user"), unique("keys-group")
    root.create_user(UserName=user)
    root.put_user_policy(UserName=user, PolicyName="Mfa", PolicyDocument=doc(
        allow("ec2:*", Condition={"Bool": {"aws:MultiFactorAuthPresent": "true"}})))
    root.create_group(GroupName=group)
    root.put_group_policy(GroupName=group, PolicyName="Ip", PolicyDocument=doc(
        deny("*", Condition={"NotIpAddress": {"aws:SourceIp": "10.0.0.0/8"}})))
    root.add_user_to_group(GroupName=group, UserName=user)
    keys = root.get_context_keys_for_principal_policy(
        PolicySourceArn=f"arn:aws:iam::{ACCOUNT_ID}:user/{user}",
        PolicyInputList=[doc(allow("s3:ListBucket", Condition={"StringLike": {"s3:prefix": "home/*"}}))],
    )["ContextKeyNames"]
    assert sorted(keys) == ["aws:MultiFactorAuthPresent", "aws:SourceIp", "s3:prefix"]
    with pytest.raises(ClientError) as e:
        root.get_context_keys_for_principal_policy(PolicySourceArn=f"arn:aws:iam::{ACCOUNT_ID}:user/{unique('no')}")
    assert error_of(e)[0] == "NoSuchEntity"


# ---- Authorization of the simulator's own calls ----

def test_simulate_principal_policy_is_authorized_on_the_source(make_user):
    target, _ = make_user(doc(allow("s3:ListAllMyBuckets")))
    other, _ = make_user()
    target_arn = f"arn:aws:iam::{ACCOUNT_ID}:user/{target}"
    _, client = make_user(doc(allow("iam:SimulatePrincipalPolicy", target_arn),
                              allow("iam:GetContextKeysForPrincipalPolicy", target_arn)))
    out = client.simulate_principal_policy(PolicySourceArn=target_arn, ActionNames=["s3:ListAllMyBuckets"])
    assert out["EvaluationResults"][0]["EvalDecision"] == "allowed"
    client.get_context_keys_for_principal_policy(PolicySourceArn=target_arn)
    with pytest.raises(ClientError) as e:
        client.simulate_principal_policy(
            PolicySourceArn=f"arn:aws:iam::{ACCOUNT_ID}:user/{other}", ActionNames=["s3:ListAllMyBuckets"]
        )
    code, message, status = error_of(e)
    assert (code, status) == ("AccessDenied", 403)
    assert f"iam:SimulatePrincipalPolicy on resource: arn:aws:iam::{ACCOUNT_ID}:user/{other}" in message
    with pytest.raises(ClientError) as e:
        client.simulate_custom_policy(PolicyInputList=[doc(allow("*"))], ActionNames=["s3:GetObject"])
    assert "iam:SimulateCustomPolicy on resource: *" in error_of(e)[1]


def test_simulate_custom_policy_is_authorized_on_star(make_user):
    _, client = make_user(doc(allow(["iam:SimulateCustomPolicy", "iam:GetContextKeysForCustomPolicy"])))
    out = client.simulate_custom_policy(PolicyInputList=[doc(allow("s3:*"))], ActionNames=["s3:GetObject"])
    assert out["EvaluationResults"][0]["EvalDecision"] == "allowed"
    assert client.get_context_keys_for_custom_policy(PolicyInputList=[doc(allow("s3:*"))])["ContextKeyNames"] == []


# ---- The seeds' command, with the unmodified aws CLI ----

def test_aws_cli_simulate_principal_policy_of_the_seeds(iamd, root):
    from test_cli import aws

    root.create_group(GroupName="Developers")
    root.attach_group_policy(GroupName="Developers", PolicyArn=POWER_USER)
    root.create_user(UserName="jane-dev")
    root.add_user_to_group(GroupName="Developers", UserName="jane-dev")
    # The document's text as IAM returns it (boto3 would parse it), to know the positions.
    raw = iamd.root()
    raw.meta.events.unregister("after-call.iam", botocore.handlers.json_decode_policies)
    version = raw.get_policy(PolicyArn=POWER_USER)["Policy"]["DefaultVersionId"]
    encoded = raw.get_policy_version(PolicyArn=POWER_USER, VersionId=version)["PolicyVersion"]["Document"]
    text = urllib.parse.unquote(encoded)

    code, out, err = aws(
        iamd, "iam", "simulate-principal-policy",
        "--policy-source-arn", f"arn:aws:iam::{ACCOUNT_ID}:user/jane-dev",
        "--action-names", "s3:ListBucket",
        "--resource-arns", "arn:aws:s3:::my-bucket",
    )
    assert code == 0, err
    statement = matched("PowerUserAccess", text, 0)
    assert json.loads(out) == {
        "EvaluationResults": [{
            "EvalActionName": "s3:ListBucket",
            "EvalResourceName": "arn:aws:s3:::my-bucket",
            "EvalDecision": "allowed",
            "MatchedStatements": [statement],
            "MissingContextValues": [],
            "EvalDecisionDetails": {},
            "ResourceSpecificResults": [{
                "EvalResourceName": "arn:aws:s3:::my-bucket",
                "EvalResourceDecision": "allowed",
                "MatchedStatements": [statement],
                "MissingContextValues": [],
            }],
        }],
    }
