"""The shared crawl's state in Redis: workers, leases, the run, and the scripts that change them atomically.

scrapy-redis keeps the frontier in ``<prefix>:requests`` (a sorted set by -priority) and pops
with ZRANGE+ZREM: a popped request exists only in the memory of the worker that popped it, so
a worker killed by SIGKILL loses every request it held. Here a pop *moves* the request into
the worker's lease hash (``leases:<worker>``, one Lua script, so nothing is ever in neither
place), and the request stays there until everything it led to is durable: its links pushed
to the queue and its article in a Parquet part (see LeasedScheduler). A worker proves it is
alive by refreshing ``alive:<worker>`` (a key with a TTL); when that key has expired, any
other worker's ``reap`` moves the dead worker's leases back to the queue and forgets the
article ids it had claimed but not yet written, so the next worker stores them.

Keys (``P`` = PROVNEWS_REDIS_PREFIX + ":" + spider name)::

    P:requests          zset   scrapy-redis's queue (member = serialized request)
    P:dupefilter        set    scrapy-redis's request fingerprints
    P:workers           set    worker ids that joined and have not left
    P:alive:<w>         string TTL = PROVNEWS_REDIS_LEASE_SECONDS, refreshed by the worker
    P:leases:<w>        hash   lease id -> "<score>|<request>" (popped, not yet done)
    P:claims:<w>        set    article ids <w> claimed and has not yet written
    P:run               hash   id, started, seeder, ready
    P:counts            hash   worker -> JSON {pages, stored, ..., status}
    P:ids:*, P:keys:*   seen sets (crawler.distributed.seen)
    P:slot:<outlet>     zset   politeness tokens (crawler.distributed.politeness)

Times come from Redis (``TIME``), so workers on machines with skewed clocks agree.
"""
from __future__ import annotations

import json
import os
import socket
import uuid
from datetime import datetime, timezone

from scrapy_redis import defaults
from scrapy_redis.connection import get_redis

POP = """
local top = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
if #top == 0 then return false end
redis.call('ZREM', KEYS[1], top[1])
local id = redis.call('INCR', KEYS[3])
redis.call('HSET', KEYS[2], id, top[2] .. '|' .. top[1])
return {id, top[1]}
"""

# Move every lease of each worker in ARGV[2..] back to the queue; forget its claims.
RETURN_LEASES = """
local P = ARGV[1]
local moved = 0
for n = 2, #ARGV do
  local w = ARGV[n]
  local leases = P .. ':leases:' .. w
  local kv = redis.call('HGETALL', leases)
  for i = 2, #kv, 2 do
    local v = kv[i]
    local sep = string.find(v, '|', 1, true)
    redis.call('ZADD', KEYS[1], string.sub(v, 1, sep - 1), string.sub(v, sep + 1))
    moved = moved + 1
  end
  local claims = P .. ':claims:' .. w
  for _, id in ipairs(redis.call('SMEMBERS', claims)) do
    redis.call('SREM', KEYS[2], id)
  end
  redis.call('DEL', leases, claims)
end
return moved
"""

DEAD_WORKERS = """
local dead = {}
for _, w in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  if redis.call('EXISTS', ARGV[1] .. ':alive:' .. w) == 0 then table.insert(dead, w) end
end
return dead
"""

PENDING = """
local n = redis.call('ZCARD', KEYS[2])
for _, w in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  n = n + redis.call('HLEN', ARGV[1] .. ':leases:' .. w)
end
return n
"""

# Leave the run; when nobody is left and nothing is queued or leased, end it: return the run
# and every worker's counts and delete the run's keys, in one step (a worker joining a moment
# later starts a new run instead of joining a half-deleted one).
LEAVE = """
local P = ARGV[1]
redis.call('SREM', KEYS[1], ARGV[2])
redis.call('DEL', P .. ':alive:' .. ARGV[2], P .. ':leases:' .. ARGV[2], P .. ':claims:' .. ARGV[2])
if redis.call('SCARD', KEYS[1]) > 0 or redis.call('ZCARD', KEYS[2]) > 0 then return false end
local run = redis.call('HGETALL', P .. ':run')
local counts = redis.call('HGETALL', P .. ':counts')
for n = 3, #ARGV do redis.call('DEL', ARGV[n]) end
return {run, counts}
"""


def text(value) -> str:
    return value.decode() if isinstance(value, bytes) else value


def redis_url(settings) -> str | None:
    """PROVNEWS_REDIS_URL, else scrapy-redis's REDIS_URL: set means this crawl is one worker of a shared crawl."""
    return settings.get("PROVNEWS_REDIS_URL") or settings.get("REDIS_URL")


def worker_name() -> str:
    return f"{socket.gethostname()}-{os.getpid()}-{uuid.uuid4().hex[:4]}"


def now_iso() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


