"""The fixture sites, fetched over real loopback HTTP with urllib."""
import gzip
import re
import socket
import subprocess
import sys
import unicodedata
import urllib.error
import urllib.request
import xml.etree.ElementTree as ET
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from email.utils import parsedate_to_datetime
from html import escape
from pathlib import Path
from urllib.parse import urlsplit
from urllib.robotparser import RobotFileParser

import lxml.html
import pytest

from corpus.demosite import DemoSites
from corpus.demosite.content import VN_TZ, clean
from corpus.sources.registry import load_sources

SM = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
ATOM = "{http://www.w3.org/2005/Atom}"
KEYS = ["demo-longan", "demo-dongthap", "demo-vinhphuc"]


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


PLAIN = urllib.request.build_opener(NoRedirect)


def fetch(url, headers=None, timeout=10, method="GET"):
    """(status, headers, body) without following redirects; errors are answers too."""
    request = urllib.request.Request(url, headers=headers or {}, method=method)
    try:
        with PLAIN.open(request, timeout=timeout) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers, exc.read()


def page_text(body, charset="utf-8"):
    """Visible text of a page, decoded as its site declares it, NFC, whitespace collapsed."""
    html = unicodedata.normalize("NFC", body.decode(charset))
    return clean(lxml.html.fromstring(html).text_content())


@pytest.fixture(scope="module")
def sites():
    with DemoSites(articles_per_site=40, seed=0, slow_seconds=1.0) as running:
        yield running


def test_robots_lists_sitemap_and_disallows_private(sites):
    for site in sites:
        status, headers, body = fetch(site.urls["robots"])
        assert status == 200 and headers.get_content_type() == "text/plain"
        robots = RobotFileParser()
        robots.parse(body.decode().splitlines())
        assert robots.site_maps() == [site.urls["sitemap_index"]]
        assert not robots.can_fetch("provnews", site.urls["private"])
        assert not robots.can_fetch("provnews", site.url("/admin/"))
        assert robots.can_fetch("provnews", site.articles[0].url)
        home = fetch(site.base_url)[2].decode(site.charset)
        assert urlsplit(site.urls["private"]).path in home     # the trap is linked


def test_sitemap_index_gz_month_and_lastmod_cover_every_article(sites):
    for site in sites:
        index = ET.fromstring(fetch(site.urls["sitemap_index"])[2])
        months = [(e.find(SM + "loc").text, e.find(SM + "lastmod").text) for e in index.iter(SM + "sitemap")]
        assert site.urls["sitemap_gz"] in [loc for loc, _ in months]
        seen = {}
        for loc, lastmod in months:
            status, headers, body = fetch(loc)
            assert status == 200
            if loc.endswith(".gz"):
                assert body[:2] == b"\x1f\x8b"
                body = gzip.decompress(body)
            for url in ET.fromstring(body).iter(SM + "url"):
                seen[url.find(SM + "loc").text] = datetime.fromisoformat(url.find(SM + "lastmod").text)
            assert datetime.fromisoformat(lastmod).tzinfo is not None
        assert seen == {a.url: a.published for a in site.articles}


def test_feeds_parse_newest_first(sites):
    for site in sites:
        status, headers, body = fetch(site.urls["feed"])
        root = ET.fromstring(body)
        if site.feed_atom:
            assert headers.get_content_type() == "application/atom+xml"
            links = [e.find(ATOM + "link").get("href") for e in root.iter(ATOM + "entry")]
            dates = [datetime.fromisoformat(e.find(ATOM + "published").text) for e in root.iter(ATOM + "entry")]
        else:
            assert headers.get_content_type() == "application/rss+xml"
            links = [e.findtext("link") for e in root.iter("item")]
            dates = [parsedate_to_datetime(e.findtext("pubDate")) for e in root.iter("item")]
        newest = sorted(site.articles, key=lambda a: (a.published, a.cms_id), reverse=True)[:20]
        assert [link.split("?")[0] for link in links] == [a.url for a in newest]
        assert dates == [a.published for a in newest]
        home = fetch(site.base_url)[2].decode(site.charset)
        assert f'rel="alternate" type="{headers.get_content_type()}"' in home


