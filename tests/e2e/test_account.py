"""The account: alias, summary and authorization details. This module has its own iamd
(the `iamd` fixture is per module), so the counts it checks are its own."""
import json

import pytest
from botocore.exceptions import ClientError

from conftest import ACCOUNT_ID, unique

TRUST = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}],
}
DOC = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}
SUMMARY_KEYS = {
    "Users", "UsersQuota", "Groups", "GroupsQuota", "ServerCertificates", "ServerCertificatesQuota",
    "UserPolicySizeQuota", "GroupPolicySizeQuota", "GroupsPerUserQuota", "SigningCertificatesPerUserQuota",
    "AccessKeysPerUserQuota", "MFADevices", "MFADevicesInUse", "AccountMFAEnabled", "AccountAccessKeysPresent",
    "AccountPasswordPresent", "AccountSigningCertificatesPresent", "AttachedPoliciesPerGroupQuota",
    "AttachedPoliciesPerRoleQuota", "AttachedPoliciesPerUserQuota", "Policies", "PoliciesQuota", "PolicySizeQuota",
    "PolicyVersionsInUse", "PolicyVersionsInUseQuota", "VersionsPerPolicyQuota", "GlobalEndpointTokenVersion",
    "AssumeRolePolicySizeQuota", "InstanceProfiles", "InstanceProfilesQuota", "Providers", "RolePolicySizeQuota",
    "Roles", "RolesQuota",
}


def error_of(excinfo):
    e = excinfo.value.response
    return e["Error"]["Code"], e["Error"]["Message"], e["ResponseMetadata"]["HTTPStatusCode"]


def test_alias(root, iamd):
    assert root.list_account_aliases()["AccountAliases"] == []
    root.create_account_alias(AccountAlias="example-corp")
    listed = root.list_account_aliases()
    assert listed["AccountAliases"] == ["example-corp"] and listed["IsTruncated"] is False
    root.create_account_alias(AccountAlias="example-corp")  # the same alias again is fine
    with pytest.raises(ClientError) as e:
        root.delete_account_alias(AccountAlias="other-name")
    assert error_of(e)[0] == "NoSuchEntity"
    for bad in ["Upper", "-lead", "trail-", "dou--ble", "under_score"]:
        with pytest.raises(ClientError) as e:
            root.create_account_alias(AccountAlias=bad)
        assert error_of(e)[0] == "ValidationError", bad
    root.delete_account_alias(AccountAlias="example-corp")
    assert root.list_account_aliases()["AccountAliases"] == []


def test_alias_is_unique_across_accounts(start_iamd, tmp_path):
    import subprocess

    from conftest import iamd_binary

    server = start_iamd(name="two-accounts")
    server.stop()
    out = subprocess.run(
        [iamd_binary(), "account", "create", "--data-dir", str(server.data_dir), "--account-id", "210987654321"],
        capture_output=True, text=True, check=True,
    ).stdout
    fields = dict(line.split(": ", 1) for line in out.splitlines() if ": " in line)
    key_id = fields["root access key id"].strip()
    secret = fields["root secret access key"].split()[0]
    server.start()
    first, second = server.root(), server.client(key_id, secret)
    first.create_account_alias(AccountAlias="shared-alias")
    with pytest.raises(ClientError) as e:
        second.create_account_alias(AccountAlias="shared-alias")
    assert error_of(e)[0] == "EntityAlreadyExists"
    assert second.list_account_aliases()["AccountAliases"] == []


def test_summary(root):
    before = root.get_account_summary()["SummaryMap"]
    assert set(before) == SUMMARY_KEYS
    assert before["UsersQuota"] == 5000
    assert before["PolicySizeQuota"] == 6144
    assert before["VersionsPerPolicyQuota"] == 5
    assert before["AttachedPoliciesPerUserQuota"] == 10
    assert before["AccessKeysPerUserQuota"] == 2
    assert before["AccountAccessKeysPresent"] == 1
    assert before["AccountMFAEnabled"] == 0
    user, group, role = unique("su"), unique("sg"), unique("sr")
    root.create_user(UserName=user)
    root.create_group(GroupName=group)
    root.create_role(RoleName=role, AssumeRolePolicyDocument=json.dumps(TRUST))
    root.create_policy(PolicyName=unique("sp"), PolicyDocument=json.dumps(DOC))
    after = root.get_account_summary()["SummaryMap"]
    for key in ["Users", "Groups", "Roles", "Policies"]:
        assert after[key] == before[key] + 1, key