class SharedCrawl:
    """One worker's handle on a shared crawl in Redis."""

    def __init__(self, server, prefix: str, worker: str, lease_seconds: float):
        self.server = server
        self.prefix = prefix
        self.worker = worker
        self.lease_ms = int(lease_seconds * 1000)
        self.queue_key = f"{prefix}:requests"
        self.workers_key = f"{prefix}:workers"
        self.run_key = f"{prefix}:run"
        self.counts_key = f"{prefix}:counts"
        self.claims_key = f"{prefix}:claims:{worker}"
        self.run_ids_key = f"{prefix}:ids:run"
        self.leases_key = f"{prefix}:leases:{worker}"
        self._pop = server.register_script(POP)
        self._return = server.register_script(RETURN_LEASES)
        self._dead = server.register_script(DEAD_WORKERS)
        self._pending = server.register_script(PENDING)
        self._leave = server.register_script(LEAVE)

    @classmethod
    def from_settings(cls, settings, spider_name: str = "news") -> "SharedCrawl":
        # The spider builds its seen sets before add-ons run (Scrapy creates the spider first),
        # so read either URL setting here rather than rely on RedisAddon having copied it.
        params = {**defaults.REDIS_PARAMS, **settings.getdict("REDIS_PARAMS")}
        server = get_redis(url=redis_url(settings), **params)
        server.ping()
        prefix = f"{settings.get('PROVNEWS_REDIS_PREFIX')}:{spider_name}"
        return cls(server, prefix, settings.get("PROVNEWS_WORKER_ID"), settings.getfloat("PROVNEWS_REDIS_LEASE_SECONDS"))

    def key(self, name: str) -> str:
        return f"{self.prefix}:{name}"

    # -- membership --------------------------------------------------------
    def start_run(self) -> tuple[str, bool]:
        """The run's id, starting the run if there is none; and whether this worker seeds it."""
        self.touch()
        self.server.hsetnx(self.run_key, "id", datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ-")
                           + uuid.uuid4().hex[:6])
        self.server.hsetnx(self.run_key, "started", now_iso())
        seeds = bool(self.server.hsetnx(self.run_key, "seeder", self.worker))
        return text(self.server.hget(self.run_key, "id")), seeds

    def touch(self) -> bool:
        """Renew this worker's lease; False when it had expired (or never existed)."""
        return self.server.set(self.key(f"alive:{self.worker}"), "1", px=self.lease_ms, get=True) is not None

    def join(self) -> None:
        """Take part: from now on this worker's leases count, and are reaped if it stops answering."""
        self.start_run()
        self.server.sadd(self.workers_key, self.worker)

    def heartbeat(self) -> bool:
        alive = self.touch()
        self.server.sadd(self.workers_key, self.worker)   # back in, should it have been reaped while stalled
        return alive

    def is_alive(self, worker: str) -> bool:
        return bool(self.server.exists(self.key(f"alive:{worker}")))

    def reap(self) -> dict[str, int]:
        """Return the leases of workers whose heartbeat expired; {worker: requests returned}."""
        reaped = {}
        for worker in map(text, self._dead(keys=[self.workers_key], args=[self.prefix])):
            if worker == self.worker:
                continue
            reaped[worker] = self._return(keys=[self.queue_key, self.run_ids_key], args=[self.prefix, worker])
            self.server.srem(self.workers_key, worker)
            self.mark(worker, "died")
        return reaped

    def mark(self, worker: str, status: str) -> None:
        counts = json.loads(self.server.hget(self.counts_key, worker) or "{}")
        self.server.hset(self.counts_key, worker, json.dumps({**counts, "status": status}))

    def record_counts(self, counts: dict) -> None:
        self.server.hset(self.counts_key, self.worker, json.dumps(counts))

    def leave(self, run_keys: list[str]) -> dict | None:
        """Leave the run. Returns {'run': {...}, 'workers': {...}} when this worker ended it, else None."""
        self.reap()
        result = self._leave(keys=[self.workers_key, self.queue_key],
                             args=[self.prefix, self.worker, *run_keys])
        if not result:
            return None
        run, counts = ({text(a): text(b) for a, b in zip(x[::2], x[1::2])} for x in result)
        return {"run": run, "workers": {w: json.loads(c) for w, c in counts.items()}}

    # -- the frontier ------------------------------------------------------
    def pop(self) -> tuple[str, bytes] | None:
        got = self._pop(keys=[self.queue_key, self.leases_key, self.key("lease_seq")])
        return (text(got[0]), got[1]) if got else None

    def ack(self, lease_ids: list[str]) -> None:
        if lease_ids:
            self.server.hdel(self.leases_key, *lease_ids)

    def return_own(self) -> int:
        return self._return(keys=[self.queue_key, self.run_ids_key], args=[self.prefix, self.worker])

    def pending(self) -> int:
        """Requests queued plus requests leased by any worker (live, or dead and not yet reaped)."""
        return int(self._pending(keys=[self.workers_key, self.queue_key], args=[self.prefix]))
