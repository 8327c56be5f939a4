#!/usr/bin/env python3
"""Pre-signed Query API requests for wrk.

Each output line is one request: `X-Amz-Date<TAB>Authorization<TAB>body`. The requests
are signed with botocore's SigV4Auth for service `iam` (the signature covers the
content type, the host and the date), so wrk can replay them unchanged for the 15
minutes a signature stays valid.

    signed.py get-user    --host H --key K --secret S --names FILE|--prefix P --count N --out OUT
    signed.py create-user --host H --key K --secret S --prefix P --start I --count N --out OUT
"""
import argparse
import os
import sys
from multiprocessing import Pool
from urllib.parse import quote

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

CONTENT_TYPE = "application/x-www-form-urlencoded; charset=utf-8"
VERSION = "2010-05-08"

_signer = None
_url = None


def _init(host, key, secret, region):
    global _signer, _url
    _signer = SigV4Auth(Credentials(key, secret), "iam", region)
    _url = f"http://{host}/"


def _sign(body):
    request = AWSRequest(method="POST", url=_url, data=body, headers={"Content-Type": CONTENT_TYPE})
    _signer.add_auth(request)
    return f"{request.headers['X-Amz-Date']}\t{request.headers['Authorization']}\t{body}\n"


def body(action, user_name):
    return f"Action={action}&Version={VERSION}&UserName={quote(user_name, safe='')}"


def main():
    p = argparse.ArgumentParser()
    p.add_argument("action", choices=["get-user", "create-user"])
    p.add_argument("--host", required=True, help="host:port the requests are sent to (signed)")
    p.add_argument("--key", required=True)
    p.add_argument("--secret", required=True)
    p.add_argument("--region", default="us-east-1")
    p.add_argument("--prefix", default="bench-u")
    p.add_argument("--start", type=int, default=0)
    p.add_argument("--count", type=int, required=True)
    p.add_argument("--stride", type=int, default=1, help="user index step (spreads reads over the table)")
    p.add_argument("--out", required=True)
    p.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    a = p.parse_args()

    action = "GetUser" if a.action == "get-user" else "CreateUser"
    bodies = [body(action, f"{a.prefix}{a.start + i * a.stride:07d}") for i in range(a.count)]
    with Pool(a.jobs, _init, (a.host, a.key, a.secret, a.region)) as pool, open(a.out, "w") as out:
        for line in pool.imap(_sign, bodies, chunksize=2000):
            out.write(line)
    print(f"signed {a.count} {action} requests into {a.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
