"""What the corpus already holds, in memory bounded by the work rather than by the corpus.

A crawl must know which content ids and URL keys are stored so it neither fetches a stored
article again nor stores it twice. Python sets of strings cost ~150 bytes per entry, so a
5-million-article corpus took gigabytes and minutes before the first request. Here each
entry is one ``uint64`` in a sorted numpy array (8 bytes; lookups by binary search):

- an id is 16 hex digits of SHA-256, i.e. exactly 64 bits: ``int(id, 16)`` is lossless;
- a URL key is hashed to 64 bits (BLAKE2b). Two distinct keys collide with probability
  2**-64 per pair: over a crawl of a million new links against 10 million stored keys the
  chance that any new link is mistaken for a stored one is about 5e-7.

The arrays are cached in ``state/seen/`` with the names of the parts they cover, so a crawl
reads only the parts written since. Computing URL keys is the slow part (~12 µs a URL, a minute
for 5 million), so the writer leaves each part's key hashes beside it
(``state/seen/parts/<articles|aliases>-<part>.npy``) and only parts written otherwise (older
versions, compaction) have their URLs keyed again. Parts
are immutable and compaction only rewrites rows already covered, so the cache only grows;
several writers may refresh it at once (atomic replace: the last one wins, the others' new
parts are read again next time).

``SeenKeys`` wraps a stored array with the entries added during this crawl (a set bounded by
the work). ``claim`` is the atomic test-and-add the dedup step needs; the Redis-backed sets
of crawler.distributed have the same interface.
"""
from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import numpy as np
import pyarrow.parquet as pq

from corpus.sources.urls import url_key

INDEX_VERSION = 1


def key_hash(key: str) -> int:
    """64-bit hash of a URL key."""
    return int.from_bytes(hashlib.blake2b(key.encode("utf-8"), digest_size=8).digest(), "big")


def id_hash(article_id: str) -> int:
    """An article id (16 hex digits) as the 64-bit number it is."""
    return int(article_id, 16)


def ids_array(ids: list[str]) -> np.ndarray:
    return np.frombuffer(bytes.fromhex("".join(ids)), dtype=">u8").astype(np.uint64) if ids else _empty()


def keys_array(urls) -> np.ndarray:
    return np.fromiter((key_hash(url_key(u)) for u in urls), dtype=np.uint64)


def _empty() -> np.ndarray:
    return np.empty(0, dtype=np.uint64)


def sorted_unique(parts: list[np.ndarray]) -> np.ndarray:
    """Sort and deduplicate (np.unique's hash path took 30 s for 5 million uint64; a sort takes 2)."""
    merged = np.sort(np.concatenate(parts))
    if len(merged) < 2:
        return merged
    return merged[np.concatenate(([True], merged[1:] != merged[:-1]))]


class SeenKeys:
    """A set of strings stored as 64-bit hashes: a sorted array (stored) plus this run's additions."""

    def __init__(self, stored: np.ndarray, hash_fn):
        self.stored = stored
        self.hash = hash_fn
        self.added: set[int] = set()

    def _has(self, h: int) -> bool:
        if h in self.added:
            return True
        i = int(np.searchsorted(self.stored, h))
        return i < len(self.stored) and int(self.stored[i]) == h

    def __contains__(self, value: str) -> bool:
        return self._has(self.hash(value))

    def add(self, value: str) -> None:
        self.added.add(self.hash(value))

    def update(self, values) -> None:
        self.added.update(map(self.hash, values))

    def claim(self, value: str) -> bool:
        """Add ``value``; False when it was there already (first claimer wins)."""
        h = self.hash(value)
        if self._has(h):
            return False
        self.added.add(h)
        return True

    def __len__(self) -> int:
        return len(self.stored) + len(self.added)


class StoredIndex:
    """Sorted uint64 arrays of the ids and URL keys stored in a corpus, cached in state/seen/."""

    def __init__(self, corpus):
        self.corpus = corpus
        self.folder = Path(corpus.state_dir) / "seen"

    def part_keys_path(self, part: Path) -> Path:
        return self.folder / "parts" / f"{part.parent.name}-{part.stem}.npy"

    def note_part(self, part: Path, urls) -> None:
        """Leave the key hashes of a part just written beside it (called by Corpus.append*)."""
        path = self.part_keys_path(part)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.npy")
        np.save(tmp, keys_array(urls))
        os.replace(tmp, path)

    def _part_keys(self, part: Path, read_urls) -> np.ndarray:
        try:
            return np.load(self.part_keys_path(part))
        except (OSError, ValueError):
            return keys_array(read_urls())

    def _paths(self):
        return self.folder / "index.json", self.folder / "ids.npy", self.folder / "keys.npy"

    def _load_cache(self):
        manifest, ids_path, keys_path = self._paths()
        try:
            meta = json.loads(manifest.read_text())
            if meta.get("version") != INDEX_VERSION:
                raise ValueError("old index")
            return set(meta["parts"]), np.load(ids_path), np.load(keys_path)
        except (OSError, ValueError, KeyError):
            return set(), _empty(), _empty()

    def _save(self, parts: set[str], ids: np.ndarray, keys: np.ndarray) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        tag = f"{os.getpid()}-{os.urandom(3).hex()}"
        manifest, ids_path, keys_path = self._paths()
        # Arrays first, manifest last: a manifest never names parts its arrays lack.
        for final, arr in ((ids_path, ids), (keys_path, keys)):
            tmp = final.with_name(f".{final.name}.{tag}.npy")
            np.save(tmp, arr)
            os.replace(tmp, final)
        tmp = manifest.with_name(f".{manifest.name}.{tag}")
        tmp.write_text(json.dumps({"version": INDEX_VERSION, "parts": sorted(parts)}))
        os.replace(tmp, manifest)

    def load(self) -> tuple[np.ndarray, np.ndarray]:
        """(ids, keys): sorted unique uint64 arrays of everything stored; reads only new parts."""
        covered, ids, keys = self._load_cache()
        new_ids, new_keys, parts = [], [], set(covered)
        for what, folder in (("articles", self.corpus.articles_dir), ("aliases", self.corpus.aliases_dir)):
            for path in sorted(folder.glob("part-*.parquet")) if folder.exists() else ():
                name = f"{what}/{path.name}"
                if name in covered:
                    continue
                if what == "articles":
                    new_ids.append(ids_array(pq.read_table(path, columns=["id"]).column("id").to_pylist()))
                    new_keys.append(self._part_keys(path, lambda: pq.read_table(path, columns=["urls"]).column(
                        "urls").combine_chunks().flatten().to_pylist()))
                else:
                    new_keys.append(self._part_keys(path, lambda: pq.read_table(path, columns=["url"]).column(
                        "url").to_pylist()))
                parts.add(name)
        if parts != covered:
            ids = sorted_unique([ids, *new_ids])
            keys = sorted_unique([keys, *new_keys])
            self._save(parts, ids, keys)
        return ids, keys

    def seen_sets(self) -> tuple[SeenKeys, SeenKeys]:
        ids, keys = self.load()
        return SeenKeys(ids, id_hash), SeenKeys(keys, key_hash)
