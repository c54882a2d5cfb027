"""Extraction in worker processes: the same output as inline, and a killed worker does not stop a crawl."""
from __future__ import annotations

import hashlib
import multiprocessing
import os
import signal
import subprocess
import time
from concurrent.futures import ProcessPoolExecutor

import psutil
import pyarrow.dataset as ds
import pytest
from scrapy.http import HtmlResponse
from scrapy.linkextractors import LinkExtractor
from scrapy.utils.url import url_has_any_extension

from conftest import FAST, PROVNEWS, crawl, site_pages
from corpus.demosite import DemoSites
from corpus.text.extract import extract_page
from corpus.store.state import RunLog
from corpus.sources.urls import canonical_url
from corpus.sources.pagekind import NOT_PAGES

COMPARED = ("id", "url", "urls", "source", "title", "published", "author", "text", "language", "word_count",
            "categories", "tags", "site_name", "province")
@pytest.fixture(scope="module")
def pages():
    with DemoSites(articles_per_site=10) as sites:
        return site_pages(sites)


def test_pool_and_inline_extraction_give_the_same_records(pages):
    inline = [extract_page(body, url, charset) for body, url, charset in pages]
    with ProcessPoolExecutor(2, mp_context=multiprocessing.get_context("forkserver")) as pool:
        pooled = list(pool.map(extract_page, *zip(*pages)))
    assert pooled == inline
    articles = [r for r in inline if "id" in r]
    assert len(articles) >= 30 and len(articles) < len(inline), "both articles and non-articles are covered"
    for record in articles:
        assert record["id"] == hashlib.sha256(record["text"].encode("utf-8")).hexdigest()[:16]



def test_worker_links_are_the_links_scrapys_link_extractor_reads(pages):
    """Article pages' links come from the worker (corpus.text.extract.page_links), and the spider
    drops files (NOT_PAGES): together the same URLs as Scrapy's LinkExtractor, on every demo page."""
    extractor = LinkExtractor(unique=True, strip=True)
    compared = 0
    for body, url, charset in pages:
        if b"<html" not in body[:2048].lower():
            continue
        scrapy_links = {canonical_url(link.url) for link in extractor.extract_links(
            HtmlResponse(url, body=body, encoding=charset))}
        worker_links = {canonical_url(u) for u in extract_page(body, url, charset)["links"]
                        if not url_has_any_extension(u, NOT_PAGES)}
        assert worker_links == scrapy_links, url
        compared += bool(scrapy_links)
    assert compared >= 60

def stored_rows(corpus) -> list[dict]:
    table = ds.dataset(corpus / "articles").to_table(columns=list(COMPARED))
    return sorted(table.to_pylist(), key=lambda r: r["id"])


def test_crawls_with_and_without_workers_store_the_same_corpus(tmp_path):
    with DemoSites(articles_per_site=12, faults=False) as sites:
        registry = sites.write_registry(tmp_path / "demo.toml")
        results = {n: crawl(registry, tmp_path / f"corpus-{n}", "--workers", n) for n in (0, 2)}
        expected = {a.id for a in sites.articles}
    for n, result in results.items():
        assert result.returncode == 0, f"--workers {n}: {result.stderr[-2000:]}"
    inline, pooled = stored_rows(tmp_path / "corpus-0"), stored_rows(tmp_path / "corpus-2")
    assert {r["id"] for r in inline} == expected
    # A syndicated text is stored from whichever outlet answered first (a race, not extraction):
    # its row may come from either site, so it is compared by text only.
    copies = {a.id for a in sites.articles if a.copy_of}
    assert [r for r in pooled if r["id"] not in copies] == [r for r in inline if r["id"] not in copies]
    assert [r["text"] for r in pooled if r["id"] in copies] == [r["text"] for r in inline if r["id"] in copies]


def workers_of(crawl_pid: int) -> list[psutil.Process]:
    """The extraction workers: children of the crawl's forkserver."""
    try:
        for child in psutil.Process(crawl_pid).children():
            if "forkserver" in " ".join(child.cmdline()):
                return child.children()
    except psutil.NoSuchProcess:
        pass
    return []


def test_a_killed_worker_is_counted_and_the_crawl_goes_on(tmp_path):
    with DemoSites(articles_per_site=60, faults=False, page_kb=150) as sites:
        registry = sites.write_registry(tmp_path / "demo.toml")
        corpus = tmp_path / "corpus"
        proc = subprocess.Popen([*PROVNEWS, "crawl", "--sources-file", str(registry), "--corpus", str(corpus),
                                 "--sources", "demo-longan", "--workers", "2", *FAST],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        deadline = time.monotonic() + 120       # a guard against hanging, not a speed check
        while not (workers := workers_of(proc.pid)) and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.01)
        assert workers, "no extraction worker appeared"
        os.kill(workers[0].pid, signal.SIGKILL)
        stdout, stderr = proc.communicate(timeout=240)
        expected = {a.id for a in sites["demo-longan"].articles}
    assert proc.returncode == 0, stderr[-3000:]
    assert "An extraction worker died" in stderr
    counts = RunLog(corpus / "state").runs()[-1]["counts"]
    assert '"retry/extractor_crashed"' in counts, counts
    ids = ds.dataset(corpus / "articles").to_table(columns=["id"]).column("id").to_pylist()
    assert sorted(ids) == sorted(expected), "every article stored once, those in flight at the crash included"
