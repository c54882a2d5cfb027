"""The ``txt`` format: one file per article in the seed layout.

Layout of a file: the title; a blank line; ``dd/mm/yyyy - HH:MM`` in Vietnam
time (left out, with its blank line, when the date is unknown); a blank line;
the paragraphs separated by blank lines; the author after a blank line when
known. UTF-8, NFC, no trailing newline. Files are named ``NNN_<id>.txt``,
``NNN`` the 0-based position in publication order (then id, undated last),
three digits or as many as the largest number needs.
"""
from __future__ import annotations

import unicodedata
from pathlib import Path
from zoneinfo import ZoneInfo

from corpus.export.card import Split
from corpus.store.parts import VN_TZ

VIETNAM = ZoneInfo(VN_TZ)


def seed_text(article: dict) -> str:
    """One article (a row dict) as seed-format text."""
    blocks = [(article.get("title") or "").strip()]
    if article.get("published") is not None:
        blocks.append(article["published"].astimezone(VIETNAM).strftime("%d/%m/%Y - %H:%M"))
    blocks += [p.strip() for p in article["text"].split("\n") if p.strip()]
    if article.get("author"):
        blocks.append(article["author"].strip())
    return unicodedata.normalize("NFC", "\n\n".join(blocks))


def file_name(position: int, article_id: str, total: int) -> str:
    width = max(3, len(str(max(total - 1, 0))))
    return f"{position:0{width}d}_{article_id}.txt"


def write(snapshot, folder: Path) -> list[Split]:
    """Write every chosen article as its own file; ``load_dataset(OUT)`` reads one example per file."""
    position = 0
    for batch in snapshot.batches():
        for article in batch.to_pylist():
            path = folder / file_name(position, article["id"], snapshot.count)
            path.write_bytes(seed_text(article).encode("utf-8"))
            position += 1
    return [Split("train", "*.txt", position)]
