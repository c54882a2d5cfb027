"""Crawl start-up and memory on a large corpus: compact seen sets against the Python sets they replaced.

Usage: python bench/seen_5m.py [--articles 5000000] [--corpus DIR] [--baseline]

1. Writes a synthetic corpus of --articles rows (ids, one or two URLs each, short text) as
   Parquet parts of 100,000 rows through ``Corpus.append``, as crawls write them (so each part
   leaves its URL-key hashes beside it), unless --corpus already holds one.
2. Runs ``provnews crawl`` on it twice (a demo outlet on loopback, --max-pages 3): the first start
   builds the merged index in state/seen/, the second reads it. For each: seconds from process
   start to the spider's first request ("Spider opened" in the log), seconds to "Spider closed"
   (then the process is stopped: the near-duplicate step after it would sign every synthetic
   article, see bench/neardup_1m.py), and peak RSS of the crawl's process tree (every 0.1 s).
3. --baseline: the same sizes for the sets the crawl built before (Python sets of every id and
   URL key, read from the parts with ``url_key``), in a subprocess of its own.
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from corpus.demosite import DemoSites  # noqa: E402
from corpus.store.parts import Corpus  # noqa: E402

PART_ROWS = 100_000
BASELINE = """
import sys, time, resource
import pyarrow.dataset as ds
from corpus.sources.urls import url_key
t = time.monotonic()
corpus = sys.argv[1]
ids, keys = set(), set()
articles = ds.dataset(corpus + "/articles", format="parquet").to_table(columns=["id", "urls"])
ids.update(articles.column("id").to_pylist())
for urls in articles.column("urls").to_pylist():
    keys.update(url_key(u) for u in urls or ())
print(f"{time.monotonic() - t:.1f} {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} {len(ids)} {len(keys)}")
"""


def write_corpus(root: Path, n: int) -> None:
    corpus = Corpus(root)
    corpus.ensure_writable()
    now = datetime.now(timezone.utc)
    started = time.monotonic()
    for start in range(0, n, PART_ROWS):
        rows = []
        for i in range(start, min(n, start + PART_ROWS)):
            url = f"https://bao{i % 113}.vn/thoi-su/tin-so-{i}-a{i}.html"
            rows.append({"id": f"{(i * 0x9E3779B97F4A7C15) % (1 << 64):016x}", "url": url,
                         "urls": [url, url.replace("https://", "https://m.")] if i % 10 == 0 else [url],
                         "source": f"bao{i % 113}", "text": "Nội dung bài viết.", "fetched_at": now})
        corpus.append(rows)
        print(f"  wrote {min(n, start + PART_ROWS):,} rows ({time.monotonic() - started:.0f} s)", flush=True)


def timed_crawl(corpus: Path, registry: Path, log: Path) -> tuple[float, float, float]:
    """(seconds to 'Spider opened', seconds in all, peak RSS MB of the process tree)."""
    cmd = [sys.executable, "-m", "corpus.cli", "crawl", "--sources-file", str(registry), "--corpus", str(corpus),
           "--sources", "demo-longan", "--max-pages", "3", "--workers", "0", "-s", "DOWNLOAD_DELAY=0",
           "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "LOG_LEVEL=INFO"]
    started = time.monotonic()
    opened = None
    peak = 0
    with open(log, "wb") as out:
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, cwd=ROOT)
        ps = psutil.Process(proc.pid)
        while proc.poll() is None:
            try:
                rss = sum(p.memory_info().rss for p in [ps, *ps.children(recursive=True)])
                peak = max(peak, rss)
            except psutil.Error:
                pass
            text = log.read_bytes()
            if opened is None and b"Spider opened" in text:
                opened = time.monotonic() - started
            if b"Spider closed" in text:
                # The crawl is done; what follows is the near-duplicate step, which would sign every
                # synthetic article once (its own benchmark: bench/neardup_1m.py).
                proc.kill()   # past the crawl: Scrapy's own SIGTERM handler would wait for it
                proc.wait(60)
                return opened or float("nan"), time.monotonic() - started, peak / 2**20
            time.sleep(0.1)
            if time.monotonic() - started > 900:
                proc.kill()
    if proc.returncode != 0:
        raise SystemExit(f"crawl failed ({proc.returncode}); see {log}")
    return opened or float("nan"), time.monotonic() - started, peak / 2**20


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--articles", type=int, default=5_000_000)
    parser.add_argument("--corpus", type=Path)
    parser.add_argument("--baseline", action="store_true")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="provnews-seen-"))
    corpus = args.corpus or work / "corpus"
    if not (corpus / "articles").exists():
        print(f"writing a synthetic corpus of {args.articles:,} articles to {corpus}")
        write_corpus(corpus, args.articles)
    parts = list((corpus / "articles").glob("part-*.parquet"))
    print(f"corpus: {len(parts)} parts, {sum(p.stat().st_size for p in parts) / 2**20:.0f} MB; "
          f"load {os.getloadavg()[0]:.1f}")
    with DemoSites(articles_per_site=4, faults=False) as sites:
        registry = sites.write_registry(work / "demo.toml")
        print(f"{'':34} {'to first request s':>19} {'crawl s':>8} {'peak RSS MB':>12}")
        for label in ("crawl, first start (builds index)", "crawl, next start (index cached)"):
            opened, total, peak = timed_crawl(corpus, registry, work / "crawl.log")
            print(f"{label:34} {opened:19.1f} {total:8.1f} {peak:12.0f}", flush=True)
    if args.baseline:
        out = subprocess.run([sys.executable, "-c", BASELINE, str(corpus)], capture_output=True, text=True,
                             cwd=ROOT, timeout=3600)
        seconds, rss, n_ids, n_keys = out.stdout.split()
        print(f"{'baseline: Python sets (before)':34} {float(seconds):19.1f} {'':>8} {float(rss):12.0f}"
              f"   ({int(n_ids):,} ids, {int(n_keys):,} keys)")
    print(f"load {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
