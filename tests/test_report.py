"""provnews report on a corpus from a real crawl of the demo sites, checked in headless Chromium.

The fixture crawl adds a fourth source whose host answers every request with a
redirect to demo-longan's host, as an outlet does after a domain move or a
merger (the registry's note on baobinhduong records a stored page saying that
from 1/7/2025 the site stopped updating and its news moved to Báo Sài Gòn Giải
Phóng: an outlet whose old domain may send readers to another's). Before the crawl, the run log gets four planted runs in which
demo-dongthap found 300 articles each, so the real run's 30-odd is a fall.
"""
from __future__ import annotations

import json
import os
import sqlite3
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from browser_helpers import Chromium, chromium_path
from conftest import crawl, provnews
from corpus.export.synthetic import build_corpus
from corpus.store.state import RunLog

MOVED = "demo-moved"
PLANTED_FOUND = 300


class _MovedHost:
    """127.0.0.9 (a loopback host of its own): every path redirects (301) to the same path on ``target``."""

    def __init__(self, target: str):
        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                self.send_response(301)
                self.send_header("Location", target.rstrip("/") + self.path)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.9", 0), Handler)
        self.base_url = f"http://127.0.0.9:{self.server.server_port}/"

    def __enter__(self):
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


def plant_history(corpus, source: str, found: int, runs: int = 4) -> None:
    """Earlier finished runs of ``source`` (an incremental crawl: most articles already known)."""
    RunLog(corpus / "state")   # creates the table
    args = json.dumps({"complete": False, "max_articles": 0, "max_pages": 0, "since": None})
    with sqlite3.connect(corpus / "state" / "state.sqlite") as db:
        for day in range(1, runs + 1):
            counts = {source: {"pages": found + 20, "stored": 5, "skipped_known": found - 5, "sitemaps_read": 3}}
            db.execute("INSERT INTO runs VALUES (?, ?, ?, 'finished', 0, ?, ?, '{}', ?)",
                       (f"planted-{day}", f"2026-11-0{day}T03:00:00+00:00", f"2026-11-0{day}T03:10:00+00:00",
                        source, json.dumps(counts), args))


@pytest.fixture(scope="module")
def reported(demo, tmp_path_factory):
    root = tmp_path_factory.mktemp("report")
    corpus = root / "corpus"
    plant_history(corpus, "demo-dongthap", PLANTED_FOUND)
    with _MovedHost(demo["demo-longan"].base_url) as moved:
        registry = root / "registry.toml"
        registry.write_text(demo.registry_toml() + f'\n[[source]]\nkey = "{MOVED}"\nname = "Báo Bắc Giang (demo)"\n'
                            f'kind = "newspaper"\nprovince = "Bắc Giang"\nhomepage = "{moved.base_url}"\n',
                            encoding="utf-8")
        crawled = crawl(registry, corpus)
    assert crawled.returncode == 0, crawled.stderr[-3000:]
    html = root / "out" / "report.html"
    written = provnews("report", "--corpus", corpus, "--out", html, "--sources-file", registry, timeout=120)
    assert written.returncode == 0, written.stderr
    alerts = provnews("report", "--corpus", corpus, "--json", "--fail-on-alert", timeout=120)
    assert alerts.returncode == 3, alerts.stderr      # there are alerts: a scheduler can act on them
    return crawled, html, json.loads(alerts.stdout)["alerts"], demo["demo-longan"].base_url


def test_alerts_from_the_crawl_and_the_planted_history(reported):
    _, _, alerts, longan = reported
    found = {(a["source"], a["kind"]): a for a in alerts}
    longan_host = longan.split("//")[1].rstrip("/")
    assert f"{longan_host} " in found[(MOVED, "redirected")]["message"]          # recorded by the crawler
    assert (MOVED, "never_yielded") in found
    assert f"median of {PLANTED_FOUND}" in found[("demo-dongthap", "yield_fell")]["message"]   # planted
    assert not [a for a in alerts if a["source"] == "demo-longan"]               # the healthy outlet


def test_the_crawl_prints_its_alerts_at_the_end(reported):
    crawled, _, alerts, _ = reported
    tail = crawled.stdout[crawled.stdout.index("site-health alerts"):]
    for alert in alerts:
        assert f"{alert['source']}: {alert['message']}" in tail


def test_report_needs_an_output(tmp_path):
    result = provnews("report", "--corpus", tmp_path, timeout=60)
    assert result.returncode == 2 and result.stderr.strip().splitlines() == [
        "provnews: error: report: give --out FILE (an HTML report), --json (the alerts) or both"]


