"""Shared fixtures: the bundled demo sites on loopback, and crawls run as subprocesses.

A Twisted reactor cannot restart in one process, so every crawl runs as
``provnews crawl`` in a child process, as a user would run it.
"""
from __future__ import annotations

import os
import subprocess
import sys
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest

from corpus.demosite import DemoSites

PROVNEWS = [sys.executable, "-m", "corpus.cli"]
# Fast but still real: no politeness delays on loopback, short timeout for the slow-page fault.
FAST = ["-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "DOWNLOAD_TIMEOUT=3",
        "-s", "RETRY_TIMES=1", "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=8", "-s", "LOG_LEVEL=INFO"]
QUICK_FAULTS = ("not_found", "binary_png", "binary_zip", "thin", "foreign")   # answered at once


def fetch(url: str) -> tuple[bytes, str, str | None]:
    """Body, final URL and HTTP charset, whatever the status."""
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.read(), response.url, response.headers.get_content_charset()
    except urllib.error.HTTPError as error:
        return error.read(), url, error.headers.get_content_charset()


def site_pages(sites) -> list[tuple[bytes, str, str | None]]:
    """Every kind of page the demo outlets serve: articles (NFD, windows-1258, both templates),
    print views, listings, tags, search, contact, video, English, error, binary and thin pages."""
    urls = []
    for site in sites:
        urls += [a.url for a in site.articles] + [site.url(site.print_path(a)) for a in site.articles[:3]]
        urls += [u for k, u in site.urls.items() if k not in ("utm", "fragment", "old_redirect")]
        urls += [site.fault_urls[k] for k in QUICK_FAULTS]
    return [fetch(u) for u in dict.fromkeys(urls)]


@dataclass
class Result:
    returncode: int
    stdout: str
    stderr: str


def provnews(*args, timeout: float = 240, env: dict | None = None) -> Result:
    proc = subprocess.run([*PROVNEWS, *map(str, args)], capture_output=True, text=True, timeout=timeout,
                          env={**os.environ, **(env or {})})
    return Result(proc.returncode, proc.stdout, proc.stderr)


def crawl(registry: Path, corpus: Path, *args, fast: bool = True, **kwargs) -> Result:
    return provnews("crawl", "--sources-file", registry, "--corpus", corpus, *args, *(FAST if fast else []),
                    **kwargs)


@pytest.fixture(scope="session")
def demo(tmp_path_factory):
    """The three demo outlets (30 articles each, every fault) and their registry file."""
    with DemoSites(articles_per_site=30, slow_seconds=5) as sites:
        sites.registry = sites.write_registry(tmp_path_factory.mktemp("registry") / "demo.toml")
        yield sites


@dataclass
class Crawled:
    corpus: Path
    result: Result
    requests: dict[str, list[tuple[str, str, dict]]]   # site key -> requests this crawl made


@pytest.fixture(scope="session")
def crawled(demo, tmp_path_factory) -> Crawled:
    """One full crawl of the demo sites, shared by the tests that read its corpus."""
    before = {site.key: len(site.requests) for site in demo}
    corpus = tmp_path_factory.mktemp("crawled") / "corpus"
    result = crawl(demo.registry, corpus)
    assert result.returncode == 0, result.stderr[-3000:]
    return Crawled(corpus, result, {site.key: site.requests[before[site.key]:] for site in demo})
