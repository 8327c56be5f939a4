"""OpenID Connect federation: IAM OIDC providers (create, read, list, client ids,
thumbprints, tags, delete), AssumeRoleWithWebIdentity against a real issuer on loopback
(signature, issuer, audience, expiry, trust-policy conditions, key rotation, the aws
CLI's unsigned call), and iamd's own web identity tokens (GetWebIdentityToken, the
discovery document and key set it serves)."""
import base64
import json
import os
import subprocess
import time
import urllib.request

import boto3
import pytest
from botocore.exceptions import ClientError
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

from conftest import ACCOUNT_ID, REGION, unique
from oidc_issuer import Issuer, SigningKey, b64url


def error_of(call, *args, **kwargs):
    with pytest.raises(ClientError) as e:
        call(*args, **kwargs)
    return e.value.response["Error"]


@pytest.fixture(scope="module")
def idp():
    with Issuer() as issuer:
        yield issuer


@pytest.fixture(scope="module")
def sts(iamd):
    return iamd.client("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "sts")


@pytest.fixture(scope="module")
def provider_arn(root, idp):
    arn = root.create_open_id_connect_provider(Url=idp.url, ClientIDList=["app"])[
        "OpenIDConnectProviderArn"
    ]
    yield arn
    root.delete_open_id_connect_provider(OpenIDConnectProviderArn=arn)


def web_role(root, provider_arn, provider, sub="alice", extra=None):
    """A role whose trust policy lets the provider's `sub` assume it, allowed iam:GetRole."""
    condition = {"StringEquals": {f"{provider}:aud": "app", f"{provider}:sub": sub}}
    if extra:
        condition.update(extra)
    trust = {
        "Version": "2012-10-17",
        "Statement": [{
            "Effect": "Allow",
            "Principal": {"Federated": provider_arn},
            "Action": "sts:AssumeRoleWithWebIdentity",
            "Condition": condition,
        }],
    }
    name = unique("web")
    role = root.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(trust))["Role"]
    root.put_role_policy(
        RoleName=name,
        PolicyName="read",
        PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": "iam:GetRole", "Resource": "*"}]}),
    )
    return role


# --- IAM OpenID Connect providers -------------------------------------------------

def test_provider_lifecycle(root):
    url = "https://" + unique("issuer") + ".example.com/realms/main"
    created = root.create_open_id_connect_provider(
        Url=url,
        ClientIDList=["web", "cli"],
        ThumbprintList=["9e99a48a9960b14926bb7f3b02e22da2b0ab7280"],
        Tags=[{"Key": "team", "Value": "blue"}],
    )
    arn = created["OpenIDConnectProviderArn"]
    assert arn == f"arn:aws:iam::{ACCOUNT_ID}:oidc-provider/{url[len('https://'):]}"
    assert created["Tags"] == [{"Key": "team", "Value": "blue"}]

    got = root.get_open_id_connect_provider(OpenIDConnectProviderArn=arn)
    assert got["Url"] == url[len("https://"):]
    assert got["ClientIDList"] == ["web", "cli"]
    assert got["ThumbprintList"] == ["9e99a48a9960b14926bb7f3b02e22da2b0ab7280"]
    assert got["Tags"] == [{"Key": "team", "Value": "blue"}]
    assert "CreateDate" in got
    listed = [p["Arn"] for p in root.list_open_id_connect_providers()["OpenIDConnectProviderList"]]
    assert arn in listed

    root.add_client_id_to_open_id_connect_provider(OpenIDConnectProviderArn=arn, ClientID="mobile")
    root.add_client_id_to_open_id_connect_provider(OpenIDConnectProviderArn=arn, ClientID="mobile")
    root.remove_client_id_from_open_id_connect_provider(OpenIDConnectProviderArn=arn, ClientID="web")
    root.update_open_id_connect_provider_thumbprint(
        OpenIDConnectProviderArn=arn,
        ThumbprintList=["a" * 40, "b" * 40],
    )
    got = root.get_open_id_connect_provider(OpenIDConnectProviderArn=arn)
    assert got["ClientIDList"] == ["cli", "mobile"]
    assert got["ThumbprintList"] == ["a" * 40, "b" * 40]

    root.tag_open_id_connect_provider(OpenIDConnectProviderArn=arn, Tags=[{"Key": "env", "Value": "prod"}])
    root.untag_open_id_connect_provider(OpenIDConnectProviderArn=arn, TagKeys=["team"])
    tags = root.list_open_id_connect_provider_tags(OpenIDConnectProviderArn=arn)
    assert tags["Tags"] == [{"Key": "env", "Value": "prod"}]
    assert tags["IsTruncated"] is False

    err = error_of(root.create_open_id_connect_provider, Url=url, ClientIDList=["x"])
    assert err["Code"] == "EntityAlreadyExists"

    root.delete_open_id_connect_provider(OpenIDConnectProviderArn=arn)
    err = error_of(root.get_open_id_connect_provider, OpenIDConnectProviderArn=arn)
    assert err["Code"] == "NoSuchEntity"
    assert err["Message"] == f"OpenIDConnect Provider not found for arn {arn}"
    assert arn not in [p["Arn"] for p in root.list_open_id_connect_providers()["OpenIDConnectProviderList"]]


