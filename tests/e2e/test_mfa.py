"""Virtual MFA devices: creation (seed and QR code), enabling with two consecutive
codes, single-use codes, throttling of wrong codes, resync, listings, tags, conflicts."""
import base64

import pytest
from botocore.exceptions import ClientError

from conftest import ACCOUNT_ID, unique
from totp_codes import code, current_step, wrong_code


def error_of(call, *args, **kwargs):
    with pytest.raises(ClientError) as e:
        call(*args, **kwargs)
    return e.value.response["Error"]


def new_device(root, **kwargs):
    name = unique("mfa")
    device = root.create_virtual_mfa_device(VirtualMFADeviceName=name, **kwargs)["VirtualMFADevice"]
    return name, device


def enable(root, user, device):
    seed = device["Base32StringSeed"]
    s = current_step()
    root.enable_mfa_device(
        UserName=user,
        SerialNumber=device["SerialNumber"],
        AuthenticationCode1=code(seed, s - 1),
        AuthenticationCode2=code(seed, s),
    )
    return s


def test_code_helper_matches_rfc6238():
    # RFC 6238 appendix B (SHA-1), last six digits: the codes below are a real app's.
    seed = base64.b32encode(b"12345678901234567890")
    assert code(seed, 59 // 30) == "287082"
    assert code(seed, 1111111109 // 30) == "081804"


def test_create_returns_seed_and_qr_code(iamd, root):
    name, device = new_device(root, Path="/team/")
    assert device["SerialNumber"] == f"arn:aws:iam::{ACCOUNT_ID}:mfa/team/{name}"
    seed = device["Base32StringSeed"]  # the base32 text, as bytes
    assert len(seed) == 64
    assert len(base64.b32decode(seed)) == 40
    assert device["QRCodePNG"].startswith(b"\x89PNG\r\n\x1a\n")
    again = error_of(root.create_virtual_mfa_device, VirtualMFADeviceName=name, Path="/team/")
    assert again["Code"] == "EntityAlreadyExists"
    unassigned = root.list_virtual_mfa_devices(AssignmentStatus="Unassigned")["VirtualMFADevices"]
    assert device["SerialNumber"] in [d["SerialNumber"] for d in unassigned]
    # The seed is sealed at rest: neither its text nor its bytes are in the data dir.
    raw = base64.b32decode(seed)
    for path in iamd.data_dir.iterdir():
        if path.is_file() and path.name != "master.key":
            content = path.read_bytes()
            assert seed not in content and raw not in content, path.name


def test_enable_list_replay_resync_deactivate_delete(root):
    user = unique("mfauser")
    root.create_user(UserName=user)
    _, device = new_device(root)
    serial, seed = device["SerialNumber"], device["Base32StringSeed"]

    # Two codes that are not consecutive are refused.
    s = current_step()
    bad = error_of(
        root.enable_mfa_device,
        UserName=user,
        SerialNumber=serial,
        AuthenticationCode1=code(seed, s - 2),
        AuthenticationCode2=code(seed, s),
    )
    assert bad["Code"] == "InvalidAuthenticationCode"

    s = enable(root, user, device)
    listed = root.list_mfa_devices(UserName=user)["MFADevices"]
    assert [(d["UserName"], d["SerialNumber"]) for d in listed] == [(user, serial)]
    assert "EnableDate" in listed[0]
    assigned = root.list_virtual_mfa_devices(AssignmentStatus="Assigned")["VirtualMFADevices"]
    mine = [d for d in assigned if d["SerialNumber"] == serial]
    assert mine and mine[0]["User"]["UserName"] == user and "EnableDate" in mine[0]
    unassigned = root.list_virtual_mfa_devices(AssignmentStatus="Unassigned")["VirtualMFADevices"]
    assert serial not in [d["SerialNumber"] for d in unassigned]
    got = root.get_mfa_device(UserName=user, SerialNumber=serial)
    assert got["SerialNumber"] == serial and got["UserName"] == user

    # A device serves one user.
    other = unique("mfaother")
    root.create_user(UserName=other)
    in_use = error_of(
        root.enable_mfa_device,
        UserName=other,
        SerialNumber=serial,
        AuthenticationCode1=code(seed, s + 1),
        AuthenticationCode2=code(seed, s + 2),
    )
    assert in_use["Code"] == "EntityAlreadyExists"

    # Codes already accepted are never accepted again, not even to resync.
    replay = error_of(
        root.resync_mfa_device,
        UserName=user,
        SerialNumber=serial,
        AuthenticationCode1=code(seed, s - 1),
        AuthenticationCode2=code(seed, s),
    )
    assert replay["Code"] == "InvalidAuthenticationCode"
    root.resync_mfa_device(
        UserName=user,
        SerialNumber=serial,
        AuthenticationCode1=code(seed, s + 3),
        AuthenticationCode2=code(seed, s + 4),
    )

    # Neither the device nor its user can be deleted while it is enabled.
    assert error_of(root.delete_virtual_mfa_device, SerialNumber=serial)["Code"] == "DeleteConflict"
    conflict = error_of(root.delete_user, UserName=user)
    assert conflict["Code"] == "DeleteConflict"
    assert "MFA device" in conflict["Message"]

    root.deactivate_mfa_device(UserName=user, SerialNumber=serial)
    assert root.list_mfa_devices(UserName=user)["MFADevices"] == []
    assert error_of(root.get_mfa_device, UserName=user, SerialNumber=serial)["Code"] == "NoSuchEntity"
    unassigned = root.list_virtual_mfa_devices(AssignmentStatus="Unassigned")["VirtualMFADevices"]
    assert serial in [d["SerialNumber"] for d in unassigned]
    gone = error_of(root.deactivate_mfa_device, UserName=user, SerialNumber=serial)
    assert gone["Code"] == "NoSuchEntity"

    root.delete_virtual_mfa_device(SerialNumber=serial)
    assert error_of(root.delete_virtual_mfa_device, SerialNumber=serial)["Code"] == "NoSuchEntity"
    root.delete_user(UserName=user)


def test_wrong_codes_are_throttled(root):
    user = unique("guesser")
    root.create_user(UserName=user)
    _, device = new_device(root)
    serial, seed = device["SerialNumber"], device["Base32StringSeed"]
    s = current_step()
    wrong = wrong_code(seed, s)
    refusals = []
    for _ in range(5):
        refusals.append(
            error_of(
                root.enable_mfa_device,
                UserName=user,
                SerialNumber=serial,
                AuthenticationCode1=wrong,
                AuthenticationCode2=wrong,
            )["Code"]
        )
    assert refusals == ["InvalidAuthenticationCode"] * 5
    # Even the right codes are refused now, until the failure window ends.
    s = current_step()
    throttled = error_of(
        root.enable_mfa_device,
        UserName=user,
        SerialNumber=serial,
        AuthenticationCode1=code(seed, s - 1),
        AuthenticationCode2=code(seed, s),
    )
    assert throttled["Code"] == "LimitExceeded"
    assert root.list_mfa_devices(UserName=user)["MFADevices"] == []


def test_tags(root):
    _, device = new_device(root, Tags=[{"Key": "team", "Value": "red"}])
    serial = device["SerialNumber"]
    assert device["Tags"] == [{"Key": "team", "Value": "red"}]
    root.tag_mfa_device(SerialNumber=serial, Tags=[{"Key": "env", "Value": "prod"}, {"Key": "TEAM", "Value": "blue"}])
    tags = root.list_mfa_device_tags(SerialNumber=serial)["Tags"]
    assert {t["Key"].lower(): t["Value"] for t in tags} == {"team": "blue", "env": "prod"}
    root.untag_mfa_device(SerialNumber=serial, TagKeys=["env"])
    assert [t["Value"] for t in root.list_mfa_device_tags(SerialNumber=serial)["Tags"]] == ["blue"]
    missing = f"arn:aws:iam::{ACCOUNT_ID}:mfa/{unique('none')}"
    assert error_of(root.list_mfa_device_tags, SerialNumber=missing)["Code"] == "NoSuchEntity"
    root.delete_virtual_mfa_device(SerialNumber=serial)


def test_users_manage_their_own_devices_when_allowed(iamd, root, make_user):
    import json

    name, user = make_user()
    policy = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Action": ["iam:EnableMFADevice", "iam:ListMFADevices", "iam:DeactivateMFADevice"],
                "Resource": f"arn:aws:iam::{ACCOUNT_ID}:user/{name}",
            }
        ],
    }
    root.put_user_policy(UserName=name, PolicyName="own-mfa", PolicyDocument=json.dumps(policy))
    _, device = new_device(root)
    # Creating a device needs iam:CreateVirtualMFADevice, which the user lacks.
    assert error_of(user.create_virtual_mfa_device, VirtualMFADeviceName=unique("x"))["Code"] == "AccessDenied"
    enable(user, name, device)
    assert [d["SerialNumber"] for d in user.list_mfa_devices()["MFADevices"]] == [device["SerialNumber"]]
    user.deactivate_mfa_device(SerialNumber=device["SerialNumber"])
    assert user.list_mfa_devices()["MFADevices"] == []
    root.delete_virtual_mfa_device(SerialNumber=device["SerialNumber"])
