"""MinHash signatures, a batch of texts at a time in numpy.

The values are exactly datasketch's ``MinHash(num_perm, seed, hashfunc=int,
scheme="affine32")`` over the 32-bit shingle hashes (tests/test_neardup.py
checks it): each hash is pre-mixed with the MurmurHash3 finalizer, then
permutation k maps it to ``a_k * h + b_k`` modulo 2**32. datasketch does that
one text per call; here the shingles of a whole batch go through each block of
permutations at once and ``np.minimum.reduceat`` takes every text's minimum,
which is several times faster (``bench/neardup_1m.py`` prints both).
"""
from __future__ import annotations

import multiprocessing
import os
from collections import deque
from functools import cache

import numpy as np

from corpus.dedup.shingles import SHINGLE_SIZE, batch_shingles64

NUM_PERM = 128
SEED = 1
SCHEME = "affine32"
EMPTY = np.uint32(0xFFFFFFFF)   # datasketch's value for a text without shingles
_CHUNK_SHINGLES = 8_000         # measured: 4 MB blocks are 2-8x faster than one array for the batch


@cache
def permutations(num_perm: int = NUM_PERM, seed: int = SEED) -> tuple[np.ndarray, np.ndarray]:
    """(a, b) of datasketch's affine32 permutations: the same random draws in the same order."""
    gen = np.random.RandomState(seed)
    a = gen.randint(0, 1 << 31, num_perm, dtype=np.uint32) * np.uint32(2) + np.uint32(1)
    b = gen.randint(0, 1 << 32, num_perm, dtype=np.uint32)
    return a, b


def _fmix32(h: np.ndarray) -> np.ndarray:
    """MurmurHash3's 32-bit finalizer (the pre-mix datasketch applies before the permutations)."""
    h = h ^ (h >> np.uint32(16))
    h = h * np.uint32(0x85EBCA6B)
    h = h ^ (h >> np.uint32(13))
    h = h * np.uint32(0xC2B2AE35)
    return h ^ (h >> np.uint32(16))


def signatures(texts, num_perm: int = NUM_PERM, n: int = SHINGLE_SIZE) -> np.ndarray:
    """One row of ``num_perm`` uint32 per text; a text without syllables gets all values at EMPTY."""
    return of_shingles(*batch_shingles64(list(texts), n), num_perm)


def of_shingles(hashes: np.ndarray, counts: np.ndarray, num_perm: int = NUM_PERM) -> np.ndarray:
    """``signatures`` of texts already shingled (``batch_shingles64``'s hashes and counts)."""
    out = np.full((len(counts), num_perm), EMPTY, dtype=np.uint32)
    mixed = _fmix32((hashes & np.uint64(0xFFFFFFFF)).astype(np.uint32))
    a, b = permutations(num_perm)
    a, b = a[:, None], b[:, None]
    ends = np.cumsum(counts)
    filled = np.flatnonzero(counts)
    # Texts in chunks of about _CHUNK_SHINGLES: the (num_perm x shingles) array stays in cache.
    chunk_of = (np.concatenate([[0], ends[:-1]]) // _CHUNK_SHINGLES)[filled]
    bounds = np.flatnonzero(np.diff(chunk_of, prepend=-1, append=chunk_of[-1] + 1 if len(chunk_of) else 0))
    with np.errstate(over="ignore"):
        for lo, hi in zip(bounds[:-1], bounds[1:]):
            rows = filled[lo:hi]
            first, last = ends[rows[0]] - counts[rows[0]], ends[rows[-1]]
            block = mixed[first:last] * a
            block += b
            out[rows] = np.minimum.reduceat(block, ends[rows] - counts[rows] - first, axis=1).T
    return out


def map_in_workers(func, batches, workers: int | None = None):
    """Yield ``func(batch)`` for each batch, in order, computed by ``workers`` processes.

    At most two batches per worker are in flight, so texts are read no faster
    than they are processed (Pool.imap would read them all first).
    """
    workers = workers or os.cpu_count() or 1
    pending: deque = deque()
    # spawn, not fork: callers (the crawler) may run threads
    with multiprocessing.get_context("spawn").Pool(workers) as pool:
        for batch in batches:
            pending.append(pool.apply_async(func, (batch,)))
            if len(pending) >= 2 * workers:
                yield pending.popleft().get()
        while pending:
            yield pending.popleft().get()
