# Shared functions of the benchmark scripts (sourced).
# shellcheck shell=bash

BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(dirname "$BENCH_DIR")"
TARGET_DIR="${CARGO_TARGET_DIR:-$REPO/target}"
IAMD_BIN="${IAMD_BIN:-$TARGET_DIR/release/iamd}"

ACCOUNT_ID=123456789012
ROOT_KEY=AKIAIOSFODNN7EXAMPLE
ROOT_SECRET=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY

THREADS="${THREADS:-2}"
CONNS="${CONNS:-64}"

log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

free_port() {
    python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])'
}

# Resident set size of a process, in KiB.
rss_kib() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status"; }

# The resident set split into heap (anonymous) and mapped files (SQLite's mmap of the
# database: page cache the kernel can reclaim), as JSON fields in KiB.
rss_split() {
    awk '/^RssAnon:/ {a = $2} /^RssFile:/ {f = $2} END {printf "\"anon_kib\": %d, \"file_kib\": %d", a, f}' "/proc/$1/status"
}

# CPU time (user+system) of a process, in clock ticks.
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }

wait_http() {
    local url=$1
    for _ in $(seq 1 100); do
        curl -s -o /dev/null "$url" && return 0
        sleep 0.2
    done
    log "no answer from $url"
    return 1
}

# start_iamd DATA_DIR LOG: starts iamd on a free port; sets IAMD_PID and IAMD_HOST.
start_iamd() {
    local port
    port=$(free_port)
    IAMD_HOST="127.0.0.1:$port"
    IAMD_ACCOUNT_ID=$ACCOUNT_ID IAMD_ROOT_ACCESS_KEY_ID=$ROOT_KEY \
        IAMD_ROOT_SECRET_ACCESS_KEY=$ROOT_SECRET \
        "$IAMD_BIN" serve --listen "$IAMD_HOST" --data-dir "$1" >"$2.stdout" 2>"$2" &
    IAMD_PID=$!
    wait_http "http://$IAMD_HOST/health"
}

# start_moto LOG: starts moto_server on a free port; sets MOTO_PID and MOTO_HOST.
start_moto() {
    local port
    port=$(free_port)
    MOTO_HOST="127.0.0.1:$port"
    moto_server -H 127.0.0.1 -p "$port" >"$1" 2>&1 &
    MOTO_PID=$!
    wait_http "http://$MOTO_HOST/moto-api/"
}

# sign ACTION HOST KEY SECRET OUT [signed.py options...]
sign() {
    local action=$1 host=$2 key=$3 secret=$4 out=$5
    shift 5
    python3 "$BENCH_DIR/signed.py" "$action" --host "$host" --key "$key" --secret "$secret" \
        --out "$out" "$@"
}

# replay NAME HOST REQUESTS DURATION [CONNS]: wrk replaying REQUESTS in a loop. Prints
# the BENCH line of replay.lua extended with the server's CPU time per request.
replay() {
    local name=$1 host=$2 requests=$3 duration=$4 conns=${5:-$CONNS} pid=${6:-}
    local before=0 after=0
    [ -n "$pid" ] && before=$(cpu_ticks "$pid")
    # wrk runs on the same cores as the server: its CPU time is recorded too.
    BENCH_REQUESTS=$requests BENCH_HOST=$host BENCH_THREADS=$THREADS BENCH_MODE=cycle \
        /usr/bin/time -f "%U %S" -o "$OUT/$name.wrk.cpu" \
        wrk -t"$THREADS" -c"$conns" -d"$duration" --latency -s "$BENCH_DIR/replay.lua" \
        "http://$host/" >"$OUT/$name.wrk.txt" 2>&1
    [ -n "$pid" ] && after=$(cpu_ticks "$pid")
    local line
    line=$(sed -n 's/^BENCH //p' "$OUT/$name.wrk.txt")
    python3 - "$name" "$line" "$before" "$after" "$(getconf CLK_TCK)" "$(tail -n 1 "$OUT/$name.wrk.cpu")" "$(cut -d' ' -f1 /proc/loadavg)" <<'PY' | tee -a "$OUT/results.jsonl"
import json, sys
name, line, before, after, tck, wrk_cpu, load = sys.argv[1:8]
before, after, tck = int(before), int(after), int(tck)
r = json.loads(line)
r["name"] = name
r["load1"] = float(load)
ok = r["requests"] - r["status_errors"]
r["ok_per_s"] = round(ok / (r["duration_us"] / 1e6), 1)
if after > before and r["requests"]:
    r["server_cpu_us_per_req"] = round((after - before) / tck * 1e6 / r["requests"], 1)
if r["requests"]:
    r["wrk_cpu_us_per_req"] = round(sum(map(float, wrk_cpu.split())) * 1e6 / r["requests"], 1)
print(json.dumps(r))
PY
}

# replay_once HOST REQUESTS: sends every request once (bulk load), ends when all are answered.
replay_once() {
    local host=$1 requests=$2
    local done_dir
    done_dir=$(mktemp -d)
    BENCH_REQUESTS=$requests BENCH_HOST=$host BENCH_THREADS=$THREADS BENCH_MODE=once \
        BENCH_DONE_DIR=$done_dir \
        wrk -t"$THREADS" -c"$CONNS" -d3600s --timeout 30s -s "$BENCH_DIR/replay.lua" \
        "http://$host/" >"$done_dir/wrk.txt" 2>&1 &
    local wrk_pid=$!
    while [ "$(find "$done_dir" -maxdepth 1 -type f ! -name wrk.txt | wc -l)" -lt "$THREADS" ]; do
        kill -0 "$wrk_pid" 2>/dev/null || break
        sleep 0.2
    done
    kill -INT "$wrk_pid" 2>/dev/null
    wait "$wrk_pid" 2>/dev/null
    sed -n 's/^BENCH //p' "$done_dir/wrk.txt"
    rm -rf "$done_dir"
}

# load_users HOST KEY SECRET FROM TO: creates users bench-u<FROM>..bench-u<TO-1> through
# the API (pre-signed CreateUser replayed by wrk), in chunks signed just before use.
load_users() {
    local host=$1 key=$2 secret=$3 from=$4 to=$5
    local chunk=${LOAD_CHUNK:-200000} start=$from n file
    file=$(mktemp)
    while [ "$start" -lt "$to" ]; do
        n=$((to - start < chunk ? to - start : chunk))
        sign create-user "$host" "$key" "$secret" "$file" --prefix bench-u --start "$start" --count "$n"
        local t0 seconds line
        t0=$(date +%s%N)
        line=$(replay_once "$host" "$file")
        seconds=$(awk -v a="$t0" -v b="$(date +%s%N)" 'BEGIN {printf "%.3f", (b - a) / 1e9}')
        log "loaded bench-u$start..$((start + n - 1)) in $seconds s: $line"
        echo "{\"name\": \"load_$start-$((start + n))\", \"seconds\": $seconds, \"wrk\": ${line:-null}}" >>"$OUT/results.jsonl"
        start=$((start + n))
    done
    rm -f "$file"
}

# count_users DATA_DIR: users in the store (read-only query beside the running server).
count_users() {
    python3 - "$1/iamd.sqlite3" <<'PY'
import sqlite3, sys
c = sqlite3.connect(f"file:{sys.argv[1]}?mode=ro", uri=True)
print(c.execute("SELECT count(*) FROM users").fetchone()[0])
PY
}
