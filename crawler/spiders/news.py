"""The one generic spider: every outlet is a row of the registry.

Discovery per source: robots.txt ``Sitemap:`` lines, ``/sitemap.xml`` and the
registry's sitemaps (indexes and .xml.gz too), RSS/Atom feeds (registry or
``<link rel="alternate">``), and homepage -> category -> paginated listings.
Each URL is classified before it is requested (corpus.sources.pagekind); pages that
may be articles go to the item pipelines as raw bytes, where extraction
decides for good. Only the source's own hosts are followed. An article page is
parsed once, in the extraction worker, which also lists its links: the item
pipeline hands them back to ``follow_article_links``.
"""
from __future__ import annotations

import functools
import re
from urllib.parse import urljoin, urlsplit

from email.utils import parsedate_to_datetime

import scrapy
from scrapy.exceptions import (
    CannotResolveHostError, DownloadCancelledError, DownloadConnectionRefusedError, DownloadTimeoutError,
    IgnoreRequest, ResponseDataLossError,
)
from scrapy.spidermiddlewares.httperror import HttpError
from scrapy.utils.gz import gunzip
from scrapy.utils.sitemap import Sitemap, sitemap_urls_from_robots

from crawler.middlewares import BudgetExhausted
from crawler.seen import seen_sets
from corpus.text.extract import page_links, site_keywords
from corpus.sources.listing import listing_dates
from corpus.sources.pagekind import classify_url, link_kind
from corpus.sources.registry import load_sources, select_sources
from corpus.store.state import RunLog
from corpus.store.parts import Corpus
from corpus.text.dates import parse_iso_datetime
from corpus.sources.urls import canonical_url, url_key

FOLLOW = {"home", "category"}
MAGIC = (b"\x89PNG", b"PK\x03\x04", b"%PDF", b"\xff\xd8\xff", b"GIF8", b"\x1f\x8b", b"Rar!", b"\x00\x00\x01\x00")
IIS_SIGNATURE = re.compile(r"Microsoft-IIS|ASP\.NET", re.I)   # in Server or X-Powered-By
PAGINATION = re.compile(r"page=|/page/|/trang-|trang=|currentpage|pageindex=|paged=|pg=", re.I)
FAILURES = {
    DownloadTimeoutError: "timeout", DownloadCancelledError: "too_large", CannotResolveHostError: "dns",
    DownloadConnectionRefusedError: "connection_refused", ResponseDataLossError: "truncated_response",
}


def failure_reason(failure) -> str:
    """Short, countable name of why a request failed."""
    if failure.check(HttpError):
        return f"http_{failure.value.response.status}"
    for exc_type, reason in FAILURES.items():
        if failure.check(exc_type):
            return reason
    if failure.check(IgnoreRequest):
        text = str(failure.value)
        return "robots_disallowed" if "robots.txt" in text else "redirect_loop" if "redirect" in text else "ignored"
    return type(failure.value).__name__.lower()


