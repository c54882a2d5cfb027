"""The ``hf`` format: one folder that both Hugging Face loaders open.

    data/<split>-00000-of-00002.parquet   load_dataset("parquet", data_dir=OUT), the hub's layout
    dataset_dict.json, <split>/*.arrow    load_from_disk(OUT), written by ``datasets`` itself

The Parquet shards are written first, streamed; ``datasets`` then loads
them and saves its own Arrow layout next to them, which proves the Parquet
side loads and keeps the load_from_disk files exactly as ``datasets`` wants
them. The data is thus stored twice (compressed Parquet, plain Arrow).

An article's split depends only on its id and the fractions:
sha256("split:" + id), first 8 bytes read as a fraction of 2**64, falls in
one of the cumulative fraction intervals; a re-export keeps every article
in its split, and adding articles never moves old ones.
"""
from __future__ import annotations

import bisect
import hashlib
import shutil
from itertools import accumulate
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc

from corpus.errors import UsageError
from corpus.export.card import Split
from corpus.export.parquet import ShardWriter
from corpus.export.select import EXPORT_SCHEMA

SPLIT_NAMES = {1: ("train",), 2: ("train", "test"), 3: ("train", "validation", "test")}


def parse_split(text: str) -> dict[str, float]:
    """'0.98,0.01,0.01' -> {'train': 0.98, 'validation': 0.01, 'test': 0.01}."""
    try:
        fractions = [float(x) for x in text.split(",")]
    except ValueError:
        fractions = []
    if not 1 <= len(fractions) <= 3 or any(not 0 < f <= 1 for f in fractions) or abs(sum(fractions) - 1) > 1e-6:
        raise UsageError(f"--split: {text!r} is not 1 to 3 fractions above 0 that add up to 1 "
                         "(train,validation,test), e.g. 0.98,0.01,0.01")
    return dict(zip(SPLIT_NAMES[len(fractions)], fractions))


def split_index(article_id: str, cuts: list[float]) -> int:
    """Index of the split ``article_id`` belongs to; ``cuts`` are the cumulative fractions but the last."""
    digest = hashlib.sha256(b"split:" + article_id.encode("ascii")).digest()
    return bisect.bisect_right(cuts, int.from_bytes(digest[:8], "big") / 2**64)


def _datasets():
    try:
        import datasets
    except ImportError as exc:
        raise UsageError("--format hf needs the datasets package: pip install 'provnews[hf]'") from exc
    datasets.disable_progress_bars()
    datasets.logging.set_verbosity_error()
    return datasets


def write(snapshot, folder: Path, splits: dict[str, float], shard_size: int) -> list[Split]:
    datasets = _datasets()
    names = list(splits)
    cuts = list(accumulate(splits.values()))[:-1]
    writers = [ShardWriter(folder / "data", name, EXPORT_SCHEMA, shard_size) for name in names]
    for batch in snapshot.batches():
        which = pa.array([split_index(i, cuts) for i in batch.column("id").to_pylist()], pa.int8())
        for k, writer in enumerate(writers):
            part = batch.filter(pc.equal(which, k))
            if part.num_rows:
                writer.write(part)
    for writer in writers:
        writer.close()
    cache = folder / ".hf-cache"
    datasets.load_dataset("parquet", data_dir=str(folder), cache_dir=str(cache)).save_to_disk(str(folder))
    shutil.rmtree(cache)
    return [Split(name, f"data/{name}-*", writer.rows) for name, writer in zip(names, writers)]
