"""Encoded authorization failure messages: an AccessDenied for an authorization failure
ends with "Encoded authorization failure message: <opaque>", whose full context only
sts:DecodeAuthorizationMessage reveals, to callers allowed that action."""
import json

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from conftest import ACCOUNT_ID, ENCODED_MESSAGE_MARKER, REGION, denial_sentence, unique


def user_clients(iamd, root, policy):
    name = unique("user")
    root.create_user(UserName=name)
    if policy is not None:
        root.put_user_policy(UserName=name, PolicyName="p", PolicyDocument=json.dumps(policy))
    key = root.create_access_key(UserName=name)["AccessKey"]
    kw = dict(
        endpoint_url=iamd.endpoint,
        region_name=REGION,
        aws_access_key_id=key["AccessKeyId"],
        aws_secret_access_key=key["SecretAccessKey"],
        config=Config(retries={"max_attempts": 1}),
    )
    return name, boto3.client("iam", **kw), boto3.client("sts", **kw)


def denied_message(call, **kwargs):
    with pytest.raises(ClientError) as info:
        call(**kwargs)
    err = info.value.response["Error"]
    assert err["Code"] == "AccessDenied"
    return err["Message"]


def encoded_part(message):
    assert ENCODED_MESSAGE_MARKER in message
    encoded = message.split(ENCODED_MESSAGE_MARKER, 1)[1]
    assert encoded and " " not in encoded
    return encoded


DENY_TAGGED = {
    "Version": "2012-10-17",
    "Statement": [
        {"Effect": "Allow", "Action": "iam:GetUser", "Resource": "*"},
        {"Sid": "NoCreatingAdmins", "Effect": "Deny", "Action": "iam:CreateUser", "Resource": "arn:aws:iam::*:user/admin-*"},
    ],
}
DECODER = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": "sts:DecodeAuthorizationMessage", "Resource": "*"}],
}


def test_denied_calls_carry_a_message_only_allowed_callers_decode(iamd, root):
    name, iam, _ = user_clients(iamd, root, DENY_TAGGED)
    target = unique("admin-x")
    message = denied_message(iam.create_user, UserName=target)
    # AWS's sentence first, then the encoded message, as EC2 words it.
    assert denial_sentence(message) == (
        f"User: arn:aws:iam::{ACCOUNT_ID}:user/{name} is not authorized to perform: iam:CreateUser "
        f"on resource: arn:aws:iam::{ACCOUNT_ID}:user/{target} with an explicit deny in an identity-based policy"
    )
    encoded = encoded_part(message)
    assert "CreateUser" not in encoded

    _, _, decoder_sts = user_clients(iamd, root, DECODER)
    decoded = json.loads(decoder_sts.decode_authorization_message(EncodedMessage=encoded)["DecodedMessage"])
    assert decoded["allowed"] is False
    assert decoded["explicitDeny"] is True
    assert decoded["matchedStatements"]["items"] == [{"statementId": "NoCreatingAdmins", "effect": "DENY"}]
    assert decoded["failures"] == {"items": []}
    ctx = decoded["context"]
    assert ctx["principal"]["arn"] == f"arn:aws:iam::{ACCOUNT_ID}:user/{name}"
    assert ctx["principal"]["id"].startswith("AIDA")
    assert ctx["action"] == "iam:CreateUser"
    assert ctx["resource"] == f"arn:aws:iam::{ACCOUNT_ID}:user/{target}"
    conditions = {c["key"]: [v["value"] for v in c["values"]["items"]] for c in ctx["conditions"]["items"]}
    assert conditions["aws:username"] == [name]
    assert conditions["aws:requestedregion"] == [REGION]
    assert "aws:sourceip" in conditions

    # A caller without sts:DecodeAuthorizationMessage is refused, with its own
    # encoded message.
    _, _, plain_sts = user_clients(iamd, root, None)
    refusal = denied_message(plain_sts.decode_authorization_message, EncodedMessage=encoded)
    assert "is not authorized to perform: sts:DecodeAuthorizationMessage" in refusal
    encoded_part(refusal)


def test_implicit_denials_and_assume_role_refusals_are_encoded(iamd, root):
    name, iam, sts = user_clients(iamd, root, None)
    message = denied_message(iam.list_users)
    assert denial_sentence(message).endswith("because no identity-based policy allows the iam:ListUsers action")
    _, _, decoder_sts = user_clients(iamd, root, DECODER)
    decoded = json.loads(decoder_sts.decode_authorization_message(EncodedMessage=encoded_part(message))["DecodedMessage"])
    assert decoded["explicitDeny"] is False
    assert decoded["matchedStatements"] == {"items": []}
    assert decoded["context"]["action"] == "iam:ListUsers"

    role = unique("role")
    trust = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}]}
    role_arn = root.create_role(RoleName=role, AssumeRolePolicyDocument=json.dumps(trust))["Role"]["Arn"]
    message = denied_message(sts.assume_role, RoleArn=role_arn, RoleSessionName="s1", ExternalId="ext-1")
    assert denial_sentence(message) == (
        f"User: arn:aws:iam::{ACCOUNT_ID}:user/{name} is not authorized to perform: sts:AssumeRole on resource: {role_arn}"
    )
    decoded = json.loads(decoder_sts.decode_authorization_message(EncodedMessage=encoded_part(message))["DecodedMessage"])
    assert decoded["context"]["action"] == "sts:AssumeRole"
    assert decoded["context"]["resource"] == role_arn
    conditions = {c["key"]: [v["value"] for v in c["values"]["items"]] for c in decoded["context"]["conditions"]["items"]}
    assert conditions["sts:externalid"] == ["ext-1"]
    assert conditions["sts:rolesessionname"] == ["s1"]

    # A message iamd did not produce is refused as AWS refuses it.
    with pytest.raises(ClientError) as info:
        decoder_sts.decode_authorization_message(EncodedMessage="bm90IG91cnM=")
    assert info.value.response["Error"]["Code"] == "InvalidAuthorizationMessageException"
