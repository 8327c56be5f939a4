"""STS against a real iamd: AssumeRole and its refusals, temporary credentials on IAM
and STS calls, GetSessionToken with MFA, GetFederationToken, GetCallerIdentity,
GetAccessKeyInfo, AssumeRoot, cross-account roles with an external id, the SDK's own
assume-role flow from a profile, and the aws CLI."""
import base64
import json
import os
import subprocess

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from conftest import ACCOUNT_ID, REGION, ROOT_KEY_ID, ROOT_SECRET, iamd_binary, unique, denial_sentence
from totp_codes import code, current_step

STS_NS_ERROR = "An error occurred"


def sts_client(iamd, key, secret, token=None, validate=True):
    return boto3.client(
        "sts",
        endpoint_url=iamd.endpoint,
        region_name=REGION,
        aws_access_key_id=key,
        aws_secret_access_key=secret,
        aws_session_token=token,
        config=Config(retries={"max_attempts": 1}, parameter_validation=validate),
    )


def clients_of(iamd, creds):
    """(iam, sts) clients signed with temporary credentials."""
    kw = dict(
        endpoint_url=iamd.endpoint,
        region_name=REGION,
        aws_access_key_id=creds["AccessKeyId"],
        aws_secret_access_key=creds["SecretAccessKey"],
        aws_session_token=creds["SessionToken"],
        config=Config(retries={"max_attempts": 1}),
    )
    return boto3.client("iam", **kw), boto3.client("sts", **kw)


def error_of(call, *args, **kwargs):
    with pytest.raises(ClientError) as info:
        call(*args, **kwargs)
    return info.value.response["Error"]


def trust(principal, condition=None, action="sts:AssumeRole"):
    stmt = {"Effect": "Allow", "Principal": principal, "Action": action}
    if condition:
        stmt["Condition"] = condition
    return json.dumps({"Version": "2012-10-17", "Statement": [stmt]})


ALLOW_ALL = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}
ASSUME_ANY = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": ["sts:AssumeRole", "sts:TagSession", "sts:SetSourceIdentity"], "Resource": "*"}],
}


def make_role(root, trust_doc, policy=ALLOW_ALL, **kwargs):
    name = unique("role")
    role = root.create_role(RoleName=name, AssumeRolePolicyDocument=trust_doc, **kwargs)["Role"]
    if policy is not None:
        root.put_role_policy(RoleName=name, PolicyName="p", PolicyDocument=json.dumps(policy))
    return name, role["Arn"]


def user_with_key(iamd, root, policy=None):
    name = unique("user")
    root.create_user(UserName=name)
    if policy is not None:
        root.put_user_policy(UserName=name, PolicyName="p", PolicyDocument=json.dumps(policy))
    key = root.create_access_key(UserName=name)["AccessKey"]
    arn = f"arn:aws:iam::{ACCOUNT_ID}:user/{name}"
    return name, arn, key["AccessKeyId"], key["SecretAccessKey"]


@pytest.fixture(scope="module")
def root_sts(iamd):
    return sts_client(iamd, ROOT_KEY_ID, ROOT_SECRET)


def test_assume_role_by_account_trust_needs_identity_permission(iamd, root):
    _, role_arn = make_role(root, trust({"AWS": f"arn:aws:iam::{ACCOUNT_ID}:root"}))
    _, user_arn, k, s = user_with_key(iamd, root, ASSUME_ANY)
    out = sts_client(iamd, k, s).assume_role(RoleArn=role_arn, RoleSessionName="s1")
    creds = out["Credentials"]
    assert creds["AccessKeyId"].startswith("ASIA")
    role_name = role_arn.rsplit("/", 1)[1]
    assert out["AssumedRoleUser"]["Arn"] == f"arn:aws:sts::{ACCOUNT_ID}:assumed-role/{role_name}/s1"
    assert out["AssumedRoleUser"]["AssumedRoleId"].startswith("AROA")
    assert out["AssumedRoleUser"]["AssumedRoleId"].endswith(":s1")
    iam, sts = clients_of(iamd, creds)
    ident = sts.get_caller_identity()
    assert ident["Arn"] == out["AssumedRoleUser"]["Arn"]
    assert ident["UserId"] == out["AssumedRoleUser"]["AssumedRoleId"]
    assert ident["Account"] == ACCOUNT_ID
    # The role's policy (allow all) lets the session use IAM.
    assert iam.list_users()["Users"] is not None

    # Without an identity policy allowing sts:AssumeRole, the account trust is not enough.
    _, plain_arn, k2, s2 = user_with_key(iamd, root, None)
    err = error_of(sts_client(iamd, k2, s2).assume_role, RoleArn=role_arn, RoleSessionName="ss")
    assert err["Code"] == "AccessDenied"
    assert denial_sentence(err["Message"]) == f"User: {plain_arn} is not authorized to perform: sts:AssumeRole on resource: {role_arn}"


