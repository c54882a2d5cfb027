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

from corpus.text.extract import extract_page
from corpus.sources.urls import canonical_url, url_key
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
        self.ids.add(item["id"])
        self.count(item, "accepted")
        return item


class ParquetWriterPipeline(_Component):
    """Buffers rows and appends them to the corpus as atomic Parquet parts."""

    def open_spider(self):
        spider = self.crawler.spider
        self.corpus, self.sources = spider.corpus, spider.sources
        self.known_keys, self.site_keywords = spider.known_keys, spider.site_keywords
        self.rows, self.aliases = [], []
        self.flush_rows = self.settings.getint("PROVNEWS_FLUSH_ROWS")
        self.flush_seconds = self.settings.getfloat("PROVNEWS_FLUSH_SECONDS")
        self.last_flush = time.monotonic()

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
        for row in rows:   # a home page's keywords are the site's, not the article's (read by flush time)
            row["tags"] = [t for t in row["tags"] or () if t not in self.site_keywords.get(row["source"], ())]
        self.last_flush = time.monotonic()
        await asyncio.to_thread(self.corpus.append_aliases, aliases)
        await asyncio.to_thread(self.corpus.append, rows)

    async def close_spider(self):
        await self.flush()
