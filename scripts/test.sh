#!/usr/bin/env bash
# Runs every test of the project: the Rust workspace (unit, fixture corpora, property
# tests, the bounded differential run) and the end-to-end suites that drive a real
# iamd with the aws CLI and boto3.
set -euo pipefail
cd "$(dirname "$0")/.."

cargo build --workspace --bins
cargo test --workspace

if [ -d tests/e2e ]; then
    IAMD_BIN="${CARGO_TARGET_DIR:-$PWD/target}/debug/iamd" python3 -m pytest -q -x tests/e2e
fi
