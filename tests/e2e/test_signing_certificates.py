"""X.509 signing certificates of users and of the account root: upload (PEM, checked
for shape and validity period), list, status, delete, two per user, one owner per
certificate in an account, the root's own certificates in the account summary,
DeleteUser conflicts and authorization. Certificates are made by `cryptography`."""
import datetime
import json

import pytest
from botocore.exceptions import ClientError
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

from conftest import ACCOUNT_ID, unique


def error_of(call, *args, **kwargs):
    with pytest.raises(ClientError) as e:
        call(*args, **kwargs)
    return e.value.response["Error"]


def certificate(days_valid=365, start_days_ago=1):
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, unique("signer"))])
    now = datetime.datetime.now(datetime.timezone.utc)
    start = now - datetime.timedelta(days=start_days_ago)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(start + datetime.timedelta(days=days_valid))
        .sign(key, hashes.SHA256())
    )
    return cert.public_bytes(serialization.Encoding.PEM).decode()


def test_user_certificates_lifecycle(root):
    user = unique("signer")
    root.create_user(UserName=user)
    body = certificate()
    uploaded = root.upload_signing_certificate(UserName=user, CertificateBody=body)["Certificate"]
    cert_id = uploaded["CertificateId"]
    assert len(cert_id) >= 24 and uploaded["Status"] == "Active" and uploaded["UserName"] == user
    parsed = x509.load_pem_x509_certificate(uploaded["CertificateBody"].encode())
    assert parsed == x509.load_pem_x509_certificate(body.encode())

    # One owner per certificate in the account; two certificates per user.
    other = unique("other")
    root.create_user(UserName=other)
    assert error_of(root.upload_signing_certificate, UserName=other, CertificateBody=body)["Code"] == "DuplicateCertificate"
    root.upload_signing_certificate(UserName=user, CertificateBody=certificate())
    assert error_of(root.upload_signing_certificate, UserName=user, CertificateBody=certificate())["Code"] == "LimitExceeded"

    listed = root.list_signing_certificates(UserName=user)["Certificates"]
    assert cert_id in [c["CertificateId"] for c in listed] and len(listed) == 2
    root.update_signing_certificate(UserName=user, CertificateId=cert_id, Status="Inactive")
    statuses = {c["CertificateId"]: c["Status"] for c in root.list_signing_certificates(UserName=user)["Certificates"]}
    assert statuses[cert_id] == "Inactive"

    err = error_of(root.delete_user, UserName=user)
    assert err["Code"] == "DeleteConflict" and "signing certificates" in err["Message"]
    for c in listed:
        root.delete_signing_certificate(UserName=user, CertificateId=c["CertificateId"])
    assert error_of(root.delete_signing_certificate, UserName=user, CertificateId=cert_id)["Code"] == "NoSuchEntity"
    root.delete_user(UserName=user)


def test_malformed_and_expired_certificates(root):
    user = unique("badcert")
    root.create_user(UserName=user)
    for body in ["not a certificate", "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----", certificate() + certificate()]:
        assert error_of(root.upload_signing_certificate, UserName=user, CertificateBody=body)["Code"] == "MalformedCertificate"
    expired = certificate(days_valid=10, start_days_ago=20)
    err = error_of(root.upload_signing_certificate, UserName=user, CertificateBody=expired)
    assert err["Code"] == "MalformedCertificate" and "expired" in err["Message"]
    future = certificate(start_days_ago=-5)
    assert error_of(root.upload_signing_certificate, UserName=user, CertificateBody=future)["Code"] == "MalformedCertificate"
    assert error_of(root.upload_signing_certificate, UserName=unique("nobody"), CertificateBody=certificate())["Code"] == "NoSuchEntity"


def test_root_certificates_and_the_account_summary(root):
    assert root.get_account_summary()["SummaryMap"]["AccountSigningCertificatesPresent"] == 0
    own = root.upload_signing_certificate(CertificateBody=certificate())["Certificate"]
    assert root.get_account_summary()["SummaryMap"]["AccountSigningCertificatesPresent"] == 1
    assert [c["CertificateId"] for c in root.list_signing_certificates()["Certificates"]] == [own["CertificateId"]]
    root.delete_signing_certificate(CertificateId=own["CertificateId"])
    assert root.get_account_summary()["SummaryMap"]["AccountSigningCertificatesPresent"] == 0


def test_users_manage_their_own_certificates_only(root, make_user):
    policy = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Action": ["iam:UploadSigningCertificate", "iam:ListSigningCertificates"],
                "Resource": f"arn:aws:iam::{ACCOUNT_ID}:user/${{aws:username}}",
            }
        ],
    }
    name, client = make_user(policy=json.dumps(policy))
    own = client.upload_signing_certificate(CertificateBody=certificate())["Certificate"]
    assert own["UserName"] == name
    assert [c["CertificateId"] for c in client.list_signing_certificates()["Certificates"]] == [own["CertificateId"]]
    other = unique("other")
    root.create_user(UserName=other)
    assert error_of(client.upload_signing_certificate, UserName=other, CertificateBody=certificate())["Code"] == "AccessDenied"
    assert error_of(client.delete_signing_certificate, CertificateId=own["CertificateId"])["Code"] == "AccessDenied"


def test_the_credential_report_shows_certificates(root):
    import csv
    import io

    user = unique("reported")
    root.create_user(UserName=user)
    first = root.upload_signing_certificate(UserName=user, CertificateBody=certificate())["Certificate"]
    root.upload_signing_certificate(UserName=user, CertificateBody=certificate())
    root.update_signing_certificate(UserName=user, CertificateId=first["CertificateId"], Status="Inactive")
    root_cert = root.upload_signing_certificate(CertificateBody=certificate())["Certificate"]
    root.generate_credential_report()
    assert root.generate_credential_report()["State"] == "COMPLETE"
    rows = {r["user"]: r for r in csv.DictReader(io.StringIO(root.get_credential_report()["Content"].decode()))}
    row = rows[user]
    assert row["cert_1_active"] == "false" and row["cert_2_active"] == "true"
    assert row["cert_1_last_rotated"] == first["UploadDate"].isoformat()
    assert rows["<root_account>"]["cert_1_active"] == "true" and rows["<root_account>"]["cert_2_active"] == "false"
    root.delete_signing_certificate(CertificateId=root_cert["CertificateId"])
