"""Shared crawls: pages/s with 1, 2 and 4 workers, politeness across them, Redis memory per entry.

Usage: python bench/shared_crawl.py [--articles 60] [--latency 0.1] [--per-worker 4] [--per-outlet 8]

1. Serves the three demo outlets (no fault pages) on loopback, every answer taking --latency
   seconds (a distant server), counting the requests in flight per outlet.
2. Baseline: one `provnews crawl` alone (no Redis). Then 1, 2 and 4 `provnews crawl --redis`
   workers of one shared crawl, started together on a fresh redis-server. Each worker may have
   --per-worker requests in flight (CONCURRENT_REQUESTS; a worker is fetch-bound at
   per-worker / latency pages/s), each outlet --per-outlet across all workers
   (CONCURRENT_REQUESTS_PER_DOMAIN). Pages/s = requests the sites answered / time from the first
   request to the last (fetching), and / wall time from start to the last worker's exit (start-up
   and the near-duplicate step included); "max in flight" is the most requests one outlet was
   answering at once, over all workers.
3. Redis memory, measured on the same server with ``INFO memory`` (used_memory before and after)
   for 100,000 queued requests made like the spider's (scrapy-redis's pickle serializer, the
   priority zset) and for 1,000,000 seen URLs (scrapy-redis's dupefilter entry, a 40-hex SHA-1,
   plus provnews's requested-key entry, 8 bytes of BLAKE2b).
"""
from __future__ import annotations

import argparse
import hashlib
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

import scrapy  # noqa: E402
from scrapy_redis import picklecompat  # noqa: E402

from corpus.demosite import DemoSites  # noqa: E402
from redis_helpers import RedisServer  # noqa: E402


def crawl_cmd(registry: Path, corpus: Path, args, redis_url: str | None, worker: str) -> list[str]:
    cmd = [sys.executable, "-m", "corpus.cli", "crawl", "--sources-file", str(registry), "--corpus", str(corpus),
           "--workers", "0", "-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False",
           "-s", f"CONCURRENT_REQUESTS={args.per_worker}", "-s", f"CONCURRENT_REQUESTS_PER_DOMAIN={args.per_outlet}",
           "-s", "LOG_LEVEL=INFO", "-s", f"PROVNEWS_WORKER_ID={worker}"]
    return cmd + (["--redis", redis_url] if redis_url else [])


def run(sites, registry, work: Path, args, workers: int, redis_url: str | None) -> tuple[float, int, int]:
    for site in sites:
        site.max_in_flight = 0
    before = sum(len(site.requests) for site in sites)
    first = {site.key: len(site.started) for site in sites}
    corpus = work / f"corpus-{workers}-{'redis' if redis_url else 'alone'}"
    started = time.monotonic()
    procs = [subprocess.Popen(crawl_cmd(registry, corpus, args, redis_url, f"w{n}"), cwd=ROOT,
                              stdout=open(work / f"{corpus.name}-w{n}.log", "wb"), stderr=subprocess.STDOUT)
             for n in range(workers)]
    for proc in procs:
        if proc.wait(timeout=1800) != 0:
            raise SystemExit(f"a worker failed ({proc.returncode}); logs in {work}")
    wall = time.monotonic() - started
    pages = sum(len(site.requests) for site in sites) - before
    starts = sorted(t for site in sites for t in site.started[first[site.key]:])
    return pages / (starts[-1] - starts[0]), pages / wall, pages, max(site.max_in_flight for site in sites)


class _Spider(scrapy.Spider):
    name = "news"

    def parse_page(self, response):
        pass

    def failed(self, failure):
        pass


def redis_memory(client) -> tuple[float, float, float]:
    """Bytes per queued request, per dupefilter fingerprint, per requested-key entry."""
    spider = _Spider()

    def used() -> int:
        return client.info("memory")["used_memory"]

    client.flushdb()
    base = used()
    pipe = client.pipeline(transaction=False)
    for i in range(100_000):
        url = f"https://baolongan.vn/thoi-su/tin-so-{i}-bai-viet-ve-tinh-hinh-kinh-te-xa-hoi-a{166000 + i}.html"
        request = scrapy.Request(url, callback=spider.parse_page, errback=spider.failed,
                                 meta={"source": "baolongan", "role": "article", "dont_cache": True, "depth": 2},
                                 headers={"Referer": "https://baolongan.vn/thoi-su/"})
        pipe.execute_command("ZADD", "bench:requests", 0, picklecompat.dumps(request.to_dict(spider=spider)))
        if i % 5000 == 4999:
            pipe.execute()
    pipe.execute()
    per_request = (used() - base) / 100_000
    per_entry = {}
    for key, member in (("bench:dupefilter", lambda i: hashlib.sha1(str(i).encode()).hexdigest()),
                        ("bench:requested", lambda i: hashlib.blake2b(str(i).encode(), digest_size=8).digest())):
        client.flushdb()
        base = used()
        for start in range(0, 1_000_000, 10_000):
            client.sadd(key, *(member(i) for i in range(start, start + 10_000)))
        per_entry[key] = (used() - base) / 1_000_000
    client.flushdb()
    return per_request, per_entry["bench:dupefilter"], per_entry["bench:requested"]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--articles", type=int, default=60, help="articles per outlet (three outlets)")
    parser.add_argument("--latency", type=float, default=0.1)
    parser.add_argument("--per-worker", type=int, default=4)
    parser.add_argument("--per-outlet", type=int, default=8)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="provnews-shared-"))
    redis_server = RedisServer(work / "redis").start()
    try:
        with DemoSites(articles_per_site=args.articles, faults=False, latency=args.latency) as sites:
            registry = sites.write_registry(work / "demo.toml")
            print(f"3 outlets x {args.articles} articles, {args.latency * 1000:.0f} ms a page; "
                  f"{args.per_worker} in flight per worker, {args.per_outlet} per outlet; load {os.getloadavg()[0]:.1f}")
            print(f"{'':28} {'pages':>6} {'pages/s fetching':>17} {'pages/s wall':>13} {'max in flight/outlet':>21}")
            rate, wall, pages, most = run(sites, registry, work, args, 1, None)
            print(f"{'alone (no Redis), 1 worker':28} {pages:6d} {rate:17.1f} {wall:13.1f} {most:21d}", flush=True)
            client = redis_server.client()
            for workers in (1, 2, 4):
                client.flushdb()
                rate, wall, pages, most = run(sites, registry, work, args, workers, redis_server.url)
                print(f"{f'shared, {workers} worker(s)':28} {pages:6d} {rate:17.1f} {wall:13.1f} {most:21d}",
                      flush=True)
        per_request, per_fingerprint, per_key = redis_memory(redis_server.client())
        print(f"Redis memory: {per_request:.0f} B per queued request; per seen URL {per_fingerprint:.0f} B "
              f"(scrapy-redis dupefilter) + {per_key:.0f} B (requested key) = {per_fingerprint + per_key:.0f} B")
        print(f"load {os.getloadavg()[0]:.1f}")
    finally:
        redis_server.stop()


if __name__ == "__main__":
    main()