def test_a_corpus_without_run_log_still_gets_a_report(tmp_path):
    build_corpus(tmp_path / "corpus", 200)
    out = tmp_path / "report.html"
    result = provnews("report", "--corpus", tmp_path / "corpus", "--out", out, "--fail-on-alert", timeout=120)
    assert result.returncode == 0, result.stderr
    page = out.read_text("utf-8")
    assert 'id="plot-monthly"' in page and "No run recorded" in page and 'id="no-alerts"' in page
    assert not (tmp_path / "corpus" / "state").exists()                 # a report writes nothing into the corpus


FIGURES = """JSON.stringify(Object.fromEntries([...document.querySelectorAll('figure.plot')].map(f => {
    const r = f.querySelector('svg').getBoundingClientRect();
    return [f.id, [Math.round(r.width), Math.round(r.height)]]; })))"""
TILES = """JSON.stringify([...document.querySelectorAll('#plot-provinces g.province')].map(
    g => g.querySelector('title').textContent))"""
ALERTS = """JSON.stringify([...document.querySelectorAll('#alerts li')].map(li => ({
    kind: li.dataset.kind, source: li.dataset.source, text: li.innerText,
    shown: li.getBoundingClientRect().height > 0 && getComputedStyle(li).visibility === 'visible'})))"""


@pytest.mark.skipif(chromium_path() is None and not os.environ.get("CI"),
                    reason="needs Debian's chromium (.ci/run installs it; under CI its absence fails)")
def test_the_page_renders_in_chromium_with_its_plots_and_alerts(reported, tmp_path):
    _, html, alerts, _ = reported
    with Chromium(timeout=90) as browser:
        page = browser.open(html.as_uri())
        figures = json.loads(browser.evaluate(page, FIGURES))
        shown = json.loads(browser.evaluate(page, ALERTS))
        tiles = json.loads(browser.evaluate(page, TILES))
        browser.screenshot(page, tmp_path / "report.png")
        requested = browser.requested_urls()
    assert set(figures) == {"plot-monthly", "plot-yield", "plot-provinces", "plot-health"}
    assert all(w >= 300 and h >= 100 for w, h in figures.values()), figures
    moved = [a for a in shown if a["source"] == MOVED and a["kind"] == "redirected"]
    assert moved and moved[0]["shown"] and "Báo Bắc Giang (demo)" in moved[0]["text"]
    assert {(a["source"], a["kind"]) for a in shown} == {(a["source"], a["kind"]) for a in alerts}
    assert len(tiles) == 34
    long_an = next(t for t in tiles if t.startswith("Tây Ninh"))    # demo-longan's province merged into Tây Ninh
    assert "Long An" in long_an and "articles from 1 outlet" in long_an
    assert "no articles" in next(t for t in tiles if t.startswith("Bắc Ninh"))   # demo-moved stored nothing
    assert all(url.startswith(("file:", "data:")) for url in requested), requested   # nothing from a network
    assert (tmp_path / "report.png").stat().st_size > 50_000


def test_a_crawl_that_stored_nothing_is_reported_from_its_run_log(tmp_path):
    """Offline, every source fails: no articles/ folder, but the run log says what went wrong."""
    corpus = tmp_path / "corpus"
    earlier = {"pages": 40, "non_article": 30, "non_article/no_article_signals": 30}
    offline = {"pages": 0, "errors": 40, "error/dns": 40}
    for day, counts in ((1, earlier), (2, offline)):
        args = json.dumps({"complete": True, "max_articles": 0, "max_pages": 0, "since": None})
        RunLog(corpus / "state")
        with sqlite3.connect(corpus / "state" / "state.sqlite") as db:
            db.execute("INSERT INTO runs VALUES (?, ?, ?, 'finished', 0, 'baolongan', ?, '{}', ?)",
                       (f"r{day}", f"2026-11-0{day}T03:00:00+00:00", f"2026-11-0{day}T03:01:00+00:00",
                        json.dumps({"baolongan": counts}), args))
    result = provnews("report", "--corpus", corpus, "--json", "--out", tmp_path / "r.html", timeout=120)
    assert result.returncode == 0, result.stderr
    kinds = {a["kind"] for a in json.loads(result.stdout)["alerts"]}
    assert kinds == {"error_spike", "never_yielded"}
    assert "Báo Long An" in (tmp_path / "r.html").read_text("utf-8")     # named from the shipped registry
