"""Near-duplicate clusters of a whole corpus: sign, propose, verify, cluster, store.

The steps, one module each::

    shingles    syllable trigrams, hashed (corpus.dedup.shingles)
    signatures  MinHash, a batch at a time in numpy (corpus.dedup.signatures)
    candidates  sort-based banding of the signatures (corpus.dedup.candidates)
    verify      exact Jaccard / containment of the shingle sets, from the stored text (corpus.dedup.verify)
    clusters    every member verified against its cluster's representative: no chaining (corpus.dedup.clusters)
    storage     signatures, verified pairs and clusters beside the corpus (corpus.dedup.storage)

``dup_cluster`` is the id of the cluster's representative, its earliest-published
member (ties and unknown dates: the smallest id); an article missing from
clusters.parquet is alone. A run signs only new articles and verifies only pairs
with a new article; the verified pairs of earlier runs are kept, and clusters are
recomputed from all of them, so the result is the same as a run over everything.
"""
from __future__ import annotations

import os
import time
from contextlib import contextmanager
from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.dataset as ds

from corpus.dedup import candidates, signatures, storage, verify
from corpus.dedup.clusters import ClusterChanges, cluster_rows, compare, ranks, representatives
from corpus.dedup.shingles import SHINGLE_SIZE, batch_shingles64
from corpus.dedup.storage import cluster_table  # noqa: F401 (corpus.export.view reads clusters through it)
from corpus.store.compact import file_lock, reading
from corpus.store.parts import Corpus

PARALLEL_FROM = 20_000   # sign (or read for verification) this many texts or more in worker processes
BATCH_ROWS = 2_000
KEEP_SHINGLES = 8_000_000   # shingle values (8 bytes each) of newly signed texts kept for their verification

SIGNATURE_PARAMS = {"num_perm": signatures.NUM_PERM, "shingle_size": SHINGLE_SIZE, "seed": signatures.SEED,
                    "scheme": signatures.SCHEME, "shingle_hash": "crc32-syllable-polynomial"}
CLUSTER_PARAMS = {**SIGNATURE_PARAMS, "lsh_bands": list(candidates.LSH_BANDS), "bucket_cap": candidates.BUCKET_CAP,
                  "estimate_floor": candidates.ESTIMATE_FLOOR, "jaccard": verify.JACCARD,
                  "containment": verify.CONTAINMENT, "clusters": "star-earliest"}


@dataclass
class DedupSummary:
    articles: int          # distinct ids in the corpus
    clusters: int          # groups, counting a lone article as its own group
    in_clusters: int       # articles in a group of two or more
    near_duplicates: int   # articles that are not their group's representative (exports leave them out)
    signed: int            # signatures computed by this run
    verified: int          # candidate pairs checked on their shingle sets by this run
    compared_all: bool     # every pair looked at again (first run, --full, --rebuild, new rule)
    changes: ClusterChanges | None = None   # against the clusters before (--rebuild, --full, a new rule)
    seconds: dict = field(default_factory=dict)   # wall time of each step (read, sign, candidates, verify, ...)

    def line(self) -> str:
        scope = "all articles compared" if self.compared_all else "new articles compared"
        text = (f"articles: {self.articles:,}  clusters: {self.clusters:,}  in clusters: {self.in_clusters:,}  "
                f"near-duplicates: {self.near_duplicates:,}  (new signatures: {self.signed:,}; "
                f"pairs verified: {self.verified:,}; {scope})")
        return text + (f"\n{self.changes.line()}" if self.changes else "")


def _article_dates(parts: ds.Dataset) -> pa.Table:
    """One (id, published) per stored id, from its first-fetched copy."""
    import duckdb

    con = duckdb.connect()
    con.register("parts", parts.scanner(columns=["id", "published", "fetched_at", "url"]))
    table = con.sql("SELECT id, arg_min(published, (fetched_at, url)) AS published FROM parts "
                    "GROUP BY id ORDER BY id").to_arrow_table()
    return table.combine_chunks()


def _texts(parts: ds.Dataset, wanted: pa.Array | None):
    """Yield (ids, texts) batches of the stored articles in ``wanted`` (all when None), each id once.

    Copies of one id have one text (the id is its hash), so any copy will do.
    """
    seen: set[str] = set()
    scanner = parts.scanner(columns=["id", "text"], batch_size=BATCH_ROWS, batch_readahead=2,
                                       fragment_readahead=1,   # bounded memory: texts are read as they are used
                                       filter=None if wanted is None else pc.field("id").isin(wanted))
    for batch in scanner.to_batches():
        ids, texts = [], []
        for id_, text in zip(batch.column("id").to_pylist(), batch.column("text").to_pylist()):
            if id_ not in seen:
                seen.add(id_)
                ids.append(id_)
                texts.append(text)
        if ids:
            yield ids, texts