def test_summary_and_details_are_authorized_on_star(make_user):
    _, user = make_user({
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "iam:GetAccountSummary", "Resource": "*"}],
    })
    assert "Users" in user.get_account_summary()["SummaryMap"]
    with pytest.raises(ClientError) as e:
        user.get_account_authorization_details()
    assert "iam:GetAccountAuthorizationDetails on resource: *" in error_of(e)[1]
    with pytest.raises(ClientError) as e:
        user.create_account_alias(AccountAlias="not-allowed")
    assert error_of(e)[0] == "AccessDenied"


def test_authorization_details(root):
    user, group, role, profile = unique("du"), unique("dg"), unique("dr"), unique("dp")
    policy = root.create_policy(PolicyName=unique("dpol"), PolicyDocument=json.dumps(DOC), Description="d")["Policy"]
    root.create_policy_version(PolicyArn=policy["Arn"], PolicyDocument=json.dumps(DOC), SetAsDefault=True)
    root.create_user(UserName=user, Path="/d/", Tags=[{"Key": "k", "Value": "v"}])
    root.put_user_policy(UserName=user, PolicyName="inline", PolicyDocument=json.dumps(DOC))
    root.attach_user_policy(UserName=user, PolicyArn="arn:aws:iam::aws:policy/ReadOnlyAccess")
    root.put_user_permissions_boundary(UserName=user, PermissionsBoundary=policy["Arn"])
    root.create_group(GroupName=group)
    root.add_user_to_group(GroupName=group, UserName=user)
    root.put_group_policy(GroupName=group, PolicyName="g-inline", PolicyDocument=json.dumps(DOC))
    root.attach_group_policy(GroupName=group, PolicyArn=policy["Arn"])
    root.create_role(RoleName=role, AssumeRolePolicyDocument=json.dumps(TRUST))
    root.put_role_policy(RoleName=role, PolicyName="r-inline", PolicyDocument=json.dumps(DOC))
    root.create_instance_profile(InstanceProfileName=profile)
    root.add_role_to_instance_profile(InstanceProfileName=profile, RoleName=role)

    details = root.get_account_authorization_details()
    assert details["IsTruncated"] is False
    u = next(x for x in details["UserDetailList"] if x["UserName"] == user)
    assert u["Path"] == "/d/"
    assert u["Arn"] == f"arn:aws:iam::{ACCOUNT_ID}:user/d/{user}"
    assert u["UserPolicyList"] == [{"PolicyName": "inline", "PolicyDocument": DOC}]
    assert u["GroupList"] == [group]
    assert u["AttachedManagedPolicies"] == [
        {"PolicyName": "ReadOnlyAccess", "PolicyArn": "arn:aws:iam::aws:policy/ReadOnlyAccess"}
    ]
    assert u["PermissionsBoundary"]["PermissionsBoundaryArn"] == policy["Arn"]
    assert u["Tags"] == [{"Key": "k", "Value": "v"}]
    g = next(x for x in details["GroupDetailList"] if x["GroupName"] == group)
    assert g["GroupPolicyList"][0]["PolicyName"] == "g-inline"
    assert g["AttachedManagedPolicies"][0]["PolicyArn"] == policy["Arn"]
    r = next(x for x in details["RoleDetailList"] if x["RoleName"] == role)
    assert r["AssumeRolePolicyDocument"] == TRUST
    assert r["RolePolicyList"][0]["PolicyName"] == "r-inline"
    assert [p["InstanceProfileName"] for p in r["InstanceProfileList"]] == [profile]
    assert r["InstanceProfileList"][0]["Roles"][0]["RoleName"] == role
    p = next(x for x in details["Policies"] if x["Arn"] == policy["Arn"])
    assert p["DefaultVersionId"] == "v2" and p["AttachmentCount"] == 1 and p["PermissionsBoundaryUsageCount"] == 1
    assert [(v["VersionId"], v["IsDefaultVersion"]) for v in p["PolicyVersionList"]] == [("v2", True), ("v1", False)]
    assert p["PolicyVersionList"][0]["Document"] == DOC
    aws = next(x for x in details["Policies"] if x["Arn"] == "arn:aws:iam::aws:policy/ReadOnlyAccess")
    assert aws["AttachmentCount"] == 1
    assert any(v["IsDefaultVersion"] for v in aws["PolicyVersionList"])
    # Only AWS managed policies in use are reported.
    assert not any(x["Arn"] == "arn:aws:iam::aws:policy/AdministratorAccess" for x in details["Policies"])

    only_roles = root.get_account_authorization_details(Filter=["Role"])
    assert only_roles["UserDetailList"] == [] and only_roles["Policies"] == [] and only_roles["RoleDetailList"]
    local = root.get_account_authorization_details(Filter=["LocalManagedPolicy"])["Policies"]
    assert local and all(not x["Arn"].startswith("arn:aws:iam::aws:") for x in local)

    # Paging walks every entry exactly once.
    everything = []
    marker = None
    while True:
        kw = {"MaxItems": 2} | ({"Marker": marker} if marker else {})
        page = root.get_account_authorization_details(**kw)
        entries = (
            [("u", x["UserName"]) for x in page["UserDetailList"]]
            + [("g", x["GroupName"]) for x in page["GroupDetailList"]]
            + [("r", x["RoleName"]) for x in page["RoleDetailList"]]
            + [("p", x["Arn"]) for x in page["Policies"]]
        )
        assert len(entries) <= 2
        everything += entries
        if not page["IsTruncated"]:
            break
        marker = page["Marker"]
    assert len(everything) == len(set(everything))
    full = (
        len(details["UserDetailList"]) + len(details["GroupDetailList"])
        + len(details["RoleDetailList"]) + len(details["Policies"])
    )
    assert len(everything) == full


