"""kill -9 under concurrent writes: every acknowledged write survives, and no write is
half done (each user is created with a tag in the same write: a user without its tag
would be half a write)."""
import threading
import time

from botocore.exceptions import ClientError, EndpointConnectionError, ConnectionClosedError

WRITERS = 8


def test_acknowledged_writes_survive_kill_9(start_iamd, tmp_path):
    data = tmp_path / "durable"
    server = start_iamd(data_dir=data, name="before")
    acknowledged = []
    lock = threading.Lock()
    stop = threading.Event()

    def writer(n):
        client = server.root()
        i = 0
        while not stop.is_set():
            name = f"d-{n}-{i}"
            i += 1
            try:
                client.create_user(UserName=name, Tags=[{"Key": "name", "Value": name}])
            except (ClientError, EndpointConnectionError, ConnectionClosedError, Exception):
                # After the kill every call fails; before it none should.
                if server.alive():
                    raise
                return
            with lock:
                acknowledged.append(name)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(WRITERS)]
    for t in threads:
        t.start()
    deadline = time.time() + 20
    while len(acknowledged) < 300 and time.time() < deadline:
        time.sleep(0.05)
    server.kill()
    stop.set()
    for t in threads:
        t.join(30)
    acked = set(acknowledged)
    assert len(acked) >= 300, f"only {len(acked)} writes before the kill"

    again = start_iamd(data_dir=data, name="after")
    root = again.root()
    present = {
        u["UserName"]
        for page in root.get_paginator("list_users").paginate(PaginationConfig={"PageSize": 1000})
        for u in page["Users"]
    }
    missing = acked - present
    assert not missing, f"{len(missing)} acknowledged writes lost, e.g. {sorted(missing)[:5]}"
    for name in sorted(present):
        tags = root.list_user_tags(UserName=name)["Tags"]
        assert tags == [{"Key": "name", "Value": name}], f"{name} is half written: {tags}"
