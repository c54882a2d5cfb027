"""Links found on article pages: read by the extraction worker, followed by the crawler.

The site here hides most of its articles from listings and sitemaps: article
k is reachable only from article k-1's "Tin liên quan" box, and the category
/chuyen-muc-an/ is linked only from article menus. So what gets stored shows
that the links an extraction worker returns are followed, with the depth and
Referer of the page they came from.
"""
from __future__ import annotations

from html import escape

import pyarrow.dataset as ds
import pytest

from conftest import crawl
from corpus.demosite.content import Writer
from scrapyd_helpers import serve_site

CHAIN = 5          # articles 1..5, each linked only from the one before
HIDDEN = 9         # listed only on /chuyen-muc-an/, a category linked only from articles


def article_html(k: int, article) -> str:
    related = f'<a href="/tin-tuc/bai-viet-a{k + 1}.html">Bài tiếp theo</a>' if k < CHAIN else ""
    body = "".join(f"<p>{escape(p)}</p>" for p in article.paragraphs)
    return (f'<html><head><meta charset="utf-8"><title>{escape(article.title)}</title>'
            f'<base href="/tin-tuc/"></head><body>'
            f'<nav><a href="/">Trang chủ</a> <a href="/chuyen-muc-an/">Chuyên mục</a> <a href="#top">Lên đầu</a>'
            f' <a href="javascript:void(0)">In</a> <a href="mailto:toasoan@example.vn">Liên hệ</a></nav>'
            f"<article><h1>{escape(article.title)}</h1>"
            f'<div class="date">{article.published:%d/%m/%Y %H:%M}</div>{body}</article>'
            f'<div class="tin-lien-quan"><h3>Tin liên quan</h3>{related}'
            f' <a href="bai-viet-a{k}.html#binh-luan">Bình luận</a></div>'
            f'<a href="/uploads/van-ban-so-12-a{k}.pdf">Tải văn bản</a> <a href="/anh/le-hoi-a{k}.jpg">Ảnh</a>'
            f'<a href="/tin-tuc/{"rat-dai-" * 300}a{k + 100}.html">Liên kết hỏng</a>'
            "</body></html>")


def listing_html(*hrefs: str) -> str:
    links = "".join(f'<li><a href="{h}">Tin {i}</a></li>' for i, h in enumerate(hrefs))
    return f'<html><head><meta charset="utf-8"><title>Tin tức</title></head><body><ul>{links}</ul></body></html>'


class ChainSite:
    """Home -> /tin-tuc/ -> article 1 -> 2 -> ... -> CHAIN; articles link /chuyen-muc-an/ -> HIDDEN."""

    def __init__(self):
        writer = Writer("demo-longan", seed=7)
        self.articles = {k: writer.article(k, ["chinh-tri"]) for k in [*range(1, CHAIN + 1), HIDDEN]}
        pages = {f"/tin-tuc/bai-viet-a{k}.html": article_html(k, a) for k, a in self.articles.items()}
        pages["/"] = listing_html("/tin-tuc/")
        pages["/tin-tuc/"] = listing_html("/tin-tuc/bai-viet-a1.html")
        pages["/chuyen-muc-an/"] = listing_html(f"/tin-tuc/bai-viet-a{HIDDEN}.html")
        self.pages = {path: (html.encode(), "text/html; charset=utf-8") for path, html in pages.items()}
        self.requests: list[tuple[str, dict]] = []
        self.base = ""

    def registry(self, path):
        path.write_text(f'[[source]]\nkey = "chain"\nname = "Báo Chuỗi (test)"\nkind = "newspaper"\n'
                        f'province = "Long An"\nhomepage = "{self.base}/"\n'
                        "article_pattern = '-a\\d+\\.html$'\n", encoding="utf-8")
        return path


@pytest.fixture(scope="module")
def site():
    chain = ChainSite()
    with serve_site(chain.pages, chain.requests) as base:
        chain.base = base.rstrip("/")
        yield chain


def stored_titles(corpus) -> set[str]:
    return set(ds.dataset(corpus / "articles").to_table(columns=["title"]).column("title").to_pylist())


def test_articles_linked_only_from_articles_are_stored_with_their_referer(site, tmp_path):
    result = crawl(site.registry(tmp_path / "chain.toml"), tmp_path / "corpus")
    assert result.returncode == 0, result.stderr[-3000:]
    assert stored_titles(tmp_path / "corpus") == {a.title for a in site.articles.values()}
    referers = {path: headers.get("Referer") for path, headers in site.requests}
    for k in range(2, CHAIN + 1):
        assert referers[f"/tin-tuc/bai-viet-a{k}.html"] == f"{site.base}/tin-tuc/bai-viet-a{k - 1}.html"
    assert not [path for path, _ in site.requests if path.endswith((".pdf", ".jpg"))], "files are not pages"
    assert not [path for path, _ in site.requests if len(path) > 2000], "URLLENGTH_LIMIT holds for article links"
    pages = [path for path, _ in site.requests if path != "/robots.txt"]   # read by Scrapy and the spider
    assert len(pages) == len(set(pages)), "no page requested twice (fragment links fold into the page)"


def test_listing_depth_counts_from_the_article_a_link_was_found_on(site, tmp_path):
    # home 0 -> /tin-tuc/ 1 -> article 1 at depth 2: a listing linked from it would be depth 3.
    before = len(site.requests)
    result = crawl(site.registry(tmp_path / "chain.toml"), tmp_path / "corpus", "-s", "PROVNEWS_LISTING_DEPTH=2")
    assert result.returncode == 0, result.stderr[-3000:]
    assert "/chuyen-muc-an/" not in [path for path, _ in site.requests[before:]]
    assert stored_titles(tmp_path / "corpus") == {site.articles[k].title for k in range(1, CHAIN + 1)}
