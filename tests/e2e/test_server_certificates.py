"""IAM server certificates: upload with a chain and tags (RSA and ECDSA keys, PKCS #8,
PKCS #1 and SEC 1), get (never the private key), list by path, rename and move, tags, delete,
the account summary's count; refusals: malformed or expired certificates, a key that
is not the certificate's, unreadable keys, duplicate names, authorization by ARN. The
private key is not readable in the data directory. Certificates come from `cryptography`."""
import datetime
import json

import pytest
from botocore.exceptions import ClientError
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import NameOID

from conftest import ACCOUNT_ID, unique


def error_of(call, *args, **kwargs):
    with pytest.raises(ClientError) as e:
        call(*args, **kwargs)
    return e.value.response["Error"]


def issue(key, issuer_key=None, days=365, start_days_ago=1, cn="www.example.com"):
    now = datetime.datetime.now(datetime.timezone.utc)
    start = now - datetime.timedelta(days=start_days_ago)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)])
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Example CA")]))
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(start + datetime.timedelta(days=days))
        .sign(issuer_key or key, hashes.SHA256())
    )
    return cert


def pem_cert(cert):
    return cert.public_bytes(serialization.Encoding.PEM).decode()


def pkcs8(key):
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()).decode()


def pkcs1(key):
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL, serialization.NoEncryption()
    ).decode()


def test_upload_get_list_update_tag_delete(iamd, root):
    ca = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    ca_cert = issue(ca, cn="Example CA")
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    cert = issue(key, issuer_key=ca)
    name = unique("web")
    before = root.get_account_summary()["SummaryMap"]["ServerCertificates"]
    uploaded = root.upload_server_certificate(
        Path="/cloudfront/",
        ServerCertificateName=name,
        CertificateBody=pem_cert(cert),
        PrivateKey=pkcs8(key),
        CertificateChain=pem_cert(ca_cert),
        Tags=[{"Key": "env", "Value": "prod"}],
    )
    meta = uploaded["ServerCertificateMetadata"]
    assert meta["Arn"] == f"arn:aws:iam::{ACCOUNT_ID}:server-certificate/cloudfront/{name}"
    assert meta["ServerCertificateId"].startswith("ASCA")
    assert meta["Expiration"] == cert.not_valid_after_utc
    assert uploaded["Tags"] == [{"Key": "env", "Value": "prod"}]
    assert root.get_account_summary()["SummaryMap"]["ServerCertificates"] == before + 1

    got = root.get_server_certificate(ServerCertificateName=name)["ServerCertificate"]
    assert x509.load_pem_x509_certificate(got["CertificateBody"].encode()) == cert
    assert x509.load_pem_x509_certificate(got["CertificateChain"].encode()) == ca_cert
    assert "PrivateKey" not in json.dumps(got, default=str)
    assert got["Tags"] == [{"Key": "env", "Value": "prod"}]
    # The private key is sealed at rest.
    key_body = "".join(pkcs8(key).splitlines()[1:-1])[:64]
    for path in iamd.data_dir.rglob("*"):
        if path.is_file():
            assert key_body.encode() not in path.read_bytes(), path

    listed = root.list_server_certificates(PathPrefix="/cloudfront/")["ServerCertificateMetadataList"]
    assert [m["ServerCertificateName"] for m in listed] == [name]
    assert root.list_server_certificates(PathPrefix="/elb/")["ServerCertificateMetadataList"] == []

    renamed = unique("renamed")
    root.update_server_certificate(ServerCertificateName=name, NewServerCertificateName=renamed, NewPath="/elb/")
    assert error_of(root.get_server_certificate, ServerCertificateName=name)["Code"] == "NoSuchEntity"
    moved = root.get_server_certificate(ServerCertificateName=renamed)["ServerCertificate"]["ServerCertificateMetadata"]
    assert moved["Path"] == "/elb/" and moved["ServerCertificateId"] == meta["ServerCertificateId"]

    root.tag_server_certificate(ServerCertificateName=renamed, Tags=[{"Key": "team", "Value": "web"}])
    root.untag_server_certificate(ServerCertificateName=renamed, TagKeys=["env"])
    assert root.list_server_certificate_tags(ServerCertificateName=renamed)["Tags"] == [{"Key": "team", "Value": "web"}]

    root.delete_server_certificate(ServerCertificateName=renamed)
    assert error_of(root.delete_server_certificate, ServerCertificateName=renamed)["Code"] == "NoSuchEntity"
    assert root.get_account_summary()["SummaryMap"]["ServerCertificates"] == before


