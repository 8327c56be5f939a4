#!/usr/bin/env bash
# The cost of the audit trail: the server benchmark's GetUser (1,000 users, one fixed
# request) and durable CreateUser runs against iamd with auditing on and off,
# alternating, ROUNDS times each (the machine is shared, so single runs are noisy).
#
#   bench/audit.sh                    # results in $OUT (default bench/out/audit-<time>)
#
# Knobs (environment): ROUNDS (default 2), DURATION (GetUser run, 10s), WRITE_DURATION
# (CreateUser run, 10s), WRITE_COUNT (pre-signed CreateUser requests, 150000), THREADS,
# CONNS, BUILD=0 to use an existing binary.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

ROUNDS="${ROUNDS:-2}"
DURATION="${DURATION:-10s}"
WRITE_DURATION="${WRITE_DURATION:-10s}"
WRITE_COUNT="${WRITE_COUNT:-150000}"
OUT="${OUT:-$BENCH_DIR/out/audit-$(date +%Y%m%d-%H%M%S)}"
mkdir -p "$OUT"
export OUT

for tool in wrk python3 curl; do
    command -v "$tool" >/dev/null || { echo "missing $tool" >&2; exit 2; }
done
if [ "${BUILD:-1}" = 1 ]; then
    (cd "$REPO" && cargo build --release -p iamd)
fi

DATA=
cleanup() {
    [ -n "${IAMD_PID:-}" ] && kill "$IAMD_PID" 2>/dev/null || true
    [ -n "$DATA" ] && rm -rf "$DATA"
}
trap cleanup EXIT

one_run() {
    local mode=$1 round=$2
    DATA=$(mktemp -d)
    export IAMD_AUDIT=$mode
    start_iamd "$DATA" "$OUT/iamd-$mode-$round.log"
    unset IAMD_AUDIT
    local key secret
    read -r key secret < <(python3 "$BENCH_DIR/setup.py" --endpoint "http://$IAMD_HOST" --key "$ROOT_KEY" --secret "$ROOT_SECRET")
    load_users "$IAMD_HOST" "$key" "$secret" 0 1000
    sign get-user "$IAMD_HOST" "$key" "$secret" "$OUT/get1.req" --start 500 --count 1
    replay "audit_${mode}_getuser_r$round" "$IAMD_HOST" "$OUT/get1.req" "$DURATION" "$CONNS" "$IAMD_PID"
    sign create-user "$IAMD_HOST" "$key" "$secret" "$OUT/create.req" --prefix bench-w --count "$WRITE_COUNT"
    replay "audit_${mode}_createuser_r$round" "$IAMD_HOST" "$OUT/create.req" "$WRITE_DURATION" "$CONNS" "$IAMD_PID"
    kill "$IAMD_PID"; wait "$IAMD_PID" 2>/dev/null || true; IAMD_PID=
    if [ "$mode" = on ]; then
        echo "{\"name\": \"audit_dir_r$round\", \"bytes\": $(du -sb "$DATA/audit" | cut -f1), \"files\": $(find "$DATA/audit" -type f | wc -l)}" | tee -a "$OUT/results.jsonl"
        "$IAMD_BIN" audit verify --data-dir "$DATA" | tail -n 1 | tee -a "$OUT/verify.txt"
    fi
    rm -rf "$DATA"; DATA=
}

for round in $(seq 1 "$ROUNDS"); do
    echo "{\"name\": \"machine\", \"at\": \"$(date -Is)\", \"cores\": $(nproc), \"load\": \"$(cut -d' ' -f1-3 /proc/loadavg)\"}" | tee -a "$OUT/results.jsonl"
    one_run on "$round"
    one_run off "$round"
done
log "results in $OUT/results.jsonl"
