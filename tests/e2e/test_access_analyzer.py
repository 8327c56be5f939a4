"""IAM Access Analyzer's API (rest-json, service `access-analyzer`) on iamd's listener,
driven by boto3 and the aws CLI: analyzers, archive rules, external and unused access
findings, authorization of every call and AWS-shaped errors."""
import json

import pytest
from botocore.exceptions import ClientError

from conftest import ACCOUNT_ID, REGION, ROOT_KEY_ID, ROOT_SECRET, unique
from test_cli import aws

OTHER_ACCOUNT = "210987654321"


def trust(principal, action="sts:AssumeRole", condition=None):
    statement = {"Effect": "Allow", "Principal": principal, "Action": action}
    if condition:
        statement["Condition"] = condition
    return json.dumps({"Version": "2012-10-17", "Statement": [statement]})


def error(excinfo):
    response = excinfo.value.response
    return response["Error"]["Code"], response["ResponseMetadata"]["HTTPStatusCode"]


@pytest.fixture(scope="module")
def aa(iamd):
    return iamd.client(ROOT_KEY_ID, ROOT_SECRET, service="accessanalyzer")


def analyzer_arn(name):
    return f"arn:aws:access-analyzer:{REGION}:{ACCOUNT_ID}:analyzer/{name}"


def findings_of(aa, arn, **kwargs):
    return aa.list_findings(analyzerArn=arn, **kwargs)["findings"]


def test_analyzer_lifecycle_and_tags(aa):
    name = unique("acct")
    arn = aa.create_analyzer(analyzerName=name, type="ACCOUNT", tags={"team": "sec"})["arn"]
    assert arn == analyzer_arn(name)
    got = aa.get_analyzer(analyzerName=name)["analyzer"]
    assert got["name"] == name and got["type"] == "ACCOUNT" and got["status"] == "ACTIVE"
    assert got["tags"] == {"team": "sec"}
    assert name in [a["name"] for a in aa.list_analyzers()["analyzers"]]
    assert name in [a["name"] for a in aa.list_analyzers(type="ACCOUNT")["analyzers"]]
    assert name not in [a["name"] for a in aa.list_analyzers(type="ACCOUNT_UNUSED_ACCESS")["analyzers"]]

    aa.tag_resource(resourceArn=arn, tags={"env": "prod"})
    assert aa.list_tags_for_resource(resourceArn=arn)["tags"] == {"team": "sec", "env": "prod"}
    aa.untag_resource(resourceArn=arn, tagKeys=["team"])
    assert aa.list_tags_for_resource(resourceArn=arn)["tags"] == {"env": "prod"}

    with pytest.raises(ClientError) as e:
        aa.create_analyzer(analyzerName=name, type="ACCOUNT")
    assert error(e) == ("ConflictException", 409)

    aa.delete_analyzer(analyzerName=name)
    with pytest.raises(ClientError) as e:
        aa.get_analyzer(analyzerName=name)
    assert error(e) == ("ResourceNotFoundException", 404)


def test_list_analyzers_pages(aa):
    names = [unique(f"page{i}") for i in range(3)]
    for name in names:
        aa.create_analyzer(analyzerName=name, type="ACCOUNT")
    seen, token = [], None
    while True:
        kwargs = {"maxResults": 2, **({"nextToken": token} if token else {})}
        page = aa.list_analyzers(**kwargs)
        assert len(page["analyzers"]) <= 2
        seen += [a["name"] for a in page["analyzers"]]
        token = page.get("nextToken")
        if not token:
            break
    assert set(names) <= set(seen)
    assert len(seen) == len(set(seen))
    for name in names:
        aa.delete_analyzer(analyzerName=name)


def test_unused_access_configuration(aa):
    name = unique("unused")
    aa.create_analyzer(
        analyzerName=name,
        type="ACCOUNT_UNUSED_ACCESS",
        configuration={"unusedAccess": {"unusedAccessAge": 30}},
    )
    got = aa.get_analyzer(analyzerName=name)["analyzer"]
    assert got["configuration"]["unusedAccess"]["unusedAccessAge"] == 30
    out = aa.update_analyzer(analyzerName=name, configuration={"unusedAccess": {"unusedAccessAge": 60}})
    assert out["configuration"]["unusedAccess"]["unusedAccessAge"] == 60
    default = unique("unused")
    aa.create_analyzer(analyzerName=default, type="ACCOUNT_UNUSED_ACCESS")
    assert aa.get_analyzer(analyzerName=default)["analyzer"]["configuration"]["unusedAccess"]["unusedAccessAge"] == 90
    for bad in (0, 366):
        with pytest.raises(ClientError) as e:
            aa.create_analyzer(
                analyzerName=unique("bad"),
                type="ACCOUNT_UNUSED_ACCESS",
                configuration={"unusedAccess": {"unusedAccessAge": bad}},
            )
        assert error(e) == ("ValidationException", 400)
    aa.delete_analyzer(analyzerName=name)
    aa.delete_analyzer(analyzerName=default)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"analyzerName": "1starts-with-digit", "type": "ACCOUNT"},
        {"analyzerName": "has space", "type": "ACCOUNT"},
        {"analyzerName": "x" * 256, "type": "ACCOUNT"},
        {"analyzerName": "org", "type": "ORGANIZATION"},
    ],
)
def test_bad_analyzers_are_validation_errors(aa, kwargs):
    with pytest.raises(ClientError) as e:
        aa.create_analyzer(**kwargs)
    assert error(e) == ("ValidationException", 400)


