#!/usr/bin/env bash
# Round trips of ValidatePolicy and CheckNoNewAccess through the server under wrk:
# a release iamd on a fresh data dir, a caller user allowed the two actions (so each
# request is authenticated and authorized), one pre-signed request per operation
# replayed by wrk with 1 connection (latency) and 16 (throughput). See BENCHMARKS.md ("Access Analyzer").
#
#   CARGO_TARGET_DIR=... bench/access_analyzer.sh
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
target=${CARGO_TARGET_DIR:-$here/../target}
bin=$target/release/iamd
port=${BENCH_PORT:-18190}
host=127.0.0.1:$port
work=$(mktemp -d)
trap 'kill "$server" 2>/dev/null || true; rm -rf "$work"' EXIT

export IAMD_ROOT_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE
export IAMD_ROOT_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY
export IAMD_ACCOUNT_ID=123456789012
"$bin" serve --listen "$host" --data-dir "$work/data" >"$work/stdout" 2>"$work/log" &
server=$!
for _ in $(seq 100); do curl -sf "http://$host/health" >/dev/null && break; sleep 0.1; done

read -r key secret < <(python3 - "$host" <<'PY'
import json, sys, boto3
iam = boto3.client("iam", endpoint_url=f"http://{sys.argv[1]}", region_name="us-east-1",
                   aws_access_key_id="AKIAIOSFODNN7EXAMPLE",
                   aws_secret_access_key="wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")
iam.create_user(UserName="bench-checker")
iam.put_user_policy(UserName="bench-checker", PolicyName="checks", PolicyDocument=json.dumps({
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Resource": "*",
                   "Action": ["access-analyzer:ValidatePolicy", "access-analyzer:CheckNoNewAccess"]}]}))
k = iam.create_access_key(UserName="bench-checker")["AccessKey"]
print(k["AccessKeyId"], k["SecretAccessKey"])
PY
)
sleep 1
for op in validate check-no-new-access; do
  python3 "$here/access_analyzer_signed.py" "$op" --host "$host" --key "$key" --secret "$secret" --out "$work/$op"
  status=$(curl -s -o "$work/$op.out" -w '%{http_code}' -X POST "http://$host$(sed -n 1p "$work/$op")" \
    -H "Content-Type: application/json" -H "X-Amz-Date: $(sed -n 2p "$work/$op")" \
    -H "Authorization: $(sed -n 3p "$work/$op")" --data-binary "$(sed -n 4p "$work/$op")")
  echo "== $op: HTTP $status, $(head -c 160 "$work/$op.out")"
  for c in 1 16; do
    t=$((c < 2 ? 1 : 2))
    echo "-- $op, wrk -t$t -c$c -d10s"
    BENCH_REQUEST="$work/$op" BENCH_HOST="$host" wrk -t"$t" -c"$c" -d10s --timeout 30s --latency \
      -s "$here/access_analyzer.lua" "http://$host" | grep -E "Requests/sec|Latency|50%|90%|99%|Non-2xx"
  done
done