class NewsSpider(scrapy.Spider):
    name = "news"

    def __init__(self, sources=None, province=None, kind=None, **kwargs):
        super().__init__(**kwargs)
        self.source_keys, self.province, self.kind = sources, province, kind

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        spider = super().from_crawler(crawler, *args, **kwargs)
        settings = crawler.settings
        registry = load_sources(settings.get("PROVNEWS_SOURCES_FILE"))
        spider.sources = {s.key: s for s in select_sources(
            registry, spider.source_keys, spider.province, spider.kind)}
        spider.max_pages = settings.getint("PROVNEWS_MAX_PAGES")
        spider.listing_depth = settings.getint("PROVNEWS_LISTING_DEPTH")
        spider.max_url_length = settings.getint("URLLENGTH_LIMIT")
        spider.corpus = Corpus(settings.get("PROVNEWS_CORPUS"))
        spider.corpus.ensure_writable()
        spider.known_ids, spider.known_keys, spider.requested_keys = seen_sets(crawler, spider.corpus)
        spider.since = parse_iso_datetime(settings.get("PROVNEWS_SINCE") or "")
        runs = RunLog(spider.corpus.state_dir)
        spider.last_complete = {key: runs.last_success(key) for key in spider.sources}
        spider.requested_pages: set[str] = set()   # listing/discovery URLs requested this run (one Request each)
        spider.undated_links: set[str] = set()   # article links left unfollowed under --since
        spider.pages = dict.fromkeys(spider.sources, 0)
        spider.settled = {key: set() for key in spider.sources}   # links that will not be requested again (candidate)
        spider.site_keywords = {}   # source -> its home page's keywords, dropped from article tags when stored
        spider.link_kind = functools.lru_cache(maxsize=1 << 16)(spider._link_kind)
        return spider

    # -- bookkeeping -------------------------------------------------------
    def count(self, source: str, what: str, n: int = 1) -> None:
        self.crawler.stats.inc_value(f"provnews/{source}/{what}", n)

    def request(self, url: str, source, role: str, callback, **meta):
        """A request within the source's budget and hosts, or None."""
        url = canonical_url(url)
        if urlsplit(url).scheme not in ("http", "https") or not source.owns(url):
            return None
        # Menus repeat a site's listing links on every article page: a listing requested already would
        # only be dropped by the dupefilter (same URL, same fingerprint), after a Request, a fingerprint
        # and a trip through the scheduler. Articles: requested_keys (candidate).
        listing = role not in ("robots", "article")
        if listing and url in self.requested_pages:
            return None
        if self.max_pages and self.pages[source.key] >= self.max_pages:
            return None
        self.pages[source.key] += 1
        if listing:
            self.requested_pages.add(url)
        meta = {"source": source.key, "role": role, "dont_cache": role == "article", **meta}
        # Non-article pages come from the HTTP cache after a conditional request (max-age=0:
        # always revalidate, since a homepage's Last-Modified says nothing about tomorrow).
        headers = {} if role == "article" else {"Cache-Control": "max-age=0"}
        return scrapy.Request(url, callback=callback, errback=self.failed, meta=meta, headers=headers,
                              dont_filter=role == "robots")

    def candidate(self, url: str, source, depth: int):
        """Request a page linked from a page at ``depth`` unless it is stored, requested already or too deep.

        Only listings are depth-limited (calendar and archive traps): an article is a leaf,
        wherever it was found. A link that can never lead to a request again goes into ``settled``,
        which ``follow_urls`` checks first: an article page repeats a hundred menu and sidebar
        links of its site, and deciding each again was a fifth of the reactor's work per page.
        """
        kind, key = self.link_kind(source.key, url)
        if kind not in FOLLOW and kind != "article":
            self.settled[source.key].add(url)
            return None
        if kind in FOLLOW and depth >= self.listing_depth:
            return None                  # a shallower page may still lead to it
        if kind == "article":
            self.settled[source.key].add(url)    # requested now, known, or requested before
            if key in self.requested_keys:
                return None
            self.requested_keys.add(key)
            if key in self.known_keys:
                self.count(source.key, "skipped_known")
                return None
        request = self.request(url, source, kind, self.parse_page)
        if kind in FOLLOW and canonical_url(url) in self.requested_pages:
            self.settled[source.key].add(url)
        return request

    def _link_kind(self, source_key: str, url: str) -> tuple[str, str]:
        """(page kind, url_key) of a link, or ("ruled_out", "") for another outlet's link, a file
        (NOT_PAGES), a URL over URLLENGTH_LIMIT or one the registry's deny/allow rules out.

        Cached as ``link_kind``: menus and related boxes repeat on every page of a site, and
        classifying them was most of the reactor's work per page."""
        source = self.sources[source_key]
        kind = link_kind(url, source, self.max_url_length)
        if kind == "ruled_out":
            if source.is_subsite(url):  # a department or district sub-site: crawled only with subdomains = true
                self.count(source_key, "skipped_subsite")
            return "ruled_out", ""  # another outlet's link must not mark the article as requested for its owner
        return kind, url_key(url)

    # -- discovery ---------------------------------------------------------
    async def start(self):
        for source in self.sources.values():
            root = f"{urlsplit(source.homepage).scheme}://{source.host}"
            yield self.request(root + "/robots.txt", source, "robots", self.parse_robots)
            for url in source.sitemaps or (root + "/sitemap.xml",):
                if req := self.request(url, source, "sitemap", self.parse_sitemap):
                    yield req
            for url in source.feeds:
                if req := self.request(url, source, "feed", self.parse_feed):
                    yield req
            if req := self.request(source.homepage, source, "home", self.parse_page):
                yield req

    def parse_robots(self, response):
        source = self.sources[response.meta["source"]]
        for url in sitemap_urls_from_robots(response.body, base_url=response.url):
            if url not in source.sitemaps and (req := self.request(url, source, "sitemap", self.parse_sitemap)):
                yield req

    def parse_sitemap(self, response):
        source = self.sources[response.meta["source"]]
        self.count(source.key, "sitemaps_read")
        body = response.body
        if body[:2] == b"\x1f\x8b":
            body = gunzip(body, max_size=self.settings.getint("DOWNLOAD_MAXSIZE"))
        try:
            sitemap = Sitemap(body)
        except Exception:  # lxml raises several types on garbage
            self.count(source.key, "error/bad_sitemap")
            return
        for entry in sitemap:
            loc, lastmod = entry.get("loc"), parse_iso_datetime(entry.get("lastmod") or "")
            if not loc:
                continue
            if sitemap.type == "sitemapindex":
                last_run = self.last_complete[source.key]
                if lastmod and last_run and lastmod < last_run:
                    self.count(source.key, "sitemaps_unchanged")
                elif self.since and lastmod and lastmod < self.since:
                    self.count(source.key, "since/sitemap_not_read")   # nothing in it is newer
                elif req := self.request(loc, source, "sitemap", self.parse_sitemap):
                    yield req
            elif self.since and lastmod and lastmod < self.since:
                self.count(source.key, "since/sitemap")  # modified before --since, so published before it too
            elif req := self.candidate(loc, source, response.meta.get("depth", 0)):
                yield req

    def parse_feed(self, response):
        source = self.sources[response.meta["source"]]
        self.count(source.key, "feeds_read")
        response.selector.remove_namespaces()
        for entry in response.xpath("//item | //entry"):
            link = entry.xpath("link/text() | link[not(@rel) or @rel='alternate']/@href").get("").strip()
            if not link:
                continue
            if self.too_old(entry.xpath("pubDate/text() | published/text() | updated/text()").get()):
                self.count(source.key, "since/feed")
                continue
            if req := self.candidate(urljoin(response.url, link), source, response.meta.get("depth", 0)):
                yield req

    def too_old(self, date_text: str | None) -> bool:
        """True when a feed entry's date is before --since."""
        if not (self.since and date_text):
            return False
        try:
            when = parsedate_to_datetime(date_text.strip())
        except (TypeError, ValueError):
            when = parse_iso_datetime(date_text)
        return bool(when and when.tzinfo and when < self.since)

    def parse_page(self, response):
        source = self.sources[response.meta["source"]]
        self.count(source.key, "pages")
        body = response.body
        if body.lstrip()[:8].startswith(MAGIC) or b"\x00" in body[:1024]:
            self.count(source.key, "error/binary_as_html")
            self.logger.warning("Skipping %s: binary content served as %s", response.url,
                                response.headers.get("Content-Type", b"?").decode("latin-1"))
            return
        if not hasattr(response, "xpath"):
            self.count(source.key, "error/not_html")
            return
        role = response.meta["role"]
        if role == "home":
            self.site_keywords[source.key] = set(site_keywords(response.selector.root))
            self.note_case_insensitive_host(response, source)
            for href in response.xpath("//link[@rel='alternate'][contains(@type,'rss') or "
                                       "contains(@type,'atom')]/@href").getall():
                if req := self.request(urljoin(response.url, href), source, "feed", self.parse_feed):
                    yield req
        if role == "article" or classify_url(response.url, source) == "article":
            # Its links come back from the extraction worker, which parses the page anyway.
            yield {"source": source.key, "url": response.url, "request_url": response.meta.get(
                "redirect_urls", [response.request.url])[0], "body": body,
                "charset": response.encoding, "depth": response.meta.get("depth", 0),
                "archive": response.meta.get("archive")}
            return
        self.count(source.key, "listings_read")
        old = set()
        if self.since:   # teasers' dates: old articles are not fetched (corpus.sources.listing)
            old = {u for u, when in listing_dates(response.selector.root, response.url).items() if when < self.since}
        yield from self.follow_urls(page_links(response.selector.root, response.url), source, role,
                                    response.meta.get("depth", 0), old)

    def note_case_insensitive_host(self, response, source) -> None:
        """An IIS/ASP.NET homepage says its host answers every letter case of a path. Keys of .aspx paths
        fold case anyway; for extensionless paths (ASP.NET MVC, DotNetNuke) the registry must say so, since
        the keys of stored articles are made before any response is seen: count it and say what to do."""
        server = b" ".join(response.headers.getlist(b"Server") + response.headers.getlist(b"X-Powered-By"))
        if source.case_insensitive or not (IIS_SIGNATURE.search(server.decode("latin-1"))
                                           or b"X-AspNet-Version" in response.headers):
            return
        self.count(source.key, "case_insensitive_host")
        self.logger.info("%s is served by IIS/ASP.NET: if its links mix letter case outside .aspx paths, set "
                         "case_insensitive = true for source %r", source.host, source.key)

    def follow_article_links(self, item: dict, links: list[str]):
        """Requests for the links the extraction worker found on an article page.

        They reach the scheduler through ``engine.crawl``, past the spider middlewares, so depth and
        Referer are set here as DepthMiddleware and RefererMiddleware would (and ``link_kind`` applies
        UrlLengthMiddleware's limit)."""
        depth = item.pop("depth", 0)
        source = self.sources[item["source"]]
        if self.since:
            links = self.without_undated_articles(source, links)
        for request in self.follow_urls(links, source, "article", depth):
            request.meta["depth"] = depth + 1
            request.headers.setdefault("Referer", item["url"])
            yield request

    def without_undated_articles(self, source, links: list[str]) -> list[str]:
        """Under --since, an article page's links to other articles are not followed: its related and
        most-read boxes print no dates and lead mostly to older articles; sitemaps, feeds and dated
        listings lead to the new ones. Counted once per URL as ``since/undated_link``."""
        kept = []
        for url in links:
            kind, key = self.link_kind(source.key, url)
            if kind != "article":
                kept.append(url)
            elif key not in self.requested_keys and key not in self.known_keys and key not in self.undated_links:
                self.undated_links.add(key)
                self.count(source.key, "since/undated_link")
        return kept

    def follow_urls(self, urls, source, role: str, depth: int, old: set[str] = frozenset()):
        """Requests for the links of a page of ``role`` at ``depth``; ``old``: links dated before --since."""
        new_articles, pagination, settled = 0, [], self.settled[source.key]
        for url in urls:
            if url in settled:
                continue
            if PAGINATION.search(url) and self.link_kind(source.key, url)[0] == "category":
                pagination.append(url)
                continue
            if url in old and (kind_key := self.link_kind(source.key, url))[0] == "article":
                if kind_key[1] not in self.requested_keys:
                    self.requested_keys.add(kind_key[1])
                    self.count(source.key, "since/listing")
                continue
            req = self.candidate(url, source, depth)
            if req is not None:
                new_articles += req.meta["role"] == "article"
                yield req
        # A listing page that brought nothing new ends its pagination (calendar traps, old archives),
        # except on a source's first crawl, which follows listings into the archive; and one whose dated
        # teasers are all before --since ends it too (listings run newest first).
        if (new_articles or role == "home" or self.last_complete[source.key] is None) and (
                new_articles or not old or role == "home"):
            for url in pagination:
                if req := self.candidate(url, source, depth):
                    yield req

    def failed(self, failure):
        request = failure.request
        if failure.check(BudgetExhausted):
            return
        source = request.meta.get("source", "?")
        reason = failure_reason(failure)
        if request.meta.get("role") == "robots" or (request.meta.get("role") == "sitemap" and reason == "http_404"):
            return  # no robots.txt or /sitemap.xml is normal
        if reason == "robots_disallowed":  # obeyed, not an error
            self.count(source, reason)
            return
        self.count(source, f"error/{reason}")
        self.logger.warning("Skipping %s: %s", request.url, reason)
