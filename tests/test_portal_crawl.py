"""A SharePoint/IIS provincial portal crawled end to end (corpus/demosite/portal.py).

Article ids and listing pages live in the query string (``ChiTietTinTuc.aspx?nid=…``,
``TinTuc.aspx?CatId=…&PageIndex=…``), the server folds letter case and the portal's
links mix cases, a print view sits next to every article, and there is no sitemap or
feed: listings are the only way into the archive. Real shapes: tests/data/real_urls.tsv.
"""
from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pyarrow.dataset as ds
import pytest

from conftest import crawl
from corpus.demosite.portal import Portal
from corpus.demosite.server import serve_layout


@dataclass
class PortalCrawl:
    site: Portal
    rows: list[dict]
    requests: list[str]      # request targets as the server saw them (case folded)
    corpus: Path


@pytest.fixture(scope="module")
def portal(tmp_path_factory) -> PortalCrawl:
    with serve_layout(Portal, articles=30) as site:
        folder = tmp_path_factory.mktemp("portal")
        registry = folder / "portal.toml"
        registry.write_text(f'[[source]]\nkey = "demo-portal"\nname = "{site.name}"\nkind = "portal"\n'
                            f'province = "{site.province}"\nhomepage = "{site.base_url}"\n', encoding="utf-8")
        result = crawl(registry, folder / "corpus")
        assert result.returncode == 0, result.stderr[-3000:]
        rows = ds.dataset(folder / "corpus" / "articles").to_table().to_pylist()
        return PortalCrawl(site, rows, [target for _, target, _ in site.requests], folder / "corpus")


def test_every_article_is_stored_once(portal):
    ids = Counter(row["id"] for row in portal.rows)
    assert set(ids) == {a.id for a in portal.site.articles}
    assert max(ids.values()) == 1 and len(portal.rows) == len(portal.site.articles)
    assert {row["url"] for row in portal.rows} == {a.url for a in portal.site.articles}  # ?nid= kept


def test_every_article_is_fetched_once_whatever_case_it_was_linked_in(portal):
    fetched = Counter(t for t in portal.requests if t.startswith("/trang/chitiettintuc.aspx"))
    assert set(fetched) == {Portal.fold(a.path) for a in portal.site.articles}
    assert [t for t, n in fetched.items() if n > 1] == []


def test_every_listing_page_is_reached_once(portal):
    site = portal.site
    listings = {Portal.fold(site.listing_path(cat, n))
                for cat in site.categories
                for n in range(1, -(-len(site.state.by_category[cat]) // site.page_size) + 1)}
    assert len(listings) > len(site.categories)  # there is pagination to follow
    reached = Counter(t for t in portal.requests if t in listings)
    assert set(reached) == listings
    assert [t for t, n in reached.items() if n > 1] == []


def test_print_views_are_not_stored(portal):
    assert not [t for t in portal.requests if t.startswith("/trang/intintuc.aspx")]
    assert not [row["url"] for row in portal.rows if "InTinTuc" in row["url"]]


def test_an_iis_host_is_reported_so_the_registry_can_declare_it(portal):
    from corpus.store.state import RunLog

    counts = json.loads(RunLog(portal.corpus / "state").runs()[0]["counts"])
    assert counts["demo-portal"].get("case_insensitive_host") == 1   # once, from its homepage's Server header