def test_dongthap_is_windows_1258_and_decodes_to_the_nfc_title(sites):
    site = sites["demo-dongthap"]
    seed = site.articles[0]
    assert seed.title == "Tập trung đổi mới phương thức lãnh đạo của Đảng đối với hệ thống chính trị"
    status, headers, body = fetch(seed.url)
    assert headers.get_content_charset() == "windows-1258"
    assert b'charset=windows-1258"' in body[:1000]
    with pytest.raises(UnicodeDecodeError):
        body.decode("utf-8")
    decoded = body.decode("windows-1258")
    assert seed.title not in decoded                         # tones are combining marks...
    title = re.search(r'<h1 class="ArticleTitle">(.*?)</h1>', decoded).group(1)
    assert unicodedata.normalize("NFC", title) == seed.title  # ...until NFC
    assert "Cập nhật ngày: 21/03/2023 18:53:24" in page_text(body, "windows-1258")
    assert b"og:" not in body and b"published_time" not in body and b"ld+json" not in body


def test_nfd_article_and_lying_charset_on_vinhphuc(sites):
    site = sites["demo-vinhphuc"]
    nfd = next(a for a in site.articles if a.url == site.urls["nfd"])
    body = fetch(nfd.url)[2].decode("utf-8")
    assert nfd.nfd and nfd.title not in body and unicodedata.normalize("NFD", nfd.title) in body
    liar = next(a for a in site.articles if a.url == site.urls["lying_charset"])
    status, headers, body = fetch(liar.url)
    assert headers.get_content_charset() == "iso-8859-1"
    assert b'<meta charset="utf-8">' in body[:300]
    assert escape(liar.title).encode("utf-8") in body                      # the meta is right
    assert escape(liar.title) not in body.decode("iso-8859-1")             # the header is not


@pytest.mark.parametrize("page", ["sitemap_index", "feed", "category", "home", "sitemap_gz"])
def test_conditional_requests_answer_304(sites, page):
    for site in sites:
        url = site.urls[page]
        status, headers, body = fetch(url)
        etag, modified = headers["ETag"], headers["Last-Modified"]
        assert status == 200 and etag and modified
        assert fetch(url, {"If-None-Match": etag})[0] == 304
        assert fetch(url, {"If-Modified-Since": modified})[0] == 304
        assert fetch(url, {"If-None-Match": '"stale"'})[0] == 200
        assert fetch(url, {"If-Modified-Since": "Mon, 01 Jan 2018 00:00:00 GMT"})[0] == 200


def test_faults_behave_as_documented(sites):
    for site in sites:
        faults = site.fault_urls
        listing = fetch(site.urls["category"])[2].decode(site.charset)
        assert all(urlsplit(u).path in listing for u in faults.values())   # all linked from a listing
        assert fetch(faults["not_found"])[0] == 404
        assert fetch(faults["gone"])[0] == 410
        assert [fetch(faults["server_error"])[0] for _ in range(3)] == [500, 500, 500]
        status, headers, _ = fetch(faults["unavailable_once"])
        assert status == 503 and headers["Retry-After"] == "1"
        status, _, body = fetch(faults["unavailable_once"])
        expected = site.fault_articles["unavailable_once"]
        assert status == 200 and expected.paragraphs[1] in page_text(body, site.charset)
        status, headers, _ = fetch(faults["redirect_loop"])
        hop = headers["Location"]
        assert status == 302 and hop != faults["redirect_loop"]
        assert fetch(hop)[1]["Location"] == faults["redirect_loop"]
        for name, magic in (("binary_png", b"\x89PNG\r\n\x1a\n"), ("binary_zip", b"PK\x03\x04")):
            status, headers, body = fetch(faults[name])
            assert headers.get_content_type() == "text/html" and body.startswith(magic)
        thin = page_text(fetch(faults["thin"])[2], site.charset)
        assert site.fault_articles["thin"].paragraphs[0] in thin
        foreign = page_text(fetch(faults["foreign"])[2], site.charset)
        assert all(p in foreign for p in site.fault_articles["foreign"].paragraphs)


