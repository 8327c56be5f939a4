"""SAML federation: IAM SAML providers (create, read, list, update, tags, delete) and
AssumeRoleWithSAML with responses a test IdP signs with signxml: response or assertion
signatures, and every refusal (unsigned, tampered, foreign key, wrapped assertion,
expired, wrong audience, wrong issuer, role not granted, trust-policy conditions)."""
import base64
import copy
import hashlib
import json

import boto3
import pytest
from botocore.exceptions import ClientError
from lxml import etree

from conftest import ACCOUNT_ID, REGION, unique
from saml_idp import SAML, Idp, encode


def error_of(call, *args, **kwargs):
    with pytest.raises(ClientError) as e:
        call(*args, **kwargs)
    return e.value.response["Error"]


@pytest.fixture(scope="module")
def idp():
    return Idp()


@pytest.fixture(scope="module")
def sts(iamd):
    return iamd.client("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "sts")


@pytest.fixture(scope="module")
def provider(root, idp):
    name = unique("idp")
    arn = root.create_saml_provider(Name=name, SAMLMetadataDocument=idp.metadata())["SAMLProviderArn"]
    yield name, arn
    root.delete_saml_provider(SAMLProviderArn=arn)


def saml_role(root, provider_arn, sub="alice@example.com"):
    trust = {
        "Version": "2012-10-17",
        "Statement": [{
            "Effect": "Allow",
            "Principal": {"Federated": provider_arn},
            "Action": "sts:AssumeRoleWithSAML",
            "Condition": {"StringEquals": {
                "saml:aud": "https://signin.aws.amazon.com/saml",
                "saml:sub": sub,
                "saml:sub_type": "persistent",
            }},
        }],
    }
    return root.create_role(RoleName=unique("saml"), AssumeRolePolicyDocument=json.dumps(trust))["Role"]


# --- IAM SAML providers ---------------------------------------------------------------

def test_saml_provider_lifecycle(root, idp):
    name = unique("corp")
    metadata = idp.metadata()
    created = root.create_saml_provider(Name=name, SAMLMetadataDocument=metadata,
                                        Tags=[{"Key": "team", "Value": "blue"}])
    arn = created["SAMLProviderArn"]
    assert arn == f"arn:aws:iam::{ACCOUNT_ID}:saml-provider/{name}"
    got = root.get_saml_provider(SAMLProviderArn=arn)
    assert got["SAMLMetadataDocument"] == metadata
    assert got["Tags"] == [{"Key": "team", "Value": "blue"}]
    assert len(got["SAMLProviderUUID"]) >= 22
    assert got["ValidUntil"] > got["CreateDate"]
    listed = {p["Arn"]: p for p in root.list_saml_providers()["SAMLProviderList"]}
    assert arn in listed and "ValidUntil" in listed[arn]

    other = Idp()
    assert root.update_saml_provider(SAMLProviderArn=arn, SAMLMetadataDocument=other.metadata())[
        "SAMLProviderArn"] == arn
    assert other.entity_id in root.get_saml_provider(SAMLProviderArn=arn)["SAMLMetadataDocument"]

    root.tag_saml_provider(SAMLProviderArn=arn, Tags=[{"Key": "env", "Value": "prod"}])
    root.untag_saml_provider(SAMLProviderArn=arn, TagKeys=["team"])
    assert root.list_saml_provider_tags(SAMLProviderArn=arn)["Tags"] == [{"Key": "env", "Value": "prod"}]

    err = error_of(root.create_saml_provider, Name=name, SAMLMetadataDocument=metadata)
    assert err["Code"] == "EntityAlreadyExists"
    root.delete_saml_provider(SAMLProviderArn=arn)
    err = error_of(root.get_saml_provider, SAMLProviderArn=arn)
    assert err["Code"] == "NoSuchEntity"


def test_metadata_must_name_an_idp_with_a_signing_certificate(root, idp):
    without_cert = idp.metadata().replace("<md:KeyDescriptor", "<md:Unused").replace(
        "</md:KeyDescriptor>", "</md:Unused>")
    err = error_of(root.create_saml_provider, Name=unique("bad"), SAMLMetadataDocument=without_cert)
    assert err["Code"] == "InvalidInput"
    not_xml = "<x>" + "a" * 1200
    err = error_of(root.create_saml_provider, Name=unique("bad"), SAMLMetadataDocument=not_xml)
    assert err["Code"] == "InvalidInput"


# --- AssumeRoleWithSAML -----------------------------------------------------------------

def test_signed_response_buys_a_role_session(sts, root, idp, provider):
    name, provider_arn = provider
    role = saml_role(root, provider_arn)
    assertion = idp.assertion([(role["Arn"], provider_arn)])
    out = sts.assume_role_with_saml(RoleArn=role["Arn"], PrincipalArn=provider_arn,
                                    SAMLAssertion=idp.response(assertion), DurationSeconds=900)
    assert out["Credentials"]["AccessKeyId"].startswith("ASIA")
    assert out["AssumedRoleUser"]["Arn"] == f"arn:aws:sts::{ACCOUNT_ID}:assumed-role/{role['RoleName']}/alice"
    assert out["Subject"] == "alice@example.com"
    assert out["SubjectType"] == "persistent"
    assert out["Issuer"] == idp.entity_id
    assert out["Audience"] == "https://signin.aws.amazon.com/saml"
    expected = base64.b64encode(hashlib.sha1(f"{idp.entity_id}{ACCOUNT_ID}/{name}".encode()).digest()).decode()
    assert out["NameQualifier"] == expected


def test_signed_assertion_alone_is_enough(sts, root, idp, provider):
    _, provider_arn = provider
    role = saml_role(root, provider_arn)
    assertion = idp.assertion([(provider_arn, role["Arn"])])  # either order
    response = idp.response(assertion, sign_response=False, sign_assertion=True)
    out = sts.assume_role_with_saml(RoleArn=role["Arn"], PrincipalArn=provider_arn, SAMLAssertion=response)
    assert out["Subject"] == "alice@example.com"


def refused(sts, role, provider_arn, response):
    return error_of(sts.assume_role_with_saml, RoleArn=role["Arn"], PrincipalArn=provider_arn,
                    SAMLAssertion=response)


def test_unsigned_and_tampered_responses_are_refused(sts, root, idp, provider):
    _, provider_arn = provider
    role = saml_role(root, provider_arn)
    roles = [(role["Arn"], provider_arn)]

    unsigned = idp.response(idp.assertion(roles), sign_response=False)
    assert refused(sts, role, provider_arn, unsigned)["Code"] == "InvalidIdentityToken"

    signed = etree.fromstring(base64.b64decode(idp.response(idp.assertion(roles))))
    signed.find(f".//{{{SAML}}}NameID").text = "admin@example.com"
    assert refused(sts, role, provider_arn, encode(signed))["Code"] == "InvalidIdentityToken"

    stranger = Idp(entity_id=idp.entity_id)
    forged = stranger.response(stranger.assertion(roles))
    assert refused(sts, role, provider_arn, forged)["Code"] == "InvalidIdentityToken"


def test_wrapped_assertion_is_refused(sts, root, idp, provider):
    """A genuine signed response with a second, unsigned assertion slipped in."""
    _, provider_arn = provider
    role = saml_role(root, provider_arn, sub="admin@example.com")
    roles = [(role["Arn"], provider_arn)]
    genuine = etree.fromstring(base64.b64decode(
        idp.response(idp.assertion(roles, subject="alice@example.com"), sign_response=False, sign_assertion=True)))
    evil = copy.deepcopy(genuine.find(f"{{{SAML}}}Assertion"))
    evil.find(f".//{{{SAML}}}NameID").text = "admin@example.com"
    evil.set("ID", "_evil")
    for sig in evil.findall("{http://www.w3.org/2000/09/xmldsig#}Signature"):
        evil.remove(sig)
    genuine.insert(0, evil)
    assert refused(sts, role, provider_arn, encode(genuine))["Code"] == "InvalidIdentityToken"


def test_expired_and_misaddressed_assertions_are_refused(sts, root, idp, provider):
    _, provider_arn = provider
    role = saml_role(root, provider_arn)
    roles = [(role["Arn"], provider_arn)]
    err = refused(sts, role, provider_arn, idp.response(idp.assertion(roles, lifetime=-10)))
    assert err["Code"] == "ExpiredTokenException"
    err = refused(sts, role, provider_arn, idp.response(
        idp.assertion(roles, audience="https://elsewhere.example.com", recipient="https://elsewhere.example.com")))
    assert err["Code"] == "InvalidIdentityToken"
    err = refused(sts, role, provider_arn, idp.response(idp.assertion(roles, issuer="https://other-idp.example.com")))
    assert err["Code"] == "InvalidIdentityToken"
    err = refused(sts, role, provider_arn, idp.response(idp.assertion(roles, session_name="x")))
    assert err["Code"] == "InvalidIdentityToken"
    assert err["Message"] == "RoleSessionName in AuthnResponse must match [a-zA-Z_0-9+=,.@-]{2,64}"


def test_role_must_be_granted_and_trusted(sts, root, idp, provider):
    _, provider_arn = provider
    role = saml_role(root, provider_arn)
    other = saml_role(root, provider_arn)
    err = refused(sts, role, provider_arn, idp.response(idp.assertion([(other["Arn"], provider_arn)])))
    assert err["Code"] == "AccessDenied"
    assert err["Message"] == "Not authorized to perform sts:AssumeRoleWithSAML"
    err = refused(sts, role, provider_arn, idp.response(
        idp.assertion([(role["Arn"], provider_arn)], subject="mallory@example.com")))
    assert err["Code"] == "AccessDenied"
    missing = f"arn:aws:iam::{ACCOUNT_ID}:saml-provider/{unique('none')}"
    err = refused(sts, role, missing, idp.response(idp.assertion([(role["Arn"], missing)])))
    assert err["Code"] == "InvalidIdentityToken"


# --- session tags from the assertion -------------------------------------------------

PRINCIPAL_TAG = "https://aws.amazon.com/SAML/Attributes/PrincipalTag:"
TRANSITIVE_TAG_KEYS = "https://aws.amazon.com/SAML/Attributes/TransitiveTagKeys"


def tagged_saml_role(root, provider_arn, tag_session=True):
    """A role the provider's alice may assume (with sts:TagSession when asked), allowed
    iam:GetRole only when its session is tagged Department=Engineering."""
    actions = ["sts:AssumeRoleWithSAML"] + (["sts:TagSession"] if tag_session else [])
    trust = {
        "Version": "2012-10-17",
        "Statement": [{
            "Effect": "Allow",
            "Principal": {"Federated": provider_arn},
            "Action": actions,
            "Condition": {"StringEquals": {"saml:aud": "https://signin.aws.amazon.com/saml"}},
        }],
    }
    name = unique("samltag")
    role = root.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(trust))["Role"]
    policy = {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "iam:GetRole", "Resource": "*",
         "Condition": {"StringEquals": {"aws:PrincipalTag/Department": "Engineering"}}}]}
    root.put_role_policy(RoleName=name, PolicyName="tagged", PolicyDocument=json.dumps(policy))
    return role


