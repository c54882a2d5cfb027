"""One fixture news site: its articles, its URL map and the answer to every request.

A layout subclass (longan.py, dongthap.py, vinhphuc.py) gives the URL shapes and
the look; this base gives the structure every outlet shares: homepage, paginated
category listings, tags, search, calendar, sitemaps, feed, robots.txt, URL
variants and the fault pages. Pages are rendered when requested from an
immutable snapshot (``State``) that ``add_articles`` swaps whole, so requests
served concurrently never see half an update.
"""
from __future__ import annotations

import math
import re
import threading
from bisect import bisect_left
from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from typing import Callable
from urllib.parse import parse_qs, quote_plus

from corpus.demosite import chrome, feeds, vocab
from corpus.demosite.chrome import esc
from corpus.demosite.content import VN_TZ, Article, Writer, clean, seed_articles, slugify
from corpus.demosite.encoding import decomposed, encode_page
from corpus.demosite.faults import LISTED_TITLES, fault_routes
from corpus.demosite.fixedpages import fixed_routes
from corpus.demosite.response import Response, conditional, http_date

CALENDAR = re.compile(r"^/lich/(\d{4})/(\d{1,2})/(\d{1,2})/?$")


@dataclass
class State:
    """One consistent view of the site's content."""

    articles: list[Article]                  # ground truth, in publication order of the CMS
    newest: list[Article]                    # everything listed, newest first
    by_category: dict[str, list[Article]]
    by_tag: dict[str, tuple[str, list[Article]]]
    by_month: dict[tuple[int, int], list[Article]]
    by_day: dict[date, list[Article]]
    routes: dict[str, tuple[Callable[[dict], Response], bool]] = field(default_factory=dict)
    padding: list[str] = field(default_factory=list)
    padding_sizes: list[int] = field(default_factory=list)
    padding_bytes: dict[int, bytes] = field(default_factory=dict)   # encoded, by unit count


