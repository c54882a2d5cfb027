"""corpus.text.speedups: the rewritten trafilatura XPaths select exactly what the originals select,
on real pages, and the rewrite still reaches the expressions that cost the most."""
from __future__ import annotations

import gzip
import os
from pathlib import Path

import pytest
from lxml import html
from trafilatura import xpaths

from corpus.demosite import DemoSites
from corpus.text import speedups
from corpus.text.extract import parse_page

DATA = Path(__file__).parent / "data" / "pages"
SHARED = Path(os.environ.get("PROVNEWS_SHARED") or Path(__file__).resolve().parents[1].parent / "shared")
BENCHMARK = SHARED / "benchmarks" / "article-extraction" / "html"


def real_pages() -> list[bytes]:
    """The stored layouts of Vietnamese outlets (tests/data/pages) and, where ../shared is present,
    the public article-extraction benchmark's 181 pages."""
    pages = [p.read_bytes() for p in sorted(DATA.rglob("*.html"))]
    if BENCHMARK.is_dir():
        pages += [gzip.decompress(p.read_bytes()) for p in sorted(BENCHMARK.glob("*.html.gz"))]
    return pages


@pytest.fixture(scope="module")
def trees():
    with DemoSites(articles_per_site=4, faults=False, page_kb=120) as sites:
        import urllib.request
        demo = [urllib.request.urlopen(a.url, timeout=30).read() for a in sites.articles[:6]]
    parser = html.HTMLParser(remove_comments=True, remove_pis=True)   # lxml.html's own class lookup
    return [html.fromstring(page, parser=parser) for page in real_pages() + demo]


def test_rewritten_xpaths_select_the_same_elements(trees):
    rewritten = speedups.install()
    assert len(trees) >= 20
    matched = 0
    for (name, index), (original, fast) in rewritten.items():
        for tree in trees:
            want = original(tree)
            assert fast(tree) == want, f"{name}[{index}] differs"
            matched += len(want)
    assert matched > 100, "the pages exercise the expressions"


def test_the_costly_expressions_are_rewritten():
    """If a trafilatura release changes these so they no longer qualify, the speed-up is gone:
    re-derive it (bench/throughput.py shows the cost)."""
    rewritten = speedups.install()
    for key in [("OVERALL_DISCARD_XPATH", 0), ("OVERALL_DISCARD_XPATH", 1), ("COMMENTS_DISCARD_XPATH", 2),
                ("PRECISION_DISCARD_XPATH", 1), ("AUTHOR_DISCARD_XPATHS", 0), ("REMOVE_COMMENTS_XPATH", 0),
                ("AUTHOR_XPATHS", 0)]:
        assert key in rewritten
        assert getattr(xpaths, key[0])[key[1]] is rewritten[key][1]   # installed where trafilatura reads it


@pytest.mark.parametrize("path", [
    ".//*[self::div or @class='x']",                 # a div without attributes matches
    ".//*[not(@class)]",
    ".//*[re:test(@class, '^$|ad')]",               # the regex matches a missing attribute
    ".//*[contains(@class, '')]",                   # '' is in every string
    ".//*[1][@class='x']",                          # position counted before the filter
    ".//*[@class='x' and .//h1]",
    ".//*[rel='me' or self::rel]",                  # rel='me' is a child element, not an attribute
    ".//div//*[@class='a']//*[@id='b']",            # two steps
])
def test_no_prefilter_where_an_element_without_the_attributes_could_match(path):
    assert speedups.prefilter(path) is None


@pytest.mark.parametrize("path, expected", [
    (".//*[self::div or self::p][@id='x' or re:test(@class, 'ad')]",
     ".//*[@class or @id][self::div or self::p][@id='x' or re:test(@class, 'ad')]"),
    ("(.//*[self::div][@class='post'][1])[1]", "(.//*[@class][self::div][@class='post'][1])[1]"),
    (".//*[contains(translate(@role, 'N', 'n'), 'nav') or @data-x]", ".//*[@data-x or @role][contains("
     "translate(@role, 'N', 'n'), 'nav') or @data-x]"),
    ("//*[@rel='author' or rel='me']|//author", "//*[@rel or rel][@rel='author' or rel='me']|//author"),
])
def test_prefilter_names_every_attribute_the_predicate_tests(path, expected):
    assert speedups.prefilter(path) == expected


def test_fast_lookup_gives_the_same_extraction(trees):
    """trafilatura's parser with the C lookup: every field of every stored layout as with lxml.html's."""
    from trafilatura import utils

    pages = [p.read_bytes() for p in sorted(DATA.rglob("*.html"))]
    speedups.install()
    fast = [parse_page(p, "https://baolongan.vn/a-a1.html") for p in pages]
    utils.HTML_PARSER.set_element_class_lookup(html.HtmlElementClassLookup())
    try:
        slow = [parse_page(p, "https://baolongan.vn/a-a1.html") for p in pages]
    finally:
        utils.HTML_PARSER.set_element_class_lookup(speedups.FAST_LOOKUP)
    assert fast == slow
    assert sum(bool(page.get("text")) for page in fast) >= 10


def test_brackets_inside_a_pattern_are_not_the_predicates():
    assert speedups.prefilter(".//*[re:test(@class, '^[^]a]')][1]") == ".//*[@class][re:test(@class, '^[^]a]')][1]"
