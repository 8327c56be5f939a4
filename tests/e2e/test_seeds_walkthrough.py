"""The seeds' IAM walkthrough (shared/seeds/003), command by command, with the
unmodified aws CLI: groups and users, instance and Lambda roles, a least-privilege
policy, the policy simulator, MFA enforcement, cross-account trust with an external id,
and the troubleshooting table. Each step checks the output a user would read."""
import json
import os
import subprocess

import pytest

from conftest import ACCOUNT_ID, REGION, ROOT_KEY_ID, ROOT_SECRET, Iamd, iamd_binary, root_env

TRUSTED_ACCOUNT = "999999999999"
EXTERNAL_ID = "unique-external-id-here"

EC2_TRUST = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}],
}

# As the seeds write it: an inline JSON argument spread over lines.
LAMBDA_TRUST_TEXT = """{
"Version": "2012-10-17",
"Statement": [{
"Effect": "Allow",
"Principal": {"Service": "lambda.amazonaws.com"},
"Action": "sts:AssumeRole"
}]
}"""

ORDERS_TABLE = f"arn:aws:dynamodb:us-east-1:{ACCOUNT_ID}:table/Orders"
DYNAMODB_ORDERS = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Action": ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:Query"],
            "Resource": ORDERS_TABLE,
        }
    ],
}

REQUIRE_MFA = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Deny",
            "Action": "*",
            "Resource": "*",
            "Condition": {"BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}},
        }
    ],
}

CROSS_ACCOUNT_TRUST = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Principal": {"AWS": f"arn:aws:iam::{TRUSTED_ACCOUNT}:root"},
            "Action": "sts:AssumeRole",
            "Condition": {"StringEquals": {"sts:ExternalId": EXTERNAL_ID}},
        }
    ],
}


class Cli:
    """The aws CLI pointed at one iamd with one set of credentials, from the
    environment only (no config or credentials file)."""

    def __init__(self, endpoint, key, secret, token=None, cwd=None):
        self.endpoint = endpoint
        self.cwd = cwd
        self.env = {
            **os.environ,
            "AWS_ACCESS_KEY_ID": key,
            "AWS_SECRET_ACCESS_KEY": secret,
            "AWS_DEFAULT_REGION": REGION,
            "AWS_CONFIG_FILE": os.devnull,
            "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
        }
        self.env.pop("AWS_PROFILE", None)
        self.env.pop("AWS_SESSION_TOKEN", None)
        if token:
            self.env["AWS_SESSION_TOKEN"] = token

    def run(self, *args):
        return subprocess.run(
            ["aws", "--endpoint-url", self.endpoint, "--output", "json", *args],
            env=self.env,
            cwd=self.cwd,
            capture_output=True,
            text=True,
            timeout=60,
        )

    def ok(self, *args):
        """Runs a command that must succeed; its JSON output (None when it prints none)."""
        out = self.run(*args)
        assert out.returncode == 0, f"aws {' '.join(args)} failed: {out.stderr}"
        return json.loads(out.stdout) if out.stdout.strip() else None

    def fails(self, *args):
        """Runs a command that must fail; the CLI's error text."""
        out = self.run(*args)
        assert out.returncode != 0, f"aws {' '.join(args)} succeeded: {out.stdout}"
        return out.stderr