def test_external_access_findings_follow_trust_policies(iamd, root, aa):
    role = unique("xacct")
    root.create_role(
        RoleName=role,
        AssumeRolePolicyDocument=trust(
            {"AWS": f"arn:aws:iam::{OTHER_ACCOUNT}:root"},
            condition={"StringEquals": {"sts:ExternalId": "shared-secret"}},
        ),
    )
    public = unique("public")
    root.create_role(RoleName=public, AssumeRolePolicyDocument=trust("*"))
    internal = unique("internal")
    root.create_role(RoleName=internal, AssumeRolePolicyDocument=trust({"AWS": f"arn:aws:iam::{ACCOUNT_ID}:root"}))
    service = unique("service")
    root.create_role(RoleName=service, AssumeRolePolicyDocument=trust({"Service": "ec2.amazonaws.com"}))

    name = unique("ext")
    arn = aa.create_analyzer(analyzerName=name, type="ACCOUNT")["arn"]
    findings = findings_of(aa, arn)
    by_role = {f["resource"].rsplit("/", 1)[1]: f for f in findings}
    assert internal not in by_role and service not in by_role
    cross = by_role[role]
    assert cross["principal"] == {"AWS": f"arn:aws:iam::{OTHER_ACCOUNT}:root"}
    assert cross["action"] == ["sts:AssumeRole"]
    assert cross["condition"] == {"sts:ExternalId": "shared-secret"}
    assert cross["isPublic"] is False
    assert cross["resourceType"] == "AWS::IAM::Role"
    assert cross["status"] == "ACTIVE"
    assert cross["resourceOwnerAccount"] == ACCOUNT_ID
    assert by_role[public]["isPublic"] is True

    got = aa.get_finding(analyzerArn=arn, id=cross["id"])["finding"]
    assert got["id"] == cross["id"] and got["principal"] == cross["principal"]
    v2 = aa.get_finding_v2(analyzerArn=arn, id=cross["id"])
    assert v2["findingType"] == "ExternalAccess"
    assert v2["findingDetails"][0]["externalAccessDetails"]["principal"] == cross["principal"]
    listed_v2 = aa.list_findings_v2(analyzerArn=arn)["findings"]
    assert {f["id"] for f in listed_v2} == {f["id"] for f in findings}

    # Filters: eq / neq / contains / exists.
    only_public = findings_of(aa, arn, filter={"isPublic": {"eq": ["true"]}})
    assert [f["resource"] for f in only_public] == [by_role[public]["resource"]]
    assert cross["id"] in [f["id"] for f in findings_of(aa, arn, filter={"condition.sts:ExternalId": {"exists": True}})]
    assert cross["id"] not in [f["id"] for f in findings_of(aa, arn, filter={"resource": {"neq": [cross["resource"]]}})]
    assert cross["id"] in [f["id"] for f in findings_of(aa, arn, filter={"principal.AWS": {"contains": [OTHER_ACCOUNT]}})]

    # The access goes away: the finding is resolved; it comes back: active again.
    root.update_assume_role_policy(RoleName=role, PolicyDocument=trust({"Service": "lambda.amazonaws.com"}))
    assert aa.get_finding(analyzerArn=arn, id=cross["id"])["finding"]["status"] == "RESOLVED"
    root.update_assume_role_policy(
        RoleName=role,
        PolicyDocument=trust(
            {"AWS": f"arn:aws:iam::{OTHER_ACCOUNT}:root"},
            condition={"StringEquals": {"sts:ExternalId": "shared-secret"}},
        ),
    )
    aa.start_resource_scan(analyzerArn=arn, resourceArn=cross["resource"])
    assert aa.get_finding(analyzerArn=arn, id=cross["id"])["finding"]["status"] == "ACTIVE"

    # A new federated trust shows up lazily on the next listing.
    federated = unique("fed")
    root.create_role(
        RoleName=federated,
        AssumeRolePolicyDocument=trust(
            {"Federated": f"arn:aws:iam::{ACCOUNT_ID}:saml-provider/corp"}, action="sts:AssumeRoleWithSAML"
        ),
    )
    fed = [f for f in findings_of(aa, arn) if f["resource"].endswith("/" + federated)]
    assert fed and fed[0]["principal"] == {"Federated": f"arn:aws:iam::{ACCOUNT_ID}:saml-provider/corp"}

    # Archive and unarchive by id and by resource.
    aa.update_findings(analyzerArn=arn, ids=[cross["id"]], status="ARCHIVED")
    assert aa.get_finding(analyzerArn=arn, id=cross["id"])["finding"]["status"] == "ARCHIVED"
    aa.update_findings(analyzerArn=arn, resourceArn=cross["resource"], status="ACTIVE")
    assert aa.get_finding(analyzerArn=arn, id=cross["id"])["finding"]["status"] == "ACTIVE"
    with pytest.raises(ClientError) as e:
        aa.update_findings(analyzerArn=arn, ids=["00000000-0000-0000-0000-000000000000"], status="ARCHIVED")
    assert error(e) == ("ResourceNotFoundException", 404)
    with pytest.raises(ClientError) as e:
        aa.update_findings(analyzerArn=arn, ids=[cross["id"]], status="RESOLVED")
    assert error(e) == ("ValidationException", 400)

    stats = aa.get_findings_statistics(analyzerArn=arn)["findingsStatistics"][0]["externalAccessFindingsStatistics"]
    assert stats["totalActiveFindings"] >= 3
    assert stats["resourceTypeStatistics"]["AWS::IAM::Role"]["totalActivePublic"] >= 1

    # Paging with a sort order.
    seen, token = [], None
    while True:
        kwargs = {"maxResults": 1, "sort": {"attributeName": "resource", "orderBy": "DESC"}}
        if token:
            kwargs["nextToken"] = token
        page = aa.list_findings(analyzerArn=arn, **kwargs)
        seen += [f["resource"] for f in page["findings"]]
        token = page.get("nextToken")
        if not token:
            break
    assert seen == sorted(seen, reverse=True)
    assert len(seen) == len(findings_of(aa, arn))
    aa.delete_analyzer(analyzerName=name)


