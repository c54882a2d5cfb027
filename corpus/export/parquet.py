"""The ``parquet`` format: zstd Parquet shards of bounded size.

Shards go to ``data/`` (so ``pyarrow.parquet.read_table(OUT / "data")`` reads them
all, without tripping over the card) and are named like the Hugging Face
hub's, ``train-00000-of-00003.parquet``: ``datasets`` takes the split's name from
the file name, so the shards are the ``train`` split.
A shard is closed before it would pass ``--shard-size``: the size of the
next row group is predicted from the compression ratio seen so far (the
first is assumed not to compress at all) and room is kept for the footer.
Only a single article larger than a whole shard can exceed it.
Statistics are written for the short columns only (min/max of article
texts would bloat every footer and help no reader).
"""
from __future__ import annotations

import re
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from corpus.errors import UsageError
from corpus.export.card import Split
from corpus.export.select import EXPORT_SCHEMA

DEFAULT_SHARD_SIZE = "256MB"
MIN_SHARD_BYTES = 16 * 1024
_UNITS = {"": 1, "B": 1, "KB": 10**3, "MB": 10**6, "GB": 10**9, "KIB": 2**10, "MIB": 2**20, "GIB": 2**30}
_FOOTER_BASE, _FOOTER_PER_ROW_GROUP = 4096, 2048
_STATISTICS = ["id", "source", "kind", "province", "province_after_2025", "published", "language",
               "word_count", "fetched_at", "dup_cluster"]


def parse_size(text: str) -> int:
    """'256MB', '1GiB', '500000' -> bytes (KB/MB/GB decimal, KiB/MiB/GiB binary)."""
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([a-zA-Z]*)\s*", text)
    unit = match.group(2).upper() if match else None
    if unit not in _UNITS:
        raise UsageError(f"--shard-size: not a size: {text!r} (e.g. 256MB, 1GiB)")
    size = int(float(match.group(1)) * _UNITS[unit])
    if size < MIN_SHARD_BYTES:
        raise UsageError(f"--shard-size: {text} is below the minimum of {MIN_SHARD_BYTES // 1024}KiB")
    return size


class ShardWriter:
    """Parquet files ``{prefix}-NNNNN-of-NNNNN.parquet`` of at most ``max_bytes`` each."""

    def __init__(self, folder: Path, prefix: str, schema: pa.Schema, max_bytes: int):
        self.folder, self.prefix, self.schema, self.max_bytes = folder, prefix, schema, max_bytes
        self.shards: list[Path] = []
        self.rows = 0
        self._ratio = 1.0            # written bytes per in-memory byte, learnt from each row group
        self._sink = self._writer = None
        self._row_groups = 0

    def _open(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        self.shards.append(self.folder / f"{self.prefix}-{len(self.shards):05d}.parquet")
        self._sink = pa.OSFile(str(self.shards[-1]), "wb")
        self._writer = pq.ParquetWriter(self._sink, self.schema, compression="zstd",
                                        write_statistics=[c for c in _STATISTICS if c in self.schema.names])
        self._row_groups = 0

    def _close_shard(self) -> None:
        self._writer.close()
        self._sink.close()
        self._sink = self._writer = None

    def write(self, batch: pa.RecordBatch) -> None:
        while batch.num_rows:
            if self._writer is None:
                self._open()
            room = (self.max_bytes - self._sink.tell() - _FOOTER_BASE
                    - _FOOTER_PER_ROW_GROUP * (self._row_groups + 1))
            rows = min(batch.num_rows, int(room // (self._ratio * batch.nbytes / batch.num_rows)))
            if rows < 1:
                if self._row_groups:
                    self._close_shard()
                    continue
                rows = 1
            piece = batch.slice(0, rows)
            before = self._sink.tell()
            self._writer.write_batch(piece)
            self._ratio = max((self._sink.tell() - before) / max(piece.nbytes, 1), 0.01)
            self._row_groups += 1
            self.rows += rows
            batch = batch.slice(rows)

    def close(self) -> list[Path]:
        """Finish the last shard (an empty one when nothing was written) and number them ``-of-``."""
        if self._writer is None and not self.shards:
            self._open()
        if self._writer is not None:
            self._close_shard()
        total = len(self.shards)
        named = [path.rename(path.with_name(f"{path.stem}-of-{total:05d}.parquet")) for path in self.shards]
        self.shards = named
        return named


def write(snapshot, folder: Path, shard_size: int) -> list[Split]:
    """Write the chosen articles as ``data/train-*.parquet`` shards in ``folder``."""
    writer = ShardWriter(folder / "data", "train", EXPORT_SCHEMA, shard_size)
    for batch in snapshot.batches():
        writer.write(batch)
    writer.close()
    return [Split("train", "data/train-*.parquet", writer.rows)]
