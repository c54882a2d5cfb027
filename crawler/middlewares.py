"""Downloader middlewares: per-source limits and records that Scrapy has no setting for, and robots.txt for every waiter."""
from __future__ import annotations

import asyncio
import re
from urllib.parse import urlsplit

from scrapy.downloadermiddlewares.redirect import MetaRefreshMiddleware
from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware
from scrapy.exceptions import IgnoreRequest
from scrapy.utils.httpobj import urlparse_cached
from twisted.internet.defer import Deferred


META_REFRESH_BYTES = re.compile(rb"<meta[^>]*refresh", re.I)


class BudgetExhausted(IgnoreRequest):
    """The source already stored PROVNEWS_MAX_ARTICLES articles in this run."""


class SourceBudget:
    """Drop queued requests of a source once it has stored its article budget."""

    def __init__(self, crawler):
        self.crawler = crawler
        self.max_articles = crawler.settings.getint("PROVNEWS_MAX_ARTICLES")

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def process_request(self, request):
        source = request.meta.get("source")
        if self.max_articles and source:
            stored = self.crawler.stats.get_value(f"provnews/{source}/accepted", 0)
            if stored >= self.max_articles:
                raise BudgetExhausted(f"{source} reached its budget of {self.max_articles} articles")
        return None


class OffsiteRedirects:
    """Count responses that a redirect brought from another host than the source's own.

    ``provnews/<source>/redirected_offsite/<host>`` lands in the run log, where the
    site-health report sees a domain move or a merger (corpus.report.alerts)."""

    def __init__(self, crawler):
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def process_response(self, request, response):
        key = request.meta.get("source")
        sources = getattr(self.crawler.spider, "sources", {})
        if request.meta.get("redirect_urls") and key in sources and not sources[key].owns(response.url):
            host = urlsplit(response.url).netloc.lower()
            self.crawler.stats.inc_value(f"provnews/{key}/redirected_offsite/{host}")
        return response


class MetaRefresh(MetaRefreshMiddleware):
    """Scrapy's meta-refresh redirects, without decoding pages that cannot hold one.

    Scrapy looks for ``<meta http-equiv="refresh">`` in the first 4,096 characters of
    ``response.text``, which decodes the whole page first (150 KB, a Python codec for
    windows-1258): half a millisecond of the reactor per page for a tag few pages have. Those
    characters are at most 16 KB of an ASCII-compatible encoding, where such a tag's bytes read
    ``<meta ... refresh`` in some letter case; a page without them is passed on undecoded. A NUL
    byte (UTF-16/32) sends the page to Scrapy's check as before.
    """

    def process_response(self, request, response):
        head = getattr(response, "body", b"")[:16384]
        if not META_REFRESH_BYTES.search(head) and b"\x00" not in head:
            return response
        return super().process_response(request, response)


class RobotsTxt(RobotsTxtMiddleware):
    """Scrapy's robots.txt middleware, with every request that waits for a robots.txt getting its rules.

    While robots.txt is being fetched, other requests to that host await a shared Deferred. On the
    asyncio reactor each waiter turns it into a future (``Deferred.asFuture``), which "converts the
    Deferred into one firing with None": the first waiter got the parser, every later one got None,
    which means *allowed*. A shared crawl, where robots.txt waits for its politeness token, showed it
    (disallowed /private/ pages fetched). Here a waiter leaves the Deferred alone and looks again
    every 50 ms until the parser (or None after a failed fetch: Scrapy's rule) is in place.
    """

    async def robot_parser(self, request):
        netloc = urlparse_cached(request).netloc
        if isinstance(self._parsers.get(netloc), Deferred):
            while isinstance(self._parsers.get(netloc), Deferred):
                await asyncio.sleep(0.05)
            return self._parsers[netloc]
        return await super().robot_parser(request)
