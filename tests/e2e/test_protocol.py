"""The wire: authentication failures, malformed input and routing errors, each answered
with AWS's error document, and the server still serving afterwards."""
import html
import re
import urllib.error
import urllib.request

import pytest
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
from botocore.exceptions import ClientError

from conftest import REGION, ROOT_KEY_ID, ROOT_SECRET

NS = "https://iam.amazonaws.com/doc/2010-05-08/"


def raw(iamd, body: bytes = b"", method="POST", query="", headers=None):
    url = iamd.endpoint + "/" + (("?" + query) if query else "")
    req = urllib.request.Request(url, data=body if method == "POST" else None, method=method)
    req.add_header("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
    for k, v in (headers or {}).items():
        req.add_header(k, v)
    try:
        with urllib.request.urlopen(req, timeout=10) as resp:
            return resp.status, resp.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode()


def signed(iamd, body: bytes, key=ROOT_KEY_ID, secret=ROOT_SECRET):
    req = AWSRequest(
        method="POST",
        url=iamd.endpoint + "/",
        data=body,
        headers={"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"},
    )
    SigV4Auth(Credentials(key, secret), "iam", REGION).add_auth(req)
    return raw(iamd, body, headers=dict(req.headers.items()))


def code_of(xml: str) -> str:
    assert xml.startswith(f'<ErrorResponse xmlns="{NS}"><Error><Type>Sender</Type><Code>'), xml
    assert re.search(r"<RequestId>[0-9a-f-]{36}</RequestId></ErrorResponse>$", xml), xml
    return re.search(r"<Code>([^<]*)</Code>", xml).group(1)


def assert_alive(iamd, root):
    assert raw(iamd, method="GET", query="")[0] == 400  # answers, with an error
    with urllib.request.urlopen(iamd.endpoint + "/health", timeout=5) as resp:
        assert resp.status == 200
    root.get_user()


def test_bad_signature(iamd):
    user = iamd.client(ROOT_KEY_ID, "not-the-secret-not-the-secret-not-the-se")
    with pytest.raises(ClientError) as e:
        user.get_user()
    assert e.value.response["Error"]["Code"] == "SignatureDoesNotMatch"
    assert e.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403


def test_unknown_key(iamd):
    user = iamd.client("AKIAUNKNOWNUNKNOWN00", ROOT_SECRET)
    with pytest.raises(ClientError) as e:
        user.get_user()
    assert e.value.response["Error"]["Code"] == "InvalidClientTokenId"
    assert e.value.response["Error"]["Message"] == "The security token included in the request is invalid."


def test_missing_authentication(iamd, root):
    status, xml = raw(iamd, b"Action=GetUser&Version=2010-05-08")
    assert status == 403
    assert code_of(xml) == "MissingAuthenticationToken"
    assert_alive(iamd, root)


def test_body_tampered_after_signing(iamd):
    req = AWSRequest(method="POST", url=iamd.endpoint + "/", data=b"Action=GetUser&Version=2010-05-08",
                     headers={"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"})
    SigV4Auth(Credentials(ROOT_KEY_ID, ROOT_SECRET), "iam", REGION).add_auth(req)
    status, xml = raw(iamd, b"Action=ListUsers&Version=2010-05-08", headers=dict(req.headers.items()))
    assert (status, code_of(xml)) == (403, "SignatureDoesNotMatch")


def test_signed_request_succeeds(iamd):
    status, xml = signed(iamd, b"Action=GetUser&Version=2010-05-08")
    assert status == 200
    assert xml.startswith(f'<GetUserResponse xmlns="{NS}"><GetUserResult><User>')
    assert re.search(r"<ResponseMetadata><RequestId>[0-9a-f-]{36}</RequestId></ResponseMetadata></GetUserResponse>$", xml)


@pytest.mark.parametrize(
    "body",
    [
        b"Action=GetUser&Version=2010-05-08&UserName=%ZZ",
        b"Action=GetUser&Version=2010-05-08&UserName=%FF%FE",
        b"Action=GetUser&Version=2010-05-08&UserName=\xff\xfe",
    ],
    ids=["bad-escape", "invalid-utf8-escaped", "invalid-utf8-raw"],
)
def test_malformed_forms(iamd, root, body):
    status, xml = raw(iamd, body)
    # AWS's table of common errors gives MalformedQueryString HTTP 404.
    assert status == 404
    assert code_of(xml) == "MalformedQueryString"
    assert_alive(iamd, root)


def test_oversized_body(iamd, root):
    body = b"Action=GetUser&Version=2010-05-08&Junk=" + b"a" * (3 * 1024 * 1024)
    status, xml = raw(iamd, body)
    assert status == 413
    assert code_of(xml) == "RequestEntityTooLarge"
    assert_alive(iamd, root)


def test_unknown_action_and_wrong_version(iamd, root):
    status, xml = signed(iamd, b"Action=FlyToTheMoon&Version=2010-05-08")
    assert (status, code_of(xml)) == (400, "InvalidAction")
    assert "Could not find operation FlyToTheMoon for version 2010-05-08" in xml
    status, xml = signed(iamd, b"Action=GetUser&Version=1999-01-01")
    assert (status, code_of(xml)) == (400, "InvalidAction")
    status, xml = raw(iamd, b"Version=2010-05-08")
    assert (status, code_of(xml)) == (400, "MissingAction")
    assert_alive(iamd, root)


def test_missing_required_parameter(iamd):
    status, xml = signed(iamd, b"Action=CreateUser&Version=2010-05-08")
    assert (status, code_of(xml)) == (400, "ValidationError")
    message = html.unescape(re.search(r"<Message>([^<]*)</Message>", xml).group(1))
    assert message == "1 validation error detected: Value null at 'userName' failed to satisfy constraint: Member must not be null"


def test_get_with_query_string(iamd):
    # A signed GET: boto3 only signs POSTs for IAM, so sign the query ourselves.
    req = AWSRequest(method="GET", url=iamd.endpoint + "/?Action=GetUser&Version=2010-05-08")
    SigV4Auth(Credentials(ROOT_KEY_ID, ROOT_SECRET), "iam", REGION).add_auth(req)
    status, xml = raw(iamd, method="GET", query="Action=GetUser&Version=2010-05-08", headers=dict(req.headers.items()))
    assert status == 200, xml
    assert "<GetUserResult>" in xml


def test_presigned_get(iamd, root):
    name = "presigned-" + re.sub(r"[^a-z0-9]", "", iamd.endpoint)[-6:]
    try:
        root.create_user(UserName=name)
    except ClientError:
        pass
    url = root.generate_presigned_url("get_user", Params={"UserName": name}, ExpiresIn=300, HttpMethod="GET")
    assert "X-Amz-Signature=" in url
    with urllib.request.urlopen(url, timeout=10) as resp:
        xml = resp.read().decode()
    assert f"<UserName>{name}</UserName>" in xml
    tampered = url.replace(f"UserName={name}", "UserName=someone-else")
    status, xml = raw(iamd, method="GET", query=tampered.split("?", 1)[1])
    assert (status, code_of(xml)) == (403, "SignatureDoesNotMatch")