def test_archive_rules(root, aa):
    role = unique("archived")
    root.create_role(RoleName=role, AssumeRolePolicyDocument=trust({"AWS": "444455556666"}))
    name = unique("rules")
    arn = aa.create_analyzer(
        analyzerName=name,
        type="ACCOUNT",
        archiveRules=[{"ruleName": "trusted-partner", "filter": {"principal.AWS": {"eq": ["444455556666"]}}}],
    )["arn"]
    mine = [f for f in findings_of(aa, arn) if f["resource"].endswith("/" + role)]
    assert mine[0]["status"] == "ARCHIVED"

    rule = aa.get_archive_rule(analyzerName=name, ruleName="trusted-partner")["archiveRule"]
    assert rule["filter"] == {"principal.AWS": {"eq": ["444455556666"]}}
    aa.create_archive_rule(analyzerName=name, ruleName="public", filter={"isPublic": {"eq": ["true"]}})
    assert [r["ruleName"] for r in aa.list_archive_rules(analyzerName=name)["archiveRules"]] == [
        "public",
        "trusted-partner",
    ]
    with pytest.raises(ClientError) as e:
        aa.create_archive_rule(analyzerName=name, ruleName="public", filter={"isPublic": {"eq": ["true"]}})
    assert error(e) == ("ConflictException", 409)
    aa.update_archive_rule(analyzerName=name, ruleName="public", filter={"isPublic": {"eq": ["false"]}})
    assert aa.get_archive_rule(analyzerName=name, ruleName="public")["archiveRule"]["filter"] == {
        "isPublic": {"eq": ["false"]}
    }

    # Unarchive, then apply the rule again.
    aa.update_findings(analyzerArn=arn, ids=[mine[0]["id"]], status="ACTIVE")
    aa.apply_archive_rule(analyzerArn=arn, ruleName="trusted-partner")
    assert aa.get_finding(analyzerArn=arn, id=mine[0]["id"])["finding"]["status"] == "ARCHIVED"

    for bad_filter in ({"status": {}}, {"status": {"eq": [f"v{i}" for i in range(21)]}}):
        with pytest.raises(ClientError) as e:
            aa.create_archive_rule(analyzerName=name, ruleName="bad", filter=bad_filter)
        assert error(e)[0] == "ValidationException"
    aa.delete_archive_rule(analyzerName=name, ruleName="public")
    with pytest.raises(ClientError) as e:
        aa.get_archive_rule(analyzerName=name, ruleName="public")
    assert error(e) == ("ResourceNotFoundException", 404)
    with pytest.raises(ClientError) as e:
        aa.create_archive_rule(analyzerName=unique("absent"), ruleName="r", filter={"status": {"eq": ["ACTIVE"]}})
    assert error(e) == ("ResourceNotFoundException", 404)
    aa.delete_analyzer(analyzerName=name)


