#!/usr/bin/env bash
# The STS benchmark: AssumeRole, and the same reads signed with long-term keys and with
# temporary credentials, replayed by wrk against a release iamd.
#
#   bench/sts.sh                # results in $OUT (default bench/out/sts-<time>)
#
# Every scenario replays one signed request (AWS accepts a signed request again within
# its 15 minutes). Knobs as in run.sh: THREADS, CONNS, DURATION, BUILD=0.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

DURATION="${DURATION:-20s}"
OUT="${OUT:-$BENCH_DIR/out/sts-$(date +%Y%m%d-%H%M%S)}"
mkdir -p "$OUT"
export OUT

for tool in wrk python3 curl; do
    command -v "$tool" >/dev/null || { echo "missing $tool (apt-get install -y wrk curl)" >&2; exit 2; }
done
if [ "${BUILD:-1}" = 1 ]; then
    (cd "$REPO" && cargo build --release -p iamd)
fi

DATA=$(mktemp -d)
cleanup() {
    [ -n "${IAMD_PID:-}" ] && kill "$IAMD_PID" 2>/dev/null || true
    rm -rf "$DATA"
}
trap cleanup EXIT

machine() {
    echo "{\"name\": \"machine\", \"at\": \"$(date -Is)\", \"cores\": $(nproc), \"load\": \"$(cut -d' ' -f1-3 /proc/loadavg)\"}" \
        | tee -a "$OUT/results.jsonl"
}

machine
log "iamd: $IAMD_BIN, data in $DATA"
start_iamd "$DATA" "$OUT/iamd.log"
sleep 1

eval "$(python3 "$BENCH_DIR/sts_setup.py" --endpoint "http://$IAMD_HOST" --key "$ROOT_KEY" --secret "$ROOT_SECRET")"
log "caller $KEY, role $ROLE_ARN, session $SESSION_KEY"

sign assume-role "$IAMD_HOST" "$KEY" "$SECRET" "$OUT/assume.req" --role-arn "$ROLE_ARN" --count 1
sign get-user "$IAMD_HOST" "$KEY" "$SECRET" "$OUT/getuser-long.req" --user-name bench-sts-caller --count 1
sign get-user "$IAMD_HOST" "$SESSION_KEY" "$SESSION_SECRET" "$OUT/getuser-temp.req" --token "$SESSION_TOKEN" --user-name bench-sts-caller --count 1
sign get-caller-identity "$IAMD_HOST" "$KEY" "$SECRET" "$OUT/gci-long.req" --count 1
sign get-caller-identity "$IAMD_HOST" "$SESSION_KEY" "$SESSION_SECRET" "$OUT/gci-temp.req" --token "$SESSION_TOKEN" --count 1

for scenario in assume getuser-long getuser-temp gci-long gci-temp; do
    machine
    replay "iamd_sts_$scenario" "$IAMD_HOST" "$OUT/$scenario.req" "$DURATION" "$CONNS" "$IAMD_PID"
done
machine
rm -f "$OUT"/*.req
python3 "$BENCH_DIR/report.py" "$OUT/results.jsonl"
