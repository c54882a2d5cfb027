"""Near-duplicate articles: MinHash signatures over syllable n-grams, LSH, clusters.

Vietnamese writes one syllable per space-separated token, so shingles are
syllable n-grams of the normalised text (NFC, lower case, punctuation dropped).
Each shingle becomes a 32-bit integer (CRC-32 of each syllable, combined by a
polynomial over the n-gram); datasketch's ``MinHash`` turns those integers into
a signature, ``MinHashLSH`` finds candidate pairs, and a pair whose estimated
Jaccard similarity reaches ``THRESHOLD`` joins one cluster (union-find).

Kept with the corpus, never inside the immutable article parts::

    dedup/signatures/part-*.parquet   id, minhash (one part per run; compact merges them)
    dedup/clusters.parquet            id, dup_cluster for every article in a group of 2+

``dup_cluster`` is the id of the group's earliest-published member (ties and
unknown dates: the smallest id); an article missing from the file is alone.
Clusters are written before signatures, so a run killed in between only redoes
work: the unsigned articles are compared again and land in the same clusters.
"""
from __future__ import annotations

import json
import multiprocessing
import os
import re
import unicodedata
import zlib
from collections import deque
from dataclasses import dataclass
from multiprocessing import shared_memory

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
from datasketch import LeanMinHash, MinHash, MinHashLSH

from corpus.store.compact import file_lock, reading
from corpus.store.parts import Corpus, write_atomic

# Chosen on the labelled pairs of tests/test_neardup.py (see README).
NUM_PERM = 128
SHINGLE_SIZE = 3
THRESHOLD = 0.3          # estimated Jaccard similarity that links two articles
LSH_BANDS = (20, 4)      # MinHashLSH bands x rows: finds 72% of pairs at J=0.5, 94% at 0.6, 99% at 0.7,
                         # and 5e-5 of distinct same-genre pairs (J~0.04: the seeds' level) as candidates
SEED = 1
SCHEME = "affine32"
INDEX_BUDGET = 1 << 30   # bytes an LSH index may take (one per worker process)
INDEX_BYTES_PER_ROW_BAND = 450  # measured: datasketch's dict storage keeps a set per bucket
PARALLEL_FROM = 20_000   # sign (or compare) this many texts or more in worker processes

SIGNATURE_PARAMS = {"num_perm": NUM_PERM, "shingle_size": SHINGLE_SIZE, "seed": SEED,
                    "scheme": SCHEME, "shingle_hash": "crc32-syllable-polynomial"}
CLUSTER_PARAMS = {**SIGNATURE_PARAMS, "threshold": THRESHOLD, "lsh_bands": list(LSH_BANDS)}
_PARAMS_KEY = b"provnews.neardup"

CLUSTER_SCHEMA = pa.schema([pa.field("id", pa.string(), nullable=False),
                            pa.field("dup_cluster", pa.string(), nullable=False)])

_MASK32 = np.uint64(0xFFFFFFFF)
_NGRAM_MULTIPLIER = np.uint64(0x9E3779B1)  # odd, so the polynomial mixes every position
_WORD = re.compile(r"\w+")


# --- signatures -------------------------------------------------------------

def syllables(text: str) -> list[str]:
    """The text's syllables: NFC, lower case, punctuation and symbols removed."""
    return _WORD.findall(unicodedata.normalize("NFC", text).lower())


class _SyllableHashes(dict):
    """CRC-32 of each syllable, remembered (a language has a few thousand syllables)."""

    def __missing__(self, word: str) -> int:
        if len(self) > 1_000_000:  # numbers and names keep coming: stay bounded
            self.clear()
        value = self[word] = zlib.crc32(word.encode())
        return value


_syllable_hash = _SyllableHashes()


def shingle_hashes(text: str, n: int = SHINGLE_SIZE) -> np.ndarray:
    """32-bit hashes of the text's syllable n-grams (one for a text shorter than n)."""
    words = syllables(text)
    if not words:
        return np.empty(0, dtype=np.uint32)
    h = np.fromiter(map(_syllable_hash.__getitem__, words), dtype=np.uint64, count=len(words))
    count = max(len(h) - n + 1, 1)
    acc = h[:count].copy()
    for i in range(1, min(n, len(h))):  # wraps modulo 2**64, then kept to 32 bits
        acc = acc * _NGRAM_MULTIPLIER + h[i:i + count]
    return (acc & _MASK32).astype(np.uint32)