def test_unused_access_findings(iamd, root, aa):
    # A role nobody assumed, a key nobody used, a password nobody logged in with.
    role = unique("idle")
    root.create_role(RoleName=role, AssumeRolePolicyDocument=trust({"AWS": f"arn:aws:iam::{ACCOUNT_ID}:root"}))
    user = unique("idle")
    root.create_user(UserName=user)
    key = root.create_access_key(UserName=user)["AccessKey"]
    root.create_login_profile(UserName=user, Password="An-unused-passw0rd!")
    # A user who works: reads IAM, never touches S3, which the policy also allows.
    worker = unique("worker")
    root.create_user(UserName=worker)
    root.put_user_policy(
        UserName=worker,
        PolicyName="work",
        PolicyDocument=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [{"Effect": "Allow", "Action": ["iam:GetUser", "iam:ListUsers", "s3:GetObject"], "Resource": "*"}],
            }
        ),
    )
    worker_key = root.create_access_key(UserName=worker)["AccessKey"]
    worker_iam = iamd.client(worker_key["AccessKeyId"], worker_key["SecretAccessKey"])
    worker_iam.get_user()

    name = unique("unused")
    arn = aa.create_analyzer(analyzerName=name, type="ACCOUNT_UNUSED_ACCESS")["arn"]
    findings = aa.list_findings_v2(analyzerArn=arn)["findings"]
    kinds = {(f["findingType"], f["resource"].rsplit("/", 1)[1]) for f in findings}
    assert ("UnusedIAMRole", role) in kinds
    assert ("UnusedIAMUserAccessKey", user) in kinds
    assert ("UnusedIAMUserPassword", user) in kinds
    assert ("UnusedIAMUserAccessKey", worker) not in kinds

    key_finding = next(f for f in findings if f["findingType"] == "UnusedIAMUserAccessKey" and f["resource"].endswith("/" + user))
    details = aa.get_finding_v2(analyzerArn=arn, id=key_finding["id"])["findingDetails"]
    assert details[0]["unusedIamUserAccessKeyDetails"]["accessKeyId"] == key["AccessKeyId"]
    assert "lastAccessed" not in details[0]["unusedIamUserAccessKeyDetails"]

    permission = next(f for f in findings if f["findingType"] == "UnusedPermission" and f["resource"].endswith("/" + worker))
    details = aa.get_finding_v2(analyzerArn=arn, id=permission["id"])["findingDetails"]
    by_service = {d["unusedPermissionDetails"]["serviceNamespace"]: d["unusedPermissionDetails"] for d in details}
    assert "s3" in by_service and "lastAccessed" not in by_service["s3"]
    # iam was used, but only GetUser: ListUsers is reported at action level.
    assert [a["action"] for a in by_service["iam"]["actions"]] == ["ListUsers"]

    # The V1 operations serve external access analyzers only.
    with pytest.raises(ClientError) as e:
        aa.list_findings(analyzerArn=arn)
    assert error(e) == ("ValidationException", 400)
    with pytest.raises(ClientError) as e:
        aa.get_finding(analyzerArn=arn, id=key_finding["id"])
    assert error(e) == ("ValidationException", 400)

    only_roles = aa.list_findings_v2(analyzerArn=arn, filter={"findingType": {"eq": ["UnusedIAMRole"]}})["findings"]
    assert only_roles and all(f["findingType"] == "UnusedIAMRole" for f in only_roles)

    # The key gets used (a refused call uses it too): its finding is resolved.
    with pytest.raises(ClientError):
        iamd.client(key["AccessKeyId"], key["SecretAccessKey"]).get_user()
    import time

    deadline = time.time() + 15
    while time.time() < deadline:
        status = aa.get_finding_v2(analyzerArn=arn, id=key_finding["id"])["status"]
        if status == "RESOLVED":
            break
        time.sleep(0.5)
    assert status == "RESOLVED"

    stats = aa.get_findings_statistics(analyzerArn=arn)["findingsStatistics"][0]["unusedAccessFindingsStatistics"]
    assert stats["totalActiveFindings"] >= 3
    assert {"unusedAccessType": "UnusedIAMRole"}.items() <= next(
        s for s in stats["unusedAccessTypeStatistics"] if s["unusedAccessType"] == "UnusedIAMRole"
    ).items()
    aa.delete_analyzer(analyzerName=name)


