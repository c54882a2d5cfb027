"""provnews import: build a corpus from web archives (WARC/ARC files, or a CDX server).

The records go through the steps of a crawl (corpus.archive.ingest); the outlets are chosen with
the registry options of ``provnews crawl``. Importing the same archives again adds nothing, and
an import killed at any moment, run again, stores every article once: stored URLs are skipped.
"""
from __future__ import annotations

import glob
import os
from pathlib import Path

from corpus.commands.crawl import add_selection_args, iso_date
from corpus.errors import UsageError
from corpus.sources.registry import load_sources, select_sources
from corpus.store.parts import Corpus
from corpus.store.state import CrawlLock, RunLog
from corpus.text.dates import parse_iso_datetime

ARCHIVE_SUFFIXES = (".warc.gz", ".warc", ".arc.gz", ".arc", ".warc.gz.open")


def register(sub) -> None:
    p = sub.add_parser("import", help="store the articles in WARC/ARC files or a CDX server's archives",
                       description="SOURCE is a WARC/ARC file, a glob of them, or a CDX server: a pywb "
                                   "collection (http://HOST:PORT/COLL) or an index such as "
                                   "https://index.commoncrawl.org/CC-MAIN-2024-10-index.")
    p.add_argument("archives", nargs="+", metavar="SOURCE")
    add_selection_args(p)
    p.add_argument("--corpus", default="corpus", help="corpus folder (default: ./corpus)")
    p.add_argument("--since", type=iso_date, help="only articles published on or after YYYY-MM-DD")
    p.add_argument("--until", type=iso_date, help="only articles published before YYYY-MM-DD")
    p.add_argument("--workers", type=int, default=-1, help="extraction processes (-1 = one per core, 0 = inline)")
    p.add_argument("--archive-url", help="file server of a CDX server's WARC files (Common Crawl's is known)")
    p.add_argument("--flush-rows", type=int, default=200, help="articles per Parquet part written")
    p.add_argument("--fetch-threads", type=int, default=8, help="records fetched at once from a CDX server")
    p.set_defaults(func=run)


def archive_files(patterns: list[str]) -> list[Path]:
    files = []
    for pattern in patterns:
        matched = sorted(glob.glob(pattern)) if glob.has_magic(pattern) else [pattern]
        if not matched:
            raise UsageError(f"{pattern}: no file matches")
        for name in matched:
            path = Path(name)
            if not path.is_file():
                raise UsageError(f"{name}: no such file")
            if not name.endswith(ARCHIVE_SUFFIXES):
                raise UsageError(f"{name}: not a WARC or ARC file (expected {', '.join(ARCHIVE_SUFFIXES[:4])})")
            files.append(path)
    return list(dict.fromkeys(files))


def group_near_duplicates(corpus: Corpus) -> None:
    """Update the near-duplicate clusters for the articles just stored, as a crawl does at its end."""
    from corpus.dedup.neardup import update_clusters

    if not corpus.parts():
        return
    try:
        line = update_clusters(corpus).line()
    except UsageError as exc:  # a `provnews dedup` is running: it will group these too
        line = f"not updated ({exc})"
    print("near-duplicates: " + line, flush=True)


def run(args) -> int:
    from corpus.archive.ingest import ArchiveIngest
    from corpus.archive.reader import iter_file
    from corpus.store.rows import RowBuffer
    from crawler.summary import format_table

    chosen = select_sources(load_sources(args.sources_file), args.sources, args.province, args.kind)
    if not chosen:
        raise UsageError("no source matches the selection")
    servers = [a for a in args.archives if a.startswith(("http://", "https://"))]
    files = archive_files([a for a in args.archives if a not in servers])
    cdx = []
    if servers:
        from corpus.archive.cdx import CdxServer
        cdx = [CdxServer(s, args.archive_url, threads=args.fetch_threads) for s in servers]
    corpus = Corpus(args.corpus)
    corpus.ensure_writable()
    run_id = RunLog.new_id()
    since, until = parse_iso_datetime(args.since or ""), parse_iso_datetime(args.until or "")  # as crawl --since
    workers = (os.cpu_count() or 1) if args.workers < 0 else args.workers
    with CrawlLock(corpus.state_dir, run_id):
        runs = RunLog(corpus.state_dir)
        runs.start(run_id, [s.key for s in chosen], {"command": "import", "archives": args.archives,
                                                     "complete": False, "since": args.since, "until": args.until})
        known_ids, known_keys = corpus.known()
        ingest = ArchiveIngest(RowBuffer(corpus, known_keys, args.flush_rows), chosen, known_ids, workers=workers,
                               since=since, until=until)

        def records():
            for path in files:
                yield from iter_file(path, ingest.wanted)
            for server in cdx:
                hosts = [h for s in chosen for h in (s.host, *s.hosts)]
                yield from server.records(dict.fromkeys(hosts), ingest.wanted, since=since)

        counts = ingest.run(records())
        table = _per_source(counts)
        runs.finish(run_id, "finished", 0, table)
    print(f"Import finished. Per source:\n{format_table(table)}")
    stored = sum(row.get("stored", 0) for row in table.values())
    read = sum(row.get("pages", 0) + row.get("skipped_known", 0) for row in table.values())
    print(f"{stored} new articles from {read} article pages")
    group_near_duplicates(corpus)
    if not read:
        print("provnews: no article page of the selected sources in these archives", flush=True)
        return 1
    return 0


def _per_source(counts) -> dict[str, dict]:
    """``<source>/<what>[/<reason>]`` counts in the shape of a crawl's per-source table."""
    from crawler.summary import per_source

    return per_source({f"provnews/{key}": value for key, value in counts.items()})
