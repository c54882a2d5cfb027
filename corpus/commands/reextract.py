"""provnews reextract: rebuild the articles from the corpus's own archives with today's extractor.

No request is sent. Every archived article page of the chosen sources goes through the import
steps again (corpus.archive.ingest, worker processes) into a staging corpus; stored articles
with no archived page (crawled before archiving, or imported from files no longer here) are
kept as they are. The corpus then switches to the new articles and aliases at once
(corpus.store.switch) and the near-duplicate clusters are updated.
"""
from __future__ import annotations

import os
from collections import Counter
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc

from corpus.errors import UsageError
from corpus.sources.registry import load_sources, select_sources
from corpus.sources.urls import url_key
from corpus.store.parts import Corpus, write_atomic
from corpus.store.state import CrawlLock, RunLog

SHOW_CHANGED = 20


def register(sub) -> None:
    p = sub.add_parser("reextract", help="rebuild the articles from the corpus's WARC archives",
                       description="Re-extract every archived article page (CORPUS/warc/) with the current "
                                   "extractor and switch the corpus to the result atomically.")
    p.add_argument("--corpus", default="corpus", help="corpus folder (default: ./corpus)")
    p.add_argument("--source", help="only these registry keys (comma-separated); others are kept")
    p.add_argument("--sources-file", help="registry TOML file (default: the shipped registry)")
    p.add_argument("--workers", type=int, default=-1, help="extraction processes (-1 = one per core, 0 = inline)")
    p.set_defaults(func=run)


def _archives(folder: Path) -> list[Path]:
    from corpus.archive.writer import recover_stale

    recover_stale(folder)                # a killed crawl's last file, cut at its last whole record
    return sorted(folder.glob("*.warc.gz")) if folder.is_dir() else []


def run(args) -> int:
    from corpus.archive.ingest import ArchiveIngest
    from corpus.archive.reader import iter_file
    from corpus.commands.import_ import group_near_duplicates
    from corpus.store.compact import LOCK_NAME, file_lock
    from corpus.store.rows import RowBuffer
    from corpus.store.switch import commit, staging_dir

    corpus = Corpus(args.corpus)
    if not corpus.root.is_dir():
        raise UsageError(f"no corpus at {args.corpus}")
    corpus.ensure_writable()
    registry = load_sources(args.sources_file)
    chosen = select_sources(registry, args.source) if args.source else registry
    if not chosen:
        raise UsageError("no source matches --source")
    archives = _archives(corpus.root / "warc")
    if not archives:
        raise UsageError(f"no archives in {corpus.root / 'warc'} (crawls keep them unless --no-archive)", status=1)
    workers = (os.cpu_count() or 1) if args.workers < 0 else args.workers
    run_id = RunLog.new_id()
    with CrawlLock(corpus.state_dir, run_id):
        old = corpus.read(["id", "url", "urls", "source"])      # texts stay on disk: copied part by part
        old_aliases = corpus.read(what="aliases")
        keys = {c.key for c in chosen}
        stored_keys = frozenset(url_key(u) for row in old.select(["urls", "source"]).to_pylist()
                                if row["source"] in keys for u in row["urls"] or ())
        others = {i for i, s in zip(old.column("id").to_pylist(), old.column("source").to_pylist()) if s not in keys}
        staging = Corpus(staging_dir(corpus.root, run_id))
        buffer = RowBuffer(staging, set(), flush_rows=2000)
        # other sources' articles stay: a page with one of their texts becomes an alias, as in a crawl
        ingest = ArchiveIngest(buffer, chosen, set(others), workers=workers, skip_known=False,
                               stored_keys=stored_keys)
        for path in archives:
            ingest.run(iter_file(path, ingest.wanted))
        report = _keep_the_rest(corpus, staging, buffer, ingest, old, old_aliases, keys, others)
        with file_lock(corpus.state_dir / LOCK_NAME, shared=False, wait=False,
                       busy=f"{corpus.root} is being read (dedup or export); try again later"):
            commit(corpus.root, staging.root)
    print(_report_lines(report))
    group_near_duplicates(corpus)
    return 0


def _keep_the_rest(corpus: Corpus, staging: Corpus, buffer, ingest, old: pa.Table, old_aliases: pa.Table,
                   keys: set[str], others: set[str]) -> dict:
    """Copy what the archives did not rebuild into ``staging``; compare old ids with new ones."""
    new_ids = set(ingest.dedup.ids)            # rebuilt from the archives, and the other sources' ids
    renamed: dict[str, str | None] = {}
    keep, report = set(others), Counter()
    changed = []
    for row in old.to_pylist():
        if row["source"] not in keys:
            report["kept (other sources)"] += 1
            continue
        outcomes = [ingest.outcome[k] for k in map(url_key, row["urls"] or [row["url"]]) if k in ingest.outcome]
        if not outcomes:
            report["kept (no archived page)"] += 1
            if row["id"] not in new_ids:
                keep.add(row["id"])
                new_ids.add(row["id"])
            continue
        new_id = next((o for o in outcomes if o), None)
        renamed[row["id"]] = new_id
        if new_id is None:
            report["no longer articles"] += 1
        elif new_id == row["id"]:
            report["unchanged"] += 1
        else:
            report["changed"] += 1
            changed.append(f"{row['id']} -> {new_id}  {row['url']}")
    old_ids = set(old.column("id").to_pylist())
    report["new articles"] = len(ingest.dedup.ids - old_ids - others - set(renamed.values()))
    aliases = []
    for alias in old_aliases.to_pylist():
        if url_key(alias["url"]) in ingest.outcome:
            continue                          # its page was re-extracted: the new aliases say where it went
        alias["id"] = renamed.get(alias["id"], alias["id"])
        if alias["id"] in new_ids:
            aliases.append(alias)
    buffer.flush()
    kept_ids = pa.array(sorted(keep), pa.string())
    for batch in corpus.dataset().to_batches(filter=pc.field("id").isin(kept_ids), batch_size=20_000):
        if batch.num_rows:
            write_atomic(pa.Table.from_batches([batch]), staging.articles_dir)
    staging.append_aliases(aliases)
    for folder in (staging.articles_dir, staging.aliases_dir):
        folder.mkdir(parents=True, exist_ok=True)
    return {"counts": report, "changed": changed, "ingest": ingest.counts}


def _report_lines(report: dict) -> str:
    counts = report["counts"]
    order = ("unchanged", "changed", "new articles", "no longer articles", "kept (no archived page)",
             "kept (other sources)")
    lines = ["Re-extracted: " + ", ".join(f"{name} {counts.get(name, 0)}" for name in order)]
    lines += [f"  changed text: {line}" for line in report["changed"][:SHOW_CHANGED]]
    if len(report["changed"]) > SHOW_CHANGED:
        lines.append(f"  ... and {len(report['changed']) - SHOW_CHANGED} more")
    return "\n".join(lines)
