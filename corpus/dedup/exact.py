"""Exact deduplication by content id: the decision a crawl, an import and a re-extraction share.

First seen wins; a later page with a stored text only adds its URLs as aliases. Plain values
in, a verdict out, so a Scrapy pipeline and an archive reader call the same code.
"""
from __future__ import annotations

from datetime import datetime

from corpus.sources.urls import canonical_url


def article_urls(item: dict, source) -> list[str]:
    """The page's URLs, once each: its own canonical link first (when the outlet owns it),
    then the URL requested, then the URL answered (after redirects)."""
    urls = [canonical_url(item["request_url"]), canonical_url(item["url"])]
    canonical = item.get("canonical")
    if canonical and source.owns(canonical_url(canonical)):
        urls.insert(0, canonical_url(canonical))
    return list(dict.fromkeys(urls))


class ContentIdDedup:
    """Verdicts: ``accepted`` (new id, now known), ``dup_id`` (store its URLs as aliases),
    ``skipped_old``/``skipped_new`` (published outside --since/--until), ``budget`` (the source
    has ``max_articles`` already). ``known_ids`` is a set, or a seen set with ``claim`` (corpus.store.seen, or
    crawler.distributed.seen in a shared crawl, where the claim is atomic across workers)."""

    def __init__(self, known_ids, since: datetime | None = None, until: datetime | None = None,
                 max_articles: int = 0):
        self.ids, self.since, self.until, self.max_articles = known_ids, since, until, max_articles

    def verdict(self, item: dict, accepted_so_far: int = 0) -> str:
        published = item.get("published")
        if self.since and published and published < self.since:
            return "skipped_old"
        if self.until and published and published >= self.until:
            return "skipped_new"
        if item["id"] in self.ids:
            return "dup_id"
        if self.max_articles and accepted_so_far >= self.max_articles:
            return "budget"
        claim = getattr(self.ids, "claim", None)   # a plain set (reextract's staging) has none
        if claim is None:
            self.ids.add(item["id"])
            return "accepted"
        return "accepted" if claim(item["id"]) else "dup_id"   # a shared crawl's other worker may have it
