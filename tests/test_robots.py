"""robots.txt rules reach every request that waited for them (crawler.middlewares.RobotsTxt).

Scrapy's middleware shares one Deferred among the requests waiting for a host's robots.txt; on
the asyncio reactor only the first waiter got the rules and the others were let through. Here
the site answers slowly, so the start requests (robots, sitemap, feed, homepage) all wait, and
the registry points the sitemap and feed into the disallowed /private/ folder.
"""
from __future__ import annotations

from conftest import crawl
from corpus.demosite import DemoSites


def test_requests_waiting_for_robots_txt_obey_it(tmp_path):
    with DemoSites(articles_per_site=4, faults=False, latency=0.3) as sites:
        site = sites["demo-dongthap"]
        registry = tmp_path / "one.toml"
        registry.write_text(
            f'[[source]]\nkey = "demo-dongthap"\nname = "Báo Đồng Tháp (demo)"\nprovince = "{site.province}"\n'
            f'homepage = "{site.base_url}"\nsitemaps = ["{site.base_url}private/sitemap.xml"]\n'
            f'feeds = ["{site.base_url}private/tin.rss", "{site.base_url}private/khac.rss"]\n', encoding="utf-8")
        result = crawl(registry, tmp_path / "corpus", "--max-pages", "6", "--workers", "0")
        assert result.returncode == 0, result.stderr[-2000:]
        requested = [target for _, target, _ in site.requests]
    assert "/robots.txt" in requested
    assert not [t for t in requested if t.startswith("/private/")], requested
