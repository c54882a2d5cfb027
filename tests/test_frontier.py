"""The shared frontier's Lua steps on a real redis-server: a pop is a lease, a dead worker's leases come back."""
from __future__ import annotations

import time

import pytest

from crawler.distributed.frontier import SharedCrawl
from crawler.distributed.seen import RedisClaimedIds, run_keys
from redis_helpers import RedisServer


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    redis_server = RedisServer(tmp_path_factory.mktemp("redis")).start()
    yield redis_server
    redis_server.stop()


def test_popped_request_is_leased_until_acked_and_returned_when_its_worker_dies(server):
    client = server.client()
    client.flushdb()
    a, b = (SharedCrawl(client, "t:news", name, lease_seconds=0.5) for name in ("a", "b"))
    a.join(), b.join()
    client.zadd(a.queue_key, {b"req-1": -1, b"req-2": 0})
    lease, data = a.pop()
    assert data == b"req-1"                               # priority order, as scrapy-redis
    assert client.zcard(a.queue_key) == 1 and client.hlen(a.leases_key) == 1
    assert a.pending() == 2                               # queued + leased: the run is not over
    a.ack([lease])
    assert a.pending() == 1

    lease, data = a.pop()                                 # a holds req-2 ...
    ids = RedisClaimedIds(a)
    assert ids.claim("00000000000000ff") and not RedisClaimedIds(b).claim("00000000000000ff")
    deadline = time.monotonic() + 10                      # ... and stops answering (SIGKILL)
    while b.is_alive("a") or not b.reap():
        assert time.monotonic() < deadline
        b.heartbeat()
        time.sleep(0.05)
    assert client.zrange(b.queue_key, 0, -1) == [b"req-2"]   # back in the queue
    assert "00000000000000ff" not in ids                  # its unwritten claim forgotten: b will store it
    assert RedisClaimedIds(b).claim("00000000000000ff")


def test_last_worker_to_leave_an_empty_frontier_ends_the_run(server):
    client = server.client()
    client.flushdb()
    a, b = (SharedCrawl(client, "t:news", name, lease_seconds=30) for name in ("a", "b"))
    a.join(), b.join()
    a.record_counts({"stored": 3}), b.record_counts({"stored": 4})
    assert a.leave(run_keys(a)) is None                   # b is still crawling
    ended = b.leave(run_keys(b))
    assert ended["workers"] == {"a": {"stored": 3}, "b": {"stored": 4}} and ended["run"]["id"]
    assert not client.keys("t:news:*")
