"""SSH public keys of IAM users: upload as an ssh-rsa line or PEM, get in either
encoding, MD5 fingerprints as ssh-keygen prints them, status, list, delete, the
per-user limit, duplicate and malformed keys, DeleteUser conflicts, and authorization
on the user the key belongs to. Keys are made by `cryptography`, independently of iamd."""
import base64
import hashlib
import json

import pytest
from botocore.exceptions import ClientError
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519, rsa

from conftest import ACCOUNT_ID, unique


def error_of(call, *args, **kwargs):
    with pytest.raises(ClientError) as e:
        call(*args, **kwargs)
    return e.value.response["Error"]


def rsa_key(bits=2048):
    return rsa.generate_private_key(public_exponent=65537, key_size=bits).public_key()


def openssh(public_key):
    return public_key.public_bytes(serialization.Encoding.OpenSSH, serialization.PublicFormat.OpenSSH).decode()


def pem(public_key):
    return public_key.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()


def md5_fingerprint(openssh_line):
    blob = base64.b64decode(openssh_line.split()[1])
    digest = hashlib.md5(blob).hexdigest()
    return ":".join(digest[i : i + 2] for i in range(0, 32, 2))


def test_upload_get_in_both_encodings_list_update_delete(root):
    user = unique("ssh")
    root.create_user(UserName=user)
    key = rsa_key()
    line = openssh(key) + " jane@laptop"
    uploaded = root.upload_ssh_public_key(UserName=user, SSHPublicKeyBody=line)["SSHPublicKey"]
    key_id = uploaded["SSHPublicKeyId"]
    assert key_id.startswith("APKA") and len(key_id) >= 20
    assert uploaded["Status"] == "Active"
    assert uploaded["Fingerprint"] == md5_fingerprint(line)
    assert uploaded["SSHPublicKeyBody"] == openssh(key)

    as_pem = root.get_ssh_public_key(UserName=user, SSHPublicKeyId=key_id, Encoding="PEM")["SSHPublicKey"]
    loaded = serialization.load_pem_public_key(as_pem["SSHPublicKeyBody"].encode())
    assert loaded.public_numbers() == key.public_numbers()
    as_ssh = root.get_ssh_public_key(UserName=user, SSHPublicKeyId=key_id, Encoding="SSH")["SSHPublicKey"]
    assert as_ssh["SSHPublicKeyBody"] == openssh(key)

    # A PEM upload is the same kind of key, with the same fingerprint as its ssh-rsa form.
    other = rsa_key(3072)
    from_pem = root.upload_ssh_public_key(UserName=user, SSHPublicKeyBody=pem(other))["SSHPublicKey"]
    assert from_pem["Fingerprint"] == md5_fingerprint(openssh(other))
    assert from_pem["SSHPublicKeyBody"] == openssh(other)

    listed = root.list_ssh_public_keys(UserName=user)["SSHPublicKeys"]
    assert sorted(k["SSHPublicKeyId"] for k in listed) == sorted([key_id, from_pem["SSHPublicKeyId"]])
    root.update_ssh_public_key(UserName=user, SSHPublicKeyId=key_id, Status="Inactive")
    statuses = {k["SSHPublicKeyId"]: k["Status"] for k in root.list_ssh_public_keys(UserName=user)["SSHPublicKeys"]}
    assert statuses[key_id] == "Inactive"
    assert error_of(root.update_ssh_public_key, UserName=user, SSHPublicKeyId=key_id, Status="Expired")["Code"] == "InvalidInput"
    page = root.list_ssh_public_keys(UserName=user, MaxItems=1)
    assert page["IsTruncated"] and len(page["SSHPublicKeys"]) == 1
    rest = root.list_ssh_public_keys(UserName=user, Marker=page["Marker"])["SSHPublicKeys"]
    assert len(rest) == 1 and rest[0]["SSHPublicKeyId"] != page["SSHPublicKeys"][0]["SSHPublicKeyId"]

    # A user with keys cannot be deleted before its keys.
    err = error_of(root.delete_user, UserName=user)
    assert err["Code"] == "DeleteConflict" and "SSH public keys" in err["Message"]
    root.delete_ssh_public_key(UserName=user, SSHPublicKeyId=key_id)
    root.delete_ssh_public_key(UserName=user, SSHPublicKeyId=from_pem["SSHPublicKeyId"])
    assert error_of(root.get_ssh_public_key, UserName=user, SSHPublicKeyId=key_id, Encoding="SSH")["Code"] == "NoSuchEntity"
    assert error_of(root.delete_ssh_public_key, UserName=user, SSHPublicKeyId=key_id)["Code"] == "NoSuchEntity"
    root.delete_user(UserName=user)


def test_refusals(root):
    user = unique("sshbad")
    root.create_user(UserName=user)
    line = openssh(rsa_key())
    root.upload_ssh_public_key(UserName=user, SSHPublicKeyBody=line)
    assert error_of(root.upload_ssh_public_key, UserName=user, SSHPublicKeyBody=line)["Code"] == "DuplicateSSHPublicKey"
    short = openssh(rsa_key(1024))
    assert error_of(root.upload_ssh_public_key, UserName=user, SSHPublicKeyBody=short)["Code"] == "InvalidPublicKey"
    ed = ed25519.Ed25519PrivateKey.generate().public_key()
    assert error_of(root.upload_ssh_public_key, UserName=user, SSHPublicKeyBody=openssh(ed))["Code"] == "UnrecognizedPublicKeyEncoding"
    assert error_of(root.upload_ssh_public_key, UserName=user, SSHPublicKeyBody="not a key")["Code"] == "UnrecognizedPublicKeyEncoding"
    broken = line[:60]
    assert error_of(root.upload_ssh_public_key, UserName=user, SSHPublicKeyBody=broken)["Code"] == "InvalidPublicKey"
    assert error_of(root.upload_ssh_public_key, UserName=unique("nobody"), SSHPublicKeyBody=line)["Code"] == "NoSuchEntity"
    # Five keys per user.
    for _ in range(4):
        root.upload_ssh_public_key(UserName=user, SSHPublicKeyBody=openssh(rsa_key()))
    assert error_of(root.upload_ssh_public_key, UserName=user, SSHPublicKeyBody=openssh(rsa_key()))["Code"] == "LimitExceeded"


def test_users_manage_their_own_keys_only(root, make_user):
    policy = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Action": ["iam:UploadSSHPublicKey", "iam:GetSSHPublicKey", "iam:ListSSHPublicKeys", "iam:DeleteSSHPublicKey"],
                "Resource": f"arn:aws:iam::{ACCOUNT_ID}:user/${{aws:username}}",
            }
        ],
    }
    name, client = make_user(policy=json.dumps(policy))
    own = client.upload_ssh_public_key(UserName=name, SSHPublicKeyBody=openssh(rsa_key()))["SSHPublicKey"]
    # Without UserName the caller's own keys are listed.
    assert [k["SSHPublicKeyId"] for k in client.list_ssh_public_keys()["SSHPublicKeys"]] == [own["SSHPublicKeyId"]]
    other = unique("other")
    root.create_user(UserName=other)
    assert error_of(client.upload_ssh_public_key, UserName=other, SSHPublicKeyBody=openssh(rsa_key()))["Code"] == "AccessDenied"
    assert error_of(client.update_ssh_public_key, UserName=name, SSHPublicKeyId=own["SSHPublicKeyId"], Status="Inactive")["Code"] == "AccessDenied"