def test_truncated_page_keeps_three_complete_paragraphs(sites):
    for site in sites:
        expected = site.fault_articles["truncated"]
        status, headers, body = fetch(site.fault_urls["truncated"])
        assert status == 200 and int(headers["Content-Length"]) == len(body)
        text = unicodedata.normalize("NFC", body.decode(site.charset))
        assert len(expected.paragraphs) == 3 and all(escape(p) in text for p in expected.paragraphs)
        assert not text.rstrip().endswith("</html>") and text.endswith("<p")


def test_huge_page_is_streamed_with_its_size(sites):
    for site in sites:
        request = urllib.request.Request(site.fault_urls["huge"])
        with urllib.request.urlopen(request, timeout=10) as response:
            assert int(response.headers["Content-Length"]) == 20 * 1024 * 1024
            assert response.read(64).startswith(b"<!DOCTYPE html>")


def test_slow_page_answers_after_slow_seconds(sites):
    url = sites["demo-longan"].fault_urls["slow"]
    with pytest.raises((socket.timeout, urllib.error.URLError)):
        urllib.request.urlopen(url, timeout=0.05).read()
    status, _, body = fetch(url, timeout=30)
    assert status == 200 and sites["demo-longan"].fault_articles["slow"].paragraphs[1] in page_text(body)


def test_every_article_page_holds_its_ground_truth(sites):
    date_lines = {"demo-longan": "%d/%m/%Y - %H:%M", "demo-dongthap": "Cập nhật ngày: %d/%m/%Y %H:%M:%S"}
    for site in sites:
        for a in site.articles:
            status, headers, body = fetch(a.url)
            assert status == 200
            text = page_text(body, "utf-8" if site.charset == "utf-8" else site.charset)
            assert a.title in text and all(p in text for p in a.paragraphs)
            assert all(c not in a.paragraphs for _, c in a.captions)
            assert all(c in text for _, c in a.captions)
            assert f'rel="canonical" href="{a.url}"' in body.decode(site.charset)
            if site.key in date_lines:
                assert a.published.strftime(date_lines[site.key]) in text
            elif a.published.year >= 2021:
                assert f"Ngày đăng : {a.published:%H:%M, %d/%m/%Y}" in text
                assert b'"@type": "NewsArticle"' in body
            else:
                assert re.search(rf"(Thứ \w+|Chủ Nhật), {a.published:%d/%m/%Y %H:%M}", text)
        if site.key == "demo-longan":
            assert b'property="og:type" content="article"' in body and b"article:published_time" in body


def test_ground_truth_is_deterministic_distinct_and_starts_with_the_seeds(sites):
    with DemoSites(articles_per_site=40, seed=0) as again, DemoSites(articles_per_site=40, seed=1) as other:
        assert [a.text for a in again.articles] == [a.text for a in sites.articles]
        assert [a.title for a in again.articles] == [a.title for a in sites.articles]
        assert len({a.text for a in other.articles} & {a.text for a in sites.articles}) == 5  # the seeds
    seeds = Path(__file__).resolve().parents[1] / "corpus" / "data" / "seeds"
    seed_text = " ".join(clean(p.read_text("utf-8")) for p in seeds.glob("*.txt"))
    firsts = [sites["demo-longan"].articles[i] for i in range(3)] + [sites[k].articles[0] for k in KEYS[1:]]
    assert all(p in seed_text for a in firsts for p in a.paragraphs)
    everything = sites.articles
    copies = [a for a in everything if a.copy_of]
    revisions = [a for a in everything if a.revision_of]
    assert len(copies) == len(revisions) == 1
    assert len({a.id for a in everything}) == len(everything) - len(copies)
    assert len({(a.site, a.title) for a in everything}) == len(everything) - len(revisions)
    for a in everything:
        assert a.published.utcoffset() == VN_TZ.utcoffset(None)
        assert datetime(2019, 1, 1, tzinfo=VN_TZ) <= a.published <= datetime(2025, 7, 2, tzinfo=VN_TZ)
        assert a.text == "\n".join(a.paragraphs) and a.paragraphs[0]
    synthetic = [a for a in everything if a.paragraphs[0] not in seed_text]
    assert len(synthetic) == 3 * 40 - 5 + 1       # the revision is synthetic too; the copy is a seed
    assert all(4 <= len(a.paragraphs) <= 12 for a in synthetic)
    assert any(a.author is None for a in synthetic) and any(a.author for a in synthetic)
    assert {a.category for a in synthetic} >= {"chinh-tri", "kinh-te", "xa-hoi"}