def create_account(data_dir, account_id):
    out = subprocess.run(
        [iamd_binary(), "account", "create", "--data-dir", str(data_dir), "--account-id", account_id],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert out.returncode == 0, out.stderr
    fields = dict(line.split(": ", 1) for line in out.stdout.splitlines())
    return fields["root access key id"], fields["root secret access key"].split(" ")[0]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """One iamd holding the workload account (the seeds' 123456789012) and the CI/CD
    account it trusts (999999999999)."""
    tmp = tmp_path_factory.mktemp("seeds")
    iamd = Iamd(tmp / "data", tmp / "iamd.log", root_env()).start()
    trusted_key, trusted_secret = create_account(tmp / "data", TRUSTED_ACCOUNT)
    workdir = tmp / "work"
    workdir.mkdir()
    yield {
        "iamd": iamd,
        "root": Cli(iamd.endpoint, ROOT_KEY_ID, ROOT_SECRET, cwd=workdir),
        "trusted_root": Cli(iamd.endpoint, trusted_key, trusted_secret, cwd=workdir),
        "workdir": workdir,
    }
    iamd.stop()


@pytest.fixture(scope="module")
def jane(server):
    """'Create Users and Groups (CLI)': the Developers group with PowerUserAccess and
    jane-dev in it, with an access key. Returns a CLI signed with her key."""
    aws = server["root"]
    group = aws.ok("iam", "create-group", "--group-name", "Developers")["Group"]
    assert group["GroupName"] == "Developers"
    assert group["Arn"] == f"arn:aws:iam::{ACCOUNT_ID}:group/Developers"
    assert group["GroupId"].startswith("AGPA")
    assert aws.ok(
        "iam", "attach-group-policy", "--group-name", "Developers",
        "--policy-arn", "arn:aws:iam::aws:policy/PowerUserAccess",
    ) is None
    user = aws.ok("iam", "create-user", "--user-name", "jane-dev")["User"]
    assert user["Arn"] == f"arn:aws:iam::{ACCOUNT_ID}:user/jane-dev"
    assert user["UserId"].startswith("AIDA") and user["Path"] == "/"
    assert aws.ok("iam", "add-user-to-group", "--user-name", "jane-dev", "--group-name", "Developers") is None
    key = aws.ok("iam", "create-access-key", "--user-name", "jane-dev")["AccessKey"]
    assert key["UserName"] == "jane-dev" and key["Status"] == "Active"
    assert key["AccessKeyId"].startswith("AKIA") and len(key["AccessKeyId"]) == 20
    assert len(key["SecretAccessKey"]) == 40
    return Cli(server["iamd"].endpoint, key["AccessKeyId"], key["SecretAccessKey"])


def test_developer_group_user_and_keys(server, jane):
    # The group's policy reaches jane-dev: PowerUserAccess lets her list roles...
    assert "Roles" in jane.ok("iam", "list-roles")
    # ...but not write IAM: it allows everything except iam:* but a few reads.
    err = jane.fails("iam", "create-user", "--user-name", "mallory")
    assert "AccessDenied" in err
    assert (
        f"User: arn:aws:iam::{ACCOUNT_ID}:user/jane-dev is not authorized to perform: iam:CreateUser "
        f"on resource: arn:aws:iam::{ACCOUNT_ID}:user/mallory because no identity-based policy allows "
        "the iam:CreateUser action"
    ) in err
    # 'Works in console, fails in CLI': compare identities with get-caller-identity.
    me = jane.ok("sts", "get-caller-identity")
    assert me["Arn"] == f"arn:aws:iam::{ACCOUNT_ID}:user/jane-dev"
    assert me["Account"] == ACCOUNT_ID and me["UserId"].startswith("AIDA")


def test_ec2_instance_role_with_trust_file_and_instance_profile(server):
    aws = server["root"]
    (server["workdir"] / "ec2-trust.json").write_text(json.dumps(EC2_TRUST, indent=1))
    role = aws.ok(
        "iam", "create-role", "--role-name", "EC2-S3-ReadRole",
        "--assume-role-policy-document", "file://ec2-trust.json",
    )["Role"]
    assert role["Arn"] == f"arn:aws:iam::{ACCOUNT_ID}:role/EC2-S3-ReadRole"
    assert role["RoleId"].startswith("AROA")
    # The CLI decodes the URL-encoded trust policy IAM returns.
    assert role["AssumeRolePolicyDocument"] == EC2_TRUST
    aws.ok(
        "iam", "attach-role-policy", "--role-name", "EC2-S3-ReadRole",
        "--policy-arn", "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess",
    )
    profile = aws.ok("iam", "create-instance-profile", "--instance-profile-name", "EC2-S3-Profile")["InstanceProfile"]
    assert profile["InstanceProfileId"].startswith("AIPA")
    assert profile["Arn"] == f"arn:aws:iam::{ACCOUNT_ID}:instance-profile/EC2-S3-Profile"
    assert profile["Roles"] == []
    aws.ok(
        "iam", "add-role-to-instance-profile", "--instance-profile-name", "EC2-S3-Profile",
        "--role-name", "EC2-S3-ReadRole",
    )
    profile = aws.ok("iam", "get-instance-profile", "--instance-profile-name", "EC2-S3-Profile")["InstanceProfile"]
    assert [r["RoleName"] for r in profile["Roles"]] == ["EC2-S3-ReadRole"]
    assert profile["Roles"][0]["RoleId"] == role["RoleId"]


def test_lambda_execution_role_and_least_privilege_policy(server):
    aws = server["root"]
    role = aws.ok(
        "iam", "create-role", "--role-name", "LambdaBasicExecution",
        "--assume-role-policy-document", LAMBDA_TRUST_TEXT,
    )["Role"]
    assert role["AssumeRolePolicyDocument"]["Statement"][0]["Principal"] == {"Service": "lambda.amazonaws.com"}
    aws.ok(
        "iam", "attach-role-policy", "--role-name", "LambdaBasicExecution",
        "--policy-arn", "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole",
    )
    # 'Least Privilege in Practice': a customer managed policy for one table.
    (server["workdir"] / "orders-table.json").write_text(json.dumps(DYNAMODB_ORDERS, indent=1))
    policy = aws.ok(
        "iam", "create-policy", "--policy-name", "OrdersTableAccess",
        "--policy-document", "file://orders-table.json",
    )["Policy"]
    assert policy["Arn"] == f"arn:aws:iam::{ACCOUNT_ID}:policy/OrdersTableAccess"
    assert policy["DefaultVersionId"] == "v1" and policy["AttachmentCount"] == 0
    aws.ok("iam", "attach-role-policy", "--role-name", "LambdaBasicExecution", "--policy-arn", policy["Arn"])
    attached = aws.ok("iam", "list-attached-role-policies", "--role-name", "LambdaBasicExecution")
    assert sorted(p["PolicyName"] for p in attached["AttachedPolicies"]) == [
        "AWSLambdaBasicExecutionRole",
        "OrdersTableAccess",
    ]
    # The role may read and write table Orders and nothing else of DynamoDB.
    result = aws.ok(
        "iam", "simulate-principal-policy", "--policy-source-arn", role["Arn"],
        "--action-names", "dynamodb:GetItem", "dynamodb:DeleteTable",
        "--resource-arns", ORDERS_TABLE, f"arn:aws:dynamodb:us-east-1:{ACCOUNT_ID}:table/Payments",
    )
    decisions = {
        (r["EvalActionName"], r["EvalResourceName"]): r["EvalDecision"] for r in result["EvaluationResults"]
    }
    assert decisions == {
        ("dynamodb:GetItem", ORDERS_TABLE): "allowed",
        ("dynamodb:GetItem", f"arn:aws:dynamodb:us-east-1:{ACCOUNT_ID}:table/Payments"): "implicitDeny",
        ("dynamodb:DeleteTable", ORDERS_TABLE): "implicitDeny",
        ("dynamodb:DeleteTable", f"arn:aws:dynamodb:us-east-1:{ACCOUNT_ID}:table/Payments"): "implicitDeny",
    }


def test_simulate_principal_policy_as_in_the_seeds(server, jane):
    result = server["root"].ok(
        "iam", "simulate-principal-policy",
        "--policy-source-arn", f"arn:aws:iam::{ACCOUNT_ID}:user/jane-dev",
        "--action-names", "s3:ListBucket",
        "--resource-arns", "arn:aws:s3:::my-bucket",
    )
    [evaluation] = result["EvaluationResults"]
    assert evaluation["EvalActionName"] == "s3:ListBucket"
    assert evaluation["EvalResourceName"] == "arn:aws:s3:::my-bucket"
    assert evaluation["EvalDecision"] == "allowed"
    # The statement that allowed it is PowerUserAccess, reached through the group.
    [statement] = evaluation["MatchedStatements"]
    assert statement["SourcePolicyId"] == "PowerUserAccess"
    assert statement["SourcePolicyType"] == "IAM Policy"


def test_mfa_deny_policy_blocks_long_term_keys(server, jane):
    aws = server["root"]
    (server["workdir"] / "require-mfa.json").write_text(json.dumps(REQUIRE_MFA, indent=1))
    policy_arn = aws.ok(
        "iam", "create-policy", "--policy-name", "RequireMFA", "--policy-document", "file://require-mfa.json",
    )["Policy"]["Arn"]
    aws.ok("iam", "attach-user-policy", "--user-name", "jane-dev", "--policy-arn", policy_arn)
    try:
        # Long-term keys carry no aws:MultiFactorAuthPresent: BoolIfExists matches and
        # the Deny overrides the group's PowerUserAccess.
        err = jane.fails("iam", "list-roles")
        assert "AccessDenied" in err
        assert (
            f"User: arn:aws:iam::{ACCOUNT_ID}:user/jane-dev is not authorized to perform: iam:ListRoles "
            f"on resource: arn:aws:iam::{ACCOUNT_ID}:role/ with an explicit deny in an identity-based policy"
        ) in err
        # GetCallerIdentity needs no permission: it answers even under a Deny of "*".
        assert jane.ok("sts", "get-caller-identity")["Arn"] == f"arn:aws:iam::{ACCOUNT_ID}:user/jane-dev"
    finally:
        aws.ok("iam", "detach-user-policy", "--user-name", "jane-dev", "--policy-arn", policy_arn)
    assert "Roles" in jane.ok("iam", "list-roles")


def test_cross_account_trust_with_external_id(server):
    aws = server["root"]
    (server["workdir"] / "cross-account-trust.json").write_text(json.dumps(CROSS_ACCOUNT_TRUST, indent=1))
    role_arn = aws.ok(
        "iam", "create-role", "--role-name", "CICDDeployRole",
        "--assume-role-policy-document", "file://cross-account-trust.json",
    )["Role"]["Arn"]
    # Account B's pipeline user, allowed to assume roles (its own side of the trust).
    trusted = server["trusted_root"]
    trusted.ok("iam", "create-user", "--user-name", "ci-pipeline")
    trusted.ok(
        "iam", "put-user-policy", "--user-name", "ci-pipeline", "--policy-name", "assume-deploy-roles",
        "--policy-document", json.dumps({
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "arn:aws:iam::*:role/*"}],
        }),
    )
    key = trusted.ok("iam", "create-access-key", "--user-name", "ci-pipeline")["AccessKey"]
    pipeline = Cli(server["iamd"].endpoint, key["AccessKeyId"], key["SecretAccessKey"])

    # Troubleshooting: 'Not authorized to perform sts:AssumeRole' — the ExternalId is missing.
    err = pipeline.fails("sts", "assume-role", "--role-arn", role_arn, "--role-session-name", "deploy")
    assert "AccessDenied" in err
    assert (
        f"User: arn:aws:iam::{TRUSTED_ACCOUNT}:user/ci-pipeline is not authorized to perform: "
        f"sts:AssumeRole on resource: {role_arn}"
    ) in err

    out = pipeline.ok(
        "sts", "assume-role", "--role-arn", role_arn, "--role-session-name", "deploy", "--external-id", EXTERNAL_ID,
    )
    assert out["AssumedRoleUser"]["Arn"] == f"arn:aws:sts::{ACCOUNT_ID}:assumed-role/CICDDeployRole/deploy"
    assert out["AssumedRoleUser"]["AssumedRoleId"].endswith(":deploy")
    creds = out["Credentials"]
    assert creds["AccessKeyId"].startswith("ASIA") and creds["SessionToken"]
    session = Cli(server["iamd"].endpoint, creds["AccessKeyId"], creds["SecretAccessKey"], creds["SessionToken"])
    me = session.ok("sts", "get-caller-identity")
    assert me["Account"] == ACCOUNT_ID
    assert me["Arn"] == f"arn:aws:sts::{ACCOUNT_ID}:assumed-role/CICDDeployRole/deploy"


def test_invalid_principal_in_policy(server):
    # Troubleshooting: a typo in the principal's ARN (jane-dve for jane-dev).
    typo = f"arn:aws:iam::{ACCOUNT_ID}:user/jane-dve"
    trust = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": {"AWS": typo}, "Action": "sts:AssumeRole"}],
    }
    err = server["root"].fails(
        "iam", "create-role", "--role-name", "TypoRole", "--assume-role-policy-document", json.dumps(trust),
    )
    assert "MalformedPolicyDocument" in err
    assert f'Invalid principal in policy: "AWS":"{typo}"' in err


def test_root_caller_identity(server):
    me = server["root"].ok("sts", "get-caller-identity")
    assert me == {"UserId": ACCOUNT_ID, "Account": ACCOUNT_ID, "Arn": f"arn:aws:iam::{ACCOUNT_ID}:root"}
