"""Access keys: lifecycle, quota, refusal of inactive keys, last-used data."""
import pytest
from botocore.exceptions import ClientError

from conftest import unique, wait_until


def test_lifecycle_and_quota(iamd, root):
    name = unique("keys")
    root.create_user(UserName=name)
    first = root.create_access_key(UserName=name)["AccessKey"]
    assert first["AccessKeyId"].startswith("AKIA") and len(first["AccessKeyId"]) == 20
    assert len(first["SecretAccessKey"]) == 40
    assert first["Status"] == "Active"
    second = root.create_access_key(UserName=name)["AccessKey"]
    with pytest.raises(ClientError) as e:
        root.create_access_key(UserName=name)
    assert e.value.response["Error"]["Code"] == "LimitExceeded"
    assert e.value.response["Error"]["Message"] == "Cannot exceed quota for AccessKeysPerUser: 2"

    listed = root.list_access_keys(UserName=name)["AccessKeyMetadata"]
    assert sorted(k["AccessKeyId"] for k in listed) == sorted([first["AccessKeyId"], second["AccessKeyId"]])
    assert all("SecretAccessKey" not in k for k in listed)

    # The key works, then stops working once inactive, as on AWS.
    user = iamd.client(first["AccessKeyId"], first["SecretAccessKey"])
    root.put_user_policy(
        UserName=name,
        PolicyName="self",
        PolicyDocument='{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:GetUser","Resource":"*"}]}',
    )
    assert user.get_user()["User"]["UserName"] == name
    root.update_access_key(UserName=name, AccessKeyId=first["AccessKeyId"], Status="Inactive")
    with pytest.raises(ClientError) as e:
        user.get_user()
    assert e.value.response["Error"]["Code"] == "InvalidClientTokenId"
    root.update_access_key(UserName=name, AccessKeyId=first["AccessKeyId"], Status="Active")
    assert user.get_user()["User"]["UserName"] == name

    root.delete_access_key(UserName=name, AccessKeyId=first["AccessKeyId"])
    with pytest.raises(ClientError) as e:
        user.get_user()
    assert e.value.response["Error"]["Code"] == "InvalidClientTokenId"
    with pytest.raises(ClientError) as e:
        root.delete_access_key(UserName=name, AccessKeyId=first["AccessKeyId"])
    assert e.value.response["Error"]["Code"] == "NoSuchEntity"


def test_last_used(iamd, root):
    name = unique("used")
    root.create_user(UserName=name)
    key = root.create_access_key(UserName=name)["AccessKey"]
    never = root.get_access_key_last_used(AccessKeyId=key["AccessKeyId"])
    assert never["UserName"] == name
    assert never["AccessKeyLastUsed"]["ServiceName"] == "N/A"
    assert "LastUsedDate" not in never["AccessKeyLastUsed"]
    user = iamd.client(key["AccessKeyId"], key["SecretAccessKey"])
    with pytest.raises(ClientError):
        user.list_users()  # refused, but the key was used

    def recorded():
        used = root.get_access_key_last_used(AccessKeyId=key["AccessKeyId"])["AccessKeyLastUsed"]
        return used["ServiceName"] == "iam" and used["Region"] == "us-east-1" and "LastUsedDate" in used

    assert wait_until(recorded, timeout=12)


def test_invalid_status(root):
    name = unique("status")
    root.create_user(UserName=name)
    key = root.create_access_key(UserName=name)["AccessKey"]
    with pytest.raises(ClientError) as e:
        root.update_access_key(UserName=name, AccessKeyId=key["AccessKeyId"], Status="Sleeping")
    assert e.value.response["Error"]["Code"] == "ValidationError"