def test_every_call_needs_its_permission(iamd, root, aa, make_user):
    name = unique("guarded")
    arn = aa.create_analyzer(analyzerName=name, type="ACCOUNT")["arn"]
    _, nobody_iam = make_user(policy=None)
    # A user allowed only GetAnalyzer on this one analyzer.
    reader, _ = make_user(
        policy={
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Action": "access-analyzer:GetAnalyzer", "Resource": arn}],
        }
    )
    key = root.create_access_key(UserName=reader)["AccessKey"]
    reader_aa = iamd.client(key["AccessKeyId"], key["SecretAccessKey"], service="accessanalyzer")
    assert reader_aa.get_analyzer(analyzerName=name)["analyzer"]["arn"] == arn
    calls = [
        lambda c: c.list_analyzers(),
        lambda c: c.create_analyzer(analyzerName=unique("nope"), type="ACCOUNT"),
        lambda c: c.delete_analyzer(analyzerName=name),
        lambda c: c.list_findings(analyzerArn=arn),
        lambda c: c.list_findings_v2(analyzerArn=arn),
        lambda c: c.list_archive_rules(analyzerName=name),
        lambda c: c.create_archive_rule(analyzerName=name, ruleName="r", filter={"status": {"eq": ["ACTIVE"]}}),
        lambda c: c.tag_resource(resourceArn=arn, tags={"a": "b"}),
        lambda c: c.list_tags_for_resource(resourceArn=arn),
        lambda c: c.start_resource_scan(analyzerArn=arn, resourceArn=f"arn:aws:iam::{ACCOUNT_ID}:role/x"),
        lambda c: c.get_findings_statistics(analyzerArn=arn),
    ]
    for call in calls:
        with pytest.raises(ClientError) as e:
            call(reader_aa)
        assert error(e) == ("AccessDeniedException", 403)
        assert "access-analyzer:" in e.value.response["Error"]["Message"]
    aa.delete_analyzer(analyzerName=name)


def test_tag_conditions(iamd, root, aa, make_user):
    """aws:RequestTag, aws:TagKeys and aws:ResourceTag work as for IAM's own calls."""
    name = unique("tagged")
    arn = aa.create_analyzer(analyzerName=name, type="ACCOUNT", tags={"team": "blue"})["arn"]
    user, _ = make_user(
        policy={
            "Version": "2012-10-17",
            "Statement": [
                {"Effect": "Allow", "Action": "access-analyzer:CreateAnalyzer", "Resource": "*",
                 "Condition": {"StringEquals": {"aws:RequestTag/team": "blue"}}},
                {"Effect": "Allow", "Action": "access-analyzer:GetAnalyzer", "Resource": "*",
                 "Condition": {"StringEquals": {"aws:ResourceTag/team": "blue"}}},
                {"Effect": "Allow", "Action": "access-analyzer:UntagResource", "Resource": "*",
                 "Condition": {"ForAllValues:StringEquals": {"aws:TagKeys": ["scratch"]}}},
            ],
        }
    )
    key = root.create_access_key(UserName=user)["AccessKey"]
    client = iamd.client(key["AccessKeyId"], key["SecretAccessKey"], service="accessanalyzer")
    mine = unique("mine")
    client.create_analyzer(analyzerName=mine, type="ACCOUNT", tags={"team": "blue"})
    with pytest.raises(ClientError) as e:
        client.create_analyzer(analyzerName=unique("other"), type="ACCOUNT", tags={"team": "red"})
    assert error(e) == ("AccessDeniedException", 403)
    assert client.get_analyzer(analyzerName=name)["analyzer"]["arn"] == arn
    other = unique("untagged")
    aa.create_analyzer(analyzerName=other, type="ACCOUNT")
    with pytest.raises(ClientError) as e:
        client.get_analyzer(analyzerName=other)
    assert error(e) == ("AccessDeniedException", 403)
    client.untag_resource(resourceArn=arn, tagKeys=["scratch"])
    with pytest.raises(ClientError) as e:
        client.untag_resource(resourceArn=arn, tagKeys=["team"])
    assert error(e) == ("AccessDeniedException", 403)
    for n in (name, mine, other):
        aa.delete_analyzer(analyzerName=n)


def test_bad_signatures_and_routes(iamd, aa):
    import boto3
    from botocore.config import Config

    forged = boto3.client(
        "accessanalyzer",
        endpoint_url=iamd.endpoint,
        region_name=REGION,
        aws_access_key_id=ROOT_KEY_ID,
        aws_secret_access_key="not-the-secret",
        config=Config(retries={"max_attempts": 1}),
    )
    with pytest.raises(ClientError) as e:
        forged.list_analyzers()
    assert error(e) == ("InvalidSignatureException", 403)
    unknown = boto3.client(
        "accessanalyzer",
        endpoint_url=iamd.endpoint,
        region_name=REGION,
        aws_access_key_id="AKIAUNKNOWNKEY000000",
        aws_secret_access_key="x",
        config=Config(retries={"max_attempts": 1}),
    )
    with pytest.raises(ClientError) as e:
        unknown.list_analyzers()
    assert error(e) == ("UnrecognizedClientException", 403)
    import urllib.request

    request = urllib.request.Request(iamd.endpoint + "/no/such/route", method="GET")
    with pytest.raises(urllib.error.HTTPError) as e:
        urllib.request.urlopen(request)
    assert e.value.code == 400
    assert e.value.headers["x-amzn-ErrorType"] == "ValidationException"
    # The Query API on / still answers.
    assert iamd.root().get_user()["User"]["Arn"].endswith(":root")


