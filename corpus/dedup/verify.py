"""The check every candidate pair must pass: exact Jaccard or containment of the shingle sets.

MinHash estimates drift by ±0.04 at 128 values, and a template (a monthly
meeting, a council session, the football cup) makes distinct articles share a
third or more of their trigrams. So the decision is taken on the real sets,
from the stored text: two articles are near-duplicates when

* Jaccard |A∩B| / |A∪B| >= JACCARD (an update with a paragraph changed, a
  syndicated copy with its own title and footer), or
* containment |A∩B| / min(|A|, |B|) >= CONTAINMENT (a shortened copy: almost
  all of the short one is in the long one).

Both thresholds were chosen on the hard negatives of tests/data/hard_negatives.py
(distinct articles of one template reach Jaccard 0.42 and containment 0.64
there) and the near-duplicates of tests/data/ (``pytest -s tests/test_neardup.py``
prints the sweep).
"""
from __future__ import annotations

import numpy as np

from corpus.dedup.shingles import SHINGLE_SIZE, batch_shingles64

JACCARD = 0.45
CONTAINMENT = 0.8


class ShingleSets:
    """Sorted distinct shingles of many texts, kept as the arrays of the batches they were made in."""

    def __init__(self, parts: list[tuple[np.ndarray, np.ndarray]]):
        self.parts = parts   # (values, offsets): text k of a part is values[offsets[k]:offsets[k+1]]
        counts = np.array([len(offsets) - 1 for _, offsets in parts], dtype=np.int64)
        self.part_of = np.repeat(np.arange(len(parts)), counts)
        self.local = np.arange(int(counts.sum())) - np.repeat(np.cumsum(counts) - counts, counts)
        self.sizes = np.concatenate([np.diff(offsets) for _, offsets in parts]) if parts else np.empty(0, np.int64)

    @classmethod
    def of(cls, texts, n: int = SHINGLE_SIZE) -> "ShingleSets":
        return cls.of_shingles(*batch_shingles64(list(texts), n))

    @classmethod
    def of_shingles(cls, hashes: np.ndarray, counts: np.ndarray) -> "ShingleSets":
        """The sets of texts already shingled (``batch_shingles64``'s hashes and counts)."""
        # one np.unique per text: much cheaper than one lexsort of the batch by (text, value)
        sets = [np.unique(h) for h in np.split(hashes, np.cumsum(counts)[:-1])] if len(counts) else []
        sizes = np.fromiter(map(len, sets), dtype=np.int64, count=len(sets))
        values = np.concatenate(sets) if sets else np.empty(0, dtype=np.uint64)
        return cls([(values, np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64))])

    @classmethod
    def joined(cls, many: list["ShingleSets"]) -> "ShingleSets":
        return cls([part for sets in many for part in sets.parts])

    def get(self, k: int) -> np.ndarray:
        values, offsets = self.parts[self.part_of[k]]
        at = self.local[k]
        return values[offsets[at]:offsets[at + 1]]


_LOW_BITS = 16                    # a 64 KB table per left text: stays in the CPU cache
_LOW_MASK = np.uint64((1 << _LOW_BITS) - 1)


def overlaps(sets: ShingleSets, pairs: np.ndarray) -> np.ndarray:
    """|A∩B| for each pair of text indices into ``sets``, exactly.

    Pairs are taken a left text A at a time, its partners' sets concatenated. A table of A's low
    16 bits first rules out most partner values (a value of A∩B always passes it; others pass 2-3%
    of the time for a news article's 1,000-2,000 shingles); the values that pass are looked up in
    A's sorted set with one ``searchsorted``, and counted per partner with one ``reduceat``. A
    template gives one article dozens of candidate partners: one numpy call per pair cost three
    times as much, a lookup of every value twice."""
    out = np.zeros(len(pairs), dtype=np.int64)
    if not len(pairs):
        return out
    order = np.argsort(pairs[:, 0], kind="stable")
    left = pairs[order, 0]
    starts = np.flatnonzero(np.concatenate([[True], left[1:] != left[:-1]]))
    table = np.zeros(1 << _LOW_BITS, dtype=bool)
    for start, end in zip(starts.tolist(), [*starts[1:].tolist(), len(order)]):
        a = sets.get(int(left[start]))
        rows = order[start:end]
        partners = [sets.get(j) for j in pairs[rows, 1].tolist()]
        sizes = np.fromiter(map(len, partners), dtype=np.int64, count=len(partners))
        if not len(a) or not sizes.sum():
            continue
        b = np.concatenate(partners)
        low_a = (a & _LOW_MASK).astype(np.intp)
        table[low_a] = True
        passed = np.flatnonzero(table[(b & _LOW_MASK).astype(np.intp)])
        table[low_a] = False
        at = np.searchsorted(a, b[passed])   # both sorted and distinct: a value of b is in a where it lands on itself
        at[at == len(a)] = 0
        found = np.zeros(len(b), dtype=np.int64)
        found[passed] = a[at] == b[passed]
        filled = sizes > 0           # reduceat needs the start of each non-empty partner
        out[rows[filled]] = np.add.reduceat(found, (np.cumsum(sizes) - sizes)[filled])
    return out


def similarity(sets: ShingleSets, pairs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(Jaccard, containment) of each pair, exactly."""
    common = overlaps(sets, pairs)
    a, b = sets.sizes[pairs[:, 0]], sets.sizes[pairs[:, 1]]
    union = a + b - common
    jaccard = np.divide(common, union, out=np.zeros(len(pairs)), where=union > 0)
    smaller = np.minimum(a, b)
    containment = np.divide(common, smaller, out=np.zeros(len(pairs)), where=smaller > 0)
    return jaccard, containment


def near_duplicate(jaccard: np.ndarray, containment: np.ndarray) -> np.ndarray:
    """The rule: which verified pairs are near-duplicates."""
    return (jaccard >= JACCARD) | (containment >= CONTAINMENT)