def test_other_key_kinds_and_refusals(root):
    ec_key = ec.generate_private_key(ec.SECP256R1())
    ec_name = unique("ec")
    root.upload_server_certificate(ServerCertificateName=ec_name, CertificateBody=pem_cert(issue(ec_key)), PrivateKey=pkcs8(ec_key))
    # OpenSSL's own EC form (SEC 1, "EC PRIVATE KEY"), on P-384.
    sec1_key = ec.generate_private_key(ec.SECP384R1())
    sec1_name = unique("sec1")
    root.upload_server_certificate(ServerCertificateName=sec1_name, CertificateBody=pem_cert(issue(sec1_key)), PrivateKey=pkcs1(sec1_key))
    err = error_of(
        root.upload_server_certificate,
        ServerCertificateName=unique("x"),
        CertificateBody=pem_cert(issue(ec_key)),
        PrivateKey=pkcs1(ec.generate_private_key(ec.SECP256R1())),
    )
    assert err["Code"] == "KeyPairMismatch"
    rsa_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    rsa_cert = issue(rsa_key)
    pkcs1_name = unique("pkcs1")
    root.upload_server_certificate(ServerCertificateName=pkcs1_name, CertificateBody=pem_cert(rsa_cert), PrivateKey=pkcs1(rsa_key))

    other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    err = error_of(root.upload_server_certificate, ServerCertificateName=unique("x"), CertificateBody=pem_cert(rsa_cert), PrivateKey=pkcs8(other))
    assert err["Code"] == "KeyPairMismatch"
    err = error_of(root.upload_server_certificate, ServerCertificateName=unique("x"), CertificateBody=pem_cert(rsa_cert), PrivateKey="not a key")
    assert err["Code"] == "MalformedCertificate"
    err = error_of(root.upload_server_certificate, ServerCertificateName=unique("x"), CertificateBody="garbage", PrivateKey=pkcs8(rsa_key))
    assert err["Code"] == "MalformedCertificate"
    expired = issue(rsa_key, days=5, start_days_ago=10)
    err = error_of(root.upload_server_certificate, ServerCertificateName=unique("x"), CertificateBody=pem_cert(expired), PrivateKey=pkcs8(rsa_key))
    assert err["Code"] == "MalformedCertificate"
    err = error_of(
        root.upload_server_certificate,
        ServerCertificateName=unique("x"),
        CertificateBody=pem_cert(rsa_cert),
        PrivateKey=pkcs8(rsa_key),
        CertificateChain="not a chain",
    )
    assert err["Code"] == "MalformedCertificate"
    err = error_of(root.upload_server_certificate, ServerCertificateName=pkcs1_name.upper(), CertificateBody=pem_cert(rsa_cert), PrivateKey=pkcs8(rsa_key))
    assert err["Code"] == "EntityAlreadyExists"
    for name in [ec_name, sec1_name, pkcs1_name]:
        root.delete_server_certificate(ServerCertificateName=name)


def test_authorization_by_certificate_arn(root, make_user):
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    allowed, denied = unique("allowed"), unique("denied")
    for name in [allowed, denied]:
        root.upload_server_certificate(ServerCertificateName=name, CertificateBody=pem_cert(issue(key, cn=name)), PrivateKey=pkcs8(key))
    policy = {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Action": "iam:GetServerCertificate", "Resource": f"arn:aws:iam::{ACCOUNT_ID}:server-certificate/{allowed}"},
            {"Effect": "Allow", "Action": "iam:ListServerCertificates", "Resource": "*"},
        ],
    }
    _, client = make_user(policy=json.dumps(policy))
    client.get_server_certificate(ServerCertificateName=allowed)
    assert error_of(client.get_server_certificate, ServerCertificateName=denied)["Code"] == "AccessDenied"
    assert error_of(client.delete_server_certificate, ServerCertificateName=allowed)["Code"] == "AccessDenied"
    assert {allowed, denied} <= {m["ServerCertificateName"] for m in client.list_server_certificates()["ServerCertificateMetadataList"]}
    for name in [allowed, denied]:
        root.delete_server_certificate(ServerCertificateName=name)
