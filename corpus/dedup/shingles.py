"""Shingles: the syllable n-grams of an article, hashed once for both MinHash and the exact check.

Vietnamese writes one syllable per space-separated token, so shingles are
syllable n-grams of the normalised text (NFC, lower case, punctuation dropped).
Each n-gram becomes a 64-bit integer (CRC-32 of each syllable, combined by a
polynomial over the n-gram, wrapping modulo 2**64). The exact Jaccard check
compares those 64-bit sets (two different n-grams of a pair collide with odds of
about 2**-64 per pair of shingles: exact for all practical purposes); MinHash
takes their low 32 bits, which is what datasketch's ``affine32`` scheme hashes.
"""
from __future__ import annotations

import re
import unicodedata
import zlib

import numpy as np

SHINGLE_SIZE = 3

_MASK32 = np.uint64(0xFFFFFFFF)
_NGRAM_MULTIPLIER = np.uint64(0x9E3779B1)  # odd, so the polynomial mixes every position
_WORD = re.compile(r"\w+")


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


def shingles64(text: str, n: int = SHINGLE_SIZE) -> np.ndarray:
    """64-bit hashes of the text's syllable n-grams, in text order (one for a text shorter than n)."""
    words = syllables(text)
    if not words:
        return np.empty(0, dtype=np.uint64)
    h = np.fromiter(map(_syllable_hash.__getitem__, words), dtype=np.uint64, count=len(words))
    count = max(len(h) - n + 1, 1)
    acc = h[:count].copy()
    for i in range(1, min(n, len(h))):  # wraps modulo 2**64
        acc = acc * _NGRAM_MULTIPLIER + h[i:i + count]
    return acc


def batch_shingles64(texts, n: int = SHINGLE_SIZE) -> tuple[np.ndarray, np.ndarray]:
    """``shingles64`` of many texts at once: (all hashes concatenated, count per text).

    One pass over the syllables of the whole batch: numpy's cost per call is
    paid once per batch instead of once per text, which is most of the cost for
    news-sized texts.
    """
    words_per_text = [syllables(text) for text in texts]
    lengths = np.fromiter(map(len, words_per_text), dtype=np.int64, count=len(words_per_text))
    total = int(lengths.sum())
    h = np.fromiter(map(_syllable_hash.__getitem__, (w for words in words_per_text for w in words)),
                    dtype=np.uint64, count=total)
    counts = np.where(lengths >= n, lengths - n + 1, np.minimum(lengths, 1))
    if not total:
        return np.empty(0, dtype=np.uint64), counts
    acc = h[:max(total - n + 1, 0)].copy()
    for i in range(1, n):  # wraps modulo 2**64
        acc = acc * _NGRAM_MULTIPLIER + h[i:i + len(acc)]
    starts = np.concatenate([[0], np.cumsum(lengths)[:-1]])
    long_enough = lengths >= n
    # the n-grams starting in each long-enough text, not crossing its end
    first = np.repeat(starts[long_enough], counts[long_enough])
    within = np.arange(len(first)) - np.repeat(np.cumsum(counts[long_enough]) - counts[long_enough],
                                               counts[long_enough])
    picked = acc[first + within]
    short = np.flatnonzero((lengths > 0) & ~long_enough)
    if not len(short):
        return picked, counts
    out = np.empty(int(counts.sum()), dtype=np.uint64)
    offsets = np.concatenate([[0], np.cumsum(counts)[:-1]])
    out[np.repeat(offsets[long_enough], counts[long_enough]) + within] = picked
    for k in short:  # texts of fewer than n syllables: one shingle of all of them
        out[offsets[k]] = shingles64(texts[k], n)[0]
    return out, counts


def shingle_hashes(text: str, n: int = SHINGLE_SIZE) -> np.ndarray:
    """32-bit shingle hashes: what MinHash is computed over."""
    return (shingles64(text, n) & _MASK32).astype(np.uint32)


def shingle_set(text: str, n: int = SHINGLE_SIZE) -> np.ndarray:
    """The text's shingle set: sorted, distinct 64-bit hashes."""
    return np.unique(shingles64(text, n))
