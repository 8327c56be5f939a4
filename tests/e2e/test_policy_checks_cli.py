"""`iamd policy check-*`: IAM Access Analyzer's custom policy checks, run offline by the
binary: exit status (0 PASS, 1 FAIL, 2 bad input), AWS's JSON, readable text."""
import json
import subprocess

from conftest import iamd_binary

EXISTING = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Action": ["s3:GetObject", "s3:ListBucket"],
            "Resource": ["arn:aws:s3:::amzn-s3-demo-bucket", "arn:aws:s3:::amzn-s3-demo-bucket/*"],
        }
    ],
}

NEW = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Sid": "Read",
            "Effect": "Allow",
            "Action": ["s3:GetObject", "s3:GetObjectAcl", "s3:ListBucket"],
            "Resource": ["arn:aws:s3:::amzn-s3-demo-bucket", "arn:aws:s3:::amzn-s3-demo-bucket/*"],
        }
    ],
}


def write(tmp_path, name, document):
    path = tmp_path / name
    path.write_text(json.dumps(document) if not isinstance(document, str) else document)
    return str(path)


def iamd(*args, stdin=None):
    return subprocess.run(
        [iamd_binary(), "policy", *args], capture_output=True, text=True, input=stdin, timeout=120
    )


def test_new_access_fails_with_aws_json(tmp_path):
    old, new = write(tmp_path, "old.json", EXISTING), write(tmp_path, "new.json", NEW)
    run = iamd("check-no-new-access", old, new, "--format", "json")
    assert run.returncode == 1, run.stderr
    body = json.loads(run.stdout)
    assert body["result"] == "FAIL"
    assert body["message"] == "The modified permissions grant new access compared to your existing policy."
    assert body["reasons"][0] == {
        "description": "New access in the statement with index: 0.",
        "statementIndex": 0,
        "statementId": "Read",
    }
    # The engine-confirmed example request comes last, as a reason without a statement.
    assert len(body["reasons"]) == 2
    example = body["reasons"][1]
    assert set(example) == {"description"}
    assert example["description"].startswith("Example request allowed: action s3:GetObjectAcl on arn:aws:s3:::amzn-s3-demo-bucket")


def test_new_access_text_names_the_witness(tmp_path):
    old, new = write(tmp_path, "old.json", EXISTING), write(tmp_path, "new.json", NEW)
    run = iamd("check-no-new-access", old, new)
    assert run.returncode == 1
    lines = run.stdout.splitlines()
    assert lines[0].startswith("FAIL: The modified permissions grant new access")
    assert "[statement 0, Sid Read]" in lines[1]
    assert "    action: s3:GetObjectAcl" in lines
    assert any(line.startswith("    resource: arn:aws:s3:::amzn-s3-demo-bucket") for line in lines)


def test_narrower_policy_passes(tmp_path):
    old, new = write(tmp_path, "old.json", NEW), write(tmp_path, "new.json", EXISTING)
    run = iamd("check-no-new-access", old, new, "--format", "json")
    assert run.returncode == 0, run.stdout
    body = json.loads(run.stdout)
    assert body["result"] == "PASS"
    assert "reasons" not in body


def test_resource_policy_type_compares_principals(tmp_path):
    base = {
        "Effect": "Allow",
        "Action": "sqs:SendMessage",
        "Resource": "arn:aws:sqs:us-east-1:111122223333:queue",
    }
    old = write(tmp_path, "old.json", {"Statement": [{**base, "Principal": {"AWS": "111122223333"}}]})
    new = write(tmp_path, "new.json", {"Statement": [{**base, "Principal": "*"}]})
    run = iamd("check-no-new-access", old, new, "--policy-type", "resource")
    assert run.returncode == 1, run.stdout
    assert "    principal: " in run.stdout
    same = iamd("check-no-new-access", old, old, "--policy-type", "resource")
    assert same.returncode == 0, same.stdout


def test_access_not_granted_pass_and_fail(tmp_path):
    policy = write(tmp_path, "p.json", EXISTING)
    run = iamd(
        "check-access-not-granted", "--actions", "s3:DeleteBucket,s3:GetBucketLocation",
        "--format", "json", policy,
    )
    assert run.returncode == 0, run.stdout
    assert json.loads(run.stdout) == {
        "result": "PASS",
        "message": "The policy document does not grant access to perform one or more of the listed actions.",
    }
    run = iamd("check-access-not-granted", "--actions", "s3:ListBucket", policy)
    assert run.returncode == 1, run.stdout
    assert run.stdout.startswith("FAIL: The policy document grants access")
    run = iamd(
        "check-access-not-granted", "--resources", "arn:aws:s3:::other-bucket/*", "--format", "json",
        policy,
    )
    assert run.returncode == 0, run.stdout


def test_no_public_access(tmp_path):
    private = write(
        tmp_path,
        "private.json",
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Sid": "CheckNoPublicAccess",
                    "Effect": "Allow",
                    "Principal": {"AWS": "arn:aws:iam::111122223333:user/JohnDoe"},
                    "Action": ["s3:GetObject"],
                }
            ],
        },
    )
    run = iamd("check-no-public-access", "--resource-type", "AWS::S3::Bucket", "--format", "json", private)
    assert run.returncode == 0, run.stdout
    assert json.loads(run.stdout) == {
        "result": "PASS",
        "message": "The resource policy does not grant public access for the given resource type.",
    }
    trust = write(
        tmp_path,
        "trust.json",
        {"Statement": [{"Sid": "Anyone", "Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole"}]},
    )
    run = iamd(
        "check-no-public-access", "--resource-type", "AWS::IAM::AssumeRolePolicyDocument", "--format", "json",
        trust,
    )
    assert run.returncode == 1, run.stdout
    body = json.loads(run.stdout)
    assert body["result"] == "FAIL"
    assert body["reasons"][0]["statementId"] == "Anyone"


def test_bad_input_exits_2(tmp_path):
    broken = write(tmp_path, "broken.json", '{"Statement": [')
    good = write(tmp_path, "good.json", EXISTING)
    run = iamd("check-no-new-access", good, broken)
    assert run.returncode == 2
    assert "invalid policy" in run.stderr
    run = iamd("check-no-new-access", good, str(tmp_path / "missing.json"))
    assert run.returncode == 2
    assert "cannot read" in run.stderr
    run = iamd("check-no-public-access", "--resource-type", "AWS::EC2::Instance", good)
    assert run.returncode == 2
    assert "Unsupported resource type" in run.stderr
    run = iamd("check-access-not-granted", good)
    assert run.returncode == 2


def test_policy_from_standard_input():
    run = iamd("check-access-not-granted", "--actions", "s3:GetObject", "-", stdin=json.dumps(EXISTING))
    assert run.returncode == 1, run.stdout + run.stderr
