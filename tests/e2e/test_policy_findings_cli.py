"""`iamd policy validate` with IAM Access Analyzer's findings catalogue, as CI runs it:
the real binary on policy files, text, JSON and SARIF output, exit statuses."""
import json
import subprocess

from conftest import iamd_binary

PASS_ROLE_EVERYWHERE = """{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Action": ["iam:PassRole", "s3:GetObjekt"],
      "Resource": "*"
    }
  ]
}
"""

CLEAN = """{
  "Version": "2012-10-17",
  "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::bucket/*"}]
}
"""

BUCKET_POLICY = """{
  "Version": "2012-10-17",
  "Statement": [{
    "Sid": "everyone but",
    "Effect": "Allow",
    "NotPrincipal": {"AWS": "arn:aws:iam::111122223333:root"},
    "Action": "s3:GetObject",
    "Resource": "arn:aws:s3:::bucket/*"
  }]
}
"""

SARIF_LEVELS = {"none", "note", "warning", "error"}


def validate(*args, stdin=None):
    out = subprocess.run(
        [iamd_binary(), "policy", "validate", *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
    )
    return out.returncode, out.stdout, out.stderr


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text)
    return str(path)


def check_sarif_shape(log):
    """The properties SARIF 2.1.0 requires, and the ones GitHub code scanning reads."""
    assert log["version"] == "2.1.0"
    assert log["$schema"].endswith("sarif-2.1.0.json")
    assert isinstance(log["runs"], list) and len(log["runs"]) == 1
    run = log["runs"][0]
    driver = run["tool"]["driver"]
    assert isinstance(driver["name"], str) and driver["name"]
    rules = driver.get("rules", [])
    ids = [rule["id"] for rule in rules]
    assert len(ids) == len(set(ids)), "rule ids are unique"
    for rule in rules:
        assert isinstance(rule["id"], str) and rule["id"]
        if "helpUri" in rule:
            assert rule["helpUri"].startswith("https://")
        assert rule["defaultConfiguration"]["level"] in SARIF_LEVELS
    for result in run["results"]:
        assert isinstance(result["message"]["text"], str) and result["message"]["text"]
        assert result["level"] in SARIF_LEVELS
        assert ids[result["ruleIndex"]] == result["ruleId"]
        assert result["locations"], "every finding points into the file"
        for location in result["locations"]:
            physical = location["physicalLocation"]
            assert isinstance(physical["artifactLocation"]["uri"], str)
            region = physical["region"]
            assert region["startLine"] >= 1 and region["startColumn"] >= 1
            assert region["endLine"] >= region["startLine"]
            assert region["endColumn"] >= 1
            if region["endLine"] == region["startLine"]:
                assert region["endColumn"] >= region["startColumn"]
    return run


def test_text_lines_name_type_code_and_details(tmp_path):
    path = write(tmp_path, "pass-role.json", PASS_ROLE_EVERYWHERE)
    code, out, err = validate(path)
    assert code == 1, (out, err)
    lines = out.splitlines()
    assert f"{path}:6:34: ERROR: INVALID_ACTION: The action s3:GetObjekt does not exist. Did you mean s3:GetObject?" in lines
    assert any(
        line.startswith(f"{path}:6:18: SECURITY_WARNING: PASS_ROLE_WITH_STAR_IN_RESOURCE: Using the iam:PassRole action")
        for line in lines
    ), out


def test_clean_documents_pass(tmp_path):
    path = write(tmp_path, "clean.json", CLEAN)
    for fmt in ("text", "json", "sarif"):
        code, out, err = validate("--format", fmt, path)
        assert code == 0, (fmt, out, err)
    code, out, _ = validate(path)
    assert out == ""
    _, out, _ = validate("--format", "sarif", path)
    assert check_sarif_shape(json.loads(out))["results"] == []


