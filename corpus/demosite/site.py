"""One fixture news site: its articles, its URL map and the answer to every request.

A layout subclass (longan.py, dongthap.py, vinhphuc.py) gives the URL shapes and
the look; this base gives the structure every outlet shares: homepage, paginated
category listings, tags, search, calendar, sitemaps, feed, robots.txt, URL
variants and the fault pages. Pages are rendered when requested from an
immutable snapshot (``State``) that ``add_articles`` swaps whole, so requests
served concurrently never see half an update.
"""
from __future__ import annotations

import gzip
import hashlib
import math
import random
import re
import threading
import time
from bisect import bisect_left
from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta, timezone
from email.utils import format_datetime, parsedate_to_datetime
from itertools import accumulate
from typing import Callable, Iterable
from urllib.parse import parse_qs, quote_plus

from corpus.demosite import chrome, vocab
from corpus.demosite.chrome import esc
from corpus.demosite.content import VN_TZ, Article, Writer, clean, english_article, seed_articles, slugify
from corpus.demosite.encoding import decomposed, encode_page

CALENDAR = re.compile(r"^/lich/(\d{4})/(\d{1,2})/(\d{1,2})/?$")
FAULT_ID_BASE = 990000


@dataclass
class Response:
    status: int
    body: bytes | Iterable[bytes] = b""
    headers: dict[str, str] = field(default_factory=dict)
    length: int | None = None       # for streamed bodies


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


def http_date(when: datetime) -> str:
    return format_datetime(when.astimezone(timezone.utc), usegmt=True)