def _over_texts(parts: ds.Dataset, wanted: pa.Array | None, func, count: int, workers: int | None):
    """Yield (ids, func(texts)) per batch of the texts of ``wanted``, in worker processes when many."""
    id_batches: list[list[str]] = []

    def batches():
        for ids, texts in _texts(parts, wanted):
            id_batches.append(ids)
            yield texts

    parallel = count >= PARALLEL_FROM and (workers or os.cpu_count() or 1) > 1
    for result in signatures.map_in_workers(func, batches(), workers) if parallel else map(func, batches()):
        yield id_batches.pop(0), result


def _signed_with_sets(texts) -> tuple[np.ndarray, verify.ShingleSets]:
    """Signatures and shingle sets of a batch, from one pass over its syllables."""
    hashes, counts = batch_shingles64(list(texts))
    return signatures.of_shingles(hashes, counts), verify.ShingleSets.of_shingles(hashes, counts)


def _sign(parts: ds.Dataset, wanted: pa.Array | None, count: int, workers: int | None):
    """(ids, signatures, kept) of the ``count`` articles in ``wanted`` (all when None), filled in place.

    In this process (fewer than PARALLEL_FROM texts) the shingle sets made for the signatures are
    kept for ``_verify`` as (ids, sets), up to KEEP_SHINGLES values; ``kept`` is None otherwise."""
    ids, sigs, filled = [], np.empty((count, signatures.NUM_PERM), dtype=np.uint32), 0
    in_process = count < PARALLEL_FROM
    keep, kept_ids, kept_sets, kept_values = in_process, [], [], 0
    for batch_ids, batch in _over_texts(parts, wanted, _signed_with_sets if in_process else signatures.signatures,
                                        count, workers):
        if in_process:
            batch, sets = batch
            kept_values += int(sets.sizes.sum())
            keep = keep and kept_values <= KEEP_SHINGLES
            if keep:
                kept_ids += batch_ids
                kept_sets.append(sets)
        ids += batch_ids
        sigs[filled:filled + len(batch)] = batch
        filled += len(batch)
    kept = (kept_ids, verify.ShingleSets.joined(kept_sets)) if keep and kept_ids else None
    return pa.array(ids, pa.string()), sigs[:filled], kept


def _verify(parts: ds.Dataset, ids: pa.Array, pairs: np.ndarray, workers: int | None, kept=None):
    """(jaccard, containment) of each row pair, from the shingle sets of the stored texts (those
    ``_sign`` kept are not read again)."""
    rows = np.unique(pairs)
    read_ids, sets = list(kept[0]) if kept else [], [kept[1]] if kept else []
    wanted = pc.take(ids, rows)
    if kept:
        wanted = pc.filter(wanted, pc.invert(pc.is_in(wanted, value_set=pa.array(kept[0], pa.string()))))
    for batch_ids, batch_sets in _over_texts(parts, wanted, verify.ShingleSets.of, len(wanted), workers):
        read_ids += batch_ids
        sets.append(batch_sets)
    position = pc.index_in(ids, value_set=pa.array(read_ids, pa.string())).to_numpy(zero_copy_only=False)
    return verify.similarity(verify.ShingleSets.joined(sets), position[pairs].astype(np.int64))


def _pair_table(ids: pa.Array, pairs: np.ndarray, jaccard, containment) -> pa.Table:
    """Pairs as ids, the smaller id first."""
    a, b = pc.take(ids, pairs[:, 0]), pc.take(ids, pairs[:, 1])
    swap = pc.greater(a, b)
    return pa.table({"id_a": pc.if_else(swap, b, a), "id_b": pc.if_else(swap, a, b),
                     "jaccard": pa.array(jaccard, pa.float32()), "containment": pa.array(containment, pa.float32())},
                    schema=storage.PAIR_SCHEMA)


def _all_pairs(old: pa.Table, new: pa.Table, ids: pa.Array) -> pa.Table:
    """Old pairs of articles still stored plus the new ones, each pair once, sorted."""
    stored = pc.and_(pc.is_in(old.column("id_a"), value_set=ids), pc.is_in(old.column("id_b"), value_set=ids))
    table = pa.concat_tables([old.filter(stored), new])
    table = table.group_by(["id_a", "id_b"], use_threads=False).aggregate(
        [("jaccard", "max"), ("containment", "max")]).rename_columns(storage.PAIR_SCHEMA.names)
    return table.sort_by([("id_a", "ascending"), ("id_b", "ascending")]).cast(storage.PAIR_SCHEMA)


def _summary(articles: int, clusters: pa.Table, signed: int, verified: int, compared_all: bool,
             changes: ClusterChanges | None = None, seconds: dict | None = None) -> DedupSummary:
    duplicates = pc.sum(pc.not_equal(clusters.column("id"), clusters.column("dup_cluster"))).as_py() or 0
    return DedupSummary(articles, articles - duplicates, clusters.num_rows, duplicates, signed, verified,
                        compared_all, changes, seconds or {})


