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
