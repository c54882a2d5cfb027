"""Scrapy's duplicate filter, plus what it cannot know about these sites.

- Redirect loops: a redirect that leads back to a URL already requested is
  dropped by the filter (so loops end); this subclass counts it as the source's
  ``error/redirect_loop`` instead of dropping it silently.
- Letter case: IIS/ASP.NET outlets answer ``/Trang/TinTuc.aspx?PageIndex=2``
  and ``/trang/tintuc.aspx?pageindex=2`` with the same page, and their menus
  link both. Scrapy's fingerprint (w3lib's ``canonicalize_url``) keeps case, so
  each variant would be fetched; here a case-insensitive host's URL is
  fingerprinted in lower case (``corpus.sources.urls.fold_case``).
"""
from __future__ import annotations

from scrapy.dupefilters import RFPDupeFilter

from corpus.sources.urls import canonical_url, fold_case


class CountingDupeFilter(RFPDupeFilter):
    def request_seen(self, request) -> bool:
        folded = fold_case(request.url)
        return super().request_seen(request if folded == request.url else request.replace(url=folded))

    def log(self, request, spider) -> None:
        previous = {canonical_url(u) for u in request.meta.get("redirect_urls", [])}
        if canonical_url(request.url) in previous and (source := request.meta.get("source")):
            spider.crawler.stats.inc_value(f"provnews/{source}/error/redirect_loop")
            spider.logger.warning("Skipping %s: redirect_loop", request.meta["redirect_urls"][0])
        super().log(request, spider)
