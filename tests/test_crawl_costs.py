"""The crawl process's per-page shortcuts keep Scrapy's behaviour (issue 14).

Each test pins what a removed cost used to do, so the shortcut cannot hide a change.
"""
from __future__ import annotations

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


def test_a_menu_link_on_every_page_is_requested_once_and_budgeted_as_before(tmp_path):
    """A listing link repeated on each article page (menus) makes one Request: the dupefilter would
    drop the others. The page budget (PROVNEWS_MAX_PAGES) still counts every occurrence, as it did."""
    news = spider(tmp_path)
    source = news.sources["baolongan"]
    menu, article = source.homepage.rstrip("/") + "/kinh-te/", source.homepage.rstrip("/") + (
        "/tinh-uy-long-an-hop-ban-ve-ke-hoach-phat-trien-kinh-te-xa-hoi-nam-2024-a160001.html")
    assert news.link_kind(source.key, menu)[0] == "category"
    requests = [r for _ in range(3) for r in news.follow_urls([menu, article], source, "article", 1)]
    assert [(r.url, r.meta["role"]) for r in requests] == [(menu, "category"), (article, "article")]
    assert news.pages[source.key] == 4      # menu three times, the article once (then requested_keys)

    budgeted = spider(tmp_path, PROVNEWS_MAX_PAGES=2)
    for _ in range(2):
        list(budgeted.follow_urls([menu], source, "article", 1))
    assert budgeted.request(article, source, "article", budgeted.parse_page) is None, "budget spent as before"
