#!/usr/bin/env python3
"""Signs one Access Analyzer request (rest-json) for wrk's static path.

    access_analyzer_signed.py validate|check-no-new-access --host H --key K --secret S --out FILE

Writes `path`, `X-Amz-Date`, `Authorization` and the JSON body on four lines. The
policies are ten statements each (actions, resources and conditions mixed), the new
one of CheckNoNewAccess a small widening of the existing one, so the check has work to
do and answers FAIL with a witness.
"""
import argparse
import json

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

SERVICES = ["s3", "dynamodb", "sqs", "sns", "kms", "lambda", "logs", "ec2", "iam", "sts"]


def policy(widen=False):
    statements = []
    for i, service in enumerate(SERVICES):
        action = f"{service}:Get*" if widen and i == 3 else f"{service}:Get{'Object' if service == 's3' else 'Item'}"
        statement = {
            "Sid": f"S{i}",
            "Effect": "Allow",
            "Action": [action, f"{service}:List*"],
            "Resource": f"arn:aws:s3:::bucket-{i}/*"
            if service == "s3"
            else f"arn:aws:{service}:us-east-1:123456789012:thing-{i}/*",
        }
        if i % 3 == 0:
            statement["Condition"] = {"StringEquals": {"aws:RequestedRegion": ["us-east-1", "eu-west-1"]}}
        if i % 4 == 1:
            statement["Condition"] = {"IpAddress": {"aws:SourceIp": f"10.{i}.0.0/16"}}
        statements.append(statement)
    return json.dumps({"Version": "2012-10-17", "Statement": statements})


def main():
    p = argparse.ArgumentParser()
    p.add_argument("operation", choices=["validate", "check-no-new-access"])
    p.add_argument("--host", required=True)
    p.add_argument("--key", required=True)
    p.add_argument("--secret", required=True)
    p.add_argument("--region", default="us-east-1")
    p.add_argument("--out", required=True)
    a = p.parse_args()
    if a.operation == "validate":
        path = "/policy/validation"
        body = {"policyDocument": policy(), "policyType": "IDENTITY_POLICY"}
    else:
        path = "/policy/check-no-new-access"
        body = {
            "newPolicyDocument": policy(widen=True),
            "existingPolicyDocument": policy(),
            "policyType": "IDENTITY_POLICY",
        }
    text = json.dumps(body)
    request = AWSRequest(
        method="POST", url=f"http://{a.host}{path}", data=text, headers={"Content-Type": "application/json"}
    )
    SigV4Auth(Credentials(a.key, a.secret), "access-analyzer", a.region).add_auth(request)
    with open(a.out, "w") as f:
        f.write("\n".join([path, request.headers["X-Amz-Date"], request.headers["Authorization"], text]) + "\n")


if __name__ == "__main__":
    main()
