"""Labelled near-duplicate set, built deterministically from the seed articles.

Every seed is a real provincial Party-news article, and they share the set phrases
of the genre ("Nghị quyết Đại hội XIII", "xây dựng, chỉnh đốn Đảng"), so two
different seeds are distinct same-topic articles. Two sets of stories:

* ``full``: the five seeds;
* ``halves``: the first and second half of each seed's paragraphs, ten stories
  where the two halves of one seed are different articles about the same event.

Each story gets the edits outlets really make: a reprint with other boilerplate
and captions dropped, a changed paragraph, an updated version, a wire copy
("Theo TTXVN", a line removed), an abridged copy and a combination. Any two
documents of one story are near-duplicates; documents of different stories are
not. A story is never paired with a half of itself (the sets are kept apart).
"""
from __future__ import annotations

import random
import re
from itertools import combinations
from pathlib import Path

SEEDS = Path(__file__).resolve().parents[2] / "corpus" / "data" / "seeds"

_BOILERPLATE = re.compile(
    r"^(Tiếng Việt \| English|Chia sẻ bài viết|< Trở về trang trước|Gửi bình luận của bạn|https?://\S+"
    r"|.*\d{1,2}/\d{1,2}/\d{4}[ -]+\d{1,2}:\d{2}.*|.*\d{1,2}:\d{2}, \d{1,2}/\d{1,2}/\d{4}.*)$")

# Stock paragraphs of the genre, shared by unrelated articles (they make negatives harder).
STOCK = [
    "Phát biểu bế mạc, đồng chí Bí thư Tỉnh ủy yêu cầu các cấp ủy, tổ chức đảng tiếp tục quán triệt, "
    "triển khai thực hiện nghiêm túc Nghị quyết Đại hội XIII của Đảng, đẩy mạnh xây dựng, chỉnh đốn Đảng "
    "và hệ thống chính trị trong sạch, vững mạnh.",
    "Hội nghị đã biểu quyết thông qua Nghị quyết với tỷ lệ đồng thuận cao; giao Ban Thường vụ Tỉnh ủy "
    "chỉ đạo các cơ quan chuyên môn hoàn chỉnh văn bản để ban hành, triển khai thực hiện trong thời gian tới.",
    "Các đại biểu thống nhất cao với báo cáo đánh giá tình hình thực hiện nhiệm vụ chính trị, "
    "đồng thời đề xuất nhiều giải pháp nâng cao năng lực lãnh đạo, sức chiến đấu của tổ chức cơ sở đảng.",
    "Cùng dự có các đồng chí trong Ban Thường vụ Tỉnh ủy, lãnh đạo các sở, ban, ngành, "
    "đoàn thể tỉnh và Bí thư các huyện ủy, thị ủy, thành ủy.",
]
OUTLET_PREFIXES = ["ĐTO - ", "(LA) - ", "BVP - ", "(BTN) - "]
FOOTERS = [["Tin liên quan", "Từ khóa: xây dựng Đảng, Nghị quyết, Tỉnh ủy"],
           ["Nguồn: Báo điện tử Đảng Cộng sản Việt Nam", "In bài viết"],
           ["Tin cùng chuyên mục", "Gửi bình luận của bạn"]]


def seed_paragraphs(path: Path) -> list[str]:
    """The seed's text lines, without the site's boilerplate and date lines."""
    lines = (line.strip() for line in path.read_text(encoding="utf-8").splitlines())
    return [line for line in lines if line and not _BOILERPLATE.match(line)]


def _is_caption(paragraph: str) -> bool:
    return len(paragraph.split()) < 16 or "Ảnh:" in paragraph


def _rewrite(paragraph: str, rng: random.Random) -> str:
    """An editor's rewrite: about a third of the syllables dropped or replaced."""
    words = paragraph.split()
    out = []
    for word in words:
        roll = rng.random()
        if roll < 0.2:
            continue
        out.append(rng.choice(words) if roll < 0.35 else word)
    return " ".join(out)


def _longest(paragraphs: list[str]) -> list[int]:
    return sorted(range(len(paragraphs)), key=lambda i: -len(paragraphs[i]))


def reprint(ps: list[str], rng: random.Random) -> list[str]:
    body = [p for p in ps if not _is_caption(p)] or ps[:]
    body[0] = rng.choice(OUTLET_PREFIXES) + body[0]
    return body + rng.choice(FOOTERS)