def test_syndicated_copy_and_updated_version(sites):
    longan, vinhphuc = sites["demo-longan"], sites["demo-vinhphuc"]
    copy = next(a for a in vinhphuc.articles if a.copy_of)
    original = next(a for a in longan.articles if a.url == copy.copy_of)
    assert copy.url == vinhphuc.urls["syndicated"] and copy.id == original.id
    assert "Theo Báo Long An" in page_text(fetch(copy.url)[2])
    revised = next(a for a in longan.articles if a.revision_of)
    before = next(a for a in longan.articles if a.url == revised.revision_of)
    changed = [i for i, (x, y) in enumerate(zip(before.paragraphs, revised.paragraphs)) if x != y]
    assert len(changed) == 1 and len(before.paragraphs) == len(revised.paragraphs) and revised.url != before.url


def test_url_variants_reach_the_same_article(sites):
    for site in sites:
        home = fetch(site.base_url)[2].decode(site.charset)
        for name in ("utm", "fragment"):
            assert escape(site.urls[name].removeprefix(site.origin)) in home or escape(site.urls[name]) in home
        status, headers, _ = fetch(site.urls["old_redirect"])
        target = next(a for a in site.articles if a.url == headers["Location"])
        assert status == 301
        status, _, body = fetch(site.urls["print"])
        article = next(a for a in site.articles if site.print_path(a) == site.urls["print"].removeprefix(site.origin))
        text = page_text(body, site.charset)
        assert status == 200 and all(p in text for p in article.paragraphs)
        assert f'rel="canonical" href="{article.url}"' in body.decode(site.charset)
        assert f'href="{escape(site.print_path(target))}"' in fetch(target.url)[2].decode(site.charset)
        status, _, body = fetch(site.urls["utm"])
        assert status == 200 and b'rel="canonical"' in body


