"""scrapy-redis's scheduler and priority queue with a lease on every pop.

``LeasedPriorityQueue`` is scrapy-redis's PriorityQueue (same key, same scores, same
serializer) whose pop moves the request into this worker's lease hash instead of deleting it
(crawler.distributed.frontier). ``LeasedScheduler`` is scrapy-redis's Scheduler that:

- remembers which lease each request it handed to the engine came from, and notices when the
  engine is done with that request: the engine drops a request from its in-progress set only
  after the response went through the callback and the item pipelines and every request they
  yielded (or the downloader's redirect/retry) was pushed to Redis;
- acknowledges those leases only once the Parquet writer has flushed what it buffered before
  (``parts_flushed``): until then a killed worker's articles come back to the queue;
- keeps the worker alive in Redis (heartbeat) and returns the leases of dead workers (reap);
- reports pending requests while anything is queued *or leased by any worker*, so a worker
  does not close while another may still push links or die and hand its leases back: the
  shared run ends when the frontier is empty and no lease is out;
- never flushes the shared queue on close (SCHEDULER_PERSIST is forced on); the worker that
  ends the run deletes its keys (crawler.distributed.run).

Settings: PROVNEWS_REDIS_LEASE_SECONDS (a worker silent this long is dead; default 30),
PROVNEWS_REDIS_TICK_SECONDS (bookkeeping period; default 0.5).
"""
from __future__ import annotations

import logging
import time

from scrapy_redis.queue import PriorityQueue
from scrapy_redis.scheduler import Scheduler
from twisted.internet import task

from crawler.distributed.frontier import SharedCrawl
from crawler.signals import flush_requested, parts_flushed

logger = logging.getLogger(__name__)


class LeasedPriorityQueue(PriorityQueue):
    """PriorityQueue whose pop leases the request to a worker (``shared``) until acknowledged."""

    shared: SharedCrawl | None = None

    def pop_leased(self):
        got = self.shared.pop()
        if got is None:
            return None
        lease, data = got
        return lease, self._decode_request(data)

    def pop(self, timeout=0):
        got = self.pop_leased()
        return got[1] if got else None


class LeasedScheduler(Scheduler):
    def __init__(self, server, **kwargs):
        self.crawler = kwargs.pop("crawler", None)
        super().__init__(server, **kwargs)
        self.out: dict = {}                    # request handed to the engine -> lease id
        self.done: list[tuple[float, str]] = []  # (when noticed done, lease id), awaiting a flush
        self.loop = None

    @classmethod
    def from_crawler(cls, crawler):
        settings = crawler.settings
        instance = cls.from_settings(settings)
        instance.stats = crawler.stats
        instance.crawler = crawler
        instance.shared = SharedCrawl.from_settings(settings)
        instance.tick_seconds = settings.getfloat("PROVNEWS_REDIS_TICK_SECONDS")
        crawler.signals.connect(instance.parts_flushed, signal=parts_flushed)
        return instance

    def open(self, spider):
        super().open(spider)
        self.queue.shared = self.shared
        self.shared.join()
        self.last_beat = 0.0
        self.loop = task.LoopingCall(self.tick)
        self.loop.start(self.tick_seconds, now=True)

    def close(self, reason):
        if self.loop and self.loop.running:
            self.loop.stop()
        self.notice_done()
        returned = self.shared.return_own()   # not acknowledged: back to the queue for another worker
        if returned:
            logger.info("Returned %d unfinished requests to the shared queue", returned)
        super().close(reason)

    def next_request(self):
        got = self.queue.pop_leased()
        if got is None:
            return None
        lease, request = got
        self.out[request] = lease
        if self.stats:
            self.stats.inc_value("scheduler/dequeued/redis")
        return request

    def has_pending_requests(self):
        return bool(self.out or self.done) or self.shared.pending() > 0

    # -- bookkeeping -------------------------------------------------------
    def tick(self):
        now = time.monotonic()
        if now - self.last_beat >= self.shared.lease_ms / 3000:
            if not self.shared.heartbeat() and self.last_beat:
                logger.error("This worker's lease expired (reactor blocked longer than PROVNEWS_REDIS_LEASE_SECONDS);"
                             " another worker may fetch its requests again")
                self.stats.inc_value("shared_crawl/lease_expired")
            self.last_beat = now
            for worker, returned in self.shared.reap().items():
                logger.warning("Worker %s stopped answering; %d of its requests are back in the queue",
                               worker, returned)
                self.stats.inc_value("shared_crawl/requests_returned", returned)
        self.notice_done()
        if self.done and not self.out:
            self.crawler.signals.send_catch_log(signal=flush_requested)

    def notice_done(self):
        slot = getattr(self.crawler.engine, "_slot", None)
        inprogress = slot.inprogress if slot else set()
        now = time.monotonic()
        for request in [r for r in self.out if r not in inprogress]:
            self.done.append((now, self.out.pop(request)))

    def parts_flushed(self, started: float):
        durable = [lease for when, lease in self.done if when < started]
        self.done = [(when, lease) for when, lease in self.done if when >= started]
        self.shared.ack(durable)
