"""GenerateCredentialReport / GetCredentialReport: AWS's CSV columns exactly, the root
row first, and the values AWS writes (true/false, N/A, no_information, not_supported)."""
import csv
import io
import re

import pytest
from botocore.exceptions import ClientError

from conftest import ACCOUNT_ID, unique, wait_until
from totp_codes import code, current_step

COLUMNS = [
    "user",
    "arn",
    "user_creation_time",
    "password_enabled",
    "password_last_used",
    "password_last_changed",
    "password_next_rotation",
    "mfa_active",
    "access_key_1_active",
    "access_key_1_last_rotated",
    "access_key_1_last_used_date",
    "access_key_1_last_used_region",
    "access_key_1_last_used_service",
    "access_key_2_active",
    "access_key_2_last_rotated",
    "access_key_2_last_used_date",
    "access_key_2_last_used_region",
    "access_key_2_last_used_service",
    "cert_1_active",
    "cert_1_last_rotated",
    "cert_2_active",
    "cert_2_last_rotated",
]

DATE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+00:00$")


def test_report(iamd, root):
    with pytest.raises(ClientError) as e:
        root.get_credential_report()
    assert e.value.response["Error"]["Code"] == "ReportNotPresent"

    # alice: password, MFA and a used key plus an inactive one; bob: nothing.
    alice, bob = unique("alice"), unique("bob")
    root.create_user(UserName=alice)
    root.create_user(UserName=bob)
    root.update_account_password_policy(MinimumPasswordLength=8, MaxPasswordAge=30)
    root.create_login_profile(UserName=alice, Password="Alice-Passw0rd")
    device = root.create_virtual_mfa_device(VirtualMFADeviceName=alice)["VirtualMFADevice"]
    s = current_step()
    root.enable_mfa_device(
        UserName=alice,
        SerialNumber=device["SerialNumber"],
        AuthenticationCode1=code(device["Base32StringSeed"], s - 1),
        AuthenticationCode2=code(device["Base32StringSeed"], s),
    )
    used = root.create_access_key(UserName=alice)["AccessKey"]
    unused = root.create_access_key(UserName=alice)["AccessKey"]
    root.update_access_key(UserName=alice, AccessKeyId=unused["AccessKeyId"], Status="Inactive")
    with pytest.raises(ClientError):
        iamd.client(used["AccessKeyId"], used["SecretAccessKey"]).list_users()

    def recorded():
        last = root.get_access_key_last_used(AccessKeyId=used["AccessKeyId"])["AccessKeyLastUsed"]
        return "LastUsedDate" in last

    assert wait_until(recorded, timeout=12)

    assert root.generate_credential_report()["State"] == "STARTED"
    assert root.generate_credential_report()["State"] == "COMPLETE"
    report = root.get_credential_report()
    assert report["ReportFormat"] == "text/csv"
    assert "GeneratedTime" in report
    text = report["Content"].decode("utf-8")
    assert text.split("\n", 1)[0] == ",".join(COLUMNS)
    rows = list(csv.DictReader(io.StringIO(text)))
    assert all(len(r) == len(COLUMNS) for r in rows)

    root_row = rows[0]
    assert root_row["user"] == "<root_account>"
    assert root_row["arn"] == f"arn:aws:iam::{ACCOUNT_ID}:root"
    assert DATE.match(root_row["user_creation_time"])
    assert root_row["password_enabled"] == "not_supported"
    assert root_row["password_last_used"] == "no_information"
    assert root_row["password_last_changed"] == "not_supported"
    assert root_row["password_next_rotation"] == "not_supported"
    assert root_row["access_key_1_active"] == "true"
    assert DATE.match(root_row["access_key_1_last_rotated"])
    # The root key signed every call of this test.
    assert DATE.match(root_row["access_key_1_last_used_date"])
    assert root_row["access_key_2_active"] == "false"
    assert root_row["access_key_2_last_rotated"] == "N/A"

    by_user = {r["user"]: r for r in rows[1:]}
    assert [r["user"] for r in rows[1:]] == sorted(by_user, key=str.lower)
    a = by_user[alice]
    assert a["arn"] == f"arn:aws:iam::{ACCOUNT_ID}:user/{alice}"
    assert a["password_enabled"] == "true"
    assert a["password_last_used"] == "no_information"
    assert DATE.match(a["password_last_changed"])
    assert DATE.match(a["password_next_rotation"]) and a["password_next_rotation"] > a["password_last_changed"]
    assert a["mfa_active"] == "true"
    assert a["access_key_1_active"] == "true"
    assert DATE.match(a["access_key_1_last_rotated"])
    assert DATE.match(a["access_key_1_last_used_date"])
    assert a["access_key_1_last_used_region"] == "us-east-1"
    assert a["access_key_1_last_used_service"] == "iam"
    assert a["access_key_2_active"] == "false"
    assert DATE.match(a["access_key_2_last_rotated"])
    assert [a["access_key_2_last_used_date"], a["access_key_2_last_used_region"], a["access_key_2_last_used_service"]] == ["N/A"] * 3
    assert [a["cert_1_active"], a["cert_1_last_rotated"], a["cert_2_active"], a["cert_2_last_rotated"]] == ["false", "N/A", "false", "N/A"]

    b = by_user[bob]
    assert {k: v for k, v in b.items() if k not in ("user", "arn", "user_creation_time")} == {
        "password_enabled": "false",
        "password_last_used": "N/A",
        "password_last_changed": "N/A",
        "password_next_rotation": "N/A",
        "mfa_active": "false",
        "access_key_1_active": "false",
        "access_key_1_last_rotated": "N/A",
        "access_key_1_last_used_date": "N/A",
        "access_key_1_last_used_region": "N/A",
        "access_key_1_last_used_service": "N/A",
        "access_key_2_active": "false",
        "access_key_2_last_rotated": "N/A",
        "access_key_2_last_used_date": "N/A",
        "access_key_2_last_used_region": "N/A",
        "access_key_2_last_used_service": "N/A",
        "cert_1_active": "false",
        "cert_1_last_rotated": "N/A",
        "cert_2_active": "false",
        "cert_2_last_rotated": "N/A",
    }


def test_reading_needs_permission(iamd, root, make_user):
    _, user = make_user(policy={"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "iam:GenerateCredentialReport", "Resource": "*"}]})
    assert user.generate_credential_report()["State"] in ("STARTED", "COMPLETE")
    with pytest.raises(ClientError) as e:
        user.get_credential_report()
    assert e.value.response["Error"]["Code"] == "AccessDenied"