def test_listings_paginate_and_cover_their_category(sites):
    for site in sites:
        category = site.categories[0]
        expected = {a.url for a in site.articles if a.category == category}
        seen, url, pages = set(), site.url(site.listing_path(category, 1)), 0
        while url:
            status, _, body = fetch(url)
            assert status == 200
            doc = lxml.html.fromstring(body.decode(site.charset), base_url=url)
            doc.make_links_absolute()
            links = {h for h in doc.xpath("//div[@class='list-items']//a/@href")}
            assert 0 < len(links) <= 20
            seen |= links
            nxt = doc.xpath("//a[@class='next']/@href")
            url, pages = (nxt[0] if nxt else None), pages + 1
        assert seen == expected and pages == -(-len(expected) // site.page_size)
        assert fetch(site.url(site.listing_path(category, pages + 1)))[0] == 404
        assert 10 <= site.page_size <= 20


def test_other_pages_links_and_the_calendar_trap(sites):
    for site in sites:
        home = fetch(site.base_url)[2].decode(site.charset)
        for needle in ("mailto:", "tel:", "javascript:", "https://www.facebook.com/", *site.others):
            assert needle in home
        for name in ("contact", "video", "gallery", "english", "tag", "search", "admin"):
            assert fetch(site.urls[name])[0] == 200, name
        assert "sets key targets for the year" in page_text(fetch(site.urls["english"])[2], site.charset)
        url = site.urls["calendar"]
        assert urlsplit(url).path in home
        for _ in range(5):                     # each day links to the one before, forever
            status, _, body = fetch(url)
            assert status == 200
            previous = re.search(rb'href="/lich/(\d{4})/(\d{2})/(\d{2})"', body).groups()
            day = datetime.strptime(urlsplit(url).path, "/lich/%Y/%m/%d")
            assert (day - datetime(*map(int, previous))).days == 1
            url = site.url("/lich/%s/%s/%s" % tuple(p.decode() for p in previous))


def test_search_finds_articles_by_title(sites):
    site = sites["demo-longan"]
    target = site.articles[1]
    status, _, body = fetch(site.url(site.search_path + "?q=" + urllib.request.quote("18 chỉ tiêu")))
    assert status == 200 and target.title in page_text(body)


def test_requests_are_recorded_and_served_concurrently(sites):
    site = sites["demo-vinhphuc"]
    urls = [a.url for a in site.articles] * 2
    before = len(site.requests)
    with ThreadPoolExecutor(8) as pool:
        statuses = list(pool.map(lambda u: fetch(u, {"User-Agent": "provnews-test"})[0], urls))
    assert statuses == [200] * len(urls)
    seen = site.requests[before:]
    assert len(seen) == len(urls)
    assert all(method == "GET" and headers.get("User-Agent") == "provnews-test" for method, _, headers in seen)
    assert sorted(target for _, target, _ in seen) == sorted(urlsplit(u).path for u in urls)


def test_add_articles_appears_everywhere_and_invalidates_etags():
    with DemoSites(articles_per_site=12, faults=False) as sites:
        for site in sites:
            old_feed = fetch(site.urls["feed"])[1]["ETag"]
            new = site.add_articles(3)
            assert all(a.published > max(b.published for b in site.articles if b not in new) for a in new)
            assert site.articles[-3:] == new
            home = fetch(site.base_url)[2].decode(site.charset)
            feed = fetch(site.urls["feed"])
            assert feed[1]["ETag"] != old_feed and fetch(site.urls["feed"], {"If-None-Match": old_feed})[0] == 200
            index = ET.fromstring(fetch(site.urls["sitemap_index"])[2])
            in_sitemaps = set()
            for loc in index.iter(SM + "loc"):
                body = fetch(loc.text)[2]
                in_sitemaps |= {u.text for u in ET.fromstring(gzip.decompress(body) if loc.text.endswith(".gz")
                                                              else body).iter(SM + "loc")}
            for a in new:
                assert escape(a.path) in home and a.url in feed[2].decode()
                assert a.url in in_sitemaps
                listing = fetch(site.url(site.listing_path(a.category, 1)))[2].decode(site.charset)
                assert escape(a.path) in listing
                assert fetch(a.url)[0] == 200


def test_page_kb_pads_article_pages():
    with DemoSites(articles_per_site=6, faults=False, page_kb=120) as sites:
        for site in sites:
            a = site.articles[1]
            status, _, body = fetch(a.url)
            assert 120 * 1024 <= len(body) < 140 * 1024
            assert all(p in page_text(body, site.charset) for p in a.paragraphs)
            assert body.rstrip().endswith(b"</html>")


def test_registry_toml_loads(sites, tmp_path):
    sources = {s.key: s for s in load_sources(sites.write_registry(tmp_path / "demo.toml"))}
    assert sorted(sources) == sorted(KEYS)
    assert {k: s.province for k, s in sources.items()} == {
        "demo-longan": "Long An", "demo-dongthap": "Đồng Tháp", "demo-vinhphuc": "Vĩnh Phúc"}
    for key, source in sources.items():
        assert source.homepage == sites[key].base_url
        assert source.sitemaps == () and source.feeds == ()
    pattern = sources["demo-longan"].regex("article_pattern")[0]
    assert all(pattern.search(a.url) for a in sites["demo-longan"].articles)
    assert not pattern.search(sites["demo-longan"].urls["video"])
    assert sources["demo-dongthap"].article_pattern == "" == sources["demo-vinhphuc"].article_pattern


def test_command_line_serves_and_prints_the_registry(tmp_path):
    proc = subprocess.Popen([sys.executable, "-m", "corpus.demosite", "--articles", "5", "--registry",
                             str(tmp_path / "r.toml")], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        lines = [proc.stdout.readline() for _ in range(10)]
        homepage = next(l.split('"')[1] for l in lines if l.startswith("homepage"))
        assert fetch(homepage)[0] == 200
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    assert proc.returncode == 0                      # SIGTERM shuts the servers down cleanly
    assert len(load_sources(tmp_path / "r.toml")) == 3