def test_provider_urls_must_be_https_except_on_loopback(root):
    err = error_of(root.create_open_id_connect_provider, Url="http://issuer.example.com", ClientIDList=["a"])
    assert err["Code"] == "InvalidInput"
    arn = root.create_open_id_connect_provider(Url="http://localhost:1/x", ClientIDList=["a"])[
        "OpenIDConnectProviderArn"
    ]
    assert arn.endswith(":oidc-provider/localhost:1/x")
    root.delete_open_id_connect_provider(OpenIDConnectProviderArn=arn)
    err = error_of(
        root.create_open_id_connect_provider,
        Url="https://t.example.com",
        ThumbprintList=["z" * 40],
    )
    assert err["Code"] == "InvalidInput"


def test_provider_operations_need_permission(root, make_user):
    _, user = make_user({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "iam:ListOpenIDConnectProviders", "Resource": "*"}]})
    user.list_open_id_connect_providers()
    err = error_of(user.create_open_id_connect_provider, Url="https://x.example.com", ClientIDList=["a"])
    assert err["Code"] == "AccessDenied"
    assert "iam:CreateOpenIDConnectProvider" in err["Message"]


# --- AssumeRoleWithWebIdentity ----------------------------------------------------

def test_web_identity_happy_path(iamd, root, sts, idp, provider_arn):
    role = web_role(root, provider_arn, idp.provider, extra={"ForAnyValue:StringEquals": {f"{idp.provider}:amr": "mfa"}})
    token = idp.token(sub="alice", aud="app", amr=["pwd", "mfa"])
    out = sts.assume_role_with_web_identity(
        RoleArn=role["Arn"], RoleSessionName="alice-session", WebIdentityToken=token, DurationSeconds=900
    )
    assert out["SubjectFromWebIdentityToken"] == "alice"
    assert out["Audience"] == "app"
    assert out["Provider"] == idp.url
    user = out["AssumedRoleUser"]
    assert user["Arn"] == f"arn:aws:sts::{ACCOUNT_ID}:assumed-role/{role['RoleName']}/alice-session"
    assert user["AssumedRoleId"] == f"{role['RoleId']}:alice-session"
    creds = out["Credentials"]
    assert creds["AccessKeyId"].startswith("ASIA")
    remaining = creds["Expiration"].timestamp() - time.time()
    assert 800 < remaining <= 905

    # The credentials work, with the role's permissions.
    session = boto3.client("iam", endpoint_url=iamd.endpoint, region_name=REGION,
                           aws_access_key_id=creds["AccessKeyId"],
                           aws_secret_access_key=creds["SecretAccessKey"],
                           aws_session_token=creds["SessionToken"])
    assert session.get_role(RoleName=role["RoleName"])["Role"]["Arn"] == role["Arn"]


def test_web_identity_with_an_es256_key_and_key_rotation(root, sts, idp, provider_arn):
    role = web_role(root, provider_arn, idp.provider)
    rotated = SigningKey("ES256")
    # The issuer starts signing with a key iamd has not seen: iamd fetches the set again.
    idp.keys.append(rotated)
    token = idp.token(key=rotated)
    # (iamd asks a provider again at most once a second.)
    time.sleep(1.2)
    fetches = idp.jwks_fetches
    out = sts.assume_role_with_web_identity(RoleArn=role["Arn"], RoleSessionName="s2", WebIdentityToken=token)
    assert out["SubjectFromWebIdentityToken"] == "alice"
    assert idp.jwks_fetches == fetches + 1
    # Known keys come from the cache.
    sts.assume_role_with_web_identity(RoleArn=role["Arn"], RoleSessionName="s3", WebIdentityToken=idp.token())
    assert idp.jwks_fetches == fetches + 1


