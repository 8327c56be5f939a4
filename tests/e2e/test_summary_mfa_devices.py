"""GetAccountSummary counts the account's MFA devices: every virtual device created
(`MFADevices`) and those assigned to a user (`MFADevicesInUse`). This module has its own
iamd (the `iamd` fixture is per module), so the counts are its own."""
from conftest import unique
from totp_codes import code, current_step


def mfa_counts(root):
    summary = root.get_account_summary()["SummaryMap"]
    return summary["MFADevices"], summary["MFADevicesInUse"]


def test_summary_counts_created_and_assigned_devices(root):
    assert mfa_counts(root) == (0, 0)
    devices = [
        root.create_virtual_mfa_device(VirtualMFADeviceName=unique("mfa"))["VirtualMFADevice"] for _ in range(2)
    ]
    assert mfa_counts(root) == (2, 0)

    user = unique("mfa-user")
    root.create_user(UserName=user)
    serial, seed = devices[0]["SerialNumber"], devices[0]["Base32StringSeed"]
    step = current_step()
    root.enable_mfa_device(
        UserName=user, SerialNumber=serial, AuthenticationCode1=code(seed, step - 1), AuthenticationCode2=code(seed, step)
    )
    assert mfa_counts(root) == (2, 1)

    root.deactivate_mfa_device(UserName=user, SerialNumber=serial)
    assert mfa_counts(root) == (2, 0)
    root.delete_virtual_mfa_device(SerialNumber=devices[1]["SerialNumber"])
    assert mfa_counts(root) == (1, 0)
