"""The ``jsonl`` format: one JSON object per line, every column, dates in ISO 8601.

Compression is gzip (level 6, no timestamp in the header, so the same
snapshot gives the same bytes) or zstandard (level 3), chosen by
``--compress`` or by the file name's suffix.
"""
from __future__ import annotations

import gzip
import json
from datetime import datetime
from pathlib import Path

import zstandard

from corpus.export.card import Split

SUFFIXES = {"none": ".jsonl", "gz": ".jsonl.gz", "zst": ".jsonl.zst"}


def compression_of(name: str) -> str | None:
    """'none', 'gz' or 'zst' when ``name`` ends in a JSON Lines suffix, else None."""
    for compress, suffix in sorted(SUFFIXES.items(), key=lambda kv: -len(kv[1])):
        if name.endswith(suffix):
            return compress
    return None


def json_line(article: dict) -> str:
    """One article; times to the second with their offset, so JSON readers that infer types (pyarrow,
    ``datasets``) read ``published`` and ``fetched_at`` alike (with microseconds, fetched_at stayed a string)."""
    return json.dumps({k: v.isoformat(timespec="seconds") if isinstance(v, datetime) else v
                       for k, v in article.items()}, ensure_ascii=False)


def _open(path: Path, compress: str):
    raw = open(path, "wb")
    if compress == "gz":
        return gzip.GzipFile(filename="", mode="wb", fileobj=raw, compresslevel=6, mtime=0), raw
    if compress == "zst":
        return zstandard.ZstdCompressor(level=3).stream_writer(raw, closefd=False), raw
    return raw, raw


def write(snapshot, path: Path, compress: str) -> list[Split]:
    """Write the chosen articles to ``path``; the card's data_files point at it."""
    sink, raw = _open(path, compress)
    rows = 0
    try:
        for batch in snapshot.batches():
            rows += batch.num_rows
            sink.write("".join(json_line(a) + "\n" for a in batch.to_pylist()).encode("utf-8"))
    finally:
        sink.close()
        raw.close()
    return [Split("train", path.name, rows)]
