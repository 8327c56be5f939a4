"""Temporary delegation: a partner account creates a delegation request from a policy
template, a customer account associates, reviews, accepts it and releases the exchange
token (delivered SNS-style to the notification endpoint), and the partner trades the
token for credentials with sts:GetDelegatedAccessToken. The credentials act as the
identity that accepted, narrowed to the rendered policy. Every refusal: visibility,
owner's default permission, state transitions, OnlySendByOwner, foreign and garbage
tokens, expiry, bad templates and parameters."""
import json
import queue
import subprocess
import threading
import time
from http.server import BaseHTTPRequestHandler, HTTPServer

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from conftest import ACCOUNT_ID, REGION, Iamd, iamd_binary, root_env, unique

PARTNER_ACCOUNT = "999999999999"

TEMPLATE = {
    "Version": "2012-10-17",
    "Statement": [
        {"Effect": "Allow", "Action": "iam:ListUsers", "Resource": "*"},
        {
            "Effect": "Allow",
            "Action": "iam:GetUser",
            "Resource": "arn:aws:iam::@{account}:user/*",
            "Condition": {"StringEquals": {"iam:ResourceTag/team": "@{teams}"}},
        },
        {"Effect": "Allow", "Action": "iam:TagUser", "Resource": "arn:aws:iam::@{account}:user/@{taggable}"},
    ],
}

PARTNER_POLICY = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Action": ["iam:CreateDelegationRequest", "iam:GetDelegationRequest", "sts:GetDelegatedAccessToken"],
            "Resource": "*",
        }
    ],
}

APPROVER_POLICY = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Action": [
                "iam:GetDelegationRequest",
                "iam:ListDelegationRequests",
                "iam:AssociateDelegationRequest",
                "iam:UpdateDelegationRequest",
                "iam:AcceptDelegationRequest",
                "iam:RejectDelegationRequest",
                "iam:SendDelegationToken",
                # What the approver itself may do: the delegated credentials never do more.
                "iam:ListUsers",
                "iam:GetUser",
                "iam:CreateUser",
            ],
            "Resource": "*",
        }
    ],
}


def error_of(call, *args, **kwargs):
    with pytest.raises(ClientError) as e:
        call(*args, **kwargs)
    return e.value.response["Error"]


class Notifications:
    """The partner's notification endpoint: receives SNS-shaped POSTs."""

    def __init__(self):
        self.received = queue.Queue()
        received = self.received

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("content-length", "0"))
                received.put(json.loads(self.rfile.read(length)))
                self.send_response(200)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_port}/"

    def next_for(self, request_id, state, timeout=10):
        """The next notification about `request_id` in `state` (its Message, parsed)."""
        while True:
            envelope = self.received.get(timeout=timeout)
            message = json.loads(envelope["Message"])
            if message["delegationRequestId"] == request_id and message["state"] == state:
                return envelope, message

    def stop(self):
        self.server.shutdown()


