"""Login profiles, ChangePassword and the account password policy: the policy is
enforced on every set and change (AWS's default without one), reuse prevention,
PasswordPolicyViolation wording, DeleteUser conflicts. Passwords never come back."""
import json

import pytest
from botocore.exceptions import ClientError

from conftest import ACCOUNT_ID, unique


def error_of(call, *args, **kwargs):
    with pytest.raises(ClientError) as e:
        call(*args, **kwargs)
    return e.value.response["Error"]


@pytest.fixture
def no_policy(root):
    """Each test starts and ends without an account password policy."""
    def clear():
        try:
            root.delete_account_password_policy()
        except ClientError as e:
            assert e.response["Error"]["Code"] == "NoSuchEntity"

    clear()
    yield
    clear()


STRICT = dict(
    MinimumPasswordLength=10,
    RequireSymbols=True,
    RequireNumbers=True,
    RequireUppercaseCharacters=True,
    RequireLowercaseCharacters=True,
    AllowUsersToChangePassword=True,
    MaxPasswordAge=90,
    PasswordReusePrevention=2,
    HardExpiry=False,
)


def test_policy_get_update_delete(root, no_policy):
    missing = error_of(root.get_account_password_policy)
    assert missing["Code"] == "NoSuchEntity"
    assert missing["Message"] == f"The Password Policy with domain name {ACCOUNT_ID} cannot be found."

    root.update_account_password_policy(**STRICT)
    policy = root.get_account_password_policy()["PasswordPolicy"]
    assert policy == {
        "MinimumPasswordLength": 10,
        "RequireSymbols": True,
        "RequireNumbers": True,
        "RequireUppercaseCharacters": True,
        "RequireLowercaseCharacters": True,
        "AllowUsersToChangePassword": True,
        "ExpirePasswords": True,
        "MaxPasswordAge": 90,
        "PasswordReusePrevention": 2,
        "HardExpiry": False,
    }

    # The call sets the whole policy: members left out take their defaults.
    root.update_account_password_policy(MinimumPasswordLength=12)
    policy = root.get_account_password_policy()["PasswordPolicy"]
    assert policy["MinimumPasswordLength"] == 12
    assert policy["RequireSymbols"] is False and policy["ExpirePasswords"] is False
    assert "MaxPasswordAge" not in policy and "PasswordReusePrevention" not in policy

    root.delete_account_password_policy()
    assert error_of(root.delete_account_password_policy)["Code"] == "NoSuchEntity"


def test_the_default_policy_applies_without_one(root, no_policy):
    name = unique("pw")
    root.create_user(UserName=name)
    weak = error_of(root.create_login_profile, UserName=name, Password="password")
    assert weak["Code"] == "PasswordPolicyViolation"
    profile = root.create_login_profile(UserName=name, Password="Passw0rdOk", PasswordResetRequired=True)
    assert profile["LoginProfile"]["UserName"] == name
    assert profile["LoginProfile"]["PasswordResetRequired"] is True
    assert "Password" not in profile["LoginProfile"]


def test_login_profile_lifecycle_under_a_policy(root, no_policy):
    root.update_account_password_policy(**STRICT)
    name = unique("pw")
    root.create_user(UserName=name)
    assert error_of(root.get_login_profile, UserName=name)["Code"] == "NoSuchEntity"

    short = error_of(root.create_login_profile, UserName=name, Password="Aa1!")
    assert short["Code"] == "PasswordPolicyViolation"
    assert "Password should have a minimum length of 10" in short["Message"]
    no_symbol = error_of(root.create_login_profile, UserName=name, Password="Abcdefghij1")
    assert no_symbol["Message"] == "Password should have at least one symbol"
    no_upper = error_of(root.create_login_profile, UserName=name, Password="abcdefghij1!")
    assert no_upper["Message"] == "Password should have at least one uppercase letter"

    created = root.create_login_profile(UserName=name, Password="First-Passw0rd")["LoginProfile"]
    assert created["PasswordResetRequired"] is False
    got = root.get_login_profile(UserName=name)["LoginProfile"]
    assert got["UserName"] == name and got["CreateDate"] == created["CreateDate"]
    again = error_of(root.create_login_profile, UserName=name, Password="First-Passw0rd")
    assert again["Code"] == "EntityAlreadyExists"

    # Updates are checked too, including reuse of the current password.
    weak = error_of(root.update_login_profile, UserName=name, Password="weak")
    assert weak["Code"] == "PasswordPolicyViolation"
    reused = error_of(root.update_login_profile, UserName=name, Password="First-Passw0rd")
    assert reused["Code"] == "PasswordPolicyViolation"
    root.update_login_profile(UserName=name, Password="Second-Passw0rd", PasswordResetRequired=True)
    assert root.get_login_profile(UserName=name)["LoginProfile"]["PasswordResetRequired"] is True

    # DeleteUser refuses while the profile exists.
    conflict = error_of(root.delete_user, UserName=name)
    assert conflict["Code"] == "DeleteConflict"
    assert conflict["Message"] == "Cannot delete entity, must delete login profile first."
    root.delete_login_profile(UserName=name)
    assert error_of(root.delete_login_profile, UserName=name)["Code"] == "NoSuchEntity"
    root.delete_user(UserName=name)


