"""Fault pages, shaped like the site's article URLs and linked from its first listing.

not_found 404, gone 410, server_error 500 (always), unavailable_once (503 with
Retry-After, then the article), slow (the article after ``slow_seconds``),
redirect_loop (302 A -> B -> A), huge (``huge_mb`` streamed with its
Content-Length), binary_png / binary_zip (bytes served as text/html), truncated
(HTML cut inside the 4th paragraph's tag: 3 complete paragraphs), thin (one
sentence), foreign (an English article in the site's layout).
"""
from __future__ import annotations

import random
import time
from dataclasses import replace
from datetime import datetime, timedelta

from corpus.demosite.chrome import esc
from corpus.demosite.content import Article, english_article
from corpus.demosite.encoding import encode_page
from corpus.demosite.response import Response

FAULT_ID_BASE = 990000
LISTED_TITLES = {
    "not_found": "Công bố kết quả thi tuyển công chức", "gone": "Điều chỉnh quy hoạch sử dụng đất",
    "server_error": "Kết quả kỳ họp HĐND tỉnh", "unavailable_once": "Tăng cường quản lý đất đai",
    "slow": "Nâng cao chất lượng nguồn nhân lực", "redirect_loop": "Đường dây nóng phản ánh",
    "huge": "Toàn văn báo cáo chính trị", "binary_png": "Hình ảnh hội nghị", "binary_zip": "Tài liệu hội nghị",
    "truncated": "Đẩy mạnh chuyển đổi số", "thin": "Thông báo lịch tiếp công dân",
    "foreign": "Provincial leaders review annual targets",
}


def fault_routes(site, when: datetime) -> dict:
    """Routes of every fault page; fills ``site.fault_urls`` and ``site.fault_articles``."""
    def article(n: int, title: str, **changes) -> Article:
        draft = site.writer.article(10_000 + n, list(site.categories), when - timedelta(days=n))
        return site.place(replace(draft, title=title, **changes), FAULT_ID_BASE + n)

    long_paragraphs = tuple(" ".join(site.writer.pool[i:i + 3]) for i in range(0, 24, 3))
    truncated = article(9, "Đẩy mạnh chuyển đổi số trong các cơ quan nhà nước", captions=(),
                        paragraphs=long_paragraphs, raw_paragraphs=long_paragraphs)
    one_line = ("Lịch tiếp công dân được niêm yết tại trụ sở.",)
    thin = article(10, "Thông báo lịch tiếp công dân", captions=(), author=None,
                   paragraphs=one_line, raw_paragraphs=one_line)
    foreign = site.place(replace(english_article(site.key, "Provincial leaders review annual targets", when),
                                 category=site.categories[0]), FAULT_ID_BASE + 11)
    once = article(4, "Tăng cường công tác quản lý đất đai")
    slow = article(5, "Nâng cao chất lượng nguồn nhân lực")
    loop_a = article(6, "Chuyển hướng vòng lặp")
    loop_b = site.place(replace(loop_a, title="Chuyển hướng vòng lặp tiếp"), FAULT_ID_BASE + 13)
    faults = {
        "not_found": (article(1, "Bài viết không tồn tại"), lambda q: site.error_page(404)),
        "gone": (article(2, "Bài viết đã gỡ bỏ"), lambda q: site.error_page(410)),
        "server_error": (article(3, "Lỗi máy chủ khi tải bài"), lambda q: site.error_page(500)),
        "unavailable_once": (once, lambda q: unavailable_once(site, once)),
        "slow": (slow, lambda q: (time.sleep(site.slow_seconds), site.article_response(slow))[1]),
        "redirect_loop": (loop_a, lambda q: site.redirect(loop_b.url, 302)),
        "huge": (article(7, "Toàn văn báo cáo chính trị"), lambda q: huge(site)),
        "binary_png": (article(8, "Hình ảnh hội nghị"), lambda q: binary(site, b"\x89PNG\r\n\x1a\n")),
        "binary_zip": (article(12, "Tài liệu hội nghị"), lambda q: binary(site, b"PK\x03\x04")),
        "truncated": (truncated, lambda q: cut_short(site, truncated)),
        "thin": (thin, lambda q: site.article_response(thin)),
        "foreign": (foreign, lambda q: site.article_response(foreign)),
    }
    routes = {loop_b.path: (lambda q: site.redirect(loop_a.url, 302), False)}
    for name, (a, handler) in faults.items():
        routes[a.path] = (handler, False)
        site.fault_urls[name] = a.url
    site.fault_articles = {"unavailable_once": once, "slow": slow, "thin": thin, "foreign": foreign,
                           "truncated": replace(truncated, paragraphs=long_paragraphs[:3],
                                                raw_paragraphs=long_paragraphs[:3])}
    return routes


def unavailable_once(site, a: Article) -> Response:
    if site.count_hit(a.path) == 1:
        return Response(503, b"Service Unavailable", {"Content-Type": "text/plain", "Retry-After": "1"})
    return site.article_response(a)


def huge(site) -> Response:
    """``huge_mb`` of article-like HTML, generated while it is sent (never held in memory)."""
    head = encode_page(f'<!DOCTYPE html><html lang="vi"><head><meta charset="{site.charset}">'
                       "<title>Toàn văn báo cáo chính trị</title></head><body><div class=\"content\">\n", site.charset)
    tail = b"</div></body></html>\n"
    block = encode_page("".join(f"<p>{esc(s)}</p>\n" for s in site.writer.pool), site.charset)
    size = max(site.huge_bytes, len(head) + len(tail))

    def body():
        yield head
        full, rest = divmod(size - len(head) - len(tail), len(block))
        for _ in range(full):
            yield block
        yield block[:rest]
        yield tail
    return Response(200, body(), {"Content-Type": f"text/html; charset={site.charset}"}, length=size)


def binary(site, magic: bytes) -> Response:
    noise = random.Random(f"{site.seed}:{magic!r}").randbytes(40_000)
    return Response(200, magic + noise, {"Content-Type": f"text/html; charset={site.charset}"})


def cut_short(site, a: Article) -> Response:
    html = site.article_html(a)
    fourth = html.index(esc(a.raw_paragraphs[3]))
    cut = html.rindex("<p", 0, fourth) + 2          # inside the 4th paragraph's opening tag
    return site.html(html[:cut])