def create_account(data_dir, account_id):
    out = subprocess.run(
        [iamd_binary(), "account", "create", "--data-dir", str(data_dir), "--account-id", account_id],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert out.returncode == 0, out.stderr
    fields = dict(line.split(": ", 1) for line in out.stdout.splitlines())
    return fields["root access key id"], fields["root secret access key"].split(" ")[0]


def clients(server, key, secret, token=None, validate=True):
    kw = dict(
        endpoint_url=server.endpoint,
        region_name=REGION,
        aws_access_key_id=key,
        aws_secret_access_key=secret,
        aws_session_token=token,
        config=Config(retries={"max_attempts": 1}, parameter_validation=validate),
    )
    return boto3.client("iam", **kw), boto3.client("sts", **kw)


class World:
    pass


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("delegation")
    notifications = Notifications()
    env = root_env() | {"IAMD_DELEGATION_NOTIFICATION_URL": notifications.url}
    server = Iamd(tmp / "data", tmp / "iamd.log", env).start()
    partner_key, partner_secret = create_account(tmp / "data", PARTNER_ACCOUNT)
    w = World()
    w.tmp, w.server, w.notifications = tmp, server, notifications
    w.customer = server.root()
    w.partner_root, _ = clients(server, partner_key, partner_secret)

    # The partner's template (a managed policy of its account) and its application user.
    w.template_arn = w.partner_root.create_policy(
        PolicyName=unique("template"), PolicyDocument=json.dumps(TEMPLATE)
    )["Policy"]["Arn"]
    w.partner_iam, w.partner_sts = user_clients(server, w.partner_root, PARTNER_POLICY)
    # The customer's approver, and a user who may only associate requests.
    w.approver_name = unique("approver")
    w.approver_iam, w.approver_sts = user_clients(server, w.customer, APPROVER_POLICY, name=w.approver_name)
    w.owner_name = unique("owner")
    w.owner_iam, _ = user_clients(
        server,
        w.customer,
        {
            "Version": "2012-10-17",
            "Statement": [
                {"Effect": "Allow", "Action": ["iam:AssociateDelegationRequest", "iam:SendDelegationToken"], "Resource": "*"}
            ],
        },
        name=w.owner_name,
    )
    # Users the delegated credentials may (team blue) or may not (team red) read.
    w.blue, w.red, w.taggable = unique("blue"), unique("red"), unique("taggable")
    w.customer.create_user(UserName=w.blue, Tags=[{"Key": "team", "Value": "blue"}])
    w.customer.create_user(UserName=w.red, Tags=[{"Key": "team", "Value": "red"}])
    w.customer.create_user(UserName=w.taggable)
    yield w
    server.stop()
    notifications.stop()


def user_clients(server, admin, policy, name=None, validate=True):
    name = name or unique("user")
    admin.create_user(UserName=name)
    admin.put_user_policy(UserName=name, PolicyName="p", PolicyDocument=json.dumps(policy))
    key = admin.create_access_key(UserName=name)["AccessKey"]
    return clients(server, key["AccessKeyId"], key["SecretAccessKey"], validate=validate)


def parameters(w, teams=("blue", "green")):
    return [
        {"Name": "account", "Values": [ACCOUNT_ID], "Type": "string"},
        {"Name": "teams", "Values": list(teams), "Type": "stringList"},
        {"Name": "taggable", "Values": [w.taggable], "Type": "string"},
    ]


def create_request(w, owner_account=ACCOUNT_ID, duration=3600, only_send_by_owner=False, **extra):
    kwargs = dict(
        Description="Configure the monitoring integration",
        Permissions={"PolicyTemplateArn": w.template_arn, "Parameters": parameters(w)},
        RequestMessage="Ticket 42",
        RequestorWorkflowId=unique("workflow"),
        NotificationChannel=f"arn:aws:sns:us-east-1:{PARTNER_ACCOUNT}:delegation-updates",
        SessionDuration=duration,
        OnlySendByOwner=only_send_by_owner,
        RedirectUrl="https://partner.example.com/onboarding",
    )
    if owner_account:
        kwargs["OwnerAccountId"] = owner_account
    kwargs.update(extra)
    return w.partner_iam.create_delegation_request(**kwargs)


def test_full_flow_from_request_to_delegated_credentials(world):
    w = world
    created = create_request(w, only_send_by_owner=True)
    request_id = created["DelegationRequestId"]
    assert request_id in created["ConsoleDeepLink"]

    request = w.partner_iam.get_delegation_request(DelegationRequestId=request_id)["DelegationRequest"]
    assert request["State"] == "UNASSIGNED"
    assert request["RequestorId"] == PARTNER_ACCOUNT
    assert request["OwnerAccountId"] == ACCOUNT_ID
    assert request["SessionDuration"] == 3600
    assert request["Permissions"]["PolicyTemplateArn"] == w.template_arn
    assert request["Permissions"]["Parameters"][1] == {"Name": "teams", "Values": ["blue", "green"], "Type": "stringList"}
    rendered = json.loads(request["PermissionPolicy"])
    assert rendered["Statement"][1]["Resource"] == f"arn:aws:iam::{ACCOUNT_ID}:user/*"
    assert rendered["Statement"][1]["Condition"]["StringEquals"]["iam:ResourceTag/team"] == ["blue", "green"]
    assert rendered["Statement"][2]["Resource"] == f"arn:aws:iam::{ACCOUNT_ID}:user/{w.taggable}"
    # Without an owner, the customer account does not list it.
    listed = w.approver_iam.list_delegation_requests()["DelegationRequests"]
    assert request_id not in [r["DelegationRequestId"] for r in listed]

    # The owner associates it, and from then on gets and updates it by default.
    w.owner_iam.associate_delegation_request(DelegationRequestId=request_id)
    _, message = w.notifications.next_for(request_id, "ASSIGNED")
    assert "exchangeToken" not in message
    owned = w.owner_iam.get_delegation_request(DelegationRequestId=request_id)["DelegationRequest"]
    owner_arn = f"arn:aws:iam::{ACCOUNT_ID}:user/{w.owner_name}"
    assert owned["State"] == "ASSIGNED" and owned["OwnerId"] == owner_arn
    w.owner_iam.update_delegation_request(DelegationRequestId=request_id, Notes="Please approve, we need this")
    updated = w.approver_iam.get_delegation_request(DelegationRequestId=request_id)["DelegationRequest"]
    assert updated["State"] == "PENDING_APPROVAL" and updated["Notes"] == "Please approve, we need this"
    # ...but accepting needs a permission of one's own.
    assert error_of(w.owner_iam.accept_delegation_request, DelegationRequestId=request_id)["Code"] == "AccessDenied"
    listed = w.approver_iam.list_delegation_requests(OwnerId=owner_arn)["DelegationRequests"]
    assert [r["DelegationRequestId"] for r in listed] == [request_id]
    assert w.approver_iam.list_delegation_requests(OwnerId=f"arn:aws:iam::{ACCOUNT_ID}:user/nobody")["DelegationRequests"] == []

    # The permission check: the approver cannot tag users, which the request asks for.
    checked = w.approver_iam.get_delegation_request(DelegationRequestId=request_id, DelegationPermissionCheck=True)
    assert checked["PermissionCheckStatus"] == "COMPLETE"
    assert checked["PermissionCheckResult"] == "DENIED"

    w.approver_iam.accept_delegation_request(DelegationRequestId=request_id)
    accepted = w.approver_iam.get_delegation_request(DelegationRequestId=request_id)["DelegationRequest"]
    approver_arn = f"arn:aws:iam::{ACCOUNT_ID}:user/{w.approver_name}"
    assert accepted["State"] == "ACCEPTED" and accepted["ApproverId"] == approver_arn
    # OnlySendByOwner: the approver may not release the token; the owner may.
    assert error_of(w.approver_iam.send_delegation_token, DelegationRequestId=request_id)["Code"] == "AccessDenied"
    w.owner_iam.send_delegation_token(DelegationRequestId=request_id)
    envelope, message = w.notifications.next_for(request_id, "FINALIZED")
    assert envelope["TopicArn"] == f"arn:aws:sns:us-east-1:{PARTNER_ACCOUNT}:delegation-updates"
    token = message["exchangeToken"]
    assert w.partner_iam.get_delegation_request(DelegationRequestId=request_id)["DelegationRequest"]["State"] == "FINALIZED"
    # The token never shows in the log.
    assert token not in (w.tmp / "iamd.log").read_text()

    out = w.partner_sts.get_delegated_access_token(TradeInToken=token)
    assert out["AssumedPrincipal"] == approver_arn
    assert out["Credentials"]["AccessKeyId"].startswith("ASIA")
    iam, sts = clients(w.server, out["Credentials"]["AccessKeyId"], out["Credentials"]["SecretAccessKey"], out["Credentials"]["SessionToken"])
    assert sts.get_caller_identity()["Arn"] == approver_arn
    assert w.blue in [u["UserName"] for u in iam.list_users()["Users"]]
    iam.get_user(UserName=w.blue)
    # The rendered policy's condition: only the teams the request named.
    assert error_of(iam.get_user, UserName=w.red)["Code"] == "AccessDenied"
    # The policy allows it, the approver does not: denied.
    assert error_of(iam.tag_user, UserName=w.taggable, Tags=[{"Key": "k", "Value": "v"}])["Code"] == "AccessDenied"
    # The approver may, the policy does not: denied.
    assert error_of(iam.create_user, UserName=unique("nope"))["Code"] == "AccessDenied"
    assert error_of(iam.list_delegation_requests)["Code"] == "AccessDenied"

    # The token can be traded again during the delegation period, by the partner only.
    again = w.partner_sts.get_delegated_access_token(TradeInToken=token)
    assert again["Credentials"]["AccessKeyId"] != out["Credentials"]["AccessKeyId"]
    assert error_of(w.approver_sts.get_delegated_access_token, TradeInToken=token)["Code"] == "AccessDenied"
    assert error_of(w.partner_sts.get_delegated_access_token, TradeInToken=token + "x")["Code"] == "AccessDenied"
    # A finalized request cannot change any more.
    assert error_of(w.approver_iam.accept_delegation_request, DelegationRequestId=request_id)["Code"] == "ConcurrentModification"
    assert error_of(w.approver_iam.reject_delegation_request, DelegationRequestId=request_id)["Code"] == "InvalidInput"

    # Removing the approver's permission removes the delegated credentials' too.
    w.customer.delete_user_policy(UserName=w.approver_name, PolicyName="p")
    assert error_of(iam.list_users)["Code"] == "AccessDenied"
    w.customer.put_user_policy(UserName=w.approver_name, PolicyName="p", PolicyDocument=json.dumps(APPROVER_POLICY))


def test_a_role_session_accepts_and_credentials_act_as_the_role(world):
    w = world
    role_name = unique("approver-role")
    trust = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": {"AWS": ACCOUNT_ID}, "Action": "sts:AssumeRole"}],
    }
    role_arn = w.customer.create_role(RoleName=role_name, AssumeRolePolicyDocument=json.dumps(trust))["Role"]["Arn"]
    w.customer.put_role_policy(RoleName=role_name, PolicyName="p", PolicyDocument=json.dumps(APPROVER_POLICY))
    _, admin_sts = user_clients(
        w.server,
        w.customer,
        {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": role_arn}]},
    )
    session = admin_sts.assume_role(RoleArn=role_arn, RoleSessionName="admin")["Credentials"]
    role_iam, _ = clients(w.server, session["AccessKeyId"], session["SecretAccessKey"], session["SessionToken"])

    request_id = create_request(w, owner_account=None)["DelegationRequestId"]
    # No owner account: any account may read and associate it.
    assert w.approver_iam.get_delegation_request(DelegationRequestId=request_id)["DelegationRequest"]["State"] == "UNASSIGNED"
    role_iam.associate_delegation_request(DelegationRequestId=request_id)
    associated = role_iam.get_delegation_request(DelegationRequestId=request_id)["DelegationRequest"]
    assert associated["OwnerAccountId"] == ACCOUNT_ID
    assert associated["OwnerId"] == f"arn:aws:sts::{ACCOUNT_ID}:assumed-role/{role_name}/admin"
    # Associated once: a second association fails.
    assert error_of(w.approver_iam.associate_delegation_request, DelegationRequestId=request_id)["Code"] == "InvalidInput"
    role_iam.accept_delegation_request(DelegationRequestId=request_id)
    role_iam.send_delegation_token(DelegationRequestId=request_id)
    _, message = w.notifications.next_for(request_id, "FINALIZED")
    out = w.partner_sts.get_delegated_access_token(TradeInToken=message["exchangeToken"])
    assert out["AssumedPrincipal"] == role_arn
    _, sts = clients(w.server, out["Credentials"]["AccessKeyId"], out["Credentials"]["SecretAccessKey"], out["Credentials"]["SessionToken"])
    assert sts.get_caller_identity()["Arn"] == f"arn:aws:sts::{ACCOUNT_ID}:assumed-role/{role_name}/{request_id}"
    # The partner account cannot act on the customer's side of the request.
    assert error_of(w.partner_iam.accept_delegation_request, DelegationRequestId=request_id)["Code"] in ("NoSuchEntity", "AccessDenied")


def test_rejection_and_state_rules(world):
    w = world
    request_id = create_request(w)["DelegationRequestId"]
    # Nothing but association before there is an owner.
    assert error_of(w.approver_iam.accept_delegation_request, DelegationRequestId=request_id)["Code"] == "NoSuchEntity"
    w.approver_iam.associate_delegation_request(DelegationRequestId=request_id)
    # Not accepted yet: no token to send.
    assert error_of(w.approver_iam.send_delegation_token, DelegationRequestId=request_id)["Code"] == "InvalidInput"
    w.approver_iam.reject_delegation_request(DelegationRequestId=request_id, Notes="Not needed")
    w.notifications.next_for(request_id, "REJECTED")
    rejected = w.partner_iam.get_delegation_request(DelegationRequestId=request_id)["DelegationRequest"]
    assert rejected["State"] == "REJECTED" and rejected["RejectionReason"] == "Not needed"
    assert error_of(w.approver_iam.accept_delegation_request, DelegationRequestId=request_id)["Code"] == "ConcurrentModification"
    assert error_of(w.approver_iam.update_delegation_request, DelegationRequestId=request_id, Notes="x")["Code"] == "InvalidInput"

    # An accepted request may still be rejected before its token is sent.
    second = create_request(w)["DelegationRequestId"]
    w.approver_iam.associate_delegation_request(DelegationRequestId=second)
    w.approver_iam.accept_delegation_request(DelegationRequestId=second)
    w.approver_iam.reject_delegation_request(DelegationRequestId=second)
    assert error_of(w.approver_iam.send_delegation_token, DelegationRequestId=second)["Code"] == "InvalidInput"

    # Unknown ids, and requests of another owner account, are not found.
    assert error_of(w.approver_iam.get_delegation_request, DelegationRequestId="dr-" + "0" * 32)["Code"] == "NoSuchEntity"
    partner_owned = create_request(w, owner_account=PARTNER_ACCOUNT)["DelegationRequestId"]
    assert error_of(w.approver_iam.get_delegation_request, DelegationRequestId=partner_owned)["Code"] == "NoSuchEntity"
    assert error_of(w.approver_iam.associate_delegation_request, DelegationRequestId=partner_owned)["Code"] == "NoSuchEntity"


def test_creation_refusals(world):
    w = world
    workflow = unique("wf")
    create_request(w, RequestorWorkflowId=workflow)
    assert error_of(create_request, w, RequestorWorkflowId=workflow)["Code"] == "EntityAlreadyExists"
    missing = [p for p in parameters(w) if p["Name"] != "teams"]
    err = error_of(create_request, w, Permissions={"PolicyTemplateArn": w.template_arn, "Parameters": missing})
    assert err["Code"] == "InvalidInput" and "teams" in err["Message"]
    extra = parameters(w) + [{"Name": "unused", "Values": ["x"], "Type": "string"}]
    assert error_of(create_request, w, Permissions={"PolicyTemplateArn": w.template_arn, "Parameters": extra})["Code"] == "InvalidInput"
    no_template = f"arn:aws:iam::{PARTNER_ACCOUNT}:policy/no-such-template"
    assert error_of(create_request, w, Permissions={"PolicyTemplateArn": no_template, "Parameters": parameters(w)})["Code"] == "InvalidInput"
    assert error_of(create_request, w, NotificationChannel="not-a-topic")["Code"] == "InvalidInput"
    # Any account id may be named (whether it exists is not the partner's to learn).
    assert create_request(w, owner_account="111111111111")["DelegationRequestId"]
    # Shape constraints come from the model (sent without the SDK's own validation).
    lax, _ = user_clients(w.server, w.partner_root, PARTNER_POLICY, validate=False)
    assert error_of(_create_as, w, lax, duration=100)["Code"] == "ValidationError"
    assert error_of(_create_as, w, lax, duration=50000)["Code"] == "ValidationError"
    # Creating needs iam:CreateDelegationRequest.
    assert error_of(_create_as, w, w.approver_iam)["Code"] == "AccessDenied"
    # Condition keys of the request: a partner limited to one template and short sessions.
    limited, _ = user_clients(
        w.server,
        w.partner_root,
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Action": "iam:CreateDelegationRequest",
                    "Resource": "*",
                    "Condition": {
                        "StringEquals": {"iam:TemplateArn": w.template_arn},
                        "NumericLessThanEquals": {"iam:DelegationDuration": "900"},
                    },
                }
            ],
        },
    )
    assert error_of(_create_as, w, limited, duration=3600)["Code"] == "AccessDenied"
    assert _create_as(w, limited, duration=900)["DelegationRequestId"]


