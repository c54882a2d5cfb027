"""Web archives: import pages/s from WARC against crawl pages/s on the same pages; archive bytes per page.

Usage: python bench/archive.py [--pages 600] [--page-kb 100] [--workers -1]

In one run, against the demo outlets served from a separate process (bench/throughput.py's DemoServer):
1. ``provnews crawl`` with archiving (the default) into a fresh corpus;
2. the same crawl with ``--no-archive`` into another: the difference is what archiving costs a crawl;
3. ``provnews import`` of the first crawl's WARC files into a third corpus: the same pages,
   extracted and stored again, without the network;
4. the time ``RotatingWarcWriter.write_exchange`` takes per page (CPU the crawl spends archiving,
   in the reactor: see crawler/archive.py);
5. with --data (real pages: the public article-extraction benchmark), CPU ms per page and bytes of
   the writer at gzip levels 1, 6 (the default) and 9 (warcio's own): real pages compress far less
   than the demo's repeated padding.
Pages/s count the article pages stored over wall time, start-up included.
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

import pyarrow.dataset as ds

sys.path.insert(0, str(Path(__file__).resolve().parent))
from throughput import FAST_CRAWL, SITES, DemoServer  # noqa: E402  (a sibling script)

from corpus.archive.reader import iter_file  # noqa: E402
from corpus.archive.writer import RotatingWarcWriter  # noqa: E402


def timed(cmd: list[str], log: Path) -> float:
    started = time.perf_counter()
    with open(log, "w") as out:
        code = subprocess.run(cmd, stdout=out, stderr=subprocess.STDOUT, timeout=3600).returncode
    if code != 0:
        raise SystemExit(f"failed (exit {code}): {' '.join(cmd)}\n" + log.read_text()[-3000:])
    return time.perf_counter() - started


def articles(corpus: Path) -> int:
    return ds.dataset(corpus / "articles").count_rows()


def writer_ms_per_page(warc_dir: Path, scratch: Path) -> tuple[float, int]:
    pages = [p for f in sorted(warc_dir.glob("*.warc.gz")) for p in iter_file(f) if not isinstance(p, str)]
    writer = RotatingWarcWriter(scratch)
    started = time.perf_counter()
    for page in pages:
        writer.write_exchange(page.url, "GET", [("User-Agent", "bench")], page.status, "HTTP/1.1",
                              [("Content-Type", f"{page.mime}; charset=utf-8")], page.body,
                              datetime.now(timezone.utc))
    writer.close()
    return (time.perf_counter() - started) * 1000 / max(1, len(pages)), len(pages)


def gzip_levels(data: Path, scratch: Path) -> None:
    """CPU ms per page and archive bytes of the writer on real pages, at three gzip levels."""
    import gzip

    pages = [gzip.decompress(p.read_bytes()) for p in sorted((data / "html").glob("*.html.gz"))]
    raw = sum(map(len, pages))
    print(f"gzip level on {len(pages)} real pages of {data} (mean {raw / len(pages) / 1024:.0f} KB):")
    for level in (1, 6, 9):
        writer = RotatingWarcWriter(scratch / str(level), gzip_level=level)
        started = time.process_time()
        for i, body in enumerate(pages):
            writer.write_exchange(f"https://example.org/{i}.html", "GET", [("User-Agent", "bench")], 200,
                                  "HTTP/1.1", [("Content-Type", "text/html; charset=utf-8")], body,
                                  datetime.now(timezone.utc))
        writer.close()
        ms = (time.process_time() - started) * 1000 / len(pages)
        size = sum(p.stat().st_size for p in (scratch / str(level)).glob("*.warc.gz"))
        print(f"  level {level}{' (default)' if level == 6 else ''}: {ms:.2f} CPU ms per page, "
              f"{size:,} bytes ({raw / size:.2f}x smaller than the pages)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=600, help="article pages to serve (default 600)")
    parser.add_argument("--page-kb", type=int, default=100, help="size of every article page (default 100)")
    parser.add_argument("--workers", type=int, default=-1, help="extraction processes (-1 = one per core)")
    parser.add_argument("--data", type=Path, default=None,
                        help="the article-extraction benchmark folder (real pages) for the gzip level table")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="provnews-bench-archive-") as tmp:
        tmp = Path(tmp)
        server = DemoServer(max(4, args.pages // SITES), args.page_kb, tmp / "demo.toml")
        try:
            crawl = [sys.executable, "-m", "corpus.cli", "crawl", "--sources-file", str(tmp / "demo.toml"),
                     "--workers", str(args.workers), *FAST_CRAWL]
            with_archive = timed(crawl + ["--corpus", str(tmp / "a")], tmp / "a.log")
            without = timed(crawl + ["--corpus", str(tmp / "b"), "--no-archive"], tmp / "b.log")
        finally:
            server.stop()
        warcs = sorted((tmp / "a" / "warc").glob("*.warc.gz"))
        imported = timed([sys.executable, "-m", "corpus.cli", "import", *map(str, warcs), "--sources-file",
                          str(tmp / "demo.toml"), "--corpus", str(tmp / "c"), "--workers", str(args.workers)],
                         tmp / "c.log")
        stored = {name: articles(tmp / name) for name in "abc"}
        size = sum(p.stat().st_size for p in warcs)
        responses = sum(1 for f in warcs for r in iter_file(f) if not isinstance(r, str))
        ms, written = writer_ms_per_page(tmp / "a" / "warc", tmp / "scratch")
    print(f"load: {os.getloadavg()[0]:.2f} (1 min), {os.cpu_count()} cores; {args.pages} article pages of "
          f"{args.page_kb} KB, workers {args.workers}")
    print(f"{'run':34} {'articles':>9} {'seconds':>8} {'pages/s':>8}")
    for label, key, seconds in (("crawl, archiving (default)", "a", with_archive),
                                ("crawl --no-archive", "b", without), ("import of the crawl's WARC", "c", imported)):
        print(f"{label:34} {stored[key]:>9} {seconds:>8.1f} {stored[key] / seconds:>8.1f}")
    print(f"archive: {size:,} bytes in {len(warcs)} file(s); {responses} responses; "
          f"{size / max(1, responses) / 1024:.1f} KiB per response, {size / max(1, stored['a']) / 1024:.1f} KiB "
          f"per stored article")
    print(f"writer: {ms:.2f} ms per response ({written} responses re-written)")
    if args.data:
        with tempfile.TemporaryDirectory(prefix="provnews-bench-gzip-") as scratch:
            gzip_levels(args.data, Path(scratch))


if __name__ == "__main__":
    main()
