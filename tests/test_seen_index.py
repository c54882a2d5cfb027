"""The compact seen sets: what a crawl knows of the corpus, at 8 bytes an entry, cached on disk."""
from __future__ import annotations

from datetime import datetime, timezone

import numpy as np

from corpus.sources.urls import url_key
from corpus.store.parts import Corpus
from corpus.store.seen import StoredIndex, key_hash


def row(article_id: str, *urls: str) -> dict:
    return {"id": article_id, "url": urls[0], "urls": list(urls), "source": "x", "text": "t",
            "fetched_at": datetime.now(timezone.utc)}


def test_stored_ids_and_url_keys_are_known_and_new_parts_are_read_once(tmp_path):
    corpus = Corpus(tmp_path / "c")
    corpus.ensure_writable()
    corpus.append([row("00000000000000ff", "https://www.baolongan.vn/a-a1.html"), row("ffffffffffffff00", "https://baolongan.vn/b-a2.html")])
    corpus.append_aliases([{"id": "00000000000000ff", "url": "https://baolongan.vn/a-a1.amp.html", "source": "x",
                            "seen_at": datetime.now(timezone.utc)}])
    ids, keys = corpus.known()
    assert "00000000000000ff" in ids and "ffffffffffffff00" in ids and "0000000000000001" not in ids
    assert url_key("http://baolongan.vn/a-a1.html") in keys            # www./http variant: same key
    assert url_key("https://baolongan.vn/b-a2.html") in keys
    assert url_key("https://baolongan.vn/c-a3.html") not in keys
    assert ids.stored.dtype == np.uint64 and len(ids.stored) == 2      # 8 bytes an entry, not a str set

    # Cached: a new part is read, old ones are not (a cache entry the test plants proves it).
    index = StoredIndex(corpus)
    cached_ids, cached_keys = index.load()
    planted = np.sort(np.append(cached_keys, np.uint64(key_hash("planted/only-in-the-cache"))))
    np.save(index.folder / "keys.npy", planted)
    corpus.append([row("0000000000000abc", "https://baolongan.vn/d-a4.html")])
    ids, keys = corpus.known()
    assert "0000000000000abc" in ids and url_key("https://baolongan.vn/d-a4.html") in keys
    assert "planted/only-in-the-cache" in keys


def test_claim_is_test_and_add(tmp_path):
    corpus = Corpus(tmp_path / "c")
    corpus.ensure_writable()
    corpus.append([row("00000000000000ff", "https://baolongan.vn/a-a1.html")])
    ids, _ = corpus.known()
    assert not ids.claim("00000000000000ff")                           # stored before
    assert ids.claim("0000000000000001") and not ids.claim("0000000000000001")