def signatures(texts, num_perm: int = NUM_PERM, n: int = SHINGLE_SIZE) -> np.ndarray:
    """datasketch MinHash signatures, one row of ``num_perm`` uint32 per text.

    A text without syllables gets the empty signature (every value at the maximum).
    """
    minhash = MinHash(num_perm=num_perm, seed=SEED, hashfunc=int, scheme=SCHEME)
    empty = minhash.hashvalues
    rows = []
    for text in texts:
        minhash.hashvalues = empty  # reused: building a MinHash per text costs more than hashing it
        minhash.update_batch(shingle_hashes(text, n).tolist())
        rows.append(minhash.hashvalues)
    return np.vstack(rows) if rows else np.empty((0, num_perm), dtype=np.uint32)


def sign_in_workers(text_batches, workers: int | None = None):
    """Yield ``signatures(batch)`` for each batch, in order, computed by ``workers`` processes.

    At most two batches per worker are in flight, so texts are read no faster
    than they are signed (Pool.imap would read them all first).
    """
    workers = workers or os.cpu_count() or 1
    pending: deque = deque()
    # spawn, not fork: callers (the crawler) may run threads
    with multiprocessing.get_context("spawn").Pool(workers) as pool:
        for batch in text_batches:
            pending.append(pool.apply_async(signatures, (batch,)))
            if len(pending) >= 2 * workers:
                yield pending.popleft().get()
        while pending:
            yield pending.popleft().get()


# --- candidate pairs and clusters -------------------------------------------

def _pairs_in_task(sigs: np.ndarray, task: tuple, threshold: float, rows_per_band: int) -> np.ndarray:
    """Pairs found by one band group's LSH index over new rows [start, end).

    Rows before ``start`` are streamed through the index as queries, which finds
    the same candidates as one index over everything. Candidates are kept when
    the whole signatures agree on ``threshold`` of their values (the estimate of
    MinHash.jaccard).
    """
    start, end, band_lo, band_hi = task
    cols = slice(band_lo * rows_per_band, band_hi * rows_per_band)
    num_perm = sigs.shape[1]
    alone = sigs.min(axis=1) == np.iinfo(sigs.dtype).max  # no syllables: never similar
    lsh = MinHashLSH(num_perm=cols.stop - cols.start, params=(band_hi - band_lo, rows_per_band))
    # One sketch object, its values swapped per row: the index keeps band hashes, not the object.
    probe = LeanMinHash(seed=SEED, hashvalues=sigs[0, cols], scheme=SCHEME)
    found: list[tuple[int, int]] = []

    def query(i):
        probe.hashvalues = sigs[i, cols]
        candidates = lsh.query(probe)
        if candidates:
            cands = np.fromiter(candidates, dtype=np.int64, count=len(candidates))
            agree = np.count_nonzero(sigs[cands] == sigs[i], axis=1)
            found.extend((int(j), i) for j in cands[agree >= threshold * num_perm])

    for i in range(start, end):
        if not alone[i]:
            query(i)
            lsh.insert(i, probe, check_duplication=False)
    for i in range(start):
        if not alone[i]:
            query(i)
    return np.array(found, dtype=np.int64).reshape(-1, 2)


_shared: dict = {}


def _attach(name: str, shape: tuple, threshold: float, rows_per_band: int) -> None:
    shm = shared_memory.SharedMemory(name=name)
    _shared.update(shm=shm, sigs=np.ndarray(shape, dtype=np.uint32, buffer=shm.buf),
                   threshold=threshold, rows_per_band=rows_per_band)


def _shared_task(task: tuple) -> np.ndarray:
    return _pairs_in_task(_shared["sigs"], task, _shared["threshold"], _shared["rows_per_band"])


