#!/bin/sh
# Seeds the parse_policy corpus with the policy documents of the test suites:
# the parser fixtures as they are, and one policy per condition fixture case.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
tests="$here/../crates/policy/tests"
out="$here/corpus/parse_policy"
mkdir -p "$out" "$here/corpus/wildcard"
i=0
for f in $(find "$tests/parse" -name '*.json'); do
  i=$((i + 1))
  cp "$f" "$out/parse-$i.json"
done
python3 - "$tests/conditions" "$out" <<'PY'
import glob, json, os, sys
src, out = sys.argv[1], sys.argv[2]
n = 0
for path in sorted(glob.glob(os.path.join(src, "*.json"))):
    for case in json.load(open(path)):
        n += 1
        doc = {
            "Version": case.get("version", "2012-10-17"),
            "Statement": {
                "Effect": "Allow",
                "Action": "s3:*",
                "Resource": ["arn:aws:s3:::b/${aws:username}/*", "arn:aws:*"],
                "Condition": {case["operator"]: {case["key"]: case["values"]}},
            },
        }
        with open(os.path.join(out, f"condition-{n}.json"), "w") as f:
            json.dump(doc, f, indent=1)
PY

# validate_findings: every document of the findings catalogue's fixtures.
# policy_checks: NEW, a NUL, EXISTING for every pair of the analyzer's fixtures.
crates="$here/../crates"
mkdir -p "$here/corpus/validate_findings" "$here/corpus/policy_checks"
python3 - "$crates" "$here/corpus" <<'PY'
import glob, json, os, sys
crates, corpus = sys.argv[1], sys.argv[2]
def text(doc):
    return doc if isinstance(doc, str) else json.dumps(doc, indent=1)
n = 0
for path in sorted(glob.glob(os.path.join(crates, "findings/tests/fixtures/*.json"))):
    for case in json.load(open(path)):
        n += 1
        with open(os.path.join(corpus, "validate_findings", f"case-{n}.json"), "w") as f:
            f.write(text(case["policy"]))
n = 0
for path in sorted(glob.glob(os.path.join(crates, "analyzer/tests/fixtures/*.json"))):
    for case in json.load(open(path)):
        n += 1
        if "new" in case and "existing" in case:
            body = text(case["new"]) + "\0" + text(case["existing"])
        elif "policy" in case:
            body = text(case["policy"])
        else:
            continue
        with open(os.path.join(corpus, "policy_checks", f"case-{n}.txt"), "w") as f:
            f.write(body)
PY