def test_named_user_is_trusted_alone_and_wrong_principal_refused(iamd, root):
    _, user_arn, k, s = user_with_key(iamd, root, None)
    _, role_arn = make_role(root, trust({"AWS": user_arn}))
    assert sts_client(iamd, k, s).assume_role(RoleArn=role_arn, RoleSessionName="xx")["Credentials"]
    _, other_arn, k2, s2 = user_with_key(iamd, root, ASSUME_ANY)
    err = error_of(sts_client(iamd, k2, s2).assume_role, RoleArn=role_arn, RoleSessionName="xx")
    assert err["Code"] == "AccessDenied"
    assert other_arn in err["Message"] and role_arn in err["Message"]
    # A role that does not exist is refused the same way.
    missing = f"arn:aws:iam::{ACCOUNT_ID}:role/{unique('absent')}"
    err = error_of(sts_client(iamd, k2, s2).assume_role, RoleArn=missing, RoleSessionName="xx")
    assert err["Code"] == "AccessDenied" and missing in err["Message"]


def test_service_only_trust_cannot_be_assumed_by_a_user(iamd, root):
    _, _, k, s = user_with_key(iamd, root, ASSUME_ANY)
    for service in ["ec2.amazonaws.com", "lambda.amazonaws.com"]:
        _, role_arn = make_role(root, trust({"Service": service}))
        err = error_of(sts_client(iamd, k, s).assume_role, RoleArn=role_arn, RoleSessionName="xx")
        assert err["Code"] == "AccessDenied"


def test_root_may_not_assume_roles(root_sts, root):
    _, role_arn = make_role(root, trust({"AWS": ACCOUNT_ID}))
    err = error_of(root_sts.assume_role, RoleArn=role_arn, RoleSessionName="xx")
    assert err["Code"] == "AccessDenied"
    assert err["Message"] == "Roles may not be assumed by root accounts."


def test_external_id_condition(iamd, root):
    cond = {"StringEquals": {"sts:ExternalId": "ext-123"}}
    _, role_arn = make_role(root, trust({"AWS": ACCOUNT_ID}, cond))
    _, _, k, s = user_with_key(iamd, root, ASSUME_ANY)
    sts = sts_client(iamd, k, s)
    assert error_of(sts.assume_role, RoleArn=role_arn, RoleSessionName="xx")["Code"] == "AccessDenied"
    err = error_of(sts.assume_role, RoleArn=role_arn, RoleSessionName="xx", ExternalId="wrong-id")
    assert err["Code"] == "AccessDenied"
    assert sts.assume_role(RoleArn=role_arn, RoleSessionName="xx", ExternalId="ext-123")["Credentials"]


def test_duration_limits_and_chaining(iamd, root):
    _, role_arn = make_role(root, trust({"AWS": ACCOUNT_ID}), MaxSessionDuration=7200)
    _, _, k, s = user_with_key(iamd, root, ASSUME_ANY)
    sts = sts_client(iamd, k, s, validate=False)
    err = error_of(sts.assume_role, RoleArn=role_arn, RoleSessionName="xx", DurationSeconds=7201)
    assert err["Code"] == "ValidationError"
    assert err["Message"] == "The requested DurationSeconds exceeds the MaxSessionDuration set for this role."
    err = error_of(sts.assume_role, RoleArn=role_arn, RoleSessionName="xx", DurationSeconds=899)
    assert err["Code"] == "ValidationError"
    first = sts.assume_role(RoleArn=role_arn, RoleSessionName="first", DurationSeconds=7200)["Credentials"]
    # Chaining: the first session (allow all) assumes a second role: one hour at most.
    _, second_arn = make_role(root, trust({"AWS": ACCOUNT_ID}), MaxSessionDuration=7200)
    _, chained_sts = clients_of(iamd, first)
    err = error_of(chained_sts.assume_role, RoleArn=second_arn, RoleSessionName="cc", DurationSeconds=3601)
    assert err["Code"] == "ValidationError"
    assert "1 hour session limit for roles assumed by role chaining" in err["Message"]
    out = chained_sts.assume_role(RoleArn=second_arn, RoleSessionName="cc", DurationSeconds=3600)
    assert out["AssumedRoleUser"]["Arn"].endswith("/cc")


def test_role_session_name_rules(iamd, root):
    _, role_arn = make_role(root, trust({"AWS": ACCOUNT_ID}))
    _, _, k, s = user_with_key(iamd, root, ASSUME_ANY)
    sts = sts_client(iamd, k, s, validate=False)
    for bad in ["a", "has space", "x" * 65, "bad/slash"]:
        err = error_of(sts.assume_role, RoleArn=role_arn, RoleSessionName=bad)
        assert err["Code"] == "ValidationError", bad


