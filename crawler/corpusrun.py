"""Tie a crawl to its corpus folder, however it is started (provnews, scrapy crawl, scrapyd).

CorpusAddon points Scrapy's HTTP cache at CORPUS/state/httpcache, so listing
pages, sitemaps and feeds are revalidated with If-None-Match /
If-Modified-Since on the next run (RFC2616Policy) instead of re-downloaded.

RunRecorder takes the corpus lock for the crawl and writes the run log, with the
run's status and exit status (crawler.outcome). NearDuplicateGrouping gives the
new articles their near-duplicate group when the spider closes, so ``scrapy
crawl`` and scrapyd jobs group them as ``provnews crawl`` does.
"""
from __future__ import annotations

import logging
import os
from pathlib import Path

from scrapy import signals

from corpus.errors import UsageError
from corpus.store.parts import Corpus
from corpus.store.state import CorpusLocked, CrawlLock, RunLog
from crawler.outcome import run_status
from crawler.summary import per_source

logger = logging.getLogger(__name__)


class CorpusAddon:
    def update_settings(self, settings):
        state = Path(settings["PROVNEWS_CORPUS"]).resolve() / "state"
        settings.set("HTTPCACHE_DIR", str(state / "httpcache"), "addon")


class RunRecorder:
    """Lock the corpus while crawling and record the run (start, end, counts, status)."""

    def __init__(self, crawler):
        self.crawler = crawler
        self.state_dir = Path(crawler.settings["PROVNEWS_CORPUS"]) / "state"
        self.run_id = crawler.settings.get("PROVNEWS_RUN_ID") or RunLog.new_id()
        self.lock = None
        crawler.signals.connect(self.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def spider_opened(self, spider):
        if not self.crawler.settings.getbool("PROVNEWS_LOCK_HELD"):
            try:
                self.lock = CrawlLock(self.state_dir, self.run_id).__enter__()
            except CorpusLocked as exc:
                logger.error("%s", exc)
                self.crawler.stats.set_value("provnews/locked", True)
                self.crawler.engine.close_spider(spider, "corpus_locked")
                return
        settings = self.crawler.settings
        limited = any(settings.getint(k) for k in ("PROVNEWS_MAX_ARTICLES", "PROVNEWS_MAX_PAGES"))
        RunLog(self.state_dir).start(self.run_id, list(getattr(spider, "sources", {})), {
            "complete": not (limited or settings.get("PROVNEWS_SINCE")),
            "max_articles": settings.getint("PROVNEWS_MAX_ARTICLES"),
            "max_pages": settings.getint("PROVNEWS_MAX_PAGES"), "since": settings.get("PROVNEWS_SINCE"),
            "pid": os.getpid()})
        self.crawler.stats.set_value("provnews/run_id", self.run_id)

    def spider_closed(self, spider, reason):
        stats = self.crawler.stats
        counts = per_source(stats.get_stats())
        for key in getattr(spider, "sources", {}):
            counts.setdefault(key, {})
        status, exit_status = run_status(reason, counts)
        stats.set_value("provnews/status", status)
        stats.set_value("provnews/exit_status", exit_status)
        if stats.get_value("provnews/locked"):
            return
        RunLog(self.state_dir).finish(self.run_id, status, exit_status, counts)
        if self.lock:
            self.lock.__exit__(None, None, None)


class NearDuplicateGrouping:
    """At the end of a crawl, sign the new articles and update the near-duplicate groups (corpus.dedup)."""

    def __init__(self, crawler):
        self.crawler = crawler
        self.corpus = Corpus(crawler.settings["PROVNEWS_CORPUS"])
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def spider_closed(self, spider, reason):
        from corpus.dedup.neardup import update_clusters

        if self.crawler.stats.get_value("provnews/locked") or not self.corpus.parts():
            return
        try:
            line = update_clusters(self.corpus).line()
        except UsageError as exc:  # a `provnews dedup` is running: it will group these too
            line = f"not updated ({exc})"
        self.crawler.stats.set_value("provnews/near_duplicates", line)
        print("near-duplicates: " + line, flush=True)