@contextmanager
def _timed(seconds: dict, step: str):
    start = time.perf_counter()
    yield
    seconds[step] = seconds.get(step, 0.0) + time.perf_counter() - start


def update_clusters(corpus: Corpus | str, full: bool = False, rebuild: bool = False,
                    workers: int | None = None) -> DedupSummary:
    """Give every stored article its ``dup_cluster``; only new articles are signed and verified.

    Cheap when nothing is new (reads the id and date columns, then stops).
    ``rebuild`` verifies every candidate pair again with today's rule (stored
    signatures reused) and reports clusters split and joined; ``full`` also
    recomputes every signature. A changed rule or parameters rebuild by
    themselves. clusters.parquet is replaced in one rename, so readers see the
    old clusters or the new ones. Raises ``UsageError`` (status 75) when another
    dedup is running on the corpus. From PARALLEL_FROM articles on, work goes to
    spawned processes: a calling script needs ``if __name__ == "__main__":``.
    """
    corpus = corpus if isinstance(corpus, Corpus) else Corpus(corpus)
    corpus.ensure_writable()
    with file_lock(corpus.state_dir / "dedup.lock", shared=False, wait=False,
                   busy=f"another dedup is running on {corpus.root}"), reading(corpus):
        seconds: dict = {}
        with _timed(seconds, "read"):
            parts = corpus.dataset()   # the part list is fixed here: articles a crawler adds meanwhile wait
            articles = _article_dates(parts)
        article_ids = articles.column("id").chunk(0) if articles.num_rows else pa.array([], pa.string())
        current, stale = storage.signature_parts(corpus, SIGNATURE_PARAMS)
        same_rule = all(storage.params_of(p) == CLUSTER_PARAMS
                        for p in (storage.clusters_path(corpus), storage.pairs_path(corpus)))
        compare_all = full or rebuild or not same_rule
        prior = cluster_table(corpus)
        if not compare_all and pc.all(pc.is_in(article_ids, value_set=storage.signed_ids(current))).as_py() is not False:
            live = prior.filter(pc.is_in(prior.column("id"), value_set=article_ids))
            return _summary(len(article_ids), live, 0, 0, False)  # nothing new: ids read, nothing written

        with _timed(seconds, "read"):
            old_ids, old_sigs = storage.load_signatures([] if full else current)
            stored = pc.is_in(old_ids, value_set=article_ids).to_numpy(zero_copy_only=False)
            old_ids, old_sigs = pc.filter(old_ids, stored), old_sigs[stored]
            new_ids = pc.filter(article_ids, pc.invert(pc.is_in(article_ids, value_set=old_ids)))
        with _timed(seconds, "sign"):
            new_ids, new_sigs, kept = _sign(parts, None if not len(old_ids) else new_ids, len(new_ids), workers) \
                if len(new_ids) else (new_ids, old_sigs[:0], None)
            ids = pa.concat_arrays([old_ids, new_ids])
            sigs = np.vstack([old_sigs, new_sigs]) if len(old_ids) else new_sigs
            del old_sigs
        with _timed(seconds, "candidates"):
            rank = ranks(ids, pc.take(articles.column("published"), pc.index_in(ids, value_set=article_ids)))
            is_new = None if compare_all else np.arange(len(ids)) >= len(old_ids)
            pairs = candidates.likely_pairs(sigs, rank, is_new)
            del sigs
        with _timed(seconds, "verify"):
            jaccard, containment = _verify(parts, ids, pairs, workers, kept) if len(pairs) else (np.empty(0),) * 2
            del kept
            linked = verify.near_duplicate(jaccard, containment)
        with _timed(seconds, "cluster"):
            found = _pair_table(ids, pairs[linked], jaccard[linked], containment[linked])
            links = _all_pairs(storage.PAIR_SCHEMA.empty_table() if compare_all else storage.load_pairs(
                corpus, CLUSTER_PARAMS), found, ids)
            link_rows = np.stack([pc.index_in(links.column(c), value_set=ids).to_numpy(zero_copy_only=False)
                                  for c in ("id_a", "id_b")], axis=1).astype(np.int64)
            rep = representatives(rank, link_rows.reshape(-1, 2), links.column("jaccard").to_numpy())
            clusters = cluster_rows(ids, rep)
        with _timed(seconds, "write"):
            storage.write(links, CLUSTER_PARAMS, *_split(storage.pairs_path(corpus)))
            storage.write(clusters, CLUSTER_PARAMS, *_split(storage.clusters_path(corpus)))
            if len(new_ids):
                storage.write_signatures(corpus, new_ids, new_sigs, SIGNATURE_PARAMS)
            for part in stale + (current if full else []):
                part.unlink(missing_ok=True)
        changes = compare(prior, clusters) if rebuild or full or (compare_all and prior.num_rows) else None
        return _summary(len(article_ids), clusters, len(new_ids), len(pairs), compare_all, changes, seconds)


def _split(path):
    return path.parent, path.name
