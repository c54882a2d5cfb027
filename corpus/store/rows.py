"""Article and alias rows, buffered and appended to the corpus as parts: shared by crawl,
import and re-extraction, so every way in stores the same columns."""
from __future__ import annotations

from datetime import datetime

from corpus.sources.urls import url_key
from corpus.store.parts import Corpus

ARTICLE_FIELDS = ("id", "url", "urls", "source", "title", "published", "author", "text", "language",
                  "word_count", "categories", "tags")


def article_row(item: dict, source, fetched_at: datetime) -> dict:
    archive = item.get("archive") or (None, None)
    return {**{k: item.get(k) for k in ARTICLE_FIELDS},
            "site_name": source.name, "kind": source.kind, "province": source.province,
            "province_after_2025": source.province_after_2025, "fetched_at": fetched_at,
            "archive": archive[0], "archive_offset": archive[1]}


class RowBuffer:
    """Rows waiting for the next part; ``known_keys`` (URL keys stored) grows as rows are added."""

    def __init__(self, corpus: Corpus, known_keys: set[str], flush_rows: int = 200):
        self.corpus, self.known_keys, self.flush_rows = corpus, known_keys, flush_rows
        self.rows: list[dict] = []
        self.aliases: list[dict] = []

    def add_article(self, item: dict, source, fetched_at: datetime) -> None:
        self.rows.append(article_row(item, source, fetched_at))
        self.known_keys.update(url_key(u) for u in item["urls"])

    def add_aliases(self, item: dict, seen_at: datetime) -> int:
        """Alias rows for the item's URLs not stored yet; returns how many."""
        new = [u for u in dict.fromkeys(item["urls"]) if url_key(u) not in self.known_keys]
        self.aliases += [{"id": item["id"], "url": u, "source": item["source"], "seen_at": seen_at} for u in new]
        self.known_keys.update(url_key(u) for u in new)
        return len(new)

    def full(self) -> bool:
        return len(self.rows) >= self.flush_rows

    def take(self) -> tuple[list[dict], list[dict]]:
        rows, aliases, self.rows, self.aliases = self.rows, self.aliases, [], []
        return rows, aliases

    def write(self, rows: list[dict], aliases: list[dict]) -> None:
        self.corpus.append_aliases(aliases)
        self.corpus.append(rows)

    def flush(self) -> None:
        self.write(*self.take())