def test_session_policy_narrows_and_packed_size(iamd, root):
    _, role_arn = make_role(root, trust({"AWS": ACCOUNT_ID}))
    _, _, k, s = user_with_key(iamd, root, ASSUME_ANY)
    narrow = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "iam:ListUsers", "Resource": "*"}]}
    out = sts_client(iamd, k, s).assume_role(RoleArn=role_arn, RoleSessionName="nn", Policy=json.dumps(narrow))
    assert 0 < out["PackedPolicySize"] <= 100
    iam, _ = clients_of(iamd, out["Credentials"])
    iam.list_users()
    err = error_of(iam.list_roles)
    assert err["Code"] == "AccessDenied"
    assert "iam:ListRoles" in err["Message"]
    # Managed session policies by ARN narrow the same way.
    out = sts_client(iamd, k, s).assume_role(
        RoleArn=role_arn, RoleSessionName="mm", PolicyArns=[{"arn": "arn:aws:iam::aws:policy/IAMReadOnlyAccess"}]
    )
    iam, _ = clients_of(iamd, out["Credentials"])
    iam.list_roles()
    assert error_of(iam.create_user, UserName=unique("nope"))["Code"] == "AccessDenied"
    # A malformed session policy is refused.
    err = error_of(sts_client(iamd, k, s).assume_role, RoleArn=role_arn, RoleSessionName="bb", Policy="{not json")
    assert err["Code"] == "MalformedPolicyDocument"


def test_session_tags_need_tag_session_and_feed_principal_tags(iamd, root):
    _, role_arn = make_role(root, trust({"AWS": ACCOUNT_ID}, action=["sts:AssumeRole", "sts:TagSession"]))
    role_only = make_role(root, trust({"AWS": ACCOUNT_ID}))[1]
    _, _, k, s = user_with_key(iamd, root, ASSUME_ANY)
    sts = sts_client(iamd, k, s)
    err = error_of(sts.assume_role, RoleArn=role_only, RoleSessionName="tt", Tags=[{"Key": "team", "Value": "blue"}])
    assert err["Code"] == "AccessDenied" and "sts:TagSession" in err["Message"]
    # The role's policy allows ListUsers only for sessions tagged team=blue.
    name, tagged_arn = make_role(
        root,
        trust({"AWS": ACCOUNT_ID}, action=["sts:AssumeRole", "sts:TagSession"]),
        policy={
            "Version": "2012-10-17",
            "Statement": [
                {"Effect": "Allow", "Action": "iam:ListUsers", "Resource": "*", "Condition": {"StringEquals": {"aws:PrincipalTag/team": "blue"}}}
            ],
        },
    )
    blue = sts.assume_role(RoleArn=tagged_arn, RoleSessionName="bb", Tags=[{"Key": "team", "Value": "blue"}])
    red = sts.assume_role(RoleArn=tagged_arn, RoleSessionName="rr", Tags=[{"Key": "team", "Value": "red"}])
    assert blue["PackedPolicySize"] > 0
    clients_of(iamd, blue["Credentials"])[0].list_users()
    assert error_of(clients_of(iamd, red["Credentials"])[0].list_users)["Code"] == "AccessDenied"


def test_source_identity_needs_permission_and_persists_through_chaining(iamd, root):
    _, plain = make_role(root, trust({"AWS": ACCOUNT_ID}))
    _, with_source = make_role(root, trust({"AWS": ACCOUNT_ID}, action=["sts:AssumeRole", "sts:SetSourceIdentity"]))
    _, _, k, s = user_with_key(iamd, root, ASSUME_ANY)
    sts = sts_client(iamd, k, s)
    err = error_of(sts.assume_role, RoleArn=plain, RoleSessionName="ss", SourceIdentity="jane")
    assert err["Code"] == "AccessDenied" and "sts:SetSourceIdentity" in err["Message"]
    out = sts.assume_role(RoleArn=with_source, RoleSessionName="ss", SourceIdentity="jane")
    assert out["SourceIdentity"] == "jane"
    _, chained = clients_of(iamd, out["Credentials"])
    again = chained.assume_role(RoleArn=plain, RoleSessionName="cc")
    assert again["SourceIdentity"] == "jane"