def _create_as(w, client, duration=3600):
    return client.create_delegation_request(
        OwnerAccountId=ACCOUNT_ID,
        Description="d",
        Permissions={"PolicyTemplateArn": w.template_arn, "Parameters": parameters(w)},
        RequestorWorkflowId=unique("workflow"),
        NotificationChannel=f"arn:aws:sns:us-east-1:{PARTNER_ACCOUNT}:t",
        SessionDuration=duration,
    )


def test_the_token_expires_with_the_delegation_period(world, start_iamd):
    w = world
    request_id = create_request(w, duration=300)["DelegationRequestId"]
    w.approver_iam.associate_delegation_request(DelegationRequestId=request_id)
    w.approver_iam.accept_delegation_request(DelegationRequestId=request_id)
    w.approver_iam.send_delegation_token(DelegationRequestId=request_id)
    _, message = w.notifications.next_for(request_id, "FINALIZED")
    out = w.partner_sts.get_delegated_access_token(TradeInToken=message["exchangeToken"])
    # The credentials end with the delegation period, not later.
    lifetime = out["Credentials"]["Expiration"].timestamp() - time.time()
    assert 0 < lifetime <= 300

    # The same data, five minutes later.
    later = start_iamd(data_dir=w.tmp / "data", name="later", env={"IAMD_TEST_SESSION_CLOCK_OFFSET_SECONDS": "301"})
    partner_key = w.partner_sts._request_signer._credentials
    _, sts = clients(later, partner_key.access_key, partner_key.secret_key)
    err = error_of(sts.get_delegated_access_token, TradeInToken=message["exchangeToken"])
    assert err["Code"] == "ExpiredTradeInTokenException"
    iam, _ = clients(later, partner_key.access_key, partner_key.secret_key)
    assert iam.get_delegation_request(DelegationRequestId=request_id)["DelegationRequest"]["State"] == "EXPIRED"