def test_cli_analyzer_calls(iamd):
    name = unique("cli")
    code, out, err = aws(iamd, "accessanalyzer", "create-analyzer", "--analyzer-name", name, "--type", "ACCOUNT")
    assert code == 0, err
    arn = json.loads(out)["arn"]
    assert arn == analyzer_arn(name)
    code, out, err = aws(iamd, "accessanalyzer", "list-findings", "--analyzer-arn", arn)
    assert code == 0, err
    assert isinstance(json.loads(out)["findings"], list)
    code, out, err = aws(iamd, "accessanalyzer", "get-analyzer", "--analyzer-name", name + "-absent")
    assert code != 0 and "ResourceNotFoundException" in err
    code, _, err = aws(iamd, "accessanalyzer", "delete-analyzer", "--analyzer-name", name)
    assert code == 0, err


def doc(*statements, version=True):
    body = {"Statement": list(statements)}
    if version:
        body = {"Version": "2012-10-17", **body}
    return json.dumps(body)


def test_validate_policy_findings_and_paging(aa):
    policy = doc(
        {"Effect": "Allow", "Action": ["iam:PassRole"], "Resource": "*"},
        {"Effect": "Allow", "Action": ["s3:GetObject", "s3:GetObject", "s3:NoSuchAction"], "Resource": "*"},
        version=False,
    )
    findings = aa.validate_policy(policyDocument=policy, policyType="IDENTITY_POLICY")["findings"]
    codes = {f["issueCode"] for f in findings}
    assert {"MISSING_VERSION", "PASS_ROLE_WITH_STAR_IN_RESOURCE", "INVALID_ACTION"} <= codes, codes
    for f in findings:
        assert f["findingType"] in ("ERROR", "SECURITY_WARNING", "WARNING", "SUGGESTION")
        assert f["learnMoreLink"].startswith("https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html#")
        for location in f["locations"]:
            assert location["span"]["start"]["offset"] <= location["span"]["end"]["offset"] <= len(policy)
    passrole = next(f for f in findings if f["issueCode"] == "PASS_ROLE_WITH_STAR_IN_RESOURCE")
    assert passrole["findingType"] == "SECURITY_WARNING"
    assert {"value": "Statement"} in passrole["locations"][0]["path"]

    paged, token = [], None
    while True:
        kwargs = {"maxResults": 1, **({"nextToken": token} if token else {})}
        page = aa.validate_policy(policyDocument=policy, policyType="IDENTITY_POLICY", **kwargs)
        assert len(page["findings"]) <= 1
        paged += page["findings"]
        token = page.get("nextToken")
        if not token:
            break
    assert paged == findings

    clean = doc({"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::bucket/*"})
    assert aa.validate_policy(policyDocument=clean, policyType="IDENTITY_POLICY")["findings"] == []
    broken = aa.validate_policy(policyDocument="{not json", policyType="IDENTITY_POLICY")["findings"]
    assert broken and broken[0]["findingType"] == "ERROR"
    trust_findings = aa.validate_policy(
        policyDocument=doc({"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole"}),
        policyType="RESOURCE_POLICY",
        validatePolicyResourceType="AWS::IAM::AssumeRolePolicyDocument",
    )["findings"]
    # The resource type reaches the catalogue: a trust policy cannot name "*".
    assert "ROLE_TRUST_POLICY_UNSUPPORTED_WILDCARD_IN_PRINCIPAL" in [f["issueCode"] for f in trust_findings]

    for kwargs in (
        {"policyDocument": clean, "policyType": "NOT_A_TYPE"},
        {"policyDocument": clean, "policyType": "IDENTITY_POLICY", "validatePolicyResourceType": "AWS::S3::Bucket"},
        {"policyDocument": clean, "policyType": "RESOURCE_POLICY", "validatePolicyResourceType": "AWS::Nope::Thing"},
    ):
        with pytest.raises(ClientError) as e:
            aa.validate_policy(**kwargs)
        assert error(e) == ("ValidationException", 400)


