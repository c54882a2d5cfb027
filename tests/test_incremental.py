"""Scheduled use: incremental re-crawls, crash safety under SIGKILL, one run per corpus."""
from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import time
from collections import Counter

import pyarrow.dataset as ds
import pytest

from conftest import FAST, PROVNEWS, crawl
from corpus.demosite import DemoSites
from corpus.store.state import RunLog
from corpus.sources.urls import url_key

SITE = "demo-longan"


@pytest.fixture()
def big_site(tmp_path):
    with DemoSites(articles_per_site=200, faults=False) as sites:
        sites.registry = sites.write_registry(tmp_path / "demo.toml")
        yield sites


def rows(corpus):
    return ds.dataset(corpus / "articles").to_table(columns=["id", "urls"]).to_pylist()


def page_kinds(site, requests) -> Counter:
    """What a crawl read, by kind of page (article pages named by whether they were new)."""
    articles = {url_key(a.url) for a in site.articles}
    kinds = Counter()
    for _, path, _ in requests:
        key = url_key(site.base_url.rstrip("/") + path)
        kind = ("article" if key in articles else "sitemap" if "sitemap" in path else
                "feed" if "rss" in path or "feed" in path or "atom" in path else "robots" if "robots" in path
                else "listing")
        kinds[kind] += 1
    return kinds


def test_second_crawl_fetches_only_the_new_articles(big_site, tmp_path):
    site = big_site[SITE]
    corpus = tmp_path / "corpus"
    first = crawl(big_site.registry, corpus, "--sources", SITE)
    assert first.returncode == 0, first.stderr[-2000:]
    before = {r["id"] for r in rows(corpus)}
    assert len(before) == len(site.articles) >= 200

    old = {url_key(a.url) for a in site.articles}
    new = site.add_articles(10)
    seen = len(site.requests)
    second = crawl(big_site.registry, corpus, "--sources", SITE)
    assert second.returncode == 0, second.stderr[-2000:]
    requests = site.requests[seen:]

    after = rows(corpus)
    assert len(after) == len(before) + 10
    added = {url_key(u) for r in after if r["id"] not in before for u in r["urls"]}
    assert {url_key(a.url) for a in new} <= added
    refetched = [p for _, p, _ in requests if url_key(site.base_url.rstrip("/") + p) in old]
    assert refetched == [], f"already stored articles requested again: {refetched[:5]}"
    kinds = page_kinds(site, requests)
    print(f"\nsecond crawl read: {dict(kinds)} (first crawl: {dict(page_kinds(site, site.requests[:seen]))})")
    assert kinds["article"] == 10
    assert kinds["listing"] + kinds["sitemap"] + kinds["feed"] <= 40
    conditional = [h for _, p, h in requests if "If-None-Match" in h or "If-Modified-Since" in h]
    assert conditional, "listing pages, sitemaps and feeds are revalidated with conditional requests"


def test_since_skips_older_articles(big_site, tmp_path):
    site = big_site[SITE]
    cutoff = sorted(a.published for a in site.articles)[-20]
    result = crawl(big_site.registry, tmp_path / "c", "--sources", SITE, "--since", cutoff.date().isoformat())
    assert result.returncode == 0, result.stderr[-2000:]
    published = ds.dataset(tmp_path / "c" / "articles").to_table(columns=["published"]).column(0).to_pylist()
    assert published and all(p.date() >= cutoff.date() for p in published)
    assert len(published) == sum(a.published.date() >= cutoff.date() for a in site.articles)
    # Old articles are left unfetched (sitemap lastmod, feed dates, listing dates; article pages' undated
    # related boxes are not followed): hardly any is fetched only to be dropped, and the summary says how many.
    old = {url_key(a.url) for a in site.articles if a.published.date() < cutoff.date()}
    fetched_old = {url_key(site.base_url.rstrip("/") + p) for _, p, _ in site.requests} & old
    assert len(fetched_old) <= len(old) // 50, f"{len(fetched_old)} of {len(old)} old articles fetched"
    counts = json.loads(RunLog(tmp_path / "c" / "state").runs()[-1]["counts"])[SITE]
    assert counts.get("skipped_old", 0) == len(fetched_old)
    assert counts["since/sitemap_not_read"] + counts.get("since/listing", 0) > 0
    header, total = [line.split() for line in result.stdout.splitlines() if line.startswith(("source ", "total "))]
    assert int(total[header.index("skipped_old")]) == len(fetched_old)