def test_sarif_has_one_run_with_rules_levels_and_regions(tmp_path):
    bad = write(tmp_path, "pass-role.json", PASS_ROLE_EVERYWHERE)
    clean = write(tmp_path, "clean.json", CLEAN)
    code, out, err = validate("--format", "sarif", bad, clean)
    assert code == 1, err
    run = check_sarif_shape(json.loads(out))
    rules = {rule["id"]: rule for rule in run["tool"]["driver"]["rules"]}
    assert rules["PASS_ROLE_WITH_STAR_IN_RESOURCE"]["helpUri"] == (
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html"
        "#access-analyzer-reference-policy-checks-security-warning-pass-role-with-star-in-resource"
    )
    by_rule = {}
    for result in run["results"]:
        by_rule.setdefault(result["ruleId"], []).append(result)
    [invalid] = by_rule["INVALID_ACTION"]
    assert invalid["level"] == "error"
    [location] = invalid["locations"]
    assert location["physicalLocation"]["artifactLocation"]["uri"] == bad
    # "s3:GetObjekt", quotes included, on line 6 from column 34.
    assert location["physicalLocation"]["region"] == {
        "startLine": 6, "startColumn": 34, "endLine": 6, "endColumn": 48,
    }
    [pass_role] = by_rule["PASS_ROLE_WITH_STAR_IN_RESOURCE"]
    assert pass_role["level"] == "warning"
    regions = [l["physicalLocation"]["region"] for l in pass_role["locations"]]
    assert regions == [
        {"startLine": 6, "startColumn": 18, "endLine": 6, "endColumn": 32},
        {"startLine": 7, "startColumn": 19, "endLine": 7, "endColumn": 22},
    ]
    # Nothing is reported against the clean file.
    uris = {
        l["physicalLocation"]["artifactLocation"]["uri"]
        for r in run["results"]
        for l in r["locations"]
    }
    assert uris == {bad}


def test_resource_policies_and_suggestions_as_notes(tmp_path):
    path = write(tmp_path, "bucket.json", BUCKET_POLICY)
    code, out, err = validate("--kind", "resource", "--format", "sarif", path)
    # A security warning alone does not fail the run.
    assert code == 0, (out, err)
    run = check_sarif_shape(json.loads(out))
    levels = {r["ruleId"]: r["level"] for r in run["results"]}
    # Access Analyzer's security warning, beside IAM's own warnings.
    assert levels == {
        "ALLOW_WITH_NOT_PRINCIPAL": "warning",
        "NOT_PRINCIPAL_WITH_ALLOW": "warning",
        "INVALID_SID": "warning",
    }

    code, out, _ = validate("--format", "sarif", "-", stdin='{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": ["s3:Get*", "s3:GetObject"], "Resource": "*"}}')
    assert code == 0
    run = check_sarif_shape(json.loads(out))
    [result] = run["results"]
    assert (result["ruleId"], result["level"]) == ("REDUNDANT_ACTION", "note")
    assert result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "stdin"


def test_json_output_uses_validate_policy_shapes(tmp_path):
    path = write(tmp_path, "pass-role.json", PASS_ROLE_EVERYWHERE)
    code, out, _ = validate("--format", "json", path)
    assert code == 1
    [report] = json.loads(out)["files"]
    assert report["file"] == path
    codes = sorted(f["issueCode"] for f in report["findings"])
    assert codes == ["INVALID_ACTION", "PASS_ROLE_WITH_STAR_IN_RESOURCE"]
    invalid = next(f for f in report["findings"] if f["issueCode"] == "INVALID_ACTION")
    assert invalid["locations"][0]["path"] == [
        {"value": "Statement"}, {"index": 0}, {"value": "Action"}, {"index": 1},
    ]
    # AWS's positions: lines from 1, columns and offsets from 0.
    assert invalid["locations"][0]["span"]["start"] == {"line": 6, "column": 33, "offset": 110}


def test_unreadable_files_exit_two(tmp_path):
    path = write(tmp_path, "pass-role.json", PASS_ROLE_EVERYWHERE)
    code, out, err = validate("--format", "sarif", str(tmp_path / "missing.json"), path)
    assert code == 2
    assert "missing.json: cannot read" in err
    check_sarif_shape(json.loads(out))
