"""Downloader middlewares: per-source limits that Scrapy has no setting for."""
from __future__ import annotations

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
