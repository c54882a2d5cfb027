"""End-to-end crawls of the demo outlets: discovery, article decisions, text, identity, faults."""
from __future__ import annotations

import hashlib
import json
import unicodedata
from collections import Counter

import pyarrow as pa
import pyarrow.dataset as ds

from corpus.sources.urls import url_key


def stored(corpus) -> list[dict]:
    return ds.dataset(corpus / "articles").to_table().to_pylist()


def by_url(rows):
    return {url_key(u): r for r in rows for u in r["urls"]}


def test_every_demo_article_is_stored_once_with_clean_text(demo, crawled):
    rows = stored(crawled.corpus)
    ids = [r["id"] for r in rows]
    assert len(ids) == len(set(ids)), "an id was stored twice"
    index = by_url(rows)
    syndicated = {a.copy_of for a in demo.articles if a.copy_of}
    for site in demo:
        for article in site.articles:
            if article.copy_of or article.url in syndicated:   # one text, two outlets: whichever came first
                continue                                         # (test_syndicated_copy_is_stored_once...)
            row = index.get(url_key(article.url))
            assert row is not None, f"not stored: {article.url}"
            assert row["title"] == article.title
            assert row["text"].split("\n") == list(article.paragraphs), article.url
            assert row["published"] == article.published
            assert row["author"] == article.author
            assert row["source"] == site.key


def test_ids_are_the_sha256_of_the_text(crawled):
    for row in stored(crawled.corpus):
        assert row["id"] == hashlib.sha256(row["text"].encode("utf-8")).hexdigest()[:16]
        assert unicodedata.is_normalized("NFC", row["text"]) and unicodedata.is_normalized("NFC", row["title"])


def test_parquet_schema_reads_back(crawled):
    schema = ds.dataset(crawled.corpus / "articles").schema
    assert schema.field("id").type == pa.string()
    assert schema.field("published").type == pa.timestamp("us", tz="Asia/Ho_Chi_Minh")
    assert schema.field("fetched_at").type == pa.timestamp("us", tz="UTC")
    assert schema.field("urls").type == pa.list_(pa.string())
    assert not list((crawled.corpus / "articles").glob(".*.tmp")), "a temporary part was left behind"


def test_syndicated_copy_is_stored_once_and_its_url_recorded(demo, crawled):
    copies = [a for site in demo for a in site.articles if a.copy_of]
    assert copies, "the demo sites must carry a syndicated copy"
    rows = stored(crawled.corpus)
    aliases = ds.dataset(crawled.corpus / "aliases").to_table().to_pylist()
    for copy in copies:
        (row,) = [r for r in rows if r["id"] == copy.id]          # stored once, from either outlet
        seen = {url_key(u) for u in row["urls"]} | {url_key(a["url"]) for a in aliases if a["id"] == copy.id}
        assert {url_key(copy.url), url_key(copy.copy_of)} <= seen
        assert row["text"] == copy.text


def test_no_article_is_fetched_twice_under_another_url(demo, crawled):
    for site in demo:
        articles = {url_key(a.url) for a in site.articles}
        retried = {url_key(u) for u in site.fault_urls.values()}     # 5xx and timeouts are retried
        keys = [url_key(site.base_url.rstrip("/") + path) for method, path, _ in crawled.requests[site.key]
                if method == "GET"]
        twice = {k: n for k, n in Counter(keys).items() if n > 1 and k in articles - retried}
        assert not twice, f"{site.key}: fetched twice: {twice}"
        assert articles <= set(keys)


def test_robots_disallowed_and_foreign_schemes_never_requested(crawled):
    for key, requests in crawled.requests.items():
        paths = [path for _, path, _ in requests]
        assert "/robots.txt" in paths
        assert not [p for p in paths if p.startswith(("/private/", "/admin/"))], key
        assert not [p for p in paths if "mailto:" in p or "javascript:" in p or "tel:" in p], key


def test_calendar_trap_is_bounded(crawled):
    for key, requests in crawled.requests.items():
        calendar = [p for _, p, _ in requests if p.startswith("/lich/")]
        assert len(calendar) <= 8, f"{key}: {len(calendar)} calendar pages"


def test_faults_are_counted_by_reason_and_the_crawl_goes_on(demo, crawled):
    out = crawled.result.stdout
    for reason in ("http_404", "http_410", "http_500", "timeout", "too_large", "binary_as_html",
                   "redirect_loop", "not_Vietnamese", "too_little_text"):
        assert reason in out, f"{reason} missing from the summary:\n{out}"
    rows = by_url(stored(crawled.corpus))
    for site in demo:
        truncated = site.fault_articles["truncated"]
        row = rows.get(url_key(truncated.url))
        assert row is not None and row["text"].split("\n")[:3] == list(truncated.paragraphs)
        assert url_key(site.fault_articles["unavailable_once"].url) in rows   # 503 then 200: retried
        assert url_key(site.fault_articles["thin"].url) not in rows
        assert url_key(site.fault_articles["foreign"].url) not in rows


def test_run_is_recorded(crawled):
    from corpus.store.state import RunLog

    runs = RunLog(crawled.corpus / "state").runs()
    assert [r["status"] for r in runs] == ["finished"]
    counts = json.loads(runs[0]["counts"])
    assert sum(row.get("stored", 0) for row in counts.values()) == len(stored(crawled.corpus))


def test_nothing_but_articles_is_stored(demo, crawled):
    """Contact, video, gallery, tag, search, English and thin pages leave no row."""
    expected = {a.id for a in demo.articles}
    for site in demo:
        expected |= {site.fault_articles[name].id for name in ("unavailable_once", "truncated")}
    extra = [(r["url"], r["title"]) for r in stored(crawled.corpus) if r["id"] not in expected]
    assert extra == []


def test_tags_are_single_keywords_without_the_sites_own(demo, crawled):
    """<meta name="keywords"> is one comma-separated string, the same on every page of demo-longan and
    demo-dongthap (their home pages declare it too): stored tags are single words, the site-wide ones gone."""
    import urllib.request

    from corpus.text.clean import decode_html, split_keywords
    from corpus.text.extract import load_html, site_keywords

    site_wide = {}
    for site in demo:
        with urllib.request.urlopen(site.base_url) as response:
            html = decode_html(response.read(), response.headers.get_content_charset())[0]
            site_wide[site.key] = set(site_keywords(load_html(html)))
    assert site_wide["demo-longan"] and site_wide["demo-dongthap"], "the fixture has site-wide keywords"
    rows = ds.dataset(crawled.corpus / "articles").to_table(columns=["source", "tags"]).to_pylist()
    tagged = 0
    for row in rows:
        tags = row["tags"] or []
        assert not any("," in t for t in tags), tags
        assert not set(tags) & site_wide[row["source"]], (row["source"], tags)
        tagged += bool(tags)
    assert tagged, "articles' own tags are kept"
    assert split_keywords(["a, b;c", " b ", ""]) == ["a", "b", "c"]