def changed_paragraph(ps: list[str], rng: random.Random) -> list[str]:
    out = ps[:]
    i = rng.choice(_longest(ps)[:3])
    out[i] = _rewrite(out[i], rng)
    return out


def updated(ps: list[str], rng: random.Random) -> list[str]:
    """Later version: a figure in the lead corrected, a paragraph of news added at the end."""
    out = ps[:]
    out[0] = re.sub(r"\d+", lambda m: str(int(m.group()) + 1), out[0], count=1)
    return out + [rng.choice(STOCK), f"(Cập nhật lúc {rng.randrange(7, 22)}:{rng.randrange(60):02d})"]


def wire_copy(ps: list[str], rng: random.Random) -> list[str]:
    """A wire story as another outlet runs it: one caption (or short paragraph) gone, the credit line added."""
    out = ps[:]
    credited = out[-1] == "Theo TTXVN"
    body = range(1, len(out) - credited)
    captions = [i for i in body if _is_caption(out[i])] or [min(body, key=lambda i: len(out[i]))]
    del out[rng.choice(captions)]
    return out[:-1] + ["Nguồn: TTXVN"] if credited else out + ["Theo TTXVN"]


def abridged(ps: list[str], rng: random.Random) -> list[str]:
    """A reprint cut from the bottom (news puts the important first): a tenth to a fifth of the words."""
    budget = sum(len(p.split()) for p in ps) * rng.uniform(0.1, 0.2)
    out = ps[:]
    while len(out) > 1 and len(out[-1].split()) <= budget:
        budget -= len(out.pop().split())
    sentences = out[-1].split(". ")
    while len(sentences) > 1 and len(sentences[-1].split()) <= budget:
        budget -= len(sentences.pop().split())
    out[-1] = ". ".join(sentences)
    return out if out != ps else out[:-1]


def combined(ps: list[str], rng: random.Random) -> list[str]:
    return reprint(changed_paragraph(wire_copy(ps, rng), rng), rng)


EDITS = [reprint, changed_paragraph, updated, wire_copy, abridged, combined]


def stories() -> dict[str, dict[str, list[str]]]:
    """``{set name: {story: paragraphs}}``."""
    full, halves = {}, {}
    for path in sorted(SEEDS.glob("*.txt")):
        ps = seed_paragraphs(path)
        key = path.name[:3]
        full[key] = ps
        middle = len(ps) // 2
        halves[key + "a"], halves[key + "b"] = ps[:middle], ps[middle:]
    return {"full": full, "halves": halves}


def documents() -> dict[str, list[tuple[str, str, str]]]:
    """``{set name: [(doc id, story, text)]}``: each story as written and edited six ways."""
    out = {}
    for set_name, by_story in stories().items():
        docs = []
        for story, ps in by_story.items():
            docs.append((f"{story}-original", story, "\n".join(ps)))
            for edit in EDITS:
                rng = random.Random(f"{story}/{edit.__name__}")
                docs.append((f"{story}-{edit.__name__}", story, "\n".join(edit(ps, rng))))
        out[set_name] = docs
    return out


def labelled_pairs(docs: list[tuple[str, str, str]]) -> list[tuple[str, str, bool]]:
    """Every pair of one set's documents, labelled near-duplicate (same story) or not."""
    return [(a[0], b[0], a[1] == b[1]) for a, b in combinations(docs, 2)]


def article_row(text: str, published=None, *, source: str = "test", fetched_at=None) -> dict:
    """A stored-article row (corpus.store.ARTICLE_SCHEMA) whose id is the text's hash."""
    import hashlib
    from datetime import datetime, timezone

    id_ = hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]
    url = f"https://{source}.example.vn/{id_}.html"
    return {"id": id_, "url": url, "urls": [url], "source": source, "site_name": source, "kind": "newspaper",
            "province": "Long An", "province_after_2025": "Tây Ninh", "title": text.split("\n", 1)[0][:80],
            "published": published, "author": None, "text": text, "language": "vi",
            "word_count": len(text.split()), "categories": [], "tags": [],
            "fetched_at": fetched_at or datetime(2024, 1, 1, tzinfo=timezone.utc)}