def test_bad_signature_is_refused(root, sts, idp, provider_arn):
    role = web_role(root, provider_arn, idp.provider)
    impostor = SigningKey("RS256", kid=idp.keys[0].kid)
    token = idp.token(key=impostor)
    err = error_of(sts.assume_role_with_web_identity, RoleArn=role["Arn"], RoleSessionName="s1", WebIdentityToken=token)
    assert err["Code"] == "InvalidIdentityToken"

    # A changed payload under the genuine signature.
    header, _, sig = idp.token().split(".")
    forged = b64url(json.dumps({"iss": idp.url, "sub": "alice", "aud": "app", "exp": int(time.time()) + 600}).encode())
    err = error_of(sts.assume_role_with_web_identity, RoleArn=role["Arn"], RoleSessionName="s1",
                   WebIdentityToken=f"{header}.{forged}.{sig}")
    assert err["Code"] == "InvalidIdentityToken"

    # "alg": "none" never verifies.
    none = b64url(b'{"alg":"none"}') + "." + forged + "."
    err = error_of(sts.assume_role_with_web_identity, RoleArn=role["Arn"], RoleSessionName="s1", WebIdentityToken=none)
    assert err["Code"] == "InvalidIdentityToken"


def test_wrong_audience_is_refused(root, sts, idp, provider_arn):
    role = web_role(root, provider_arn, idp.provider)
    err = error_of(sts.assume_role_with_web_identity, RoleArn=role["Arn"], RoleSessionName="s1",
                   WebIdentityToken=idp.token(aud="someone-else"))
    assert err["Code"] == "InvalidIdentityToken"
    assert err["Message"] == "Incorrect token audience"


def test_expired_token_is_refused(root, sts, idp, provider_arn):
    role = web_role(root, provider_arn, idp.provider)
    err = error_of(sts.assume_role_with_web_identity, RoleArn=role["Arn"], RoleSessionName="s1",
                   WebIdentityToken=idp.token(lifetime=-60))
    assert err["Code"] == "ExpiredTokenException"
    assert err["Message"].startswith("Token expired: current date/time")


def test_wrong_subject_fails_the_trust_policy(root, sts, idp, provider_arn):
    role = web_role(root, provider_arn, idp.provider, sub="alice")
    err = error_of(sts.assume_role_with_web_identity, RoleArn=role["Arn"], RoleSessionName="s1",
                   WebIdentityToken=idp.token(sub="mallory"))
    assert err["Code"] == "AccessDenied"
    assert err["Message"] == "Not authorized to perform sts:AssumeRoleWithWebIdentity"
    # A role that does not exist is refused the same way.
    err = error_of(sts.assume_role_with_web_identity, RoleArn=f"arn:aws:iam::{ACCOUNT_ID}:role/nope",
                   RoleSessionName="s1", WebIdentityToken=idp.token())
    assert err["Code"] == "AccessDenied"


def test_unregistered_issuer_is_refused(sts, root, provider_arn, idp):
    role = web_role(root, provider_arn, idp.provider)
    with Issuer() as other:
        err = error_of(sts.assume_role_with_web_identity, RoleArn=role["Arn"], RoleSessionName="s1",
                       WebIdentityToken=other.token())
    assert err["Code"] == "InvalidIdentityToken"
    assert err["Message"] == f"No OpenIDConnect provider found in your account for {other.url}"


def test_duration_above_the_role_maximum_is_refused(root, sts, idp, provider_arn):
    role = web_role(root, provider_arn, idp.provider)
    err = error_of(sts.assume_role_with_web_identity, RoleArn=role["Arn"], RoleSessionName="s1",
                   WebIdentityToken=idp.token(), DurationSeconds=7200)
    assert err["Code"] == "ValidationError"


def test_aws_cli_calls_without_credentials(iamd, root, idp, provider_arn, tmp_path):
    role = web_role(root, provider_arn, idp.provider)
    token_file = tmp_path / "token"
    token_file.write_text(idp.token())
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update({"AWS_DEFAULT_REGION": REGION, "AWS_CONFIG_FILE": "/dev/null",
                "AWS_SHARED_CREDENTIALS_FILE": "/dev/null"})
    out = subprocess.run(
        ["aws", "--endpoint-url", iamd.endpoint, "sts", "assume-role-with-web-identity",
         "--role-arn", role["Arn"], "--role-session-name", "cli",
         "--web-identity-token", f"file://{token_file}", "--output", "json"],
        capture_output=True, text=True, env=env, timeout=60,
    )
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["AssumedRoleUser"]["Arn"].endswith("/cli")


# --- GetWebIdentityToken -------------------------------------------------------------

def fetch_json(url):
    with urllib.request.urlopen(url, timeout=10) as r:
        return json.loads(r.read())