def test_change_password_by_the_user_itself(iamd, root, make_user, no_policy):
    root.update_account_password_policy(**STRICT)
    name, user = make_user(
        policy={
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Action": ["iam:ChangePassword", "iam:GetUser"],
                    "Resource": f"arn:aws:iam::{ACCOUNT_ID}:user/${{aws:username}}",
                }
            ],
        }
    )
    # Without a login profile there is no password to change.
    assert error_of(user.change_password, OldPassword="x", NewPassword="Whatever-Passw0rd")["Code"] == "NoSuchEntity"
    root.create_login_profile(UserName=name, Password="Original-Pass1", PasswordResetRequired=True)

    wrong_old = error_of(user.change_password, OldPassword="Not-The-Pass1", NewPassword="Changed-Pass1")
    assert wrong_old["Code"] == "AccessDenied"
    violating = error_of(user.change_password, OldPassword="Original-Pass1", NewPassword="changed")
    assert violating["Code"] == "PasswordPolicyViolation"
    same = error_of(user.change_password, OldPassword="Original-Pass1", NewPassword="Original-Pass1")
    assert same["Code"] == "PasswordPolicyViolation"

    user.change_password(OldPassword="Original-Pass1", NewPassword="Changed-Pass1")
    assert root.get_login_profile(UserName=name)["LoginProfile"]["PasswordResetRequired"] is False
    # The old password no longer works, and (reuse prevention 2) cannot come back next.
    assert error_of(user.change_password, OldPassword="Original-Pass1", NewPassword="Third-Pass1!")["Code"] == "AccessDenied"
    back = error_of(user.change_password, OldPassword="Changed-Pass1", NewPassword="Original-Pass1")
    assert back["Code"] == "PasswordPolicyViolation"
    user.change_password(OldPassword="Changed-Pass1", NewPassword="Third-Pass1!")
    # Two changes later the first password is forgotten and may be used again.
    user.change_password(OldPassword="Third-Pass1!", NewPassword="Original-Pass1")

    # The root has no password to change through the API.
    assert error_of(root.change_password, OldPassword="a", NewPassword="b")["Code"] == "InvalidUserType"

    # Without iam:ChangePassword (and without AllowUsersToChangePassword, which grants
    # it account-wide) a user cannot change its password.
    root.update_account_password_policy(**dict(STRICT, AllowUsersToChangePassword=False))
    other, other_client = make_user(policy={"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "iam:GetUser", "Resource": "*"}]})
    root.create_login_profile(UserName=other, Password="Original-Pass1")
    denied = error_of(other_client.change_password, OldPassword="Original-Pass1", NewPassword="Changed-Pass1")
    assert denied["Code"] == "AccessDenied"


def test_allow_users_to_change_password_grants_it_without_a_policy(iamd, root, make_user, no_policy):
    # A user with no policy at all.
    name, user = make_user()
    root.create_login_profile(UserName=name, Password="Original-Pass1")
    assert error_of(user.change_password, OldPassword="Original-Pass1", NewPassword="Changed-Pass1")["Code"] == "AccessDenied"
    assert error_of(user.get_account_password_policy)["Code"] == "AccessDenied"

    root.update_account_password_policy(MinimumPasswordLength=8, AllowUsersToChangePassword=True)
    user.change_password(OldPassword="Original-Pass1", NewPassword="Changed-Pass1")
    assert user.get_account_password_policy()["PasswordPolicy"]["AllowUsersToChangePassword"] is True
    # Only those two actions, and only for the user's own password.
    assert error_of(user.get_user)["Code"] == "AccessDenied"
    assert error_of(user.list_users)["Code"] == "AccessDenied"
    other = unique("other")
    root.create_user(UserName=other)
    assert error_of(user.update_login_profile, UserName=other, Password="Whatever-Pass1")["Code"] == "AccessDenied"

    # An explicit deny still wins over the account-level grant.
    root.put_user_policy(
        UserName=name,
        PolicyName="deny",
        PolicyDocument=json.dumps(
            {"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "iam:ChangePassword", "Resource": "*"}]}
        ),
    )
    assert error_of(user.change_password, OldPassword="Changed-Pass1", NewPassword="Third-Pass1!")["Code"] == "AccessDenied"
    root.delete_user_policy(UserName=name, PolicyName="deny")
    user.change_password(OldPassword="Changed-Pass1", NewPassword="Third-Pass1!")

    # Turning the setting off (or deleting the policy) takes the permission away at once.
    root.update_account_password_policy(MinimumPasswordLength=8, AllowUsersToChangePassword=False)
    assert error_of(user.change_password, OldPassword="Third-Pass1!", NewPassword="Fourth-Pass1!")["Code"] == "AccessDenied"
    root.update_account_password_policy(MinimumPasswordLength=8, AllowUsersToChangePassword=True)
    user.change_password(OldPassword="Third-Pass1!", NewPassword="Fourth-Pass1!")
    root.delete_account_password_policy()
    assert error_of(user.change_password, OldPassword="Fourth-Pass1!", NewPassword="Fifth-Pass1!")["Code"] == "AccessDenied"


def test_passwords_never_appear_in_the_log(iamd, root, no_policy):
    name = unique("pwlog")
    root.create_user(UserName=name)
    secret = "Very-Secret-Passw0rd-" + name
    root.create_login_profile(UserName=name, Password=secret)
    with pytest.raises(ClientError):
        root.update_login_profile(UserName=name, Password="weak")
    log = iamd.log_text()
    assert "CreateLoginProfile" in log
    assert secret not in log and "weak" not in log.split("CreateLoginProfile", 1)[1]
    for path in iamd.data_dir.iterdir():
        if path.is_file():
            assert secret.encode() not in path.read_bytes(), path.name
