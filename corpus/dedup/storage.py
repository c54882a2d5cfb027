"""What dedup keeps beside the corpus (never inside the immutable article parts).

::

    dedup/signatures/part-*.parquet   id, minhash (one part per run; compact merges them)
    dedup/pairs.parquet               id_a, id_b, jaccard, containment: every verified near-duplicate pair
    dedup/clusters.parquet            id, dup_cluster for every article in a cluster of 2+

The parameters they were made with ride in each file's metadata: signatures of
other parameters are recomputed, pairs and clusters of another rule are
recomputed from all pairs. Each file is replaced atomically (temp file, fsync,
rename), in the order pairs, clusters, signatures: a run killed in between
leaves unsigned articles, which the next run signs, compares and verifies again,
landing in the same clusters.
"""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from corpus.dedup.clusters import CLUSTER_SCHEMA
from corpus.dedup.signatures import NUM_PERM
from corpus.store.parts import Corpus, write_atomic

PARAMS_KEY = b"provnews.neardup"
PAIR_SCHEMA = pa.schema([pa.field("id_a", pa.string(), nullable=False), pa.field("id_b", pa.string(), nullable=False),
                         pa.field("jaccard", pa.float32(), nullable=False),
                         pa.field("containment", pa.float32(), nullable=False)])


def signature_dir(corpus: Corpus) -> Path:
    return corpus.root / "dedup" / "signatures"


def pairs_path(corpus: Corpus) -> Path:
    return corpus.root / "dedup" / "pairs.parquet"


def clusters_path(corpus: Corpus) -> Path:
    return corpus.root / "dedup" / "clusters.parquet"


def params_of(path: Path) -> dict | None:
    raw = (pq.read_schema(path).metadata or {}).get(PARAMS_KEY) if path.exists() else None
    return json.loads(raw) if raw else None


def write(table: pa.Table, params: dict, folder: Path, name: str | None = None) -> None:
    """``table`` with ``params`` in its metadata, as ``folder/name`` (a new part without a name), atomically."""
    table = table.replace_schema_metadata({PARAMS_KEY: json.dumps(params, sort_keys=True)})
    write_atomic(table, folder, name)


def signature_parts(corpus: Corpus, params: dict) -> tuple[list[Path], list[Path]]:
    """(parts made with ``params``, parts made with others)."""
    folder = signature_dir(corpus)
    current, stale = [], []
    for part in sorted(folder.glob("part-*.parquet")) if folder.exists() else []:
        (current if params_of(part) == params else stale).append(part)
    return current, stale


def signed_ids(parts) -> pa.Array:
    ids = [pq.read_table(p, columns=["id"]).column("id") for p in parts]
    return pa.chunked_array([c for col in ids for c in col.chunks], pa.string()).combine_chunks()


def load_signatures(parts) -> tuple[pa.Array, np.ndarray]:
    """(ids, signatures) of the parts, each id once (a part may repeat ids after an interrupted compaction)."""
    if not parts:
        return pa.array([], pa.string()), np.empty((0, NUM_PERM), dtype=np.uint32)
    table = pa.concat_tables([pq.read_table(p) for p in parts])
    first = table.append_column("row", pa.array(np.arange(len(table)))).group_by(
        "id", use_threads=False).aggregate([("row", "min")]).column("row_min")
    table = table.take(pc.sort_indices(first))
    values = table.column("minhash").combine_chunks().flatten().to_numpy()
    return table.column("id").combine_chunks(), values.reshape(len(table), NUM_PERM)


def write_signatures(corpus: Corpus, ids: pa.Array, sigs: np.ndarray, params: dict) -> None:
    table = pa.table({"id": ids, "minhash": pa.FixedSizeListArray.from_arrays(pa.array(sigs.ravel()), NUM_PERM)})
    write(table, params, signature_dir(corpus))


def load_pairs(corpus: Corpus, params: dict) -> pa.Table:
    """The stored verified pairs when made by the same rule, else none."""
    path = pairs_path(corpus)
    if params_of(path) != params:
        return PAIR_SCHEMA.empty_table()
    return pq.read_table(path).cast(PAIR_SCHEMA)


def cluster_table(corpus: Corpus | str) -> pa.Table:
    """(id, dup_cluster) of every article in a cluster of two or more; absent ids are alone."""
    path = clusters_path(corpus if isinstance(corpus, Corpus) else Corpus(corpus))
    if not path.exists():
        return CLUSTER_SCHEMA.empty_table()
    return pq.read_table(path).select(["id", "dup_cluster"]).cast(CLUSTER_SCHEMA)
