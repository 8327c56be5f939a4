"""/metrics, /ready and JSON logs: the Prometheus text parses, counters move after
calls, the metrics token is enforced, readiness reports its checks, and each JSON access
log line carries the request id the client saw."""
import json
import re
import urllib.error
import urllib.request

import pytest
from botocore.exceptions import ClientError

from conftest import ROOT_KEY_ID, ROOT_SECRET, unique, wait_until

SAMPLE = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})? (\S+)$')
LABEL = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"')


def parse(text: str) -> dict:
    """The exposition as {(name, frozenset(labels)): value}; checks every line's shape
    and that each sample's family was declared with # TYPE first."""
    samples, types = {}, {}
    for line in text.splitlines():
        if line.startswith("# HELP "):
            continue
        if line.startswith("# TYPE "):
            _, _, name, kind = line.split(" ")
            types[name] = kind
            continue
        match = SAMPLE.match(line)
        assert match, f"not a sample line: {line!r}"
        name, _, labels, value = match.groups()
        family = re.sub(r"_(bucket|sum|count)$", "", name) if name not in types else name
        assert family in types, f"{name} has no # TYPE"
        key = (name, frozenset(LABEL.findall(labels or "")))
        assert key not in samples, f"duplicate sample {line!r}"
        samples[key] = float(value)
    return samples


def get(url, headers=None):
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.headers, response.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.headers, e.read().decode()


def scrape(server, headers=None) -> dict:
    status, response_headers, body = get(f"{server.endpoint}/metrics", headers)
    assert status == 200, body
    assert response_headers["Content-Type"].startswith("text/plain; version=0.0.4")
    return parse(body)


def value(samples, name, **labels):
    return samples.get((name, frozenset(labels.items())), 0.0)


def test_counters_move_after_calls(iamd, root):
    before = scrape(iamd)
    name = unique("metrics-user")
    root.create_user(UserName=name)
    root.get_user(UserName=name)
    with pytest.raises(ClientError):
        root.get_user(UserName=unique("missing"))
    key = root.create_access_key(UserName=name)["AccessKey"]
    user = iamd.client(key["AccessKeyId"], key["SecretAccessKey"])
    sts_user = iamd.client(key["AccessKeyId"], key["SecretAccessKey"], service="sts")
    assert wait_until(lambda: _denied(user))
    sts_user.get_session_token()
    iamd.client(ROOT_KEY_ID, ROOT_SECRET, service="accessanalyzer").list_analyzers()
    iamd.client(ROOT_KEY_ID, ROOT_SECRET, service="cloudtrail").lookup_events(MaxResults=1)
    after = scrape(iamd)

    def moved(name, **labels):
        return value(after, name, **labels) - value(before, name, **labels)

    assert moved("iamd_requests_total", service="iam", action="CreateUser", status="200") == 1
    assert moved("iamd_requests_total", service="iam", action="GetUser", status="200") == 1
    assert moved("iamd_requests_total", service="iam", action="GetUser", status="404") == 1
    assert moved("iamd_requests_total", service="iam", action="ListUsers", status="403") >= 1
    assert moved("iamd_requests_total", service="sts", action="GetSessionToken", status="200") == 1
    assert moved("iamd_authorization_decisions_total", outcome="allowed") >= 4
    assert moved("iamd_authorization_decisions_total", outcome="denied") >= 1
    assert moved("iamd_requests_total", service="access-analyzer", action="ListAnalyzers", status="200") == 1
    assert moved("iamd_requests_total", service="cloudtrail", action="LookupEvents", status="200") == 1
    assert moved("iamd_tokens_issued_total", kind="get_session_token") == 1
    assert moved("iamd_request_duration_seconds_count", service="iam") >= 4
    assert value(after, "iamd_request_duration_seconds_bucket", service="iam", le="+Inf") == value(
        after, "iamd_request_duration_seconds_count", service="iam")
    assert moved("iamd_cache_hits_total", cache="credentials") >= 3
    assert moved("iamd_cache_misses_total", cache="credentials") >= 1
    assert moved("iamd_cache_hits_total", cache="policies") + moved("iamd_cache_misses_total", cache="policies") >= 1
    assert moved("iamd_store_operation_duration_seconds_count", operation="write") >= 2
    assert moved("iamd_store_operation_duration_seconds_count", operation="commit") >= 1
    assert moved("iamd_store_operation_duration_seconds_count", operation="read") >= 1
    # Unknown actions are counted under one row, not one per name sent.
    status, _, _ = get(f"{iamd.endpoint}/?Action=NoSuchThing&Version=2010-05-08")
    assert status == 400
    final = scrape(iamd)
    assert moved_between(after, final, "iamd_requests_total", service="iam", action="unknown", status="400") == 1
    assert not any(dict(labels).get("action") == "NoSuchThing" for _, labels in final)


def _denied(client) -> bool:
    try:
        client.list_users()
    except ClientError as e:
        return e.response["Error"]["Code"] == "AccessDenied"
    return False


def moved_between(before, after, name, **labels):
    return value(after, name, **labels) - value(before, name, **labels)


def test_ready_reports_its_checks(iamd):
    status, headers, body = get(f"{iamd.endpoint}/ready")
    assert status == 200
    assert headers["Content-Type"] == "application/json"
    assert json.loads(body) == {
        "status": "ready",
        "checks": {"store": {"status": "ok"}, "key_ring": {"status": "ok"}},
    }
    assert get(f"{iamd.endpoint}/health")[0] == 200


def test_metrics_token_and_json_logs(start_iamd):
    server = start_iamd(env={"IAMD_METRICS_TOKEN": "scrape-secret", "IAMD_LOG_FORMAT": "json"})
    status, headers, _ = get(f"{server.endpoint}/metrics")
    assert status == 401
    assert headers["WWW-Authenticate"].startswith("Bearer")
    assert get(f"{server.endpoint}/metrics", {"Authorization": "Bearer wrong"})[0] == 401
    samples = scrape(server, {"Authorization": "Bearer scrape-secret"})
    assert ("iamd_authorization_decisions_total", frozenset({("outcome", "allowed")})) in samples

    response = server.root().list_users()
    request_id = response["ResponseMetadata"]["RequestId"]

    def line_for_request():
        for line in server.log_text().splitlines():
            record = json.loads(line)  # every line is one JSON object
            if record.get("request_id") == request_id:
                return record
        return None

    assert wait_until(lambda: line_for_request() is not None)
    record = line_for_request()
    assert record["message"] == "request"
    assert record["action"] == "ListUsers"
    assert record["status"] == 200
    assert record["level"] == "INFO"
    assert "timestamp" in record
    assert "scrape-secret" not in server.log_text()
