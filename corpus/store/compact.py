"""Merge small Parquet parts into larger ones without ever losing or doubling a row for good.

Crawls add one small part per batch, so a corpus collects thousands of files.
Compaction reads a run of small parts, writes their rows as one new part
(atomically, via ``store.write_atomic``) whose Parquet metadata names the parts
it replaces, and only then deletes those parts.

Readers always find every row: before the merged part appears they read the
small parts, after the deletions the merged one. In between (and after a crash
there) a row is in two files; the export/query ``articles`` view and dedup keep one copy
per id, and the next ``compact`` finishes the job by deleting every part that
a surviving merged part names. A reader that listed the files just before a
deletion can fail to open a vanished part: readers that must not retry hold
``reading(corpus)``, a shared lock that ``compact`` waits out (it refuses to
start while one is held, exit status 75).
"""
from __future__ import annotations

import fcntl
import json
import os
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from corpus.errors import UsageError
from corpus.store.parts import fsync_dir, write_atomic

DEFAULT_TARGET_ROWS = 50_000
FOLDERS = ("articles", "aliases", "dedup/signatures")  # append-only part folders
LOCK_NAME = "compact.lock"
EX_TEMPFAIL = 75
STALE_TEMP_SECONDS = 3600  # a writer keeps its temporary file for seconds, not an hour
_REPLACES_KEY = b"provnews.replaces"


@contextmanager
def file_lock(path: Path, *, shared: bool, wait: bool, busy: str = ""):
    """An ``flock`` on ``path``; the kernel drops it when the process dies, so it is never stale.

    Without ``wait``, a lock held elsewhere raises ``UsageError(busy)`` with exit status 75.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        mode = (fcntl.LOCK_SH if shared else fcntl.LOCK_EX) | (0 if wait else fcntl.LOCK_NB)
        try:
            fcntl.flock(fd, mode)
        except BlockingIOError:
            raise UsageError(busy or f"{path} is locked", status=EX_TEMPFAIL) from None
        yield
    finally:
        os.close(fd)


def reading(corpus):
    """Hold while reading parts that must not vanish mid-read (waits for a running compact)."""
    return file_lock(corpus.state_dir / LOCK_NAME, shared=True, wait=True)


@dataclass
class FolderSummary:
    folder: str
    parts_before: int
    parts_after: int
    rows: int
    finished: int  # parts left by an interrupted compaction, now deleted
    temp_removed: int

    def line(self) -> str:
        extra = f", finished an interrupted run ({self.finished} parts)" if self.finished else ""
        extra += f", {self.temp_removed} stale temporary files removed" if self.temp_removed else ""
        return f"{self.folder}: {self.parts_before} parts -> {self.parts_after} ({self.rows:,} rows){extra}"


def _replaced_by(part: Path) -> list[str]:
    raw = (pq.read_schema(part).metadata or {}).get(_REPLACES_KEY)
    return json.loads(raw) if raw else []


def _remove(folder: Path, names) -> int:
    removed = 0
    for name in names:
        try:
            (folder / name).unlink()
            removed += 1
        except FileNotFoundError:
            pass
    if removed:
        fsync_dir(folder)
    return removed


def finish_interrupted(folder: Path) -> int:
    """Delete parts whose rows a merged part already holds (a crash stopped the deletion)."""
    return _remove(folder, {name for part in folder.glob("part-*.parquet") for name in _replaced_by(part)})


def _remove_stale_temps(folder: Path) -> int:
    cutoff = time.time() - STALE_TEMP_SECONDS
    stale = [p.name for p in folder.glob(".*.tmp") if p.stat().st_mtime < cutoff]
    return _remove(folder, stale)


def _plain_schema(part: Path) -> pa.Schema:
    schema = pq.read_schema(part)
    meta = {k: v for k, v in (schema.metadata or {}).items() if k != _REPLACES_KEY}
    return schema.with_metadata(meta)


def plan(parts: list[Path], target_rows: int) -> list[list[Path]]:
    """Runs of consecutive small parts of one schema, each run up to ``target_rows`` rows."""
    runs: list[list[Path]] = []
    run_rows, run_schema = 0, None
    for part in parts:
        rows = pq.read_metadata(part).num_rows
        if rows >= target_rows:  # big enough: left alone, and no run crosses it
            run_schema = None
            continue
        schema = _plain_schema(part)
        if run_schema is None or run_rows + rows > target_rows or not schema.equals(run_schema, check_metadata=True):
            runs.append([])
            run_rows, run_schema = 0, schema
        runs[-1].append(part)
        run_rows += rows
    return [run for run in runs if len(run) > 1]


def merge(group: list[Path]) -> Path:
    """Write the group's rows as one part, then delete the group. Returns the new part."""
    folder = group[0].parent
    table = pa.concat_tables([pq.read_table(p) for p in group])
    meta = dict(_plain_schema(group[0]).metadata or {})
    meta[_REPLACES_KEY] = json.dumps([p.name for p in group])
    merged = write_atomic(table.replace_schema_metadata(meta), folder)
    _remove(folder, [p.name for p in group])
    return merged


def compact_folder(folder: Path, target_rows: int = DEFAULT_TARGET_ROWS, label: str = "") -> FolderSummary:
    finished = finish_interrupted(folder)
    temps = _remove_stale_temps(folder)
    parts = sorted(folder.glob("part-*.parquet"))
    rows = sum(pq.read_metadata(p).num_rows for p in parts)
    for group in plan(parts, target_rows):
        merge(group)
    after = len(list(folder.glob("part-*.parquet")))
    return FolderSummary(label or folder.name, len(parts), after, rows, finished, temps)


def compact(corpus, target_rows: int = DEFAULT_TARGET_ROWS) -> list[FolderSummary]:
    """Compact every part folder of the corpus; refuses (status 75) while it is being read."""
    if target_rows < 2:
        raise UsageError(f"--target-rows must be at least 2, got {target_rows}")
    with file_lock(corpus.state_dir / LOCK_NAME, shared=False, wait=False,
                   busy=f"{corpus.root} is being read (crawl, dedup or export); try again later"):
        return [compact_folder(corpus.root / name, target_rows, name)
                for name in FOLDERS if (corpus.root / name).is_dir()]
