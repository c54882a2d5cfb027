"""Fixture news sites for tests and ``provnews demo``: three Vietnamese provincial
outlets (Báo Long An-, Báo Đồng Tháp- and Vĩnh Phúc portal-like) served on
loopback, with ground truth for every article and the faults a crawler meets.

    with DemoSites(articles_per_site=30) as sites:
        sites.write_registry(path)
        site = sites["demo-longan"]; site.base_url; site.articles; site.fault_urls
"""
from corpus.demosite.content import Article
from corpus.demosite.server import DemoSites
from corpus.demosite.site import Site

__all__ = ["Article", "DemoSites", "Site"]
