"""Scrapy's duplicate filter, plus one count it cannot make: redirect loops.

A redirect that leads back to a URL already requested is dropped by the
filter (so loops end); these filters count it as the source's
``error/redirect_loop`` instead of dropping it silently.
"""
from __future__ import annotations

from scrapy.dupefilters import RFPDupeFilter
from scrapy_redis.dupefilter import RFPDupeFilter as RedisDupeFilter

from corpus.sources.urls import canonical_url


class RedirectLoopCounting:
    def log(self, request, spider) -> None:
        previous = {canonical_url(u) for u in request.meta.get("redirect_urls", [])}
        if canonical_url(request.url) in previous and (source := request.meta.get("source")):
            spider.crawler.stats.inc_value(f"provnews/{source}/error/redirect_loop")
            spider.logger.warning("Skipping %s: redirect_loop", request.meta["redirect_urls"][0])
        super().log(request, spider)


class CountingDupeFilter(RedirectLoopCounting, RFPDupeFilter):
    """Scrapy's filter (one process)."""


class RedisCountingDupeFilter(RedirectLoopCounting, RedisDupeFilter):
    """scrapy-redis's filter (fingerprints in Redis, shared by the workers of a shared crawl)."""