def test_policy_checks(aa):
    read = doc({"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::bucket/*"})
    more = doc({"Sid": "Wider", "Effect": "Allow", "Action": "s3:Get*", "Resource": "arn:aws:s3:::bucket/*"})
    out = aa.check_no_new_access(newPolicyDocument=more, existingPolicyDocument=read, policyType="IDENTITY_POLICY")
    assert out["result"] == "FAIL"
    assert out["reasons"][0]["statementIndex"] == 0 and out["reasons"][0]["statementId"] == "Wider"
    # The witness: a concrete request the new policy allows and the existing one does not.
    example = out["reasons"][-1]["description"]
    assert example.startswith("Example request allowed: action s3:Get") and "on arn:aws:s3:::bucket/" in example
    assert "s3:GetObject " not in example
    out = aa.check_no_new_access(newPolicyDocument=read, existingPolicyDocument=more, policyType="IDENTITY_POLICY")
    assert out["result"] == "PASS" and out["reasons"] == []

    out = aa.check_access_not_granted(
        policyDocument=more, access=[{"actions": ["s3:DeleteObject"]}], policyType="IDENTITY_POLICY"
    )
    assert out["result"] == "PASS"
    out = aa.check_access_not_granted(
        policyDocument=more, access=[{"actions": ["s3:GetObjectAcl"]}], policyType="IDENTITY_POLICY"
    )
    assert out["result"] == "FAIL" and out["reasons"]

    public_trust = doc({"Effect": "Allow", "Principal": "*", "Action": "sts:AssumeRole"})
    out = aa.check_no_public_access(policyDocument=public_trust, resourceType="AWS::IAM::AssumeRolePolicyDocument")
    assert out["result"] == "FAIL"
    private_trust = doc({"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT_ID}:root"}, "Action": "sts:AssumeRole"})
    out = aa.check_no_public_access(policyDocument=private_trust, resourceType="AWS::IAM::AssumeRolePolicyDocument")
    assert out["result"] == "PASS"

    with pytest.raises(ClientError) as e:
        aa.check_no_new_access(newPolicyDocument="not a policy", existingPolicyDocument=read, policyType="IDENTITY_POLICY")
    assert error(e) == ("ValidationException", 400)
    with pytest.raises(ClientError) as e:
        aa.check_no_new_access(newPolicyDocument=read, existingPolicyDocument=read, policyType="SCP")
    assert error(e) == ("ValidationException", 400)
    with pytest.raises(ClientError) as e:
        aa.check_access_not_granted(
            policyDocument=read,
            access=[{"actions": ["s3:GetObject"]}, {"actions": ["s3:PutObject"]}],
            policyType="IDENTITY_POLICY",
        )
    assert error(e) == ("ValidationException", 400)
    with pytest.raises(ClientError) as e:
        aa.check_no_public_access(policyDocument=public_trust, resourceType="AWS::Not::Supported")
    assert error(e)[1] == 400


def test_policy_checks_need_their_permission(iamd, root, make_user):
    allowed_validate = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "access-analyzer:ValidatePolicy", "Resource": "*"}],
    }
    user, _ = make_user(policy=allowed_validate)
    key = root.create_access_key(UserName=user)["AccessKey"]
    client = iamd.client(key["AccessKeyId"], key["SecretAccessKey"], service="accessanalyzer")
    policy = doc({"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"})
    client.validate_policy(policyDocument=policy, policyType="IDENTITY_POLICY")
    for call in (
        lambda: client.check_no_new_access(newPolicyDocument=policy, existingPolicyDocument=policy, policyType="IDENTITY_POLICY"),
        lambda: client.check_access_not_granted(policyDocument=policy, access=[{"actions": ["s3:PutObject"]}], policyType="IDENTITY_POLICY"),
        lambda: client.check_no_public_access(policyDocument=policy, resourceType="AWS::S3::Bucket"),
    ):
        with pytest.raises(ClientError) as e:
            call()
        assert error(e) == ("AccessDeniedException", 403)
        assert "because no identity-based policy allows the access-analyzer:Check" in e.value.response["Error"]["Message"]


def test_cli_policy_checks(iamd, tmp_path):
    policy = tmp_path / "policy.json"
    policy.write_text(doc({"Effect": "Allow", "Action": "iam:PassRole", "Resource": "*"}))
    code, out, err = aws(
        iamd, "accessanalyzer", "validate-policy", "--policy-type", "IDENTITY_POLICY", "--policy-document", f"file://{policy}"
    )
    assert code == 0, err
    assert "PASS_ROLE_WITH_STAR_IN_RESOURCE" in [f["issueCode"] for f in json.loads(out)["findings"]]
    existing = tmp_path / "existing.json"
    existing.write_text(doc({"Effect": "Allow", "Action": "iam:GetRole", "Resource": "*"}))
    code, out, err = aws(
        iamd,
        "accessanalyzer",
        "check-no-new-access",
        "--policy-type",
        "IDENTITY_POLICY",
        "--new-policy-document",
        f"file://{policy}",
        "--existing-policy-document",
        f"file://{existing}",
    )
    assert code == 0, err
    assert json.loads(out)["result"] == "FAIL"
    code, _, err = aws(
        iamd, "accessanalyzer", "validate-policy", "--policy-type", "BOGUS", "--policy-document", f"file://{policy}"
    )
    assert code != 0 and "ValidationException" in err


