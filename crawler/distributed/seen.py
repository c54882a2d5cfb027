"""The spider's seen sets in Redis, shared by all workers: stored ids, stored URL keys, requested keys.

Members are the 64-bit hashes of corpus.store.seen as 8 raw bytes (an id is its own 64 bits),
so Redis holds ~8 bytes of payload per entry instead of the string. The first worker of a
run seeds the ids and keys of the corpus folder (corpus.store.seen.StoredIndex, cached on
disk) in batches; the others wait until it is done (or take over if it died meanwhile).

``claim`` of an article id is one Lua step: the id goes into ``P:ids`` and into this worker's
``P:claims:<w>`` only if nobody had it, so two workers that meet the same text at once store
it once. The claim is forgotten when the id's Parquet part is written (``parts_flushed``);
if the worker dies first, reaping removes its claimed ids from ``P:ids`` so another worker
stores the article when it fetches the returned request again.
"""
from __future__ import annotations

import logging
import time

import numpy as np

from corpus.store.seen import StoredIndex, id_hash, key_hash
from crawler.distributed.frontier import SharedCrawl, text, worker_name
from crawler.signals import parts_flushed

logger = logging.getLogger(__name__)
SEED_BATCH = 20_000

CLAIM = """
if redis.call('SADD', KEYS[1], ARGV[1]) == 1 then
  redis.call('SADD', KEYS[2], ARGV[1])
  return 1
end
return 0
"""


def member(h: int) -> bytes:
    return h.to_bytes(8, "big")


class RedisSeen:
    """A set of strings kept in one Redis set, as 8-byte hashes."""

    def __init__(self, server, key: str, hash_fn):
        self.server, self.key, self.hash = server, key, hash_fn

    def __contains__(self, value: str) -> bool:
        return bool(self.server.sismember(self.key, member(self.hash(value))))

    def add(self, value: str) -> None:
        self.server.sadd(self.key, member(self.hash(value)))

    def update(self, values) -> None:
        members = [member(self.hash(v)) for v in values]
        if members:
            self.server.sadd(self.key, *members)

    def __len__(self) -> int:
        return self.server.scard(self.key)

    def seed(self, hashes: np.ndarray, beat) -> None:
        raw = hashes.astype(">u8").tobytes()
        for start in range(0, len(raw), 8 * SEED_BATCH):
            chunk = raw[start:start + 8 * SEED_BATCH]
            self.server.sadd(self.key, *(chunk[i:i + 8] for i in range(0, len(chunk), 8)))
            beat()


class RedisClaimedIds(RedisSeen):
    """Stored article ids, with claims that die with their worker."""

    def __init__(self, shared: SharedCrawl):
        super().__init__(shared.server, shared.run_ids_key, id_hash)
        self.shared = shared
        self.claims: list[tuple[float, bytes]] = []
        self._claim = shared.server.register_script(CLAIM)

    def claim(self, value: str) -> bool:
        m = member(self.hash(value))
        if not self._claim(keys=[self.key, self.shared.claims_key], args=[m]):
            return False
        self.claims.append((time.monotonic(), m))
        return True

    def parts_flushed(self, started: float) -> None:
        durable = [m for when, m in self.claims if when < started]
        self.claims = [(when, m) for when, m in self.claims if when >= started]
        if durable:
            self.shared.server.srem(self.shared.claims_key, *durable)


def run_keys(shared: SharedCrawl) -> list[str]:
    """Keys that live as long as one shared run (deleted by the worker that ends it)."""
    return [shared.queue_key, shared.key("dupefilter"), shared.run_key, shared.counts_key, shared.run_ids_key,
            shared.key("keys"), shared.key("requested"), shared.key("lease_seq")]


def redis_seen_sets(crawler, corpus):
    """(known ids, known URL keys, requested URL keys) for the spider, shared through Redis."""
    if not crawler.settings.get("PROVNEWS_WORKER_ID"):   # before RedisAddon runs: name the worker now
        crawler.settings.set("PROVNEWS_WORKER_ID", worker_name(), "project")
    shared = SharedCrawl.from_settings(crawler.settings)
    ids = RedisClaimedIds(shared)
    keys = RedisSeen(shared.server, shared.key("keys"), key_hash)
    requested = RedisSeen(shared.server, shared.key("requested"), key_hash)
    crawler.signals.connect(ids.parts_flushed, signal=parts_flushed, weak=False)
    _, seeds = shared.start_run()
    while not shared.server.hget(shared.run_key, "ready"):
        if seeds:
            started = time.monotonic()
            stored_ids, stored_keys = StoredIndex(corpus).load()
            ids.seed(stored_ids, shared.touch)
            keys.seed(stored_keys, shared.touch)
            shared.server.hset(shared.run_key, "ready", "1")
            logger.info("Seeded Redis with %d stored ids and %d URL keys in %.1f s",
                        len(stored_ids), len(stored_keys), time.monotonic() - started)
            break
        seeder = text(shared.server.hget(shared.run_key, "seeder"))
        if seeder and not shared.is_alive(seeder):
            seeds = shared.server.hset(shared.run_key, "seeder", shared.worker) is not None
            continue
        shared.touch()
        time.sleep(0.2)
    return ids, keys, requested