def test_revocation_by_token_issue_time_and_role_deletion(iamd, root):
    name, role_arn = make_role(root, trust({"AWS": ACCOUNT_ID}))
    _, _, k, s = user_with_key(iamd, root, ASSUME_ANY)
    creds = sts_client(iamd, k, s).assume_role(RoleArn=role_arn, RoleSessionName="old")["Credentials"]
    iam, sts = clients_of(iamd, creds)
    iam.list_users()
    # "Revoke active sessions": deny sessions issued before now.
    import datetime

    cutoff = (datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(seconds=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    revoke = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Deny", "Action": "*", "Resource": "*", "Condition": {"DateLessThan": {"aws:TokenIssueTime": cutoff}}}],
    }
    root.put_role_policy(RoleName=name, PolicyName="AWSRevokeOlderSessions", PolicyDocument=json.dumps(revoke))
    err = error_of(iam.list_users)
    assert err["Code"] == "AccessDenied" and "explicit deny" in err["Message"]
    root.delete_role_policy(RoleName=name, PolicyName="AWSRevokeOlderSessions")
    iam.list_users()
    # Deleting the role leaves its sessions with no permissions (a re-created role of
    # the same name is another role).
    root.delete_role_policy(RoleName=name, PolicyName="p")
    root.delete_role(RoleName=name)
    root.create_role(RoleName=name, AssumeRolePolicyDocument=trust({"AWS": ACCOUNT_ID}))
    root.put_role_policy(RoleName=name, PolicyName="p", PolicyDocument=json.dumps(ALLOW_ALL))
    assert error_of(iam.list_users)["Code"] == "AccessDenied"
    # GetCallerIdentity always answers.
    assert sts.get_caller_identity()["Arn"].endswith("/old")


def test_tampered_foreign_and_mismatched_tokens(iamd, root, start_iamd):
    _, role_arn = make_role(root, trust({"AWS": ACCOUNT_ID}))
    _, _, k, s = user_with_key(iamd, root, ASSUME_ANY)
    creds = sts_client(iamd, k, s).assume_role(RoleArn=role_arn, RoleSessionName="tt")["Credentials"]
    raw = bytearray(base64.b64decode(creds["SessionToken"]))
    raw[len(raw) // 2] ^= 1
    tampered = dict(creds, SessionToken=base64.b64encode(bytes(raw)).decode())
    for bad in [tampered, dict(creds, SessionToken="bm90IGEgdG9rZW4="), dict(creds, SessionToken="!!")]:
        err = error_of(clients_of(iamd, bad)[1].get_caller_identity)
        assert err["Code"] == "InvalidClientTokenId"
        assert err["Message"] == "The security token included in the request is invalid."
    # Another key id with a valid token: refused.
    other = sts_client(iamd, k, s).assume_role(RoleArn=role_arn, RoleSessionName="uu")["Credentials"]
    swapped = dict(creds, AccessKeyId=other["AccessKeyId"], SecretAccessKey=other["SecretAccessKey"])
    assert error_of(clients_of(iamd, swapped)[1].get_caller_identity)["Code"] == "InvalidClientTokenId"
    # A token from another iamd (another key ring) is foreign.
    second = start_iamd(name="foreign")
    err = error_of(clients_of(second, creds)[1].get_caller_identity)
    assert err["Code"] == "InvalidClientTokenId"


def test_expired_token_and_key_ring_survives_restart(start_iamd, tmp_path):
    data = tmp_path / "expiry-data"
    server = start_iamd(data_dir=data, name="expiry1")
    root = server.root()
    _, role_arn = make_role(root, trust({"AWS": ACCOUNT_ID}))
    _, _, k, s = user_with_key(server, root, ASSUME_ANY)
    creds = sts_client(server, k, s).assume_role(RoleArn=role_arn, RoleSessionName="ee", DurationSeconds=900)["Credentials"]
    clients_of(server, creds)[1].get_caller_identity()
    server.stop()
    # Restarted: the ring is read back from the store, the token still opens.
    again = start_iamd(data_dir=data, name="expiry2")
    assert clients_of(again, creds)[1].get_caller_identity()["Arn"].endswith("/ee")
    again.stop()
    # The same data with the session clock 901 s ahead: the 900-second session expired.
    later = start_iamd(data_dir=data, name="expiry3", env={"IAMD_TEST_SESSION_CLOCK_OFFSET_SECONDS": "901"})
    err = error_of(clients_of(later, creds)[1].get_caller_identity)
    assert err["Code"] == "ExpiredToken"
    assert err["Message"] == "The security token included in the request is expired"


def enable_mfa(root, user):
    name = unique("mfa")
    device = root.create_virtual_mfa_device(VirtualMFADeviceName=name)["VirtualMFADevice"]
    seed = device["Base32StringSeed"]
    step = current_step()
    root.enable_mfa_device(
        UserName=user, SerialNumber=device["SerialNumber"], AuthenticationCode1=code(seed, step - 1), AuthenticationCode2=code(seed, step)
    )
    return device["SerialNumber"], seed


def test_mfa_trust_condition_and_get_session_token(iamd, root):
    cond = {"Bool": {"aws:MultiFactorAuthPresent": "true"}}
    _, role_arn = make_role(root, trust({"AWS": ACCOUNT_ID}, cond))
    user, _, k, s = user_with_key(iamd, root, ASSUME_ANY)
    serial, seed = enable_mfa(root, user)
    sts = sts_client(iamd, k, s)
    # No MFA: refused.
    assert error_of(sts.assume_role, RoleArn=role_arn, RoleSessionName="mm")["Code"] == "AccessDenied"
    # A wrong code: refused.
    err = error_of(sts.assume_role, RoleArn=role_arn, RoleSessionName="mm", SerialNumber=serial, TokenCode="000000")
    assert err["Code"] == "AccessDenied"
    # GetSessionToken with MFA: the session carries MFA and assumes the role.
    session = sts.get_session_token(SerialNumber=serial, TokenCode=code(seed, current_step() + 1), DurationSeconds=900)["Credentials"]
    iam, session_sts = clients_of(iamd, session)
    assert session_sts.assume_role(RoleArn=role_arn, RoleSessionName="mm")["Credentials"]
    assert session_sts.get_caller_identity()["Arn"].endswith(f"user/{user}")
    # MFA-authenticated GetSessionToken credentials reach IAM (whose policies then
    # decide: this user may only assume roles).
    assert error_of(iam.get_user)["Code"] == "AccessDenied"


def test_get_session_token_without_mfa_and_its_limits(iamd, root, root_sts):
    user, user_arn, k, s = user_with_key(iamd, root, ALLOW_ALL)
    sts = sts_client(iamd, k, s)
    creds = sts.get_session_token()["Credentials"]
    iam, session_sts = clients_of(iamd, creds)
    assert session_sts.get_caller_identity()["Arn"] == user_arn
    err = error_of(iam.list_users)
    assert err["Code"] == "InvalidClientTokenId"
    err = error_of(session_sts.get_session_token)
    assert err["Code"] == "AccessDenied"
    err = error_of(sts_client(iamd, k, s, validate=False).get_session_token, DurationSeconds=129601)
    assert err["Code"] == "ValidationError"
    root_creds = root_sts.get_session_token(DurationSeconds=129600)["Credentials"]
    _, root_session = clients_of(iamd, root_creds)
    assert root_session.get_caller_identity()["Arn"] == f"arn:aws:iam::{ACCOUNT_ID}:root"


def test_seeds_mfa_deny_policy_blocks_keys_and_lets_mfa_session_through(iamd, root):
    deny_without_mfa = {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Action": "*", "Resource": "*"},
            {"Effect": "Deny", "Action": "iam:ListUsers", "Resource": "*", "Condition": {"BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}}},
        ],
    }
    user, _, k, s = user_with_key(iamd, root, deny_without_mfa)
    serial, seed = enable_mfa(root, user)
    iam_keys = iamd.client(k, s)
    assert error_of(iam_keys.list_users)["Code"] == "AccessDenied"
    creds = sts_client(iamd, k, s).get_session_token(SerialNumber=serial, TokenCode=code(seed, current_step() + 1))["Credentials"]
    clients_of(iamd, creds)[0].list_users()


def test_get_federation_token(iamd, root):
    _, user_arn, k, s = user_with_key(iamd, root, ALLOW_ALL)
    sts = sts_client(iamd, k, s)
    narrow = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:GetCallerIdentity", "Resource": "*"}]}
    out = sts.get_federation_token(Name="bob", Policy=json.dumps(narrow))
    assert out["FederatedUser"]["Arn"] == f"arn:aws:sts::{ACCOUNT_ID}:federated-user/bob"
    assert out["FederatedUser"]["FederatedUserId"] == f"{ACCOUNT_ID}:bob"
    iam, fed_sts = clients_of(iamd, out["Credentials"])
    assert fed_sts.get_caller_identity()["Arn"] == out["FederatedUser"]["Arn"]
    assert error_of(iam.list_users)["Code"] == "InvalidClientTokenId"
    assert error_of(fed_sts.get_session_token)["Code"] == "AccessDenied"
    # A user whose policies do not allow sts:GetFederationToken is refused.
    _, _, k2, s2 = user_with_key(iamd, root, None)
    assert error_of(sts_client(iamd, k2, s2).get_federation_token, Name="eve")["Code"] == "AccessDenied"


def test_get_caller_identity_under_deny_all(iamd, root):
    deny = {"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "*", "Resource": "*"}]}
    _, user_arn, k, s = user_with_key(iamd, root, deny)
    ident = sts_client(iamd, k, s).get_caller_identity()
    assert ident["Arn"] == user_arn and ident["UserId"].startswith("AIDA")


def test_get_access_key_info(iamd, root, root_sts):
    _, _, k, s = user_with_key(iamd, root, None)
    assert root_sts.get_access_key_info(AccessKeyId=k)["Account"] == ACCOUNT_ID
    _, role_arn = make_role(root, trust({"AWS": ACCOUNT_ID}))
    _, _, k2, s2 = user_with_key(iamd, root, ASSUME_ANY)
    temp = sts_client(iamd, k2, s2).assume_role(RoleArn=role_arn, RoleSessionName="kk")["Credentials"]
    assert root_sts.get_access_key_info(AccessKeyId=temp["AccessKeyId"])["Account"] == ACCOUNT_ID
    assert root_sts.get_access_key_info(AccessKeyId="ASIAY34FZKBOKMUTVV7A")["Account"] == "609629065308"
    # Needs sts:GetAccessKeyInfo.
    assert error_of(sts_client(iamd, k, s).get_access_key_info, AccessKeyId=k)["Code"] == "AccessDenied"


def test_decode_authorization_message_refuses_foreign_messages(root_sts):
    err = error_of(root_sts.decode_authorization_message, EncodedMessage="bm90IG91cnM=")
    assert err["Code"] == "InvalidAuthorizationMessageException"


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
def two_accounts(tmp_path_factory):
    """An iamd with a second account 999999999999 (the seeds' trusted account)."""
    from conftest import Iamd, root_env

    tmp = tmp_path_factory.mktemp("cross")
    server = Iamd(tmp / "data", tmp / "iamd.log", root_env()).start()
    other_key, other_secret = create_account(tmp / "data", "999999999999")
    yield server, other_key, other_secret
    server.stop()


def test_cross_account_with_external_id_as_in_the_seeds(two_accounts):
    server, other_key, other_secret = two_accounts
    root = server.root()
    cond = {"StringEquals": {"sts:ExternalId": "unique-external-id-here"}}
    _, role_arn = make_role(root, trust({"AWS": "arn:aws:iam::999999999999:root"}, cond))
    other_root_iam = server.client(other_key, other_secret)
    partner = unique("partner")
    other_root_iam.create_user(UserName=partner)
    key = other_root_iam.create_access_key(UserName=partner)["AccessKey"]
    partner_sts = sts_client(server, key["AccessKeyId"], key["SecretAccessKey"])
    # Cross-account needs the caller's own permission too.
    err = error_of(partner_sts.assume_role, RoleArn=role_arn, RoleSessionName="pp", ExternalId="unique-external-id-here")
    assert err["Code"] == "AccessDenied"
    other_root_iam.put_user_policy(UserName=partner, PolicyName="p", PolicyDocument=json.dumps(ASSUME_ANY))
    err = error_of(partner_sts.assume_role, RoleArn=role_arn, RoleSessionName="pp")
    assert err["Code"] == "AccessDenied"
    out = partner_sts.assume_role(RoleArn=role_arn, RoleSessionName="pp", ExternalId="unique-external-id-here")
    iam, sts = clients_of(server, out["Credentials"])
    assert sts.get_caller_identity()["Account"] == ACCOUNT_ID
    assert iam.list_roles()["Roles"]
    # A role of an account that trusts another account is not assumable by ours.
    _, _, k, s = user_with_key(server, root, ASSUME_ANY)
    assert error_of(sts_client(server, k, s).assume_role, RoleArn=role_arn, RoleSessionName="xx", ExternalId="unique-external-id-here")["Code"] == "AccessDenied"


def test_assume_root_from_the_first_account(two_accounts):
    server, other_key, other_secret = two_accounts
    root_sts = sts_client(server, ROOT_KEY_ID, ROOT_SECRET)
    out = root_sts.assume_root(
        TargetPrincipal="999999999999",
        TaskPolicyArn={"arn": "arn:aws:iam::aws:policy/root-task/IAMAuditRootUserCredentials"},
    )
    iam, sts = clients_of(server, out["Credentials"])
    assert sts.get_caller_identity()["Arn"] == "arn:aws:iam::999999999999:root"
    iam.list_access_keys()
    assert error_of(iam.create_user, UserName=unique("x"))["Code"] == "AccessDenied"
    err = error_of(
        root_sts.assume_root, TargetPrincipal="999999999999", TaskPolicyArn={"arn": "arn:aws:iam::aws:policy/AdministratorAccess"}
    )
    assert err["Code"] == "ValidationError"
    # The member account may not assume the root of the first one.
    err = error_of(
        sts_client(server, other_key, other_secret).assume_root,
        TargetPrincipal=ACCOUNT_ID,
        TaskPolicyArn={"arn": "arn:aws:iam::aws:policy/root-task/IAMAuditRootUserCredentials"},
    )
    assert err["Code"] == "AccessDenied"


AUDIT = "arn:aws:iam::aws:policy/root-task/IAMAuditRootUserCredentials"
DELETE_CREDENTIALS = "arn:aws:iam::aws:policy/root-task/IAMDeleteRootUserCredentials"
UNLOCK_BUCKET = "arn:aws:iam::aws:policy/root-task/S3UnlockBucketPolicy"


def test_assume_root_sessions_do_exactly_what_the_task_policy_leaves(two_accounts):
    """The task policies are AWS's own documents: deny every action but the task's, and
    those on any resource but the root user."""
    server, other_key, other_secret = two_accounts
    member = server.client(other_key, other_secret)
    member_user = unique("member")
    member.create_user(UserName=member_user)
    user_key = member.create_access_key(UserName=member_user)["AccessKey"]["AccessKeyId"]
    spare_root_key = member.create_access_key()["AccessKey"]["AccessKeyId"]
    root_sts = sts_client(server, ROOT_KEY_ID, ROOT_SECRET)

    def session(task):
        out = root_sts.assume_root(TargetPrincipal="999999999999", TaskPolicyArn={"arn": task})
        return clients_of(server, out["Credentials"])[0]

    audit = session(AUDIT)
    keys = {k["AccessKeyId"] for k in audit.list_access_keys()["AccessKeyMetadata"]}
    assert {other_key, spare_root_key} <= keys
    assert audit.get_account_summary()["SummaryMap"]["Users"] >= 1
    audit.list_mfa_devices()
    # Listed actions on a user that is not the root: denied by the second statement.
    assert error_of(audit.list_access_keys, UserName=member_user)["Code"] == "AccessDenied"
    assert error_of(audit.get_user, UserName=member_user)["Code"] == "AccessDenied"
    # Anything else: denied by the first statement.
    assert error_of(audit.delete_access_key, AccessKeyId=spare_root_key)["Code"] == "AccessDenied"
    assert error_of(audit.list_users)["Code"] == "AccessDenied"

    delete = session(DELETE_CREDENTIALS)
    assert error_of(delete.delete_access_key, UserName=member_user, AccessKeyId=user_key)["Code"] == "AccessDenied"
    assert error_of(delete.get_account_summary)["Code"] == "AccessDenied"
    delete.delete_access_key(AccessKeyId=spare_root_key)
    remaining = {k["AccessKeyId"] for k in member.list_access_keys()["AccessKeyMetadata"]}
    assert spare_root_key not in remaining and other_key in remaining

    # A task for another service allows no IAM action at all.
    unlock = session(UNLOCK_BUCKET)
    assert error_of(unlock.list_access_keys)["Code"] == "AccessDenied"
    assert error_of(unlock.get_account_summary)["Code"] == "AccessDenied"


def test_sdk_assume_role_profile_with_external_id(two_accounts, tmp_path):
    server, other_key, other_secret = two_accounts
    root = server.root()
    cond = {"StringEquals": {"sts:ExternalId": "profile-ext"}}
    _, role_arn = make_role(root, trust({"AWS": ACCOUNT_ID}, cond))
    _, _, k, s = user_with_key(server, root, ASSUME_ANY)
    config = tmp_path / "config"
    config.write_text(
        "[profile base]\n"
        f"aws_access_key_id = {k}\naws_secret_access_key = {s}\nregion = {REGION}\n"
        "[profile deploy]\n"
        f"role_arn = {role_arn}\nsource_profile = base\nexternal_id = profile-ext\nrole_session_name = from-profile\n"
        f"region = {REGION}\n"
    )
    old = {v: os.environ.get(v) for v in ["AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE", "AWS_ENDPOINT_URL", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"]}
    try:
        os.environ["AWS_CONFIG_FILE"] = str(config)
        os.environ["AWS_SHARED_CREDENTIALS_FILE"] = os.devnull
        os.environ["AWS_ENDPOINT_URL"] = server.endpoint
        os.environ.pop("AWS_ACCESS_KEY_ID", None)
        os.environ.pop("AWS_SECRET_ACCESS_KEY", None)
        session = boto3.Session(profile_name="deploy")
        ident = session.client("sts").get_caller_identity()
        assert ident["Arn"].endswith("/from-profile")
        assert session.client("iam").list_roles()["Roles"]
    finally:
        for var, value in old.items():
            if value is None:
                os.environ.pop(var, None)
            else:
                os.environ[var] = value


SEEDS_MFA_DENY = {
    "Version": "2012-10-17",
    "Statement": [
        {"Effect": "Allow", "Action": "*", "Resource": "*"},
        {
            "Sid": "DenyWithoutMFA",
            "Effect": "Deny",
            "Action": "iam:ListUsers",
            "Resource": "*",
            "Condition": {"BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}},
        },
    ],
}


def test_sdk_assume_role_profile_with_mfa_serial_prompts_for_a_code(iamd, root, tmp_path):
    import botocore.session

    cond = {"Bool": {"aws:MultiFactorAuthPresent": "true"}, "StringEquals": {"sts:ExternalId": "mfa-ext"}}
    _, role_arn = make_role(root, trust({"AWS": ACCOUNT_ID}, cond), policy=SEEDS_MFA_DENY)
    user, _, k, s = user_with_key(iamd, root, SEEDS_MFA_DENY)
    serial, seed = enable_mfa(root, user)
    # The seeds' MFA policy blocks the user's long-term keys.
    assert error_of(iamd.client(k, s).list_users)["Code"] == "AccessDenied"

    config = tmp_path / "config"
    config.write_text(
        "[profile base]\n"
        f"aws_access_key_id = {k}\naws_secret_access_key = {s}\nregion = {REGION}\n"
        "[profile mfa]\n"
        f"role_arn = {role_arn}\nsource_profile = base\nexternal_id = mfa-ext\nmfa_serial = {serial}\n"
        f"role_session_name = with-mfa\nregion = {REGION}\n"
    )
    prompts = []

    def authenticator(prompt):
        # The SDK asks for the code of the device the profile names; answer as an
        # authenticator app would (the next step: the enable call used the current).
        prompts.append(prompt)
        return code(seed, current_step() + 1)

    names = ["AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE", "AWS_ENDPOINT_URL", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE"]
    old = {v: os.environ.get(v) for v in names}
    try:
        os.environ["AWS_CONFIG_FILE"] = str(config)
        os.environ["AWS_SHARED_CREDENTIALS_FILE"] = os.devnull
        os.environ["AWS_ENDPOINT_URL"] = iamd.endpoint
        for var in ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE"]:
            os.environ.pop(var, None)
        core = botocore.session.Session(profile="mfa")
        core.get_component("credential_provider").get_provider("assume-role")._prompter = authenticator
        session = boto3.Session(botocore_session=core)
        ident = session.client("sts").get_caller_identity()
        assert ident["Arn"] == f"arn:aws:sts::{ACCOUNT_ID}:assumed-role/{role_arn.rsplit('/', 1)[1]}/with-mfa"
        assert len(prompts) == 1 and serial in prompts[0]
        # The role session carries aws:MultiFactorAuthPresent: the seeds' deny does not
        # apply to it.
        assert session.client("iam").list_users()["Users"] is not None
    finally:
        for var, value in old.items():
            if value is None:
                os.environ.pop(var, None)
            else:
                os.environ[var] = value

    # Without a code the same profile's role refuses: the trust requires MFA.
    err = error_of(sts_client(iamd, k, s).assume_role, RoleArn=role_arn, RoleSessionName="no-mfa", ExternalId="mfa-ext")
    assert err["Code"] == "AccessDenied"


def test_aws_cli_assume_role_and_use_the_session(iamd, root):
    _, role_arn = make_role(root, trust({"AWS": ACCOUNT_ID}))
    _, _, k, s = user_with_key(iamd, root, ASSUME_ANY)
    env = {
        **os.environ,
        "AWS_ACCESS_KEY_ID": k,
        "AWS_SECRET_ACCESS_KEY": s,
        "AWS_DEFAULT_REGION": REGION,
        "AWS_CONFIG_FILE": os.devnull,
        "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
    }
    env.pop("AWS_PROFILE", None)
    env.pop("AWS_SESSION_TOKEN", None)

    def aws(*args, extra=None):
        out = subprocess.run(
            ["aws", "--endpoint-url", iamd.endpoint, "--output", "json", *args],
            env={**env, **(extra or {})},
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert out.returncode == 0, out.stderr
        return json.loads(out.stdout)

    out = aws("sts", "assume-role", "--role-arn", role_arn, "--role-session-name", "cli")
    creds = out["Credentials"]
    session_env = {
        "AWS_ACCESS_KEY_ID": creds["AccessKeyId"],
        "AWS_SECRET_ACCESS_KEY": creds["SecretAccessKey"],
        "AWS_SESSION_TOKEN": creds["SessionToken"],
    }
    ident = aws("sts", "get-caller-identity", extra=session_env)
    assert ident["Arn"].endswith("/cli")
    assert "Users" in aws("iam", "list-users", extra=session_env)