class Site:
    # --- set by the layouts -------------------------------------------------------------------
    key = name = province = short_name = ""
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
        articles = [self._place(self.mark(i, d), ids[i]) for i, d in enumerate(drafts)]
        self._last_id = self.id_base + len(drafts) * 7
        articles += self.specials(articles, syndicate)
        self._build_fixed_pages(articles)
        self._swap(articles)

    def mark(self, index: int, draft: Article) -> Article:
        """Hook: layouts flag some articles (e.g. served in NFD)."""
        return draft

    def specials(self, articles: list[Article], syndicate: Article | None) -> list[Article]:
        """Hook: articles that exist because of others (updated version, syndicated copy)."""
        return []

    def _new_id(self) -> int:
        self._last_id += 7
        return self._last_id

    def _place(self, draft: Article, cms_id: int) -> Article:
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
                new.append(self._place(draft, self._new_id()))
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
            r[a.path] = (lambda q, a=a: self._article(a), False)
            r[self.print_path(a)] = (lambda q, a=a: self.html(self.print_page(a), nfd=a.nfd), False)
            r[self.old_path(a)] = (lambda q, a=a: self.redirect(a.url, 301), False)
        r["/"] = (lambda q: self._home(st), True)
        for cat in self.categories:
            pages = max(1, math.ceil(len(st.by_category.get(cat, [])) / self.page_size))
            for n in range(1, pages + 1):
                r[self.listing_path(cat, n)] = (lambda q, c=cat, n=n: self._listing(st, c, n, pages, q), True)
        for slug in st.by_tag:
            r[self.tag_path(slug)] = (lambda q, s=slug: self._tag(st, s), True)
        months = sorted(st.by_month)
        self.gz_month = months[0]
        for ym in months:
            path = self.month_path(*ym) + (".gz" if ym == self.gz_month else "")
            r[path] = (lambda q, ym=ym: self._month_sitemap(st, ym), True)
        r[self.sitemap_index_path] = (lambda q: self._sitemap_index(st, months), True)
        r[self.feed_path] = (lambda q: self._feed(st), True)
        r["/robots.txt"] = (lambda q: self.text(self.robots(), "text/plain; charset=utf-8"), False)
        r[self.search_path] = (lambda q: self._search(st, q), False)
        r.update(self.fixed_routes)
        self.urls.update(home=self.base_url, robots=self.url("/robots.txt"),
                         sitemap_index=self.url(self.sitemap_index_path), feed=self.url(self.feed_path),
                         sitemap_gz=self.url(self.month_path(*self.gz_month) + ".gz"),
                         category=self.url(self.listing_path(self.categories[0], 1)),
                         search=self.url(self.search_path + "?q=" + quote_plus("Nghị quyết")),
                         calendar=self.url(self._calendar_path(st.newest[0].published.date())),
                         tag=self.url(self.tag_path(next(iter(st.by_tag)))),
                         print=self.url(self.print_path(st.newest[0])),
                         old_redirect=self.url(self.old_path(self._pick(st, 3))),
                         utm=self._pick(st, 1).url + "?utm_source=facebook&utm_medium=social&utm_campaign=chia-se",
                         fragment=self._pick(st, 2).url + "#binh-luan")

    @staticmethod
    def _pick(st: State, n: int) -> Article:
        return st.newest[min(n, len(st.newest) - 1)]

    # --- pages that do not change with the articles ---------------------------------------------
    def _build_fixed_pages(self, articles: list[Article]) -> None:
        r: dict[str, tuple[Callable, bool]] = {}
        when = datetime(2024, 5, 2, 9, 0, tzinfo=VN_TZ)
        fixed = {
            "contact": ("Liên hệ", self._contact_main()),
            "video": ("Video: Toàn cảnh hội nghị Tỉnh ủy", self._video_main()),
            "gallery": ("Phóng sự ảnh: Sắc màu quê hương", self._gallery_main()),
            "admin": ("Đăng nhập hệ thống quản trị", self._admin_main()),
        }
        for name, (title, main) in fixed.items():
            path = self.paths[name].format(slug=slugify(title), id=4321)
            r[path] = (lambda q, t=title, m=main: self.html(self.page(t, m)), False)
            self.urls[name] = self.url(path)
        english = english_article(self.key, f"{self.province} sets key targets for the year", when)
        path = self.paths["english"].format(slug=slugify(english.title), id=8765)
        r[path] = (lambda q: self.html(self.page(english.title, self._english_main(english), sidebar=False)), False)
        self.urls["english"] = self.url(path)
        private = self._place(replace(self.writer.article(50_000, list(self.categories), when),
                                      title="Dự thảo báo cáo nội bộ (không công bố)"), 5555)
        path = self.paths["private"].format(slug=slugify(private.title), id=5555)
        r[path] = (lambda q: self.html(self.page(private.title, self.article_main(private))), False)
        self.urls["private"] = self.url(path)
        if self.faults:
            r.update(self._fault_routes(when))
        self.fixed_routes = r

    def _contact_main(self) -> str:
        return (f'<div class="contact"><h1>Liên hệ {esc(self.name)}</h1>\n'
                f"<p>Địa chỉ: Tòa soạn {esc(self.name)}, tỉnh {esc(self.province)}.</p>\n"
                f"<p>Điện thoại: <a href=\"tel:{self.phone.replace(' ', '')}\">{self.phone}</a> - "
                f'Email: <a href="mailto:{self.email}">{self.email}</a></p>\n'
                + chrome.comment_form("/lien-he/gui", "Gửi thư cho tòa soạn") + "</div>\n")

    def _video_main(self) -> str:
        return ('<div class="video-detail"><h1>Video: Toàn cảnh hội nghị Tỉnh ủy</h1>\n'
                '<video controls width="720" poster="/images/video/poster-4321.jpg">'
                '<source src="/database/video/20231128-hoi-nghi.mp4" type="video/mp4"></video>\n'
                "<p class=\"video-desc\">Thời lượng 03:45.</p></div>\n")

    def _gallery_main(self) -> str:
        shots = "".join(f'<figure class="photo"><img src="/images/gallery/anh-{i}.jpg" alt="Ảnh {i}">'
                        f"<figcaption>Ảnh {i}: Cánh đồng lúa mùa nước nổi. Ảnh: HD</figcaption></figure>\n"
                        for i in range(1, 9))
        return f'<div class="gallery"><h1>Phóng sự ảnh: Sắc màu quê hương</h1>\n{shots}</div>\n'

    def _admin_main(self) -> str:
        return ('<form class="login" method="post" action="/admin/login"><h1>Đăng nhập</h1>\n'
                '<input name="user" placeholder="Tên đăng nhập"><input type="password" name="pass">\n'
                "<button>Đăng nhập</button></form>\n")

    def _english_main(self, a: Article) -> str:
        body = "".join(f"<p>{esc(p)}</p>\n" for p in a.paragraphs)
        return (f'<div class="en-news"><h1>{esc(a.title)}</h1><p class="date">'
                f'{a.published:%B %d, %Y}</p>\n{body}<p><a href="/">Tiếng Việt</a></p></div>\n')

    # --- faults -----------------------------------------------------------------------------------
    def _fault_routes(self, when: datetime) -> dict:
        def article(n: int, title: str, **changes) -> Article:
            draft = self.writer.article(10_000 + n, list(self.categories), when - timedelta(days=n))
            draft = replace(draft, title=title, **changes)
            return self._place(draft, FAULT_ID_BASE + n)

        long_paragraphs = tuple(" ".join(self.writer.pool[i:i + 3]) for i in range(0, 24, 3))
        truncated = article(9, "Đẩy mạnh chuyển đổi số trong các cơ quan nhà nước", captions=(),
                            paragraphs=long_paragraphs, raw_paragraphs=long_paragraphs)
        thin = article(10, "Thông báo lịch tiếp công dân", captions=(), author=None,
                       paragraphs=("Lịch tiếp công dân được niêm yết tại trụ sở.",),
                       raw_paragraphs=("Lịch tiếp công dân được niêm yết tại trụ sở.",))
        foreign = self._place(replace(english_article(self.key, "Provincial leaders review annual targets", when),
                                      category=self.categories[0]), FAULT_ID_BASE + 11)
        fault = {
            "not_found": (article(1, "Bài viết không tồn tại"), lambda q: self.error_page(404)),
            "gone": (article(2, "Bài viết đã gỡ bỏ"), lambda q: self.error_page(410)),
            "server_error": (article(3, "Lỗi máy chủ khi tải bài"), lambda q: self.error_page(500)),
            "unavailable_once": (article(4, "Tăng cường công tác quản lý đất đai"), None),
            "slow": (article(5, "Nâng cao chất lượng nguồn nhân lực"), None),
            "redirect_loop": (article(6, "Chuyển hướng vòng lặp"), None),
            "huge": (article(7, "Toàn văn báo cáo chính trị"), lambda q: self._huge()),
            "binary_png": (article(8, "Hình ảnh hội nghị"), lambda q: self._binary(b"\x89PNG\r\n\x1a\n")),
            "binary_zip": (article(12, "Tài liệu hội nghị"), lambda q: self._binary(b"PK\x03\x04")),
            "truncated": (truncated, lambda q: self._truncated(truncated)),
            "thin": (thin, lambda q: self._article(thin)),
            "foreign": (foreign, lambda q: self._article(foreign)),
        }
        once, slow = fault["unavailable_once"][0], fault["slow"][0]
        fault["unavailable_once"] = (once, lambda q: self._unavailable_once(once))
        fault["slow"] = (slow, lambda q: self._slow(slow))
        loop_a = fault["redirect_loop"][0]
        loop_b = self._place(replace(loop_a, title="Chuyển hướng vòng lặp tiếp"), FAULT_ID_BASE + 13)
        fault["redirect_loop"] = (loop_a, lambda q: self.redirect(loop_b.url, 302))
        routes = {loop_b.path: (lambda q: self.redirect(loop_a.url, 302), False)}
        for name, (a, handler) in fault.items():
            routes[a.path] = (handler, False)
            self.fault_urls[name] = a.url
        self.fault_articles = {"unavailable_once": once, "slow": slow, "thin": thin, "foreign": foreign,
                               "truncated": replace(truncated, paragraphs=truncated.paragraphs[:3])}
        return routes

    def _unavailable_once(self, a: Article) -> Response:
        with self._lock:
            self._hits[a.path] += 1
            first = self._hits[a.path] == 1
        if first:
            return Response(503, b"Service Unavailable", {"Content-Type": "text/plain", "Retry-After": "1"})
        return self._article(a)

    def _slow(self, a: Article) -> Response:
        time.sleep(self.slow_seconds)
        return self._article(a)

    def _huge(self) -> Response:
        head = encode_page(f'<!DOCTYPE html><html lang="vi"><head><meta charset="{self.charset}">'
                           "<title>Toàn văn báo cáo chính trị</title></head><body><div class=\"content\">\n",
                           self.charset)
        tail = b"</div></body></html>\n"
        block = encode_page("".join(f"<p>{esc(s)}</p>\n" for s in self.writer.pool), self.charset)
        size = max(self.huge_bytes, len(head) + len(tail))

        def body():
            yield head
            full, rest = divmod(size - len(head) - len(tail), len(block))
            for _ in range(full):
                yield block
            yield block[:rest]
            yield tail
        return Response(200, body(), {"Content-Type": f"text/html; charset={self.charset}"}, length=size)

    def _binary(self, magic: bytes) -> Response:
        noise = random.Random(f"{self.seed}:{magic!r}").randbytes(40_000)
        return Response(200, magic + noise, {"Content-Type": f"text/html; charset={self.charset}"})

    def _truncated(self, a: Article) -> Response:
        html = self._article_html(a)
        fourth = html.index(esc(a.raw_paragraphs[3]))
        cut = html.rindex("<p", 0, fourth) + 2          # inside the 4th paragraph's opening tag
        return self.html(html[:cut], pad=False)

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

    def _article_html(self, a: Article) -> str:
        head = f'<link rel="canonical" href="{esc(a.url)}">\n' + self.article_head(a)
        return self.page(a.title, self.article_main(a), canonical=a.url, head=head)

    def _article(self, a: Article) -> Response:
        return self.html(self._article_html(a), nfd=a.nfd, declare=self.header_charset(a), pad=True)

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
        handler, conditional = route
        response = handler(parse_qs(target.partition("?")[2]))
        if conditional and response.status == 200:
            response = self._conditional(response, headers)
        return response

    @staticmethod
    def _conditional(response: Response, headers: dict[str, str]) -> Response:
        """ETag / Last-Modified, and 304 when the client already has this version."""
        etag = '"' + hashlib.md5(response.body).hexdigest()[:20] + '"'
        response.headers["ETag"] = etag
        lowered = {k.lower(): v for k, v in headers.items()}
        modified = response.headers.get("Last-Modified")
        if "if-none-match" in lowered:
            tags = {t.strip().removeprefix("W/") for t in lowered["if-none-match"].split(",")}
            fresh = etag in tags or "*" in tags
        elif "if-modified-since" in lowered and modified:
            try:
                fresh = parsedate_to_datetime(lowered["if-modified-since"]) >= parsedate_to_datetime(modified)
            except (TypeError, ValueError):
                fresh = False
        else:
            fresh = False
        if fresh:
            return Response(304, b"", {k: v for k, v in response.headers.items() if k != "Content-Type"})
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
            titles = {"not_found": "Công bố kết quả thi tuyển công chức", "gone": "Điều chỉnh quy hoạch sử dụng đất",
                      "server_error": "Kết quả kỳ họp HĐND tỉnh", "unavailable_once": "Tăng cường quản lý đất đai",
                      "slow": "Nâng cao chất lượng nguồn nhân lực", "redirect_loop": "Đường dây nóng phản ánh",
                      "huge": "Toàn văn báo cáo chính trị", "binary_png": "Hình ảnh hội nghị",
                      "binary_zip": "Tài liệu hội nghị", "truncated": "Đẩy mạnh chuyển đổi số",
                      "thin": "Thông báo lịch tiếp công dân", "foreign": "Provincial leaders review annual targets"}
            extra = chrome.link_list([(self.fault_urls[k], t) for k, t in titles.items()], "box-more", "Tin tổng hợp")
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

    def _month_sitemap(self, st: State, ym: tuple[int, int]) -> Response:
        rows = "".join(f"<url><loc>{esc(a.url)}</loc><lastmod>{a.published.isoformat()}</lastmod>"
                       "<changefreq>monthly</changefreq><priority>0.8</priority></url>\n"
                       for a in st.by_month[ym])
        xml = ('<?xml version="1.0" encoding="UTF-8"?>\n'
               f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n{rows}</urlset>\n')
        modified = st.by_month[ym][0].published
        if ym == self.gz_month:
            body = gzip.compress(xml.encode("utf-8"), mtime=0)
            return Response(200, body, {"Content-Type": "application/x-gzip", "Last-Modified": http_date(modified)})
        return self.text(xml, "application/xml; charset=utf-8", {"Last-Modified": http_date(modified)})

    def _sitemap_index(self, st: State, months: list[tuple[int, int]]) -> Response:
        rows = "".join(
            f"<sitemap><loc>{esc(self.url(self.month_path(*ym) + ('.gz' if ym == self.gz_month else '')))}</loc>"
            f"<lastmod>{st.by_month[ym][0].published.isoformat()}</lastmod></sitemap>\n"
            for ym in reversed(months))
        xml = ('<?xml version="1.0" encoding="UTF-8"?>\n'
               f'<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n{rows}</sitemapindex>\n')
        return self.text(xml, "application/xml; charset=utf-8", {"Last-Modified": http_date(st.newest[0].published)})

    def feed_link(self, a: Article) -> str:
        return a.url

    def _feed(self, st: State) -> Response:
        items, updated = st.newest[:20], st.newest[0].published
        headers = {"Last-Modified": http_date(updated)}
        if self.feed_atom:
            entries = "".join(
                f"<entry><title>{esc(a.title)}</title><link rel=\"alternate\" href=\"{esc(self.feed_link(a))}\"/>"
                f"<id>{esc(a.url)}</id><published>{a.published.isoformat()}</published>"
                f"<updated>{a.published.isoformat()}</updated>"
                f"<author><name>{esc(a.author or self.name)}</name></author>"
                f"<summary>{esc(a.paragraphs[0])}</summary></entry>\n" for a in items)
            xml = ('<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="vi">\n'
                   f"<title>{esc(self.name)} - Tin mới</title><id>{esc(self.base_url)}</id>"
                   f'<link rel="self" href="{esc(self.url(self.feed_path))}"/><link href="{esc(self.base_url)}"/>'
                   f"<updated>{updated.isoformat()}</updated>\n{entries}</feed>\n")
            return self.text(xml, "application/atom+xml; charset=utf-8", headers)
        entries = "".join(
            f"<item><title>{esc(a.title)}</title><link>{esc(self.feed_link(a))}</link>"
            f'<guid isPermaLink="true">{esc(a.url)}</guid>'
            f"<description><![CDATA[<img src=\"/images/thumb/{a.cms_id}.jpg\" /> {a.paragraphs[0]}]]></description>"
            f"<pubDate>{format_datetime(a.published)}</pubDate></item>\n" for a in items)
        xml = ('<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0">\n<channel>\n'
               f"<title>{esc(self.name)} - Tin mới</title><link>{esc(self.base_url)}</link>"
               f"<description>Tin tức mới nhất của {esc(self.name)}</description><language>vi-VN</language>"
               f"<lastBuildDate>{format_datetime(updated)}</lastBuildDate>\n{entries}</channel>\n</rss>\n")
        return self.text(xml, "application/rss+xml; charset=utf-8", headers)

    def feed_head(self) -> str:
        kind = "application/atom+xml" if self.feed_atom else "application/rss+xml"
        return f'<link rel="alternate" type="{kind}" title="{esc(self.name)} - Tin mới" href="{esc(self.feed_path)}">\n'
