"""The shared run's record: each worker's counts in Redis, one run-log row when the run ends.

In a shared crawl the corpus flock (crawler.corpusrun.RunRecorder) would let one worker
through and stop the rest, so it gives way to a lease per worker: the worker's ``alive`` key
in Redis (crawler.distributed.frontier). Each worker writes its per-source counts to
``P:counts`` every few seconds and when it closes; a worker that died keeps its last counts,
marked ``died``. The worker that ends the run (the last to leave, with nothing queued or
leased) writes one row to the corpus run log: status ``finished``, the counts summed over
workers, and per-worker counts under ``args.workers`` (shown by ``provnews runs``).
"""
from __future__ import annotations

import json
import logging
from pathlib import Path

from scrapy import signals
from scrapy.exceptions import NotConfigured
from twisted.internet import task

from corpus.store.state import RunLog
from crawler.distributed.frontier import SharedCrawl, redis_url
from crawler.distributed.seen import run_keys
from crawler.outcome import run_status
from crawler.summary import per_source

logger = logging.getLogger(__name__)
WORKER_TOTALS = ("pages", "stored", "dup_id", "skipped_known")


def worker_totals(counts: dict) -> dict:
    return {what: sum(row.get(what, 0) for row in counts.values()) for what in WORKER_TOTALS}


def merge_counts(per_worker: dict) -> dict:
    merged: dict[str, dict[str, int]] = {}
    for counts in per_worker.values():
        for source, row in counts.get("sources", {}).items():
            into = merged.setdefault(source, {})
            for key, value in row.items():
                into[key] = into.get(key, 0) + value
    return merged


class SharedRunRecorder:
    def __init__(self, crawler, shared: SharedCrawl, every: float = 5.0):
        self.crawler, self.shared, self.every = crawler, shared, every
        self.state_dir = Path(crawler.settings["PROVNEWS_CORPUS"]) / "state"
        self.loop = task.LoopingCall(self.record, "running")
        crawler.signals.connect(self.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler):
        if not redis_url(crawler.settings):
            raise NotConfigured("not a shared crawl")
        return cls(crawler, SharedCrawl.from_settings(crawler.settings))

    def record(self, status: str) -> None:
        sources = per_source(self.crawler.stats.get_stats())
        self.shared.record_counts({"status": status, **worker_totals(sources), "sources": sources})

    def spider_opened(self, spider):
        self.crawler.stats.set_value("provnews/run_id", self.shared.start_run()[0])   # the shared run's id
        self.loop.start(self.every, now=False)

    def spider_closed(self, spider, reason):
        if self.loop.running:
            self.loop.stop()
        self.record(reason)
        stats = self.crawler.stats
        status, exit_status = run_status(reason, per_source(stats.get_stats()))
        if status == "nothing_fetched":   # the others fetched what was queued: this worker had nothing left to do
            status, exit_status = "finished", 0
        stats.set_value("provnews/status", status)
        stats.set_value("provnews/exit_status", exit_status)
        ended = self.shared.leave(run_keys(self.shared))
        if ended is None:
            logger.info("Left the shared crawl; other workers or queued requests remain")
            return
        run, workers = ended["run"], ended["workers"]
        settings = self.crawler.settings
        limited = any(settings.getint(k) for k in ("PROVNEWS_MAX_ARTICLES", "PROVNEWS_MAX_PAGES"))
        args = {"complete": not (limited or settings.get("PROVNEWS_SINCE")), "shared": True,
                "workers": {w: {k: v for k, v in c.items() if k != "sources"} for w, c in sorted(workers.items())}}
        counts = merge_counts(workers)
        RunLog(self.state_dir).record(run["id"], run["started"], list(getattr(spider, "sources", {})), args,
                                      *run_status("finished", counts), counts)
        logger.info("Shared run %s ended: %s", run["id"], json.dumps(args["workers"]))
