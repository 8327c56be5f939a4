#!/usr/bin/env python3
"""Pre-signed Query API requests for wrk.

Each output line is one request: `X-Amz-Date<TAB>Authorization<TAB>body`, followed by
`<TAB>X-Amz-Security-Token` when temporary credentials signed it (`--token`). The
requests are signed with botocore's SigV4Auth for service `iam` or `sts` (the signature
covers the content type, the host, the date and the token), so wrk can replay them
unchanged for the 15 minutes a signature stays valid.

    signed.py get-user    --host H --key K --secret S --names FILE|--prefix P --count N --out OUT
    signed.py create-user --host H --key K --secret S --prefix P --start I --count N --out OUT
    signed.py assume-role --host H --key K --secret S --role-arn ARN --count 1 --out OUT
    signed.py get-caller-identity --host H --key K --secret S [--token T] --count 1 --out OUT
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
STS_VERSION = "2011-06-15"

_signer = None
_url = None
_token = None


def _init(host, key, secret, region, service, token):
    global _signer, _url, _token
    _signer = SigV4Auth(Credentials(key, secret, token), service, region)
    _url = f"http://{host}/"
    _token = token


def _sign(body):
    request = AWSRequest(method="POST", url=_url, data=body, headers={"Content-Type": CONTENT_TYPE})
    _signer.add_auth(request)
    line = f"{request.headers['X-Amz-Date']}\t{request.headers['Authorization']}\t{body}"
    if _token:
        line += f"\t{_token}"
    return line + "\n"


def body(action, user_name):
    return f"Action={action}&Version={VERSION}&UserName={quote(user_name, safe='')}"


def sts_body(action, **params):
    fields = "".join(f"&{k}={quote(v, safe='')}" for k, v in params.items())
    return f"Action={action}&Version={STS_VERSION}{fields}"


def main():
    p = argparse.ArgumentParser()
    p.add_argument("action", choices=["get-user", "create-user", "assume-role", "get-caller-identity"])
    p.add_argument("--host", required=True, help="host:port the requests are sent to (signed)")
    p.add_argument("--key", required=True)
    p.add_argument("--secret", required=True)
    p.add_argument("--region", default="us-east-1")
    p.add_argument("--prefix", default="bench-u")
    p.add_argument("--start", type=int, default=0)
    p.add_argument("--count", type=int, required=True)
    p.add_argument("--stride", type=int, default=1, help="user index step (spreads reads over the table)")
    p.add_argument("--token", help="session token of temporary credentials")
    p.add_argument("--role-arn", help="assume-role: the role (every request is the same)")
    p.add_argument("--user-name", help="get-user: this user in every request (instead of --prefix)")
    p.add_argument("--out", required=True)
    p.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    a = p.parse_args()

    service = "iam"
    if a.action == "assume-role":
        service, action = "sts", "AssumeRole"
        bodies = [sts_body(action, RoleArn=a.role_arn, RoleSessionName="bench")] * a.count
    elif a.action == "get-caller-identity":
        service, action = "sts", "GetCallerIdentity"
        bodies = [sts_body(action)] * a.count
    else:
        action = "GetUser" if a.action == "get-user" else "CreateUser"
        names = [a.user_name] * a.count if a.user_name else [f"{a.prefix}{a.start + i * a.stride:07d}" for i in range(a.count)]
        bodies = [body(action, name) for name in names]
    init = (a.host, a.key, a.secret, a.region, service, a.token)
    with Pool(a.jobs, _init, init) as pool, open(a.out, "w") as out:
        for line in pool.imap(_sign, bodies, chunksize=2000):
            out.write(line)
    print(f"signed {a.count} {action} requests into {a.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
