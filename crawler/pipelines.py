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
import multiprocessing
import os
import time
from datetime import datetime, timezone
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from scrapy.exceptions import DropItem

from corpus.text.extract import extract_page
from crawler.signals import flush_requested, parts_flushed
from corpus.sources.urls import canonical_url, url_key

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
    (error/extractor_crashed), so one bad page cannot stop the crawl.
    """

    def __init__(self, crawler):
        super().__init__(crawler)
        workers = self.settings.getint("PROVNEWS_EXTRACT_WORKERS")
        self.workers = (os.cpu_count() or 1) if workers < 0 else workers
        self.min_words = self.settings.getint("PROVNEWS_MIN_WORDS")
        self.pool = None

    def open_spider(self):
        if self.workers:
            context = multiprocessing.get_context("forkserver")
            context.set_forkserver_preload(["corpus.text.extract"])   # workers start with it imported
            self.pool = ProcessPoolExecutor(self.workers, mp_context=context)

    def close_spider(self):
        if self.pool:
            self.pool.shutdown(wait=True, cancel_futures=True)

    async def extract_in_pool(self, item, args) -> dict:
        for attempt in (1, 2):
            pool = self.pool
            try:
                return await asyncio.wrap_future(pool.submit(extract_page, *args))
            except BrokenProcessPool:
                if self.pool is pool:
                    logger.warning("An extraction worker died; starting a new pool")
                    pool.shutdown(wait=False)
                    self.open_spider()
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
    """One article per content id: first seen wins, later URLs become aliases."""

    def open_spider(self):
        spider = self.crawler.spider
        self.ids = spider.known_ids          # shared with the spider: stored before this run
        self.sources = spider.sources
        self.max_articles = self.settings.getint("PROVNEWS_MAX_ARTICLES")
        self.since = spider.since

    def process_item(self, item):
        source = self.sources[item["source"]]
        urls = [canonical_url(item["request_url"]), canonical_url(item["url"])]
        canonical = item.pop("canonical", None)
        if canonical and source.owns(canonical_url(canonical)):
            urls.insert(0, canonical_url(canonical))
        urls = list(dict.fromkeys(urls))
        item["url"], item["urls"] = urls[0], urls
        if self.since and item["published"] and item["published"] < self.since:
            self.count(item, "skipped_old")
            raise _drop(f"published before --since: {item['url']}")
        if item["id"] in self.ids:
            self.count(item, "dup_id")
            item["alias_only"] = True
            return item
        if self.max_articles and self.stats.get_value(f"provnews/{item['source']}/accepted", 0) >= self.max_articles:
            raise _drop("source budget reached")
        if not self.ids.claim(item["id"]):   # another worker of a shared crawl has it
            self.count(item, "dup_id")
            item["alias_only"] = True
            return item
        self.count(item, "accepted")
        return item


class ParquetWriterPipeline(_Component):
    """Buffers rows and appends them to the corpus as atomic Parquet parts."""

    def open_spider(self):
        spider = self.crawler.spider
        self.corpus, self.sources = spider.corpus, spider.sources
        self.known_keys = spider.known_keys
        self.rows, self.aliases = [], []
        self.flush_rows = self.settings.getint("PROVNEWS_FLUSH_ROWS")
        self.flush_seconds = self.settings.getfloat("PROVNEWS_FLUSH_SECONDS")
        self.last_flush = time.monotonic()
        self.crawler.signals.connect(self.flush_now, signal=flush_requested)

    def flush_now(self):
        return asyncio.ensure_future(self.flush())

    async def process_item(self, item):
        now = datetime.now(timezone.utc)
        if item.pop("alias_only", False):
            new = [u for u in item["urls"] if url_key(u) not in self.known_keys]
            self.aliases += [{"id": item["id"], "url": u, "source": item["source"], "seen_at": now} for u in new]
            self.known_keys.update(url_key(u) for u in new)
        else:
            source = self.sources[item["source"]]
            self.rows.append({
                **{k: item.get(k) for k in ("id", "url", "urls", "source", "title", "published", "author", "text",
                                            "language", "word_count", "categories", "tags")},
                "site_name": source.name, "kind": source.kind, "province": source.province,
                "province_after_2025": source.province_after_2025, "fetched_at": now,
            })
            self.known_keys.update(url_key(u) for u in item["urls"])
            self.count(item, "stored")
        if len(self.rows) >= self.flush_rows or time.monotonic() - self.last_flush >= self.flush_seconds:
            await self.flush()
        return {k: item[k] for k in ("id", "source", "url")}

    async def flush(self):
        rows, aliases, self.rows, self.aliases = self.rows, self.aliases, [], []
        started = self.last_flush = time.monotonic()
        await asyncio.to_thread(self.corpus.append_aliases, aliases)
        await asyncio.to_thread(self.corpus.append, rows)
        self.crawler.signals.send_catch_log(signal=parts_flushed, started=started)

    async def close_spider(self):
        await self.flush()