def start_crawl(registry, corpus, *extra):
    cmd = [*PROVNEWS, "crawl", "--sources-file", str(registry), "--corpus", str(corpus), "--sources", SITE,
           *FAST, "-s", "PROVNEWS_FLUSH_ROWS=5", *extra]
    return subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)


def kill_when(proc, ready, timeout=60):
    deadline = time.monotonic() + timeout
    while not ready() and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.01)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()


def run_started(corpus) -> bool:
    """The newest run is recorded as running (the crawl has opened, nothing stored yet)."""
    try:
        with sqlite3.connect(f"file:{corpus / 'state' / 'state.sqlite'}?mode=ro", uri=True) as db:
            return db.execute("SELECT status FROM runs ORDER BY started DESC LIMIT 1").fetchone() == ("running",)
    except sqlite3.Error:
        return False


def parts(corpus):
    return list((corpus / "articles").glob("part-*.parquet")) if (corpus / "articles").exists() else []


def test_sigkill_at_any_point_then_rerun_stores_every_article_exactly_once(big_site, tmp_path):
    site = big_site[SITE]
    corpus = tmp_path / "corpus"
    total = len(site.articles)
    points = {
        "early": lambda: run_started(corpus),
        "first write": lambda: len(parts(corpus)) >= 1,
        "mid": lambda: len(parts(corpus)) >= 12,
        "late": lambda: len(parts(corpus)) >= 30,
    }
    for name, ready in points.items():
        kill_when(start_crawl(big_site.registry, corpus), ready)
        ids = [r["id"] for r in rows(corpus)] if parts(corpus) else []   # every part readable, none partial
        assert len(ids) == len(set(ids)), f"after the {name} kill an article is stored twice"
        print(f"killed {name}: {len(ids)} of {total} stored")
    finished = crawl(big_site.registry, corpus, "--sources", SITE)
    assert finished.returncode == 0, finished.stderr[-2000:]
    ids = [r["id"] for r in rows(corpus)]
    assert len(ids) == len(set(ids)) == total
    statuses = [r["status"] for r in RunLog(corpus / "state").runs()]
    assert statuses.count("killed") == len(points) and statuses[-1] == "finished"
    # `runs` counts what each killed run wrote from its parts: together every article, once.
    listed = subprocess.run([*PROVNEWS, "runs", "--corpus", str(corpus), "--json"], capture_output=True,
                            text=True, timeout=60)
    runs = json.loads(listed.stdout)
    assert [r["status"] for r in runs] == statuses
    assert sum(r["stored"] for r in runs) == total and any(r["stored"] for r in runs if r["status"] == "killed")
    assert isinstance(runs[-1]["counts"], dict) and isinstance(runs[-1]["args"], dict)
    assert runs[-1]["counts"][SITE]["stored"] == runs[-1]["stored"] and runs[-1]["sources"] == [SITE]


def test_overlapping_run_exits_75_naming_the_running_one(big_site, tmp_path):
    corpus = tmp_path / "corpus"
    slow = start_crawl(big_site.registry, corpus, "-s", "DOWNLOAD_DELAY=0.5")
    try:
        lock = corpus / "state" / "crawl.lock"
        deadline = time.monotonic() + 30
        while not (lock.exists() and lock.read_text()) and time.monotonic() < deadline:
            time.sleep(0.05)
        second = crawl(big_site.registry, corpus, "--sources", SITE)
        assert second.returncode == 75
        lines = second.stderr.strip().splitlines()
        assert len(lines) == 1 and "is being crawled by run" in lines[0] and "Traceback" not in second.stderr
        runs = subprocess.run([*PROVNEWS, "runs", "--corpus", str(corpus)], capture_output=True, text=True)
        assert "running" in runs.stdout
    finally:
        os.killpg(slow.pid, signal.SIGKILL)
        slow.wait()
