#!/usr/bin/env python3
"""Creates the STS benchmark's principals and prints them as shell assignments:

- `bench-sts-caller`, a user whose inline policy allows `iam:GetUser` and
  `sts:AssumeRole` on the role, with an access key (KEY, SECRET);
- `bench-sts-role`, a role trusting the account (so the caller's own policy decides),
  allowed `iam:GetUser` (ROLE_ARN);
- one session of that role (SESSION_KEY, SESSION_SECRET, SESSION_TOKEN), for the
  requests signed with temporary credentials.

    sts_setup.py --endpoint http://127.0.0.1:8181 --key ROOT_KEY --secret ROOT_SECRET
"""
import argparse
import json
import shlex

import boto3

CALLER = "bench-sts-caller"
ROLE = "bench-sts-role"


def doc(*statements):
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--endpoint", required=True)
    p.add_argument("--key", required=True)
    p.add_argument("--secret", required=True)
    p.add_argument("--region", default="us-east-1")
    a = p.parse_args()

    def client(service, key, secret, token=None):
        return boto3.client(
            service,
            endpoint_url=a.endpoint,
            region_name=a.region,
            aws_access_key_id=key,
            aws_secret_access_key=secret,
            aws_session_token=token,
        )

    iam = client("iam", a.key, a.secret)
    account = client("sts", a.key, a.secret).get_caller_identity()["Account"]
    trust = doc({"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{account}:root"}, "Action": "sts:AssumeRole"})
    role_arn = iam.create_role(RoleName=ROLE, AssumeRolePolicyDocument=trust)["Role"]["Arn"]
    read_users = {"Effect": "Allow", "Action": "iam:GetUser", "Resource": "arn:aws:iam::*:user/*"}
    iam.put_role_policy(RoleName=ROLE, PolicyName="bench", PolicyDocument=doc(read_users))
    iam.create_user(UserName=CALLER)
    assume = {"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": role_arn}
    iam.put_user_policy(UserName=CALLER, PolicyName="bench", PolicyDocument=doc(read_users, assume))
    key = iam.create_access_key(UserName=CALLER)["AccessKey"]
    caller_sts = client("sts", key["AccessKeyId"], key["SecretAccessKey"])
    session = caller_sts.assume_role(RoleArn=role_arn, RoleSessionName="bench-temp")["Credentials"]
    values = {
        "KEY": key["AccessKeyId"],
        "SECRET": key["SecretAccessKey"],
        "ROLE_ARN": role_arn,
        "SESSION_KEY": session["AccessKeyId"],
        "SESSION_SECRET": session["SecretAccessKey"],
        "SESSION_TOKEN": session["SessionToken"],
    }
    for name, value in values.items():
        print(f"{name}={shlex.quote(value)}")


if __name__ == "__main__":
    main()