def test_summary_counts_identity_providers_of_both_kinds(root):
    from saml_idp import Idp

    before = root.get_account_summary()["SummaryMap"]["Providers"]
    oidc = root.create_open_id_connect_provider(Url=f"https://{unique('issuer')}.example.com", ClientIDList=["app"])[
        "OpenIDConnectProviderArn"
    ]
    assert root.get_account_summary()["SummaryMap"]["Providers"] == before + 1
    saml = root.create_saml_provider(Name=unique("idp"), SAMLMetadataDocument=Idp().metadata())["SAMLProviderArn"]
    assert root.get_account_summary()["SummaryMap"]["Providers"] == before + 2
    root.delete_open_id_connect_provider(OpenIDConnectProviderArn=oidc)
    root.delete_saml_provider(SAMLProviderArn=saml)
    assert root.get_account_summary()["SummaryMap"]["Providers"] == before


def test_summary_counts_every_entity_it_reports(root):
    before = root.get_account_summary()["SummaryMap"]
    name = unique("ip")
    root.create_instance_profile(InstanceProfileName=name)
    arn = root.create_policy(PolicyName=unique("vp"), PolicyDocument=json.dumps(DOC))["Policy"]["Arn"]
    root.create_policy_version(PolicyArn=arn, PolicyDocument=json.dumps(DOC))
    after = root.get_account_summary()["SummaryMap"]
    assert after["InstanceProfiles"] == before["InstanceProfiles"] + 1
    assert after["Policies"] == before["Policies"] + 1
    assert after["PolicyVersionsInUse"] == before["PolicyVersionsInUse"] + 2
    # What iamd cannot hold for the root is reported as absent, not guessed.
    assert after["AccountPasswordPresent"] == 0 and after["AccountSigningCertificatesPresent"] == 0
    root.delete_instance_profile(InstanceProfileName=name)
    assert root.get_account_summary()["SummaryMap"]["InstanceProfiles"] == before["InstanceProfiles"]
