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


def test_redis_url_alone_switches_scrapy_to_the_leased_scrapy_redis_components():
    """`scrapy crawl news -s REDIS_URL=…` and scrapyd's `setting=REDIS_URL=…` need nothing else."""
    from scrapy.settings import Settings

    from crawler.distributed.addon import RedisAddon

    settings = Settings()
    settings.setmodule("crawler.settings", priority="project")
    settings.set("REDIS_URL", "redis://127.0.0.1:1/0", priority="cmdline")
    settings.set("DOWNLOAD_DELAY", 0.7, priority="cmdline")
    RedisAddon().update_settings(settings)
    assert settings["SCHEDULER"] == "crawler.distributed.scheduler.LeasedScheduler"
    assert settings["DUPEFILTER_CLASS"] == "crawler.dupefilter.RedisCountingDupeFilter"
    assert settings.getbool("SCHEDULER_PERSIST") and not settings.getbool("HTTPCACHE_ENABLED")
    assert settings["PROVNEWS_REDIS_URL"] == "redis://127.0.0.1:1/0" and settings["PROVNEWS_WORKER_ID"]
    assert settings.getfloat("PROVNEWS_REDIS_DELAY") == 0.7 and settings.getfloat("DOWNLOAD_DELAY") == 0
    assert settings.getdict("EXTENSIONS")["crawler.corpusrun.RunRecorder"] is None
    assert "crawler.distributed.politeness.SharedPoliteness" in settings.getdict("DOWNLOADER_MIDDLEWARES")

    alone = Settings()
    alone.setmodule("crawler.settings", priority="project")
    RedisAddon().update_settings(alone)
    assert alone["SCHEDULER"] != "crawler.distributed.scheduler.LeasedScheduler"
