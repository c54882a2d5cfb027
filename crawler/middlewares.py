"""Downloader middlewares: per-source limits and records that Scrapy has no setting for."""
from __future__ import annotations

from urllib.parse import urlsplit

from scrapy.exceptions import IgnoreRequest


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
