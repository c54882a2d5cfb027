"""Realistic Vietnamese article rows built from the bundled seed pages.

Tests and benchmarks need corpora without running a crawl. The seeds are
real pages as a reader sees them (date lines in several site styles, share
widgets, captions); ``seed_articles`` reads them into article rows and
``synthetic_articles`` recombines their paragraphs into as many distinct
articles as wanted, spread over the registry's outlets and over ten years.
"""
from __future__ import annotations

import random
import re
import unicodedata
from datetime import datetime, timedelta, timezone
from importlib import resources
from zoneinfo import ZoneInfo

from corpus.sources.registry import load_sources
from corpus.store.parts import VN_TZ, Corpus
from corpus.text.clean import article_id

VIETNAM = ZoneInfo(VN_TZ)
_WIDGETS = {"Tiếng Việt | English", "Chia sẻ bài viết", "< Trở về trang trước", "Gửi bình luận của bạn"}
_DATE = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")
_TIME = re.compile(r"(\d{1,2}):(\d{2})")


SEED_OUTLETS = ("baolongan", "baodongthap", "baovinhphuc")   # the outlets of the seed articles


def _date_line(line: str) -> datetime | None:
    """A short line holding dd/mm/yyyy and HH:MM in any order, as Vietnam time."""
    day, time = _DATE.search(line), _TIME.search(line)
    if not day or not time or len(line.split()) > 8:
        return None
    d, m, y = (int(g) for g in day.groups())
    return datetime(y, m, d, int(time.group(1)), int(time.group(2)), tzinfo=VIETNAM)


def _seed_fields(raw: str) -> dict:
    lines = [unicodedata.normalize("NFC", " ".join(line.split())) for line in raw.splitlines()]
    lines = [line for line in lines if line and line not in _WIDGETS
             and not line.startswith(("http://", "https://", ">>")) and not line.endswith(" |")]
    published = None
    for i, line in enumerate(lines[:4]):
        if (published := _date_line(line)) is not None:
            del lines[i]
            break
    title = lines.pop(0) if published is not None else None
    author = lines.pop() if len(lines[-1].split()) <= 6 and not lines[-1].endswith(".") else None
    return {"title": title, "published": published, "author": author, "paragraphs": lines}


def seed_articles() -> list[dict]:
    """The bundled seeds as title/published/author/paragraphs dicts (title None when the page lacks one)."""
    folder = resources.files("corpus.data").joinpath("seeds")
    return [_seed_fields(f.read_text("utf-8"))
            for f in sorted(folder.iterdir(), key=lambda f: f.name) if f.name.endswith(".txt")]


def article_row(*, source, title, paragraphs, published=None, author=None, url=None,
                fetched_at=None, categories=()) -> dict:
    """One ARTICLE_SCHEMA row for ``source`` (a registry Source), id and word count derived."""
    text = "\n".join(paragraphs)
    ident = article_id(text)
    url = url or f"{source.homepage.rstrip('/')}/tin-tuc/{ident}.html"
    return {
        "id": ident, "url": url, "urls": [url], "source": source.key, "site_name": source.name,
        "kind": source.kind, "province": source.province, "province_after_2025": source.province_after_2025,
        "title": title, "published": published, "author": author, "text": text, "language": "vi",
        "word_count": len(text.split()), "categories": list(categories), "tags": [],
        "fetched_at": fetched_at or datetime(2026, 1, 1, tzinfo=timezone.utc),
    }


def synthetic_articles(count: int, seed: int = 0, sources=None, start: int = 0, shuffle_words: bool = False):
    """Yield ``count`` distinct rows (about 300 words) mixing the seeds' paragraphs.

    Row ``i`` depends only on (seed, i), so ``start`` continues a sequence.
    One in twenty has no publication date, one in five no author.
    ``shuffle_words`` reorders each paragraph's words, so that texts do not
    share long runs and compress like real text (for benchmarks).
    """
    pages = seed_articles()
    pool = [p for page in pages for p in page["paragraphs"] if len(p.split()) >= 12]
    titles = [page["title"] for page in pages if page["title"]]
    authors = [page["author"] for page in pages if page["author"]]
    sources = sources or [s for s in load_sources() if s.key in SEED_OUTLETS]
    first_day = datetime(2015, 1, 1, 6, 0, tzinfo=VIETNAM)
    for i in range(start, start + count):
        rng = random.Random(f"{seed}:{i}")
        source = rng.choice(sources)
        paragraphs = rng.sample(pool, 5)
        if shuffle_words:
            paragraphs = [" ".join(rng.sample(p.split(), len(p.split()))) for p in paragraphs]
        paragraphs.insert(1, f"Bản tin số {i} của {source.name}, phóng viên ghi nhận tại cơ sở.")
        published = None if rng.random() < 0.05 else first_day + timedelta(
            days=rng.randrange(3650), minutes=rng.randrange(16 * 60))
        yield article_row(
            source=source, title=f"{rng.choice(titles)} ({i})", paragraphs=paragraphs, published=published,
            author=None if rng.random() < 0.2 else rng.choice(authors),
            fetched_at=datetime(2026, 1, 1, tzinfo=timezone.utc) + timedelta(seconds=i),
            categories=[rng.choice(["Chính trị", "Kinh tế", "Xã hội"])])


def publication_order(row: dict) -> tuple:
    """Sort key of the export order (publication time, then id, undated last), in plain Python."""
    return (row["published"] is None, row["published"] or datetime.min.replace(tzinfo=VIETNAM), row["id"])


def build_corpus(root, count: int, seed: int = 0, sources=None, part_rows: int = 5000, shuffle_words: bool = False):
    """A corpus of ``count`` synthetic articles, appended ``part_rows`` at a time (one part each)."""
    corpus = Corpus(root)
    for start in range(0, count, part_rows):
        corpus.append(list(synthetic_articles(min(part_rows, count - start), seed, sources, start, shuffle_words)))
    return corpus
