"""Archived pages -> stored articles, by the steps a crawl takes.

page kind (``link_kind``, as the spider decides what to request) -> ``extract_page`` in worker
processes -> exact dedup (``ContentIdDedup``) -> rows (``RowBuffer``) -> atomic Parquet parts.
``fetched_at`` is the record's WARC-Date and ``archive``/``archive_offset`` name the record.

Memory is bounded: pages stream from the readers, at most ``4 x workers`` are in flight, rows are
flushed every ``flush_rows``. A run killed at any moment loses only unflushed rows; run again, it
skips every URL already stored (as a crawl does) and stores the rest once.
"""
from __future__ import annotations

from collections import Counter, deque
from concurrent.futures.process import BrokenProcessPool
from datetime import datetime
from typing import Iterable, Iterator
from urllib.parse import urlsplit

from corpus.archive.reader import ArchivedPage
from corpus.dedup.exact import ContentIdDedup, article_urls
from corpus.sources.pagekind import link_kind
from corpus.sources.registry import site_host
from corpus.sources.urls import url_key
from corpus.store.rows import RowBuffer
from corpus.text.extract import MIN_WORDS, extract_page

HTML_TYPES = {"text/html", "application/xhtml+xml", ""}


class ExtractorPool:
    """``extract_page`` over worker processes (crawler.workerpool.WorkerPool, as the crawl's
    ExtractPipeline), results in input order, ``4 x workers`` pages in flight.

    A dead worker breaks the whole pool: it is replaced and the pages in flight are tried once
    more; a page that fails twice is reported as ``extractor crashed``."""

    def __init__(self, workers: int, min_words: int = MIN_WORDS):
        self.workers, self.min_words = workers, min_words
        self.pool = None

    def _args(self, page: ArchivedPage):
        return page.body, page.url, page.charset, self.min_words

    def _submit(self, page):
        executor = self.pool.executor
        try:
            return page, executor.submit(extract_page, *self._args(page)), executor
        except BrokenProcessPool:       # broke since the last result was read
            self.pool.replace(executor)
            executor = self.pool.executor
            return page, executor.submit(extract_page, *self._args(page)), executor

    def _result(self, page, future, executor) -> dict:
        try:
            return future.result()
        except BrokenProcessPool:
            self.pool.replace(executor)
        executor = self.pool.executor
        try:
            return executor.submit(extract_page, *self._args(page)).result()
        except BrokenProcessPool:
            self.pool.replace(executor)
            return {"reason": "extractor crashed", "links": []}

    def map(self, pages: Iterable[ArchivedPage]) -> Iterator[tuple[ArchivedPage, dict]]:
        if not self.workers:
            for page in pages:
                yield page, extract_page(*self._args(page))
            return
        from crawler.workerpool import WorkerPool

        self.pool = WorkerPool(self.workers, ["corpus.text.extract"])
        window: deque = deque()
        try:
            for page in pages:
                window.append(self._submit(page))
                if len(window) >= 4 * self.workers:
                    yield self._take(window)
            while window:
                yield self._take(window)
        finally:
            self.pool.close()

    def _take(self, window: deque) -> tuple[ArchivedPage, dict]:
        page, future, executor = window.popleft()
        return page, self._result(page, future, executor)


class ArchiveIngest:
    """Stores the articles among archived pages; ``counts`` holds ``<source>/<what>`` as a crawl's stats."""

    def __init__(self, buffer: RowBuffer, sources, known_ids: set[str], workers: int = 0,
                 min_words: int = MIN_WORDS, since: datetime | None = None, until: datetime | None = None,
                 skip_known: bool = True, stored_keys: frozenset = frozenset()):
        self.buffer, self.workers, self.min_words, self.since = buffer, workers, min_words, since
        self.by_host: dict[str, list] = {}
        for source in sources:
            for host in source.site_hosts:
                self.by_host.setdefault(host, []).append(source)
        self.dedup = ContentIdDedup(known_ids, since=since, until=until)
        self.skip_known = skip_known
        self.stored_keys = stored_keys   # URL keys of stored articles: candidates whatever their shape
        self.seen: set[str] = set()      # URL keys taken this run: one capture per URL, the first met
        self.outcome: dict[str, str | None] = {}   # URL key extracted -> id it gave (None: not an article)
        self.counts: Counter = Counter()

    def source_of(self, url: str):
        """The selected outlet that owns ``url`` (as Fundus' CCNewsSource maps hosts to publishers)."""
        return next((s for s in self.by_host.get(site_host(urlsplit(url).netloc), ()) if s.owns(url)), None)

    def wanted(self, url: str) -> bool:
        """An article candidate of a selected outlet, not stored yet (decided before the body is read)."""
        source = self.source_of(url)
        if source is None:
            self.counts["(archives)/skipped/other_host"] += 1
            return False
        if link_kind(url, source) != "article" and url_key(url) not in self.stored_keys:
            self.counts[f"{source.key}/skipped/not_article_url"] += 1
            return False
        key = url_key(url)
        if self.skip_known and key in self.buffer.known_keys:
            self.counts[f"{source.key}/skipped_known"] += 1
            return False
        if key in self.seen:
            self.counts[f"{source.key}/skipped/repeat_capture"] += 1
            return False
        return True

    def _pages(self, records: Iterable[ArchivedPage | str]) -> Iterator[ArchivedPage]:
        for record in records:
            if isinstance(record, str):
                if record not in ("not_response", "not_wanted"):
                    self.counts[f"(archives)/error/{record}"] += 1
                continue
            key = self.source_of(record.url).key
            if record.status != 200:
                self.counts[f"{key}/skipped/http_{record.status}"] += 1
            elif record.mime not in HTML_TYPES:
                self.counts[f"{key}/skipped/not_html"] += 1
            elif self.since and record.fetched_at < self.since:
                self.counts[f"{key}/skipped/captured_before_since"] += 1   # so published before it too
            elif url_key(record.url) in self.seen:                 # read twice in one run (cdx: in flight)
                self.counts[f"{key}/skipped/repeat_capture"] += 1
            else:
                self.seen.add(url_key(record.url))
                if record.truncated:
                    self.counts[f"{key}/warc_truncated/{record.truncated}"] += 1   # extracted all the same
                self.counts[f"{key}/pages"] += 1
                yield record

    def run(self, records: Iterable[ArchivedPage | str]) -> Counter:
        """Store the articles among ``records`` (an archive reader's output, filtered with ``wanted``)."""
        for page, result in ExtractorPool(self.workers, self.min_words).map(self._pages(records)):
            self.store(page, result)
        self.buffer.flush()
        return self.counts

    def store(self, page: ArchivedPage, result: dict) -> str:
        source = self.source_of(page.url)
        result.pop("links", None)
        self.outcome[url_key(page.url)] = result.get("id")
        if "reason" in result:
            self.counts[f"{source.key}/non_article/{result['reason'].replace(' ', '_')}"] += 1
            return "non_article"
        item = {**result, "source": source.key, "url": page.url, "request_url": page.url,
                "archive": (page.archive, page.offset)}
        item["urls"] = article_urls(item, source)
        item["url"] = item["urls"][0]
        verdict = self.dedup.verdict(item)
        self.counts[f"{source.key}/{'stored' if verdict == 'accepted' else verdict}"] += 1
        if verdict == "accepted":
            self.buffer.add_article(item, source, page.fetched_at)
        elif verdict == "dup_id":
            self.buffer.add_aliases(item, page.fetched_at)
        if self.buffer.full():
            self.buffer.flush()
        return verdict