class Site:
    # --- set by the layouts -------------------------------------------------------------------
    key = name = province = ""
    kind = "newspaper"
    charset = "utf-8"
    server_header = "nginx"
    page_size = 15
    id_base = 100000
    categories: tuple[str, ...] = ()
    parents: dict[str, str] = {}
    seconds_in_dates = False
    sitemap_index_path = "/sitemap.xml"
    feed_path = "/rss/tin-moi.rss"
    feed_atom = False
    search_path = "/tim-kiem"
    paths: dict[str, str] = {}       # contact, video, gallery, english, private (format with slug, id)
    email = phone = ""

    def __init__(self, base_url: str, *, seed: int = 0, faults: bool = True, page_kb: int | None = None,
                 slow_seconds: float = 5.0, huge_mb: float = 20, others: tuple[str, ...] = ()):
        self.base_url = base_url
        self.origin = base_url.rstrip("/")
        self.seed, self.faults, self.page_kb = seed, faults, page_kb
        self.slow_seconds, self.huge_bytes = slow_seconds, int(huge_mb * 1024 * 1024)
        self.others = others
        self.writer = Writer(self.key, seed, seconds=self.seconds_in_dates)
        self._lock = threading.Lock()
        self._requests: list[tuple[str, str, dict]] = []
        self._hits: dict[str, int] = defaultdict(int)
        self._next_k = 0
        self.fault_urls: dict[str, str] = {}
        self.fault_articles: dict[str, Article] = {}
        self.urls: dict[str, str] = {}
        self.state: State | None = None

    # --- URL shapes (layouts override) ---------------------------------------------------------
    def article_path(self, a: Article) -> str:
        raise NotImplementedError

    def print_path(self, a: Article) -> str:
        raise NotImplementedError

    def old_path(self, a: Article) -> str:
        raise NotImplementedError

    def listing_path(self, category: str, page: int) -> str:
        raise NotImplementedError

    def tag_path(self, slug: str) -> str:
        raise NotImplementedError

    def month_path(self, year: int, month: int) -> str:
        raise NotImplementedError

    # --- look (layouts override) --------------------------------------------------------------
    def page(self, title: str, main: str, *, canonical: str | None = None, head: str = "",
             sidebar: bool = True) -> str:
        raise NotImplementedError

    def article_main(self, a: Article) -> str:
        raise NotImplementedError

    def print_page(self, a: Article) -> str:
        raise NotImplementedError

    def item(self, a: Article) -> str:
        """One entry of a listing: thumbnail, title link, date, sapo."""
        raise NotImplementedError

    def article_head(self, a: Article) -> str:
        """Extra <head> markup of an article page (og:, JSON-LD...)."""
        return ""

    def header_charset(self, a: Article) -> str:
        """Charset the HTTP header declares for an article page."""
        return self.charset

    # --- content -----------------------------------------------------------------------------
    def url(self, path: str) -> str:
        return self.origin + path

    def populate(self, count: int, syndicate: Article | None = None) -> None:
        """Create ``count`` articles (the site's seeds first), the specials and the faults."""
        drafts = seed_articles(self.key)[:count]
        self._next_k = len(drafts)
        drafts += [self.writer.article(k, list(self.categories)) for k in range(self._next_k, count)]
        self._next_k = count
        ranked = sorted(range(len(drafts)), key=lambda i: drafts[i].published)
        ids = {i: self.id_base + rank * 7 for rank, i in enumerate(ranked)}
        articles = [self.place(self.mark(i, d), ids[i]) for i, d in enumerate(drafts)]
        self._last_id = self.id_base + len(drafts) * 7
        articles += self.specials(articles, syndicate)
        when = datetime(2024, 5, 2, 9, 0, tzinfo=VN_TZ)
        self.fixed_routes = fixed_routes(self, when)
        if self.faults:
            self.fixed_routes.update(fault_routes(self, when))
        self._swap(articles)

    def mark(self, index: int, draft: Article) -> Article:
        """Hook: layouts flag some articles (e.g. served in NFD)."""
        return draft

    def specials(self, articles: list[Article], syndicate: Article | None) -> list[Article]:
        """Hook: articles that exist because of others (updated version, syndicated copy)."""
        return []

    def new_id(self) -> int:
        self._last_id += 7
        return self._last_id

    def place(self, draft: Article, cms_id: int) -> Article:
        a = replace(draft, cms_id=cms_id)
        path = self.article_path(a)
        return replace(a, path=path, url=self.url(path))

    def add_articles(self, n: int) -> list[Article]:
        """Publish ``n`` new articles, newer than all others; returns them."""
        with self._lock:
            st = self.state
            latest = max(a.published for a in st.articles)
            new = []
            for i in range(n):
                latest += timedelta(hours=1 + (self._next_k * 5) % 11, minutes=(self._next_k * 13) % 60)
                draft = self.writer.article(self._next_k, list(self.categories), published=latest)
                self._next_k += 1
                new.append(self.place(draft, self.new_id()))
            self._swap(st.articles + new)
        return new

    @property
    def articles(self) -> list[Article]:
        """Ground truth: every article a correct crawl of this site stores (faults aside)."""
        return list(self.state.articles)

    @property
    def requests(self) -> list[tuple[str, str, dict]]:
        """(method, path+query, headers) of every request served so far, oldest first."""
        with self._lock:
            return list(self._requests)

    # --- the snapshot ---------------------------------------------------------------------------
    def _swap(self, articles: list[Article]) -> None:
        newest = sorted(articles, key=lambda a: (a.published, a.cms_id), reverse=True)
        by_category, by_tag = defaultdict(list), {}
        by_month, by_day = defaultdict(list), defaultdict(list)
        for a in newest:
            by_category[a.category].append(a)
            if a.category in self.parents:
                by_category[self.parents[a.category]].append(a)
            for tag in a.tags:
                by_tag.setdefault(slugify(tag), (tag, []))[1].append(a)
            by_month[(a.published.year, a.published.month)].append(a)
            by_day[a.published.date()].append(a)
        st = State(articles, newest, dict(by_category), by_tag, dict(by_month), dict(by_day))
        self._routes(st)
        if self.page_kb:
            links = [(a.url, a.title) for a in newest[:200]]
            units = chrome.padding_units(links, self.name)
            target = self.page_kb * 1024
            while not st.padding_sizes or st.padding_sizes[-1] < target:
                st.padding.append(next(units))
                size = len(encode_page(st.padding[-1], self.charset))
                st.padding_sizes.append(size + (st.padding_sizes[-1] if st.padding_sizes else 0))
        self.state = st

    def _routes(self, st: State) -> None:
        r = st.routes
        for a in st.articles:
            r[a.path] = (lambda q, a=a: self.article_response(a), False)
            r[self.print_path(a)] = (lambda q, a=a: self.html(self.print_page(a), nfd=a.nfd), False)
            r[self.old_path(a)] = (lambda q, a=a: self.redirect(a.url, 301), False)
        r["/"] = (lambda q: self._home(st), True)
        for cat in self.categories:
            pages = max(1, math.ceil(len(st.by_category.get(cat, [])) / self.page_size))
            for n in range(1, pages + 1):
                r[self.listing_path(cat, n)] = (lambda q, c=cat, n=n, p=pages: self._listing(st, c, n, p, q), True)
        for slug in st.by_tag:
            r[self.tag_path(slug)] = (lambda q, s=slug: self._tag(st, s), True)
        months = sorted(st.by_month)
        self.gz_month = months[0]
        for ym in months:
            path = feeds.month_path(self, ym)
            r[path] = (lambda q, ym=ym: feeds.month_sitemap(self, st, ym), True)
        r[self.sitemap_index_path] = (lambda q: feeds.sitemap_index(self, st, months), True)
        r[self.feed_path] = (lambda q: feeds.feed(self, st), True)
        r["/robots.txt"] = (lambda q: self.text(self.robots(), "text/plain; charset=utf-8"), False)
        r[self.search_path] = (lambda q: self._search(st, q), False)
        r.update(self.fixed_routes)
        self.urls.update(home=self.base_url, robots=self.url("/robots.txt"),
                         sitemap_index=self.url(self.sitemap_index_path), feed=self.url(self.feed_path),
                         sitemap_gz=self.url(feeds.month_path(self, self.gz_month)),
                         category=self.url(self.listing_path(self.categories[0], 1)),
                         search=self.url(self.search_path + "?q=" + quote_plus("Nghị quyết")),
                         calendar=self.url(self._calendar_path(st.newest[0].published.date())),
                         tag=self.url(self.tag_path(next(iter(st.by_tag)))),
                         print=self.url(self.print_path(st.newest[0])),
                         old_redirect=self.url(self.old_path(self._pick(st, 3))),
                         utm=self._pick(st, 1).url + ("&" if "?" in self._pick(st, 1).url else "?")
                         + "utm_source=facebook&utm_medium=social&utm_campaign=chia-se",
                         fragment=self._pick(st, 2).url + "#binh-luan")

    @staticmethod
    def _pick(st: State, n: int) -> Article:
        return st.newest[min(n, len(st.newest) - 1)]

    def error_page(self, status: int) -> Response:
        titles = {404: "Không tìm thấy trang", 410: "Bài viết đã bị gỡ bỏ", 500: "Lỗi máy chủ"}
        main = (f'<div class="error-page"><h1>{status} - {titles[status]}</h1>'
                '<p>Xin lỗi, trang bạn yêu cầu hiện không truy cập được. '
                '<a href="/">Về trang chủ</a></p></div>\n')
        return self.html(self.page(titles[status], main, sidebar=False), status=status)

    # --- responses ---------------------------------------------------------------------------------
    def html(self, text: str, status: int = 200, *, nfd: bool = False, declare: str | None = None,
             pad: bool = False) -> Response:
        body = encode_page(decomposed(text) if nfd else text, self.charset)
        st = self.state
        if pad and self.page_kb and st and len(body) < self.page_kb * 1024:
            need = self.page_kb * 1024 - len(body)
            count = bisect_left(st.padding_sizes, need) + 1
            filler = st.padding_bytes.get(count)
            if filler is None:
                filler = st.padding_bytes[count] = encode_page("".join(st.padding[:count]), self.charset)
            cut = body.rindex(b"</body>")
            body = body[:cut] + filler + body[cut:]
        return Response(status, body, {"Content-Type": f"text/html; charset={declare or self.charset}"})

    def text(self, text: str, content_type: str, headers: dict | None = None) -> Response:
        return Response(200, text.encode("utf-8"), {"Content-Type": content_type, **(headers or {})})

    def redirect(self, location: str, status: int) -> Response:
        return Response(status, b"", {"Location": location, "Content-Type": "text/html; charset=utf-8"})

    def article_html(self, a: Article) -> str:
        head = f'<link rel="canonical" href="{esc(a.url)}">\n' + self.article_head(a)
        return self.page(a.title, self.article_main(a), canonical=a.url, head=head)

    def article_response(self, a: Article) -> Response:
        return self.html(self.article_html(a), nfd=a.nfd, declare=self.header_charset(a), pad=True)

    def respond(self, method: str, target: str, headers: dict[str, str]) -> Response:
        """The answer to one request (the server only writes it out)."""
        with self._lock:
            self._requests.append((method, target, headers))
        st = self.state
        path = target.split("?", 1)[0]
        route = st.routes.get(target) or st.routes.get(path)
        if route is None and (m := CALENDAR.match(path)):
            day = self._valid_day(*map(int, m.groups()))
            route = (lambda q: self._calendar(st, day), False) if day else None
        if route is None:
            return self.error_page(404)
        handler, cacheable = route
        response = handler(parse_qs(target.partition("?")[2]))
        if cacheable and response.status == 200:
            response = conditional(response, headers)
        return response

    # --- listings ------------------------------------------------------------------------------------
    def _list_page(self, title: str, items: list[Article], extra: str = "", pager: str = "",
                   modified: datetime | None = None) -> Response:
        rows = "".join(self.item(a) for a in items) or '<p class="empty">Không có bài viết nào.</p>\n'
        main = (f'<div class="list-news"><h1 class="list-title">{esc(title)}</h1>\n'
                f'<div class="list-items">\n{rows}</div>\n{pager}{extra}</div>\n')
        response = self.html(self.page(title, main))
        if modified:
            response.headers["Last-Modified"] = http_date(modified)
        return response

    def pager(self, category: str, page: int, pages: int) -> str:
        links = []
        if page > 1:
            links.append(f'<a class="prev" href="{esc(self.listing_path(category, page - 1))}">« Trang trước</a>')
        for n in range(max(1, page - 2), min(pages, page + 2) + 1):
            links.append(f'<span class="current">{n}</span>' if n == page else
                         f'<a href="{esc(self.listing_path(category, n))}">{n}</a>')
        if page < pages:
            links.append(f'<a class="next" href="{esc(self.listing_path(category, page + 1))}">Trang sau »</a>')
            links.append(f'<a class="last" href="{esc(self.listing_path(category, pages))}">Trang cuối</a>')
        return '<div class="paging">' + " ".join(links) + "</div>\n"

    def _listing(self, st: State, category: str, page: int, pages: int, query: dict) -> Response:
        if query.get("page", [str(page)]) != [str(page)]:
            return self.error_page(404)            # ?page=N past the last page (or not a number)
        everything = st.by_category.get(category, [])
        items = everything[(page - 1) * self.page_size: page * self.page_size]
        extra = ""
        if page == 1 and category == self.categories[0] and self.fault_urls:
            # Fault pages look like ordinary articles in a "more news" box of the first listing.
            extra = chrome.link_list([(self.fault_urls[k], t) for k, t in LISTED_TITLES.items()], "box-more",
                                     "Tin tổng hợp")
        name = vocab.CATEGORIES[category][0] + (f" - Trang {page}" if page > 1 else "")
        modified = max((a.published for a in items), default=None)
        return self._list_page(name, items, extra, self.pager(category, page, pages), modified)

    def _tag(self, st: State, slug: str) -> Response:
        tag, items = st.by_tag[slug]
        return self._list_page(f"Từ khóa: {tag}", items[:20], modified=items[0].published)

    def _search(self, st: State, query: dict) -> Response:
        q = clean(query.get("q", [""])[0])
        hits = [a for a in st.newest if q and q.casefold() in a.title.casefold() + " " + a.text.casefold()]
        return self._list_page(f"Kết quả tìm kiếm: {q}", hits[:20])

    def _calendar_path(self, day: date) -> str:
        return f"/lich/{day.year:04d}/{day.month:02d}/{day.day:02d}"

    @staticmethod
    def _valid_day(y: int, m: int, d: int) -> date | None:
        try:
            return date(y, m, d)
        except ValueError:
            return None

    def _calendar(self, st: State, day: date) -> Response:
        """The archive trap: every day links to the day before, back to year 1."""
        pager = ""
        if day > date.min:
            before = day - timedelta(days=1)
            pager = f'<div class="paging"><a href="{self._calendar_path(before)}">« Ngày {before:%d/%m/%Y}</a></div>\n'
        return self._list_page(f"Tin ngày {day:%d/%m/%Y}", st.by_day.get(day, []), pager=pager)

    def _home(self, st: State) -> Response:
        newest = st.newest
        boxes = "".join(
            f'<div class="box-cat"><h2><a href="{esc(self.listing_path(c, 1))}">{esc(vocab.CATEGORIES[c][0])}</a>'
            f'</h2>\n{"".join(self.item(a) for a in st.by_category.get(c, [])[:4])}</div>\n'
            for c in self.categories)
        popular = [(self.urls["utm"], self._pick(st, 1).title),
                   (self.urls["fragment"], self._pick(st, 2).title + " (12 bình luận)"),
                   (self.urls["old_redirect"], self._pick(st, 3).title)]
        popular += [(a.url, a.title) for a in newest[4:11]]
        tags = [(self.tag_path(s), t) for s, (t, _) in list(st.by_tag.items())[:12]]
        day = newest[0].published.date()
        links = [(self.urls["video"], "Video"), (self.urls["gallery"], "Phóng sự ảnh"),
                 (self.urls["contact"], "Liên hệ tòa soạn"), (self.urls["private"], "Tin nội bộ"),
                 (self._calendar_path(day), "Xem tin theo ngày"),
                 (self.search_path + "?q=" + quote_plus("nông thôn mới"), "Tìm nhiều: nông thôn mới")]
        main = ('<div class="home-top">\n' + "".join(self.item(a) for a in newest[:15]) + "</div>\n"
                + boxes + chrome.link_list(popular, "box-popular", "Đọc nhiều")
                + chrome.link_list(tags, "box-tags", "Chủ đề nóng") + chrome.link_list(links, "box-links", "Tiện ích"))
        response = self.html(self.page(self.name, main))
        response.headers["Last-Modified"] = http_date(newest[0].published)
        return response

    # --- article helpers for layouts -----------------------------------------------------------------
    def related(self, a: Article, n: int = 4) -> list[Article]:
        st = self.state
        out = []
        for tag in a.tags:
            out += [b for b in st.by_tag.get(slugify(tag), ("", []))[1][:n + 1] if b.path != a.path]
        return list(dict.fromkeys(out))[:n]

    def same_category(self, a: Article, n: int = 6) -> list[Article]:
        items = self.state.by_category.get(a.category, [])
        older = [b for b in items if b.published < a.published][:n]
        return older or [b for b in items if b.path != a.path][:n]

    def tag_links(self, a: Article) -> str:
        return ", ".join(f'<a href="{esc(self.tag_path(slugify(t)))}">{esc(t)}</a>' for t in a.tags)

    def newest(self, n: int = 10) -> list[Article]:
        return self.state.newest[:n]

    def menu(self) -> list[tuple[str, str]]:
        return [(self.listing_path(c, 1), vocab.CATEGORIES[c][0]) for c in self.categories if c not in self.parents]

    # --- robots, sitemaps, feed ----------------------------------------------------------------------
    def robots(self) -> str:
        return ("User-agent: *\nDisallow: /admin/\nDisallow: /private/\nAllow: /\n\n"
                f"Sitemap: {self.url(self.sitemap_index_path)}\n")

    def feed_link(self, a: Article) -> str:
        """The link a feed item gives for ``a``."""
        return a.url

    def feed_head(self) -> str:
        return feeds.feed_head(self)

    def count_hit(self, path: str) -> int:
        """How many times ``path`` was asked for, this one included."""
        with self._lock:
            self._hits[path] += 1
            return self._hits[path]
