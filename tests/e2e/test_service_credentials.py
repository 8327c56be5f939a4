"""Service-specific credentials: passwords for CodeCommit and Amazon Keyspaces, API keys
for Bedrock and CloudWatch Logs (with expiry), shown once at creation and reset; list by
user, service or the whole account; status; two per service per user; unsupported
services; DeleteUser conflicts; authorization on the user."""
import base64
import datetime
import json

import pytest
from botocore.exceptions import ClientError

from conftest import ACCOUNT_ID, unique


def error_of(call, *args, **kwargs):
    with pytest.raises(ClientError) as e:
        call(*args, **kwargs)
    return e.value.response["Error"]


def test_password_credentials_lifecycle(root):
    user = unique("svc")
    root.create_user(UserName=user)
    created = root.create_service_specific_credential(UserName=user, ServiceName="codecommit.amazonaws.com")[
        "ServiceSpecificCredential"
    ]
    cred_id = created["ServiceSpecificCredentialId"]
    assert cred_id.startswith("ACCA") and len(cred_id) >= 20
    assert created["ServiceUserName"] == f"{user}-at-{ACCOUNT_ID}"
    assert len(created["ServicePassword"]) >= 40
    assert created["Status"] == "Active" and "ExpirationDate" not in created

    listed = root.list_service_specific_credentials(UserName=user)["ServiceSpecificCredentials"]
    assert [c["ServiceSpecificCredentialId"] for c in listed] == [cred_id]
    assert "ServicePassword" not in listed[0]
    reset = root.reset_service_specific_credential(UserName=user, ServiceSpecificCredentialId=cred_id)[
        "ServiceSpecificCredential"
    ]
    assert reset["ServiceSpecificCredentialId"] == cred_id
    assert reset["ServicePassword"] != created["ServicePassword"]
    root.update_service_specific_credential(UserName=user, ServiceSpecificCredentialId=cred_id, Status="Inactive")
    assert root.list_service_specific_credentials(UserName=user)["ServiceSpecificCredentials"][0]["Status"] == "Inactive"

    # Two per service per user.
    root.create_service_specific_credential(UserName=user, ServiceName="codecommit.amazonaws.com")
    err = error_of(root.create_service_specific_credential, UserName=user, ServiceName="codecommit.amazonaws.com")
    assert err["Code"] == "LimitExceeded"
    keyspaces = root.create_service_specific_credential(UserName=user, ServiceName="cassandra.amazonaws.com")
    assert keyspaces["ServiceSpecificCredential"]["ServiceUserName"] == f"{user}-at-{ACCOUNT_ID}"
    only_keyspaces = root.list_service_specific_credentials(UserName=user, ServiceName="cassandra.amazonaws.com")
    assert len(only_keyspaces["ServiceSpecificCredentials"]) == 1

    err = error_of(root.delete_user, UserName=user)
    assert err["Code"] == "DeleteConflict" and "service specific credentials" in err["Message"]
    for c in root.list_service_specific_credentials(UserName=user)["ServiceSpecificCredentials"]:
        root.delete_service_specific_credential(UserName=user, ServiceSpecificCredentialId=c["ServiceSpecificCredentialId"])
    assert error_of(root.delete_service_specific_credential, UserName=user, ServiceSpecificCredentialId=cred_id)["Code"] == "NoSuchEntity"
    root.delete_user(UserName=user)


def test_api_keys_with_expiry_and_account_wide_listing(root):
    user = unique("bedrock")
    root.create_user(UserName=user)
    created = root.create_service_specific_credential(UserName=user, ServiceName="bedrock.amazonaws.com", CredentialAgeDays=30)[
        "ServiceSpecificCredential"
    ]
    alias = created["ServiceCredentialAlias"]
    assert alias.startswith(user) and alias.endswith(f"-at-{ACCOUNT_ID}")
    secret = created["ServiceCredentialSecret"]
    assert secret.startswith("ABSK")
    assert base64.b64decode(secret[4:]).decode().startswith(alias + ":")
    lifetime = created["ExpirationDate"] - created["CreateDate"]
    assert lifetime == datetime.timedelta(days=30)
    # CredentialAgeDays is only for API keys.
    err = error_of(root.create_service_specific_credential, UserName=user, ServiceName="codecommit.amazonaws.com", CredentialAgeDays=3)
    assert err["Code"] == "ValidationError"
    err = error_of(root.create_service_specific_credential, UserName=user, ServiceName="s3.amazonaws.com")
    assert err["Code"] == "NotSupportedService"
    logs = root.create_service_specific_credential(UserName=user, ServiceName="logs.amazonaws.com")["ServiceSpecificCredential"]
    assert "ExpirationDate" not in logs

    everyone = root.list_service_specific_credentials(AllUsers=True)["ServiceSpecificCredentials"]
    assert {created["ServiceSpecificCredentialId"], logs["ServiceSpecificCredentialId"]} <= {
        c["ServiceSpecificCredentialId"] for c in everyone
    }
    assert error_of(root.list_service_specific_credentials, AllUsers=True, UserName=user)["Code"] == "ValidationError"


def test_users_manage_their_own_credentials_only(root, make_user):
    policy = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Action": ["iam:CreateServiceSpecificCredential", "iam:ListServiceSpecificCredentials", "iam:ResetServiceSpecificCredential"],
                "Resource": f"arn:aws:iam::{ACCOUNT_ID}:user/${{aws:username}}",
            }
        ],
    }
    name, client = make_user(policy=json.dumps(policy))
    own = client.create_service_specific_credential(UserName=name, ServiceName="codecommit.amazonaws.com")["ServiceSpecificCredential"]
    # UserName defaults to the caller.
    assert [c["ServiceSpecificCredentialId"] for c in client.list_service_specific_credentials()["ServiceSpecificCredentials"]] == [
        own["ServiceSpecificCredentialId"]
    ]
    client.reset_service_specific_credential(ServiceSpecificCredentialId=own["ServiceSpecificCredentialId"])
    other = unique("other")
    root.create_user(UserName=other)
    err = error_of(client.create_service_specific_credential, UserName=other, ServiceName="codecommit.amazonaws.com")
    assert err["Code"] == "AccessDenied"
    err = error_of(client.delete_service_specific_credential, ServiceSpecificCredentialId=own["ServiceSpecificCredentialId"])
    assert err["Code"] == "AccessDenied"
