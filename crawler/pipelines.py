"""Item pipelines: extract -> deduplicate -> write, one job each.

Items leave the spider as raw pages ({source, url, request_url, body,
charset, depth}). ExtractPipeline turns them into articles in worker processes so
Scrapy's reactor keeps fetching, and hands each page's links back to the spider;
DedupPipeline keeps one row per content id;
ParquetWriterPipeline appends atomic Parquet parts to the corpus.
"""
from __future__ import annotations

import asyncio
import logging
import os
import time
from datetime import datetime, timezone
from concurrent.futures.process import BrokenProcessPool

from scrapy.exceptions import DropItem

from corpus.dedup.exact import ContentIdDedup, article_urls
from corpus.store.rows import RowBuffer
from corpus.text.extract import extract_page
from crawler.signals import flush_requested, parts_flushed
from crawler.workerpool import WorkerPool

logger = logging.getLogger(__name__)


def _drop(reason: str) -> DropItem:
    return DropItem(reason, log_level="DEBUG")


class _Component:
    def __init__(self, crawler):
        self.crawler = crawler
        self.settings = crawler.settings
        self.stats = crawler.stats

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def count(self, item: dict, what: str) -> None:
        self.stats.inc_value(f"provnews/{item['source']}/{what}")


class ExtractPipeline(_Component):
    """Runs corpus.text.extract.extract_page on a process pool (inline when workers = 0).

    Back-pressure is Scrapy's own: a response counts against
    SCRAPER_SLOT_MAX_ACTIVE_SIZE until its item leaves the pipelines, so the
    engine stops scheduling downloads while extraction lags behind.

    A worker that dies (killed, out of memory) breaks the whole pool and fails
    every page in flight on it: the first such failure replaces the pool, and
    each failed page is tried once more on the new one (counted as
    retry/extractor_crashed); a page that fails twice is dropped
    (error/extractor_crashed), so one bad page cannot stop the crawl. The pool is
    closed with a deadline (crawler.workerpool), so a crawl always exits.
    """

    def __init__(self, crawler):
        super().__init__(crawler)
        workers = self.settings.getint("PROVNEWS_EXTRACT_WORKERS")
        self.workers = (os.cpu_count() or 1) if workers < 0 else workers
        self.min_words = self.settings.getint("PROVNEWS_MIN_WORDS")
        self.pool = None

    def open_spider(self):
        if self.workers:
            self.pool = WorkerPool(self.workers, ["corpus.text.extract"],
                                   self.settings.getfloat("PROVNEWS_EXTRACT_SHUTDOWN_SECONDS"))
            self.crawler.provnews_pool = self.pool     # crawler.outcome.ExitGuard checks it at the end

    async def close_spider(self):
        if self.pool:
            killed = await asyncio.to_thread(self.pool.close)
            self.stats.set_value("provnews/extract_workers_killed", killed)

    async def extract_in_pool(self, item, args) -> dict:
        for attempt in (1, 2):
            executor = self.pool.executor
            try:
                return await asyncio.wrap_future(self.pool.submit(extract_page, *args))
            except BrokenProcessPool:
                if self.pool.replace(executor):
                    logger.warning("An extraction worker died; starting a new pool")
                self.count(item, "retry/extractor_crashed" if attempt == 1 else "error/extractor_crashed")
        raise _drop(f"extractor crashed twice: {item['url']}")

    async def process_item(self, item):
        args = (item.pop("body"), item["url"], item.pop("charset", None), self.min_words)
        result = extract_page(*args) if self.pool is None else await self.extract_in_pool(item, args)
        for request in self.crawler.spider.follow_article_links(item, result.pop("links")):
            self.crawler.engine.crawl(request)
        if "reason" in result:
            self.count(item, "non_article/" + result["reason"].replace(" ", "_"))
            raise _drop(f"not an article ({result['reason']}): {item['url']}")
        item.update(result)
        return item


class DedupPipeline(_Component):
    """One article per content id: first seen wins, later URLs become aliases (corpus.dedup.exact)."""

    def open_spider(self):
        spider = self.crawler.spider
        self.sources = spider.sources
        self.dedup = ContentIdDedup(spider.known_ids, since=spider.since,   # ids shared with the spider
                                    max_articles=self.settings.getint("PROVNEWS_MAX_ARTICLES"))

    def process_item(self, item):
        item["urls"] = article_urls(item, self.sources[item["source"]])
        item.pop("canonical", None)
        item["url"] = item["urls"][0]
        verdict = self.dedup.verdict(item, self.stats.get_value(f"provnews/{item['source']}/accepted", 0))
        if verdict == "skipped_old":
            self.count(item, verdict)
            raise _drop(f"published before --since: {item['url']}")
        if verdict == "budget":
            raise _drop("source budget reached")
        if verdict == "dup_id":
            self.count(item, verdict)
            item["alias_only"] = True
            return item
        self.count(item, "accepted")
        return item


class ParquetWriterPipeline(_Component):
    """Buffers rows (corpus.store.rows) and appends them to the corpus as atomic Parquet parts."""

    def open_spider(self):
        spider = self.crawler.spider
        self.sources = spider.sources
        self.buffer = RowBuffer(spider.corpus, spider.known_keys, self.settings.getint("PROVNEWS_FLUSH_ROWS"))
        self.site_keywords = spider.site_keywords
        self.flush_seconds = self.settings.getfloat("PROVNEWS_FLUSH_SECONDS")
        self.last_flush = time.monotonic()
        self.crawler.signals.connect(self.flush_now, signal=flush_requested)

    def flush_now(self):
        return asyncio.ensure_future(self.flush())

    async def process_item(self, item):
        now = datetime.now(timezone.utc)
        if item.pop("alias_only", False):
            self.buffer.add_aliases(item, now)
        else:
            self.buffer.add_article(item, self.sources[item["source"]], now)
            self.count(item, "stored")
        if self.buffer.full() or time.monotonic() - self.last_flush >= self.flush_seconds:
            await self.flush()
        return {k: item[k] for k in ("id", "source", "url")}

    async def flush(self):
        started = self.last_flush = time.monotonic()
        rows, aliases = self.buffer.take()
        for row in rows:   # a home page's keywords are the site's, not the article's (read by flush time)
            row["tags"] = [t for t in row["tags"] or () if t not in self.site_keywords.get(row["source"], ())]
        await asyncio.to_thread(self.buffer.write, rows, aliases)
        self.crawler.signals.send_catch_log(signal=parts_flushed, started=started)

    async def close_spider(self):
        await self.flush()
