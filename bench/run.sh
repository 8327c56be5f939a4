#!/usr/bin/env bash
# The server benchmark: iamd (release build) and moto_server under the same wrk load.
#
#   bench/run.sh                      # everything; results in $OUT (default bench/out/<time>)
#   SIZES="1000 100000" bench/run.sh  # stop the GetUser scaling at 100k users
#
# Knobs (environment): THREADS, CONNS (wrk -t/-c), DURATION (each read run), LAT_CONNS and
# LAT_DURATION (the low-concurrency latency run), WRITE_DURATION,
# WRITE_COUNT (pre-signed CreateUser requests for the write run), SIZES, MOTO=0 to skip
# moto, BUILD=0 to use an existing binary.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

DURATION="${DURATION:-20s}"
WRITE_DURATION="${WRITE_DURATION:-10s}"
WRITE_COUNT="${WRITE_COUNT:-200000}"
SIZES="${SIZES:-1000 100000 1000000}"
LAT_CONNS="${LAT_CONNS:-4}"
LAT_DURATION="${LAT_DURATION:-10s}"
MOTO="${MOTO:-1}"
OUT="${OUT:-$BENCH_DIR/out/$(date +%Y%m%d-%H%M%S)}"
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
    [ -n "${MOTO_PID:-}" ] && kill "$MOTO_PID" 2>/dev/null || true
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
sleep 2
echo "{\"name\": \"iamd_idle_rss_kib\", \"value\": $(rss_kib "$IAMD_PID"), $(rss_split "$IAMD_PID")}" | tee -a "$OUT/results.jsonl"

read -r KEY SECRET < <(python3 "$BENCH_DIR/setup.py" --endpoint "http://$IAMD_HOST" --key "$ROOT_KEY" --secret "$ROOT_SECRET")
log "caller key $KEY"

# One fixed GetUser (wrk's static path) and GetUser spread over the loaded users.
loaded=0
for size in $SIZES; do
    load_users "$IAMD_HOST" "$KEY" "$SECRET" "$loaded" "$size"
    loaded=$size
    echo "{\"name\": \"users_$size\", \"value\": $(count_users "$DATA"), \"rss_kib\": $(rss_kib "$IAMD_PID"), $(rss_split "$IAMD_PID")}" | tee -a "$OUT/results.jsonl"
    sign get-user "$IAMD_HOST" "$KEY" "$SECRET" "$OUT/get1.req" --start $((size / 2)) --count 1
    sign get-user "$IAMD_HOST" "$KEY" "$SECRET" "$OUT/getn.req" --count 1000 --stride $((size / 1000))
    machine
    replay "iamd_getuser_fixed_$size" "$IAMD_HOST" "$OUT/get1.req" "$DURATION" "$CONNS" "$IAMD_PID"
    replay "iamd_getuser_spread_$size" "$IAMD_HOST" "$OUT/getn.req" "$DURATION" "$CONNS" "$IAMD_PID"
    # Latency with few requests in flight (with $CONNS connections, queueing dominates).
    replay "iamd_getuser_fixed_${size}_c$LAT_CONNS" "$IAMD_HOST" "$OUT/get1.req" "$LAT_DURATION" "$LAT_CONNS" "$IAMD_PID"
done
echo "{\"name\": \"iamd_rss_after_load_kib\", \"users\": $loaded, \"value\": $(rss_kib "$IAMD_PID"), $(rss_split "$IAMD_PID")}" | tee -a "$OUT/results.jsonl"

# Durable CreateUser: distinct names, each request sent once within the run.
sign create-user "$IAMD_HOST" "$KEY" "$SECRET" "$OUT/create.req" --prefix bench-w --count "$WRITE_COUNT"
machine
replay "iamd_createuser" "$IAMD_HOST" "$OUT/create.req" "$WRITE_DURATION" "$CONNS" "$IAMD_PID"
echo "{\"name\": \"iamd_rss_end_kib\", \"value\": $(rss_kib "$IAMD_PID"), $(rss_split "$IAMD_PID")}" | tee -a "$OUT/results.jsonl"
kill "$IAMD_PID"; wait "$IAMD_PID" 2>/dev/null || true; IAMD_PID=

if [ "$MOTO" = 1 ]; then
    start_moto "$OUT/moto.log"
    echo "{\"name\": \"moto_idle_rss_kib\", \"value\": $(rss_kib "$MOTO_PID")}" | tee -a "$OUT/results.jsonl"
    read -r MKEY MSECRET < <(python3 "$BENCH_DIR/setup.py" --endpoint "http://$MOTO_HOST" --key "$ROOT_KEY" --secret "$ROOT_SECRET")
    load_users "$MOTO_HOST" "$MKEY" "$MSECRET" 0 1000
    sign get-user "$MOTO_HOST" "$MKEY" "$MSECRET" "$OUT/moto-get1.req" --start 500 --count 1
    sign create-user "$MOTO_HOST" "$MKEY" "$MSECRET" "$OUT/moto-create.req" --prefix bench-w --count 50000
    machine
    replay "moto_getuser_fixed_1000" "$MOTO_HOST" "$OUT/moto-get1.req" "$DURATION" "$CONNS" "$MOTO_PID"
    replay "moto_createuser" "$MOTO_HOST" "$OUT/moto-create.req" "$WRITE_DURATION" "$CONNS" "$MOTO_PID"
fi
machine
rm -f "$OUT"/*.req
python3 "$BENCH_DIR/report.py" "$OUT/results.jsonl"