def test_seeds_least_privilege_walkthrough(iamd, root, tmp_path):
    """The seeds: scope policies to specific actions, then "use IAM Access Analyzer and
    policy simulator to validate" — with the aws CLI, as a user would."""
    least = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Action": ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:Query"],
                "Resource": f"arn:aws:dynamodb:us-east-1:{ACCOUNT_ID}:table/Orders",
            }
        ],
    }
    least_file = tmp_path / "least.json"
    least_file.write_text(json.dumps(least, indent=2))

    # 1. The policy is well-formed: no errors or security warnings.
    code, out, err = aws(
        iamd, "accessanalyzer", "validate-policy", "--policy-type", "IDENTITY_POLICY", "--policy-document", f"file://{least_file}"
    )
    assert code == 0, err
    serious = [f for f in json.loads(out)["findings"] if f["findingType"] in ("ERROR", "SECURITY_WARNING")]
    assert serious == []

    # 2. It grants nothing AdministratorAccess did not, and never DeleteTable.
    admin = tmp_path / "admin.json"
    admin.write_text(json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}))
    code, out, err = aws(
        iamd, "accessanalyzer", "check-no-new-access", "--policy-type", "IDENTITY_POLICY",
        "--new-policy-document", f"file://{least_file}", "--existing-policy-document", f"file://{admin}",
    )
    assert code == 0, err
    assert json.loads(out)["result"] == "PASS"
    code, out, err = aws(
        iamd, "accessanalyzer", "check-no-new-access", "--policy-type", "IDENTITY_POLICY",
        "--new-policy-document", f"file://{admin}", "--existing-policy-document", f"file://{least_file}",
    )
    assert json.loads(out)["result"] == "FAIL"
    code, out, err = aws(
        iamd, "accessanalyzer", "check-access-not-granted", "--policy-type", "IDENTITY_POLICY",
        "--policy-document", f"file://{least_file}", "--access", "actions=dynamodb:DeleteTable",
    )
    assert code == 0, err
    assert json.loads(out)["result"] == "PASS"

    # 3. Attached to jane-dev, the simulator agrees: Query on Orders yes, S3 no.
    user = unique("jane-dev")
    assert aws(iamd, "iam", "create-user", "--user-name", user)[0] == 0
    code, _, err = aws(
        iamd, "iam", "put-user-policy", "--user-name", user, "--policy-name", "orders", "--policy-document", f"file://{least_file}"
    )
    assert code == 0, err
    code, out, err = aws(
        iamd, "iam", "simulate-principal-policy",
        "--policy-source-arn", f"arn:aws:iam::{ACCOUNT_ID}:user/{user}",
        "--action-names", "s3:ListBucket", "dynamodb:Query",
        "--resource-arns", f"arn:aws:dynamodb:us-east-1:{ACCOUNT_ID}:table/Orders",
    )
    assert code == 0, err
    decisions = {r["EvalActionName"]: r["EvalDecision"] for r in json.loads(out)["EvaluationResults"]}
    assert decisions == {"s3:ListBucket": "implicitDeny", "dynamodb:Query": "allowed"}

    # 4. Enable IAM Access Analyzer: the cross-account role of the seeds is reported.
    role = unique("CrossAccountAccess")
    trust_file = tmp_path / "trust.json"
    trust_file.write_text(
        trust({"AWS": "arn:aws:iam::999999999999:root"}, condition={"StringEquals": {"sts:ExternalId": "unique-external-id-here"}})
    )
    assert aws(iamd, "iam", "create-role", "--role-name", role, "--assume-role-policy-document", f"file://{trust_file}")[0] == 0
    name = unique("account-analyzer")
    code, out, err = aws(iamd, "accessanalyzer", "create-analyzer", "--analyzer-name", name, "--type", "ACCOUNT")
    assert code == 0, err
    arn = json.loads(out)["arn"]
    code, out, err = aws(
        iamd, "accessanalyzer", "list-findings", "--analyzer-arn", arn,
        "--filter", json.dumps({"resource": {"contains": [role]}}),
    )
    assert code == 0, err
    [finding] = json.loads(out)["findings"]
    assert finding["principal"] == {"AWS": "arn:aws:iam::999999999999:root"}
    assert finding["condition"] == {"sts:ExternalId": "unique-external-id-here"}
    assert finding["isPublic"] is False
    aws(iamd, "accessanalyzer", "delete-analyzer", "--analyzer-name", name)


def test_analyzers_and_findings_survive_a_restart(start_iamd, tmp_path):
    data = tmp_path / "durable"
    server = start_iamd(data_dir=data, name="durable")
    iam = server.root()
    aa = server.client(ROOT_KEY_ID, ROOT_SECRET, service="accessanalyzer")
    iam.create_role(RoleName="partner", AssumeRolePolicyDocument=trust({"AWS": OTHER_ACCOUNT}))
    arn = aa.create_analyzer(
        analyzerName="durable",
        type="ACCOUNT",
        tags={"k": "v"},
        archiveRules=[{"ruleName": "keep", "filter": {"isPublic": {"eq": ["true"]}}}],
    )["arn"]
    [finding] = findings_of(aa, arn)
    aa.update_findings(analyzerArn=arn, ids=[finding["id"]], status="ARCHIVED")
    assert server.stop() == 0

    server = start_iamd(data_dir=data, name="durable-again")
    aa = server.client(ROOT_KEY_ID, ROOT_SECRET, service="accessanalyzer")
    assert aa.get_analyzer(analyzerName="durable")["analyzer"]["tags"] == {"k": "v"}
    assert [r["ruleName"] for r in aa.list_archive_rules(analyzerName="durable")["archiveRules"]] == ["keep"]
    [again] = findings_of(aa, arn)
    assert again["id"] == finding["id"] and again["status"] == "ARCHIVED"
