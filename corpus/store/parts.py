"""The corpus on disk: immutable Parquet part files, written atomically.

Layout of a corpus folder::

    articles/part-<utc time>-<random>.parquet   one row per article (ARTICLE_SCHEMA)
    aliases/part-....parquet                    later URLs of an already stored article
    state/                                      crawl state, lock, runs (see corpus.store.state)

Every writer (several crawler processes may share one corpus) writes its own
uniquely named parts: a dot-prefixed temporary file, fsync, then rename, so a
reader never sees a partial file and ``pyarrow.dataset.dataset(path)`` skips
the temporaries. Parts are never rewritten in place; ``compact`` replaces many
small parts with one.

An id can appear in two parts when two writers met the same article at once;
readers keep the first fetched (the ``articles`` view of corpus.export.view).
"""
from __future__ import annotations

import os
import secrets
from datetime import datetime, timezone
from pathlib import Path

import pyarrow as pa
import pyarrow.dataset as ds
import pyarrow.parquet as pq

from corpus.errors import UsageError

VN_TZ = "Asia/Ho_Chi_Minh"
# Not "corpus": run from a checkout, that is the Python package (its articles/ would land next to cli.py).
DEFAULT_CORPUS = "provnews-corpus"

ARTICLE_SCHEMA = pa.schema([
    pa.field("id", pa.string(), nullable=False),      # sha256(text)[:16]
    pa.field("url", pa.string(), nullable=False),     # canonical URL, first seen
    pa.field("urls", pa.list_(pa.string())),           # every URL the text was seen at
    pa.field("source", pa.string(), nullable=False),  # registry key
    pa.field("site_name", pa.string()),
    pa.field("kind", pa.string()),
    pa.field("province", pa.string()),                 # before the 2025 merger
    pa.field("province_after_2025", pa.string()),
    pa.field("title", pa.string()),
    pa.field("published", pa.timestamp("us", tz=VN_TZ)),
    pa.field("author", pa.string()),
    pa.field("text", pa.string(), nullable=False),    # paragraphs joined by "\n"
    pa.field("language", pa.string()),
    pa.field("word_count", pa.int32()),
    pa.field("categories", pa.list_(pa.string())),
    pa.field("tags", pa.list_(pa.string())),
    pa.field("fetched_at", pa.timestamp("us", tz="UTC"), nullable=False),
])

ALIAS_SCHEMA = pa.schema([
    pa.field("id", pa.string(), nullable=False),
    pa.field("url", pa.string(), nullable=False),
    pa.field("source", pa.string()),
    pa.field("seen_at", pa.timestamp("us", tz="UTC"), nullable=False),
])


def part_name() -> str:
    """Unique, time-ordered part file name (safe across processes and hosts)."""
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S%f")
    return f"part-{stamp}-{os.getpid()}-{secrets.token_hex(4)}.parquet"


def write_atomic(table: pa.Table, folder: Path, name: str | None = None) -> Path:
    """Write ``table`` as ``folder/name`` so that readers see all of it or nothing."""
    folder.mkdir(parents=True, exist_ok=True)
    final = folder / (name or part_name())
    tmp = folder / f".{final.name}.tmp"
    pq.write_table(table, tmp, compression="zstd")
    with open(tmp, "rb") as fh:
        os.fsync(fh.fileno())
    os.replace(tmp, final)
    dir_fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)
    return final


class Corpus:
    """A corpus folder: where articles are appended and read back."""

    def __init__(self, root: str | Path):
        self.root = Path(root)
        self.articles_dir = self.root / "articles"
        self.aliases_dir = self.root / "aliases"
        self.state_dir = self.root / "state"

    def ensure_writable(self) -> None:
        """Create the folders, or fail with one line saying why."""
        if (self.root / "__init__.py").exists():
            raise UsageError(f"corpus folder {self.root} is a Python package, not a corpus; choose another --corpus")
        try:
            for folder in (self.articles_dir, self.aliases_dir, self.state_dir):
                folder.mkdir(parents=True, exist_ok=True)
            probe = self.articles_dir / f".probe-{os.getpid()}"
            probe.write_bytes(b"")
            probe.unlink()
        except OSError as exc:
            raise UsageError(f"corpus folder {self.root} is not writable: {exc.strerror or exc}") from exc

    def append(self, rows: list[dict]) -> Path | None:
        """Store article rows (dicts with ARTICLE_SCHEMA's fields) as one new part."""
        if not rows:
            return None
        return write_atomic(pa.Table.from_pylist(rows, schema=ARTICLE_SCHEMA), self.articles_dir)

    def append_aliases(self, rows: list[dict]) -> Path | None:
        if not rows:
            return None
        return write_atomic(pa.Table.from_pylist(rows, schema=ALIAS_SCHEMA), self.aliases_dir)

    def parts(self) -> list[Path]:
        return sorted(self.articles_dir.glob("part-*.parquet")) if self.articles_dir.exists() else []

    def dataset(self, what: str = "articles") -> ds.Dataset:
        folder = self.root / what
        schema = ARTICLE_SCHEMA if what == "articles" else ALIAS_SCHEMA
        if not folder.exists():
            return ds.dataset(pa.Table.from_pylist([], schema=schema))
        return ds.dataset(folder, format="parquet", schema=schema)

    def read(self, columns: list[str] | None = None, what: str = "articles") -> pa.Table:
        return self.dataset(what).to_table(columns=columns)

    def known(self) -> tuple[set[str], set[str]]:
        """Ids and URL keys of everything stored (articles and aliases)."""
        from corpus.sources.urls import url_key

        ids: set[str] = set()
        keys: set[str] = set()
        articles = self.read(["id", "urls"])
        ids.update(articles.column("id").to_pylist())
        for urls in articles.column("urls").to_pylist():
            keys.update(url_key(u) for u in urls or ())
        aliases = self.read(["id", "url"], what="aliases")
        keys.update(url_key(u) for u in aliases.column("url").to_pylist())
        return ids, keys
