#!/usr/bin/env bash
# Instructions per authenticated GetUser, counted by callgrind (independent of the
# machine's load), for one or more iamd binaries:
#
#   bench/instructions.sh BIN [BIN...]      # N=2000 requests per dump (N=... to change)
#
# Each binary runs under `valgrind --tool=callgrind`; after 300 warm-up requests the
# counters are zeroed, then two dumps of N sequential keep-alive GetUser requests each
# are taken. Prints Ir per request for both dumps.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
N="${N:-2000}"
OUT="${OUT:-$(mktemp -d)}"
export OUT
command -v callgrind_control >/dev/null || { echo "missing valgrind" >&2; exit 2; }

send() { # send HOST REQUESTS COUNT: the first pre-signed request, COUNT times, one connection
    python3 - "$@" <<'PY'
import http.client, sys
host, reqfile, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
date, auth, body = open(reqfile).readline().rstrip("\n").split("\t")[:3]
h, p = host.split(":")
conn = http.client.HTTPConnection(h, int(p), timeout=120)
headers = {"X-Amz-Date": date, "Authorization": auth,
           "Content-Type": "application/x-www-form-urlencoded; charset=utf-8"}
for _ in range(n):
    conn.request("POST", "/", body=body, headers=headers)
    r = conn.getresponse(); r.read()
    assert r.status == 200, r.status
PY
}

for bin in "$@"; do
    data=$(mktemp -d); host=127.0.0.1:$(free_port); name=$(basename "$bin")
    IAMD_ACCOUNT_ID=$ACCOUNT_ID IAMD_ROOT_ACCESS_KEY_ID=$ROOT_KEY IAMD_ROOT_SECRET_ACCESS_KEY=$ROOT_SECRET \
        valgrind --tool=callgrind --callgrind-out-file="$OUT/cg-$name.%p" \
        "$bin" serve --listen "$host" --data-dir "$data" >"$OUT/$name.stdout" 2>"$OUT/$name.log" &
    pid=$!
    wait_http "http://$host/health"
    read -r KEY SECRET < <(python3 "$BENCH_DIR/setup.py" --endpoint "http://$host" --key "$ROOT_KEY" --secret "$ROOT_SECRET")
    python3 - "$host" <<'PY'
import sys, boto3
boto3.client("iam", endpoint_url=f"http://{sys.argv[1]}", region_name="us-east-1",
             aws_access_key_id="AKIAIOSFODNN7EXAMPLE",
             aws_secret_access_key="wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
             ).create_user(UserName="bench-u0000000")
PY
    sign get-user "$host" "$KEY" "$SECRET" "$OUT/get.req" --count 1
    send "$host" "$OUT/get.req" 300
    callgrind_control -z "$pid" >/dev/null
    for dump in 1 2; do
        send "$host" "$OUT/get.req" "$N"
        callgrind_control -d "dump$dump" "$pid" >/dev/null
    done
    kill "$pid"; wait "$pid" 2>/dev/null || true
    rm -rf "$data"
    for dump in 1 2; do
        ir=$(sed -n 's/^summary: //p' "$OUT/cg-$name.$pid.$dump")
        echo "{\"name\": \"ir_per_getuser\", \"binary\": \"$bin\", \"dump\": $dump, \"value\": $((ir / N))}"
    done
done
