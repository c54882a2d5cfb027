"""The crawl process's per-page shortcuts keep Scrapy's behaviour (issue 14).

Each test pins what a removed cost used to do, so the shortcut cannot hide a change.
"""
from __future__ import annotations

from pathlib import Path

from scrapy.utils.misc import is_generator_with_return_value
from scrapy.utils.test import get_crawler

from crawler import settings
from crawler.spiders.news import NewsSpider


def test_spider_callbacks_return_no_value():
    """WARN_ON_GENERATOR_RETURN_VALUE is off because Scrapy re-parsed a callback's source for nearly
    every response; this is the check it made, once."""
    def returns_a_value():
        yield 1
        return 2

    assert is_generator_with_return_value(returns_a_value), "the check itself works"
    assert settings.WARN_ON_GENERATOR_RETURN_VALUE is False
    callbacks = [getattr(NewsSpider, name) for name in vars(NewsSpider) if name.startswith("parse")]
    assert len(callbacks) >= 4
    assert [cb.__name__ for cb in callbacks if is_generator_with_return_value(cb)] == []


def spider(tmp_path, **extra) -> NewsSpider:
    project = {name: value for name, value in vars(settings).items() if name.isupper()}
    crawler = get_crawler(NewsSpider, {**project, "PROVNEWS_CORPUS": str(tmp_path / "corpus"), **extra})
    return NewsSpider.from_crawler(crawler, sources="baolongan")


def test_a_menu_link_on_every_page_is_requested_once_and_budgeted_once(tmp_path):
    """A listing link repeated on each article page (menus) makes one Request: the dupefilter would
    drop the others. The page budget (PROVNEWS_MAX_PAGES, pages fetched) counts it once: it counted
    every occurrence before, so menus spent the budget of pages never fetched. Later occurrences are
    settled: not classified again."""
    news = spider(tmp_path)
    source = news.sources["baolongan"]
    menu, article = source.homepage.rstrip("/") + "/kinh-te/", source.homepage.rstrip("/") + (
        "/tinh-uy-long-an-hop-ban-ve-ke-hoach-phat-trien-kinh-te-xa-hoi-nam-2024-a160001.html")
    other = article.replace("a160001", "a160002")
    assert news.link_kind(source.key, menu)[0] == "category"
    requests = [r for _ in range(3) for r in news.follow_urls([menu, article], source, "article", 1)]
    assert [(r.url, r.meta["role"]) for r in requests] == [(menu, "category"), (article, "article")]
    assert news.pages[source.key] == 2
    assert {menu, article} <= news.settled[source.key]

    budgeted = spider(tmp_path, PROVNEWS_MAX_PAGES=2)
    for _ in range(3):
        list(budgeted.follow_urls([menu], source, "article", 1))
    assert [r.url for r in budgeted.follow_urls([article], source, "article", 1)] == [article]
    assert list(budgeted.follow_urls([other], source, "article", 1)) == [], "two pages fetched: budget spent"


def test_a_listing_too_deep_here_is_followed_from_a_shallower_page(tmp_path):
    """Settling must not remember what depends on the page a link is on."""
    news = spider(tmp_path, PROVNEWS_LISTING_DEPTH=2)
    source = news.sources["baolongan"]
    menu = source.homepage.rstrip("/") + "/xa-hoi/"
    assert list(news.follow_urls([menu], source, "category", 2)) == []
    assert menu not in news.settled[source.key]
    assert [r.url for r in news.follow_urls([menu], source, "home", 0)] == [menu]

def refresh_pages() -> list[tuple[bytes, str]]:
    """(body, charset): the stored layouts, refresh tags after a long Vietnamese head, in a script,
    in windows-1258 and in UTF-16."""
    stored = [(p.read_bytes(), "utf-8") for p in sorted((Path(__file__).parent / "data" / "pages").rglob("*.html"))]
    head = "<title>" + "Tỉnh ủy Long An triển khai nghị quyết " * 60 + "</title>"   # ~3,000 chars, ~4,500 bytes
    tag = '<meta http-equiv="Refresh" content="0; url=/tin-moi-a1.html">'
    made = [
        f"<html><head>{head}{tag}</head><body>x</body></html>".encode(),
        f"<html><head>{head}</head><body>x</body></html>".encode(),
        f"<html><head><script>var ad = {{refresh: 300}};</script>{head}</head></html>".encode(),
        f"<html><head>{head * 2}{tag}</head></html>".encode(),                   # past 4,096 characters
    ]
    return stored + [(b, "utf-8") for b in made] + [
        (f"<html><head>{head}{tag}</head></html>".encode("cp1258", "replace"), "windows-1258"),
        (f"<html><head>{tag}</head></html>".encode("utf-16"), "utf-16"),
    ]


def test_meta_refresh_decides_as_scrapy_does():
    """crawler.middlewares.MetaRefresh skips decoding pages without the tag's bytes: every page gets
    the answer Scrapy's MetaRefreshMiddleware gives (a redirect or the response itself)."""
    from scrapy import Request
    from scrapy.downloadermiddlewares.redirect import MetaRefreshMiddleware
    from scrapy.http import HtmlResponse

    from crawler.middlewares import MetaRefresh

    crawler = get_crawler(NewsSpider)
    ours, scrapys = MetaRefresh.from_crawler(crawler), MetaRefreshMiddleware.from_crawler(crawler)
    redirects = 0
    for body, charset in refresh_pages():
        def answer(mw):
            request = Request("https://baolongan.vn/cu-a0.html")
            response = HtmlResponse(request.url, body=body, request=request,
                                    headers={"Content-Type": f"text/html; charset={charset}"})
            result = mw.process_response(request, response)
            return result.url if isinstance(result, Request) else result is response
        assert answer(ours) == answer(scrapys)
        redirects += isinstance(answer(ours), str)
    assert redirects == 3, "the UTF-8, windows-1258 and UTF-16 tags within 4,096 characters"


def test_gc_policy_collects_less_often_once_the_engine_runs():
    """crawler.gcpolicy: Python's default made a thousand collector passes per 2,000 pages."""
    import gc

    import pytest
    from scrapy.exceptions import NotConfigured

    from crawler.gcpolicy import GcPolicy

    before = gc.get_threshold()
    try:
        policy = GcPolicy.from_crawler(get_crawler(NewsSpider, {"PROVNEWS_GC_THRESHOLD": settings.PROVNEWS_GC_THRESHOLD}))
        assert gc.get_threshold() == before, "nothing changes before the engine starts"
        policy.engine_started()
        assert gc.get_threshold() == (20000, 50, 50)
        assert gc.get_freeze_count() > 1000, "start-up objects are out of the collector's way"
    finally:
        gc.unfreeze()
        gc.set_threshold(*before)
    with pytest.raises(NotConfigured):
        GcPolicy.from_crawler(get_crawler(NewsSpider, {"PROVNEWS_GC_THRESHOLD": []}))