def plan_tasks(rows: int, first_new: int, bands: tuple[int, int] = LSH_BANDS, workers: int = 1,
               budget: int = INDEX_BUDGET) -> list[tuple[int, int, int, int]]:
    """Cut the comparison into (start, end, first band, end band) tasks that each fit ``budget``.

    datasketch's index costs a set, a dict slot and a key per row and band, so
    a task indexes as many bands of the new rows as fit; when even two bands
    (datasketch's minimum) of all new rows do not, the new rows come in chunks
    and earlier rows are streamed through each chunk's index. With several
    workers the bands are shared out so each has a task at a time.
    """
    num_bands = bands[0]
    new = rows - first_new
    if new <= 0:
        return []
    per_task = max(2, min(num_bands, budget // (new * INDEX_BYTES_PER_ROW_BAND)))
    if workers > 1:
        per_task = min(per_task, max(2, num_bands // workers))
    chunk = max(1, min(new, budget // (per_task * INDEX_BYTES_PER_ROW_BAND)))
    groups = np.array_split(np.arange(num_bands), -(-num_bands // per_task))
    return [(start, min(start + chunk, rows), int(g[0]), int(g[-1]) + 1)
            for start in range(first_new, rows, chunk) for g in groups]


def similar_pairs(sigs: np.ndarray, first_new: int = 0, threshold: float = THRESHOLD,
                  bands: tuple[int, int] = LSH_BANDS, workers: int = 1, budget: int = INDEX_BUDGET):
    """Yield ``(i, j)`` row pairs whose estimated Jaccard similarity is at least ``threshold``.

    Rows before ``first_new`` were compared with each other by an earlier run, so
    only pairs with a new row are looked for. The tasks of ``plan_tasks`` run in
    this process or in ``workers`` processes sharing the signatures; a pair can
    come out more than once.
    """
    rows_per_band = bands[1]
    tasks = plan_tasks(len(sigs), first_new, bands, workers, budget)
    if workers <= 1 or len(tasks) <= 1:
        for task in tasks:
            yield from map(tuple, _pairs_in_task(sigs, task, threshold, rows_per_band).tolist())
        return
    shm = shared_memory.SharedMemory(create=True, size=max(sigs.nbytes, 1))
    try:
        np.ndarray(sigs.shape, dtype=np.uint32, buffer=shm.buf)[:] = sigs
        with multiprocessing.get_context("spawn").Pool(
                workers, initializer=_attach, initargs=(shm.name, sigs.shape, threshold, rows_per_band)) as pool:
            for found in pool.imap_unordered(_shared_task, tasks):
                yield from map(tuple, found.tolist())
    finally:
        shm.close()
        shm.unlink()


def _earliest_first(ids, published) -> np.ndarray:
    """Row order: earliest published first, unknown dates last, ties by smallest id."""
    when = pc.fill_null(pc.cast(published, pa.int64()), np.iinfo(np.int64).max)
    return pc.sort_indices(pa.table({"when": when, "id": ids}),
                           sort_keys=[("when", "ascending"), ("id", "ascending")]).to_numpy()


def assign_clusters(ids: pa.Array, published: pa.Array, pairs, groups=()) -> pa.Table:
    """(id, dup_cluster) for every row in a group of two or more.

    ``pairs`` are linked row indices, ``groups`` lists of row indices already known
    to belong together (earlier clusters). The representative is the earliest
    published member; unknown dates come last; ties go to the smallest id.
    """
    parent = list(range(len(ids)))

    def find(x):
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def union(a, b):
        a, b = find(a), find(b)
        if a != b:
            parent[a] = b

    for i, j in pairs:
        union(i, j)
    for group in groups:
        for i in group[1:]:
            union(group[0], i)
    roots = np.fromiter((find(x) for x in range(len(ids))), dtype=np.int64, count=len(ids))
    order = _earliest_first(ids, published)
    rank = np.empty(len(ids), dtype=np.int64)
    rank[order] = np.arange(len(ids))
    best = np.full(len(ids), len(ids), dtype=np.int64)
    np.minimum.at(best, roots, rank)
    members = np.flatnonzero(np.bincount(roots, minlength=len(ids))[roots] > 1)
    representative = order[best[roots[members]]]
    table = pa.table({"id": pc.take(ids, members), "dup_cluster": pc.take(ids, representative)},
                     schema=CLUSTER_SCHEMA)
    return table.sort_by([("dup_cluster", "ascending"), ("id", "ascending")])


# --- stored state -----------------------------------------------------------

def _signature_dir(corpus: Corpus):
    return corpus.root / "dedup" / "signatures"


def _clusters_path(corpus: Corpus):
    return corpus.root / "dedup" / "clusters.parquet"


def _params_of(schema: pa.Schema) -> dict | None:
    raw = (schema.metadata or {}).get(_PARAMS_KEY)
    return json.loads(raw) if raw else None


def _with_params(table: pa.Table, params: dict) -> pa.Table:
    return table.replace_schema_metadata({_PARAMS_KEY: json.dumps(params, sort_keys=True)})


def _signature_parts(corpus: Corpus) -> tuple[list, list]:
    """(parts made with today's parameters, parts made with others)."""
    folder = _signature_dir(corpus)
    current, stale = [], []
    for part in sorted(folder.glob("part-*.parquet")) if folder.exists() else []:
        (current if _params_of(pq.read_schema(part)) == SIGNATURE_PARAMS else stale).append(part)
    return current, stale


def _load_signatures(parts) -> tuple[pa.Array, np.ndarray]:
    if not parts:
        return pa.array([], pa.string()), np.empty((0, NUM_PERM), dtype=np.uint32)
    table = pa.concat_tables([pq.read_table(p) for p in parts])
    first = table.append_column("row", pa.array(np.arange(len(table)))).group_by(
        "id", use_threads=False).aggregate([("row", "min")]).column("row_min")
    table = table.take(first)  # a part may repeat ids after an interrupted compaction
    values = table.column("minhash").combine_chunks().flatten().to_numpy()
    return table.column("id").combine_chunks(), values.reshape(len(table), NUM_PERM)


def _signed_ids(parts) -> pa.Array:
    ids = [pq.read_table(p, columns=["id"]).column("id") for p in parts]
    return pa.chunked_array([c for col in ids for c in col.chunks], pa.string()).combine_chunks()


def cluster_table(corpus: Corpus | str) -> pa.Table:
    """(id, dup_cluster) of every article in a group of two or more; absent ids are alone."""
    path = _clusters_path(Corpus(corpus) if not isinstance(corpus, Corpus) else corpus)
    if not path.exists():
        return CLUSTER_SCHEMA.empty_table()
    return pq.read_table(path).select(["id", "dup_cluster"]).cast(CLUSTER_SCHEMA)


# --- the whole-corpus update ------------------------------------------------

@dataclass
class DedupSummary:
    articles: int          # distinct ids in the corpus
    clusters: int          # groups, counting a lone article as its own group
    near_duplicates: int   # articles that are not their group's representative
    signed: int            # signatures computed by this run
    compared_all: bool     # every pair looked at again (first run, --full, new parameters)

    def line(self) -> str:
        scope = "all articles compared" if self.compared_all else "new articles compared"
        return (f"articles: {self.articles:,}  clusters: {self.clusters:,}  "
                f"near-duplicates: {self.near_duplicates:,}  (new signatures: {self.signed:,}; {scope})")


def _article_dates(corpus: Corpus) -> pa.Table:
    """One (id, published) per stored id, from its first-fetched copy."""
    import duckdb

    con = duckdb.connect()
    con.register("parts", corpus.dataset().scanner(columns=["id", "published", "fetched_at", "url"]))
    table = con.sql("SELECT id, arg_min(published, (fetched_at, url)) AS published FROM parts "
                    "GROUP BY id ORDER BY id").to_arrow_table()
    return table.combine_chunks()


def _new_texts(corpus: Corpus, new_ids: pa.Array, batch_rows: int = 2_000):
    """Yield (ids, texts) batches of the articles in ``new_ids``, each id once."""
    seen: set[str] = set()
    scanner = corpus.dataset().scanner(columns=["id", "text"], filter=pc.field("id").isin(new_ids),
                                       batch_size=batch_rows)
    for batch in scanner.to_batches():
        ids, texts = [], []
        for id_, text in zip(batch.column("id").to_pylist(), batch.column("text").to_pylist()):
            if id_ not in seen:
                seen.add(id_)
                ids.append(id_)
                texts.append(text)
        if ids:
            yield ids, texts


def _sign_new(corpus: Corpus, new_ids: pa.Array, workers: int | None):
    """(ids, signatures) of the new articles, their texts read batch by batch."""
    id_batches: list[list[str]] = []

    def texts():
        for ids, batch in _new_texts(corpus, new_ids):
            id_batches.append(ids)
            yield batch

    parallel = len(new_ids) >= PARALLEL_FROM and (workers or os.cpu_count() or 1) > 1
    sigs = list(sign_in_workers(texts(), workers) if parallel else map(signatures, texts()))
    ids = pa.array([i for batch in id_batches for i in batch], pa.string())
    return ids, (np.vstack(sigs) if sigs else np.empty((0, NUM_PERM), dtype=np.uint32))


def _prior_groups(prior: pa.Table, ids: pa.Array) -> list[list[int]]:
    """Earlier clusters as lists of row indices into ``ids`` (members no longer stored dropped)."""
    rows = prior.append_column("row", pc.index_in(prior.column("id"), value_set=ids)).drop_null()
    return rows.group_by("dup_cluster").aggregate([("row", "list")]).column("row_list").to_pylist()


def _summary(articles: int, clusters: pa.Table, signed: int, compared_all: bool) -> DedupSummary:
    duplicates = pc.sum(pc.not_equal(clusters.column("id"), clusters.column("dup_cluster"))).as_py() or 0
    return DedupSummary(articles, articles - duplicates, duplicates, signed, compared_all)


def update_clusters(corpus: Corpus | str, full: bool = False, workers: int | None = None) -> DedupSummary:
    """Give every stored article its ``dup_cluster``; only new articles are signed.

    Cheap when nothing is new (reads the id and date columns, then stops). With
    ``full`` everything is recomputed; after a change of threshold all pairs are
    compared again from the stored signatures. Raises ``UsageError`` (status 75)
    when another dedup is running on the corpus. From PARALLEL_FROM articles on,
    work goes to spawned processes: a calling script needs the usual
    ``if __name__ == "__main__":`` guard.
    """
    corpus = corpus if isinstance(corpus, Corpus) else Corpus(corpus)
    corpus.ensure_writable()
    with file_lock(corpus.state_dir / "dedup.lock", shared=False, wait=False,
                   busy=f"another dedup is running on {corpus.root}"), reading(corpus):
        articles = _article_dates(corpus)
        article_ids = articles.column("id").chunk(0) if articles.num_rows else pa.array([], pa.string())
        current, stale = _signature_parts(corpus)
        clusters_path = _clusters_path(corpus)
        compare_all = full or not (clusters_path.exists()
                                   and _params_of(pq.read_schema(clusters_path)) == CLUSTER_PARAMS)
        prior = CLUSTER_SCHEMA.empty_table() if compare_all else cluster_table(corpus)
        if not compare_all and pc.all(pc.is_in(article_ids, value_set=_signed_ids(current))).as_py() is not False:
            live = prior.filter(pc.is_in(prior.column("id"), value_set=article_ids))
            return _summary(len(article_ids), live, 0, False)  # nothing new: ids read, nothing written

        old_ids, old_sigs = _load_signatures([] if full else current)
        stored = pc.is_in(old_ids, value_set=article_ids).to_numpy(zero_copy_only=False)
        old_ids, old_sigs = pc.filter(old_ids, stored), old_sigs[stored]
        new_ids = pc.filter(article_ids, pc.invert(pc.is_in(article_ids, value_set=old_ids)))
        new_ids, new_sigs = _sign_new(corpus, new_ids, workers) if len(new_ids) else (new_ids, old_sigs[:0])
        ids = pa.concat_arrays([old_ids, new_ids])
        sigs = np.vstack([old_sigs, new_sigs])
        published = pc.take(articles.column("published"), pc.index_in(ids, value_set=article_ids))
        parallel = len(sigs) >= PARALLEL_FROM and (workers or os.cpu_count() or 1) > 1
        pairs = similar_pairs(sigs, first_new=0 if compare_all else len(old_ids),
                              workers=(workers or os.cpu_count() or 1) if parallel else 1)
        clusters = assign_clusters(ids, published, pairs, _prior_groups(prior, ids))

        write_atomic(_with_params(clusters, CLUSTER_PARAMS), clusters_path.parent, clusters_path.name)
        if len(new_ids):
            fresh = pa.table({"id": new_ids, "minhash": pa.FixedSizeListArray.from_arrays(
                pa.array(new_sigs.ravel()), NUM_PERM)})
            write_atomic(_with_params(fresh, SIGNATURE_PARAMS), _signature_dir(corpus))
        for part in stale + (current if full else []):
            part.unlink(missing_ok=True)
        return _summary(len(article_ids), clusters, len(new_ids), compare_all)
