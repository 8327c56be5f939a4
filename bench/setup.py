#!/usr/bin/env python3
"""Creates the benchmark's caller: an IAM user whose inline policy allows the
operations under test, and an access key for it. Prints `KEY_ID SECRET`.

    setup.py --endpoint http://127.0.0.1:8181 --key ROOT_KEY --secret ROOT_SECRET
"""
import argparse
import json

import boto3

CALLER = "bench-caller"
POLICY = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Sid": "ReadUsers",
            "Effect": "Allow",
            "Action": ["iam:GetUser", "iam:ListUsers"],
            "Resource": "arn:aws:iam::*:user/*",
        },
        {
            "Sid": "CreateBenchUsers",
            "Effect": "Allow",
            "Action": "iam:CreateUser",
            "Resource": "arn:aws:iam::*:user/bench-*",
        },
        {
            "Sid": "NoAdmins",
            "Effect": "Deny",
            "Action": "iam:*",
            "Resource": "arn:aws:iam::*:user/admin-*",
        },
    ],
}


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--endpoint", required=True)
    p.add_argument("--key", required=True)
    p.add_argument("--secret", required=True)
    p.add_argument("--region", default="us-east-1")
    a = p.parse_args()
    iam = boto3.client(
        "iam",
        endpoint_url=a.endpoint,
        region_name=a.region,
        aws_access_key_id=a.key,
        aws_secret_access_key=a.secret,
    )
    iam.create_user(UserName=CALLER)
    iam.put_user_policy(UserName=CALLER, PolicyName="bench", PolicyDocument=json.dumps(POLICY))
    key = iam.create_access_key(UserName=CALLER)["AccessKey"]
    print(key["AccessKeyId"], key["SecretAccessKey"])


if __name__ == "__main__":
    main()