def verify_jwt(token, jwks):
    """Verifies with `cryptography` and returns the claims."""
    header_b64, payload_b64, sig_b64 = token.split(".")
    pad = lambda s: s + "=" * (-len(s) % 4)
    header = json.loads(base64.urlsafe_b64decode(pad(header_b64)))
    key = next(k for k in jwks["keys"] if k["kid"] == header["kid"])
    message = f"{header_b64}.{payload_b64}".encode()
    sig = base64.urlsafe_b64decode(pad(sig_b64))
    num = lambda v: int.from_bytes(base64.urlsafe_b64decode(pad(v)), "big")
    if header["alg"] == "RS256":
        public = rsa.RSAPublicNumbers(num(key["e"]), num(key["n"])).public_key()
        public.verify(sig, message, padding.PKCS1v15(), hashes.SHA256())
    else:
        assert header["alg"] == "ES384" and key["crv"] == "P-384"
        public = ec.EllipticCurvePublicNumbers(num(key["x"]), num(key["y"]), ec.SECP384R1()).public_key()
        r, s = int.from_bytes(sig[:48], "big"), int.from_bytes(sig[48:], "big")
        public.verify(encode_dss_signature(r, s), message, ec.ECDSA(hashes.SHA384()))
    return json.loads(base64.urlsafe_b64decode(pad(payload_b64)))


def test_get_web_identity_token(iamd, root, sts, make_user):
    err = error_of(sts.get_web_identity_token, Audience=["https://api.example.com"], SigningAlgorithm="ES384")
    assert err["Code"] == "OutboundWebIdentityFederationDisabledException"
    issuer = root.enable_outbound_web_identity_federation()["IssuerIdentifier"]
    assert issuer == iamd.endpoint
    assert error_of(root.enable_outbound_web_identity_federation)["Code"] == "FeatureEnabled"
    info = root.get_outbound_web_identity_federation_info()
    assert info["IssuerIdentifier"] == issuer and info["JwtVendingEnabled"] is True

    discovery = fetch_json(iamd.endpoint + "/.well-known/openid-configuration")
    assert discovery["issuer"] == issuer
    name, user = make_user({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Action": "sts:GetWebIdentityToken", "Resource": "*",
        "Condition": {"ForAllValues:StringEquals": {"sts:IdentityTokenAudience": "https://api.example.com"},
                      "NumericLessThanEquals": {"sts:DurationSeconds": 600}}}]})
    key = root.create_access_key(UserName=name)["AccessKey"]
    user_sts = iamd.client(key["AccessKeyId"], key["SecretAccessKey"], "sts")
    for alg in ["ES384", "RS256"]:
        out = user_sts.get_web_identity_token(
            Audience=["https://api.example.com"], SigningAlgorithm=alg, DurationSeconds=120,
            Tags=[{"Key": "job", "Value": "42"}])
        jwks = fetch_json(discovery["jwks_uri"])
        claims = verify_jwt(out["WebIdentityToken"], jwks)
        assert claims["iss"] == issuer
        assert claims["sub"] == f"arn:aws:iam::{ACCOUNT_ID}:user/{name}"
        assert claims["aud"] == "https://api.example.com"
        assert claims["exp"] - claims["iat"] == 120
        assert claims["https://sts.amazonaws.com/"]["aws_account"] == ACCOUNT_ID
        assert claims["https://sts.amazonaws.com/"]["request_tags"] == {"job": "42"}
        assert abs(out["Expiration"].timestamp() - claims["exp"]) < 1

    # The policy's conditions hold the caller to its audience and duration.
    err = error_of(user_sts.get_web_identity_token, Audience=["https://other.example.com"], SigningAlgorithm="ES384")
    assert err["Code"] == "AccessDenied"
    err = error_of(user_sts.get_web_identity_token, Audience=["https://api.example.com"],
                   SigningAlgorithm="ES384", DurationSeconds=3600)
    assert err["Code"] == "AccessDenied"

    root.disable_outbound_web_identity_federation()
    assert error_of(root.get_outbound_web_identity_federation_info)["Code"] == "FeatureDisabled"
    err = error_of(user_sts.get_web_identity_token, Audience=["https://api.example.com"], SigningAlgorithm="ES384")
    assert err["Code"] == "OutboundWebIdentityFederationDisabledException"


# --- session tags from the token ---------------------------------------------------

TAGS_CLAIM = "https://aws.amazon.com/tags"