def iam_of(iamd, creds):
    return boto3.client("iam", endpoint_url=iamd.endpoint, region_name=REGION,
                        aws_access_key_id=creds["AccessKeyId"], aws_secret_access_key=creds["SecretAccessKey"],
                        aws_session_token=creds["SessionToken"])


def test_principal_tag_attributes_become_session_tags(iamd, sts, root, idp, provider):
    _, provider_arn = provider
    role = tagged_saml_role(root, provider_arn)
    tags = [(PRINCIPAL_TAG + "Department", ["Engineering"]), (PRINCIPAL_TAG + "CostCenter", ["123"]),
            (TRANSITIVE_TAG_KEYS, ["Department"])]
    assertion = idp.assertion([(role["Arn"], provider_arn)], extra_attributes=tags)
    out = sts.assume_role_with_saml(RoleArn=role["Arn"], PrincipalArn=provider_arn, SAMLAssertion=idp.response(assertion))
    assert iam_of(iamd, out["Credentials"]).get_role(RoleName=role["RoleName"])["Role"]["Arn"] == role["Arn"]

    # Another department: the role's condition on the principal tag fails.
    other = idp.assertion([(role["Arn"], provider_arn)], extra_attributes=[(PRINCIPAL_TAG + "Department", ["Sales"])])
    out = sts.assume_role_with_saml(RoleArn=role["Arn"], PrincipalArn=provider_arn, SAMLAssertion=idp.response(other))
    err = error_of(iam_of(iamd, out["Credentials"]).get_role, RoleName=role["RoleName"])
    assert err["Code"] == "AccessDenied"


def test_principal_tags_need_tag_session_in_the_trust_policy(sts, root, idp, provider):
    _, provider_arn = provider
    role = tagged_saml_role(root, provider_arn, tag_session=False)
    plain = idp.assertion([(role["Arn"], provider_arn)])
    assert sts.assume_role_with_saml(RoleArn=role["Arn"], PrincipalArn=provider_arn, SAMLAssertion=idp.response(plain))
    tagged = idp.assertion([(role["Arn"], provider_arn)], extra_attributes=[(PRINCIPAL_TAG + "Department", ["Engineering"])])
    err = error_of(sts.assume_role_with_saml, RoleArn=role["Arn"], PrincipalArn=provider_arn, SAMLAssertion=idp.response(tagged))
    assert err["Code"] == "AccessDenied"
