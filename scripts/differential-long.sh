#!/usr/bin/env bash
# The long differential run: our policy engine against @cloud-copilot/iam-simulate on
# generated cases (1,000,000 by default), then both engines timed on the same typical
# request. Prints throughput, disagreements by class and the timing figures.
#
#   scripts/differential-long.sh [CASES] [SEED]
#
# Exit status: 0 when every disagreement is a known class
# (tests/differential/known-disagreements.json), 1 otherwise.
set -euo pipefail
cd "$(dirname "$0")/.."

cases="${1:-1000000}"
seed="${2:-1}"

bash tests/differential/install-oracle.sh
cargo build --release -p iamd-difftest
bin="${CARGO_TARGET_DIR:-target}/release/difftest"

echo "differential-long: $cases cases, seed $seed, $(nproc) cores, node $(node --version)"
# Minimise every disagreement up to 50,000 of them, so each is classified.
"$bin" --seed "$seed" --cases "$cases" --max-minimised 50000 --examples 3 --time