def tagged_web_role(root, provider_arn, provider, tag_session=True):
    """A role the provider's `alice` may assume (with sts:TagSession when asked), whose
    policy allows iam:GetRole only to sessions tagged Project=Pegasus, and
    sts:AssumeRole of any role."""
    actions = ["sts:AssumeRoleWithWebIdentity"] + (["sts:TagSession"] if tag_session else [])
    trust = {
        "Version": "2012-10-17",
        "Statement": [{
            "Effect": "Allow",
            "Principal": {"Federated": provider_arn},
            "Action": actions,
            "Condition": {"StringEquals": {f"{provider}:aud": "app", f"{provider}:sub": "alice"}},
        }],
    }
    name = unique("webtag")
    role = root.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(trust))["Role"]
    root.put_role_policy(RoleName=name, PolicyName="tagged", PolicyDocument=json.dumps(PEGASUS_ONLY))
    return role


PEGASUS_ONLY = {
    "Version": "2012-10-17",
    "Statement": [
        {"Effect": "Allow", "Action": "iam:GetRole", "Resource": "*",
         "Condition": {"StringEquals": {"aws:PrincipalTag/Project": "Pegasus"}}},
        {"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "*"},
    ],
}


def session_clients(iamd, creds):
    kw = dict(endpoint_url=iamd.endpoint, region_name=REGION,
              aws_access_key_id=creds["AccessKeyId"], aws_secret_access_key=creds["SecretAccessKey"],
              aws_session_token=creds["SessionToken"])
    return boto3.client("iam", **kw), boto3.client("sts", **kw)


def test_token_tags_claim_becomes_session_tags(iamd, root, sts, idp, provider_arn):
    role = tagged_web_role(root, provider_arn, idp.provider)
    tags = {"principal_tags": {"Project": ["Pegasus"], "Team": ["web"]}, "transitive_tag_keys": ["Project"]}
    token = idp.token(sub="alice", aud="app", **{TAGS_CLAIM: tags})
    out = sts.assume_role_with_web_identity(RoleArn=role["Arn"], RoleSessionName="tagged", WebIdentityToken=token)
    iam, session_sts = session_clients(iamd, out["Credentials"])
    # aws:PrincipalTag/Project of the session comes from the token.
    assert iam.get_role(RoleName=role["RoleName"])["Role"]["Arn"] == role["Arn"]

    # Project is transitive: a role chained from this session keeps it.
    chained_trust = {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"AWS": ACCOUNT_ID}, "Action": "sts:AssumeRole"}]}
    chained = unique("chained")
    chained_arn = root.create_role(RoleName=chained, AssumeRolePolicyDocument=json.dumps(chained_trust))["Role"]["Arn"]
    root.put_role_policy(RoleName=chained, PolicyName="tagged", PolicyDocument=json.dumps(PEGASUS_ONLY))
    again = session_sts.assume_role(RoleArn=chained_arn, RoleSessionName="chained")["Credentials"]
    assert session_clients(iamd, again)[0].get_role(RoleName=chained)["Role"]["Arn"] == chained_arn

    # Another value of the tag: the role's condition no longer holds.
    other = idp.token(sub="alice", aud="app", **{TAGS_CLAIM: {"principal_tags": {"Project": ["Other"]}}})
    out = sts.assume_role_with_web_identity(RoleArn=role["Arn"], RoleSessionName="other", WebIdentityToken=other)
    assert error_of(session_clients(iamd, out["Credentials"])[0].get_role, RoleName=role["RoleName"])["Code"] == "AccessDenied"


def test_token_tags_need_tag_session_in_the_trust_policy(root, sts, idp, provider_arn):
    role = tagged_web_role(root, provider_arn, idp.provider, tag_session=False)
    plain = idp.token(sub="alice", aud="app")
    assert sts.assume_role_with_web_identity(RoleArn=role["Arn"], RoleSessionName="plain", WebIdentityToken=plain)["Credentials"]
    tagged = idp.token(sub="alice", aud="app", **{TAGS_CLAIM: {"principal_tags": {"Project": ["Pegasus"]}}})
    err = error_of(sts.assume_role_with_web_identity, RoleArn=role["Arn"], RoleSessionName="tagged", WebIdentityToken=tagged)
    assert err["Code"] == "AccessDenied"
    # A transitive key that is not one of the tags makes the token invalid.
    stray = idp.token(sub="alice", aud="app", **{TAGS_CLAIM: {"principal_tags": {"A": ["x"]}, "transitive_tag_keys": ["B"]}})
    err = error_of(sts.assume_role_with_web_identity, RoleArn=role["Arn"], RoleSessionName="stray", WebIdentityToken=stray)
    assert err["Code"] == "InvalidIdentityToken"
