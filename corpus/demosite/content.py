"""Ground-truth articles: the seeds verbatim, then deterministic recombinations.

Every article records what a correct extractor must produce (title, published,
author, paragraphs with the lead first) next to what only the page shows
(captions, an inline ">>" related link, a video), so tests can check both that
the text is kept and that the boilerplate is not.
"""
from __future__ import annotations

import hashlib
import random
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from importlib import resources

from corpus.demosite import vocab

VN_TZ = timezone(timedelta(hours=7), "ICT")
FIRST_DAY = datetime(2019, 1, 1, tzinfo=VN_TZ)
LAST_DAY = datetime(2025, 6, 30, tzinfo=VN_TZ)
PROVINCE_OF = {"demo-longan": "Long An", "demo-dongthap": "Đồng Tháp", "demo-vinhphuc": "Vĩnh Phúc",
               "demo-portal": "Vĩnh Phúc"}  # the SharePoint portal (portal.py) writes as a Vĩnh Phúc outlet


@dataclass(frozen=True)
class Article:
    """One article as the site serves it, with the expected extraction."""

    site: str
    url: str
    title: str
    published: datetime
    author: str | None
    paragraphs: tuple[str, ...]            # lead first; no captions, no boilerplate
    category: str                          # category key, e.g. "chinh-tri"
    tags: tuple[str, ...] = ()
    cms_id: int = 0
    path: str = ""
    captions: tuple[tuple[int, str], ...] = ()   # (after paragraph index, caption shown on the page)
    related_inline: int | None = None      # paragraph index followed by a ">> other article" link
    video: str | None = None               # video file embedded above the lead
    copy_of: str | None = None             # URL of the same text on another site (syndicated copy)
    revision_of: str | None = None         # URL of the earlier version (one paragraph differs)
    nfd: bool = False                      # text served in decomposed Unicode
    raw_paragraphs: tuple[str, ...] = field(default=(), repr=False)  # as written (NBSP etc.)
    credit: str | None = None              # source credit printed as the byline ("Theo TTXVN"): not the author

    @property
    def byline(self) -> str | None:
        """What the page prints as the byline: the author, or the source credit."""
        return self.author or self.credit

    def __post_init__(self):
        if not self.raw_paragraphs:
            object.__setattr__(self, "raw_paragraphs", self.paragraphs)

    @property
    def text(self) -> str:
        return "\n".join(self.paragraphs)

    @property
    def id(self) -> str:
        """The project's article id: sha256 of the text, 16 hex digits."""
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()[:16]

    @property
    def category_name(self) -> str:
        return vocab.CATEGORIES[self.category][0]


def clean(text: str) -> str:
    """Whitespace collapsed (NBSP included), as extraction should leave it."""
    return " ".join(text.split())


def slugify(text: str, words: int = 12) -> str:
    """Vietnamese title -> ASCII URL slug, as the outlets' CMSs make them."""
    text = text.replace("đ", "d").replace("Đ", "D")
    text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    parts = re.sub(r"[^a-zA-Z0-9]+", " ", text).lower().split()
    return "-".join(parts[:words])


# --- the seeds -----------------------------------------------------------------------------------

SEED_FACTS = {
    # file prefix: site, title (None: first line), published, author, category
    "000": ("demo-longan", "Thường trực Ban Bí thư Võ Văn Thưởng làm việc với Ban Thường vụ Tỉnh ủy Long An",
            (2022, 7, 29, 17, 45, 0), None, "chinh-tri"),
    "001": ("demo-longan", None, (2023, 11, 28, 14, 31, 0), "Thanh Nga - Thái Bạch", "chinh-tri"),
    "004": ("demo-longan", None, (2019, 5, 10, 14, 18, 0), "Thanh Nga", "chinh-tri"),
    "002": ("demo-dongthap", None, (2023, 3, 21, 18, 53, 24), "Ngân Nguyễn", "chinh-tri"),
    "003": ("demo-vinhphuc", None, (2021, 9, 25, 16, 58, 0), "Theo TTXVN", "chinh-tri"),   # a credit
}
BOILERPLATE_LINES = {"Tiếng Việt | English", "Chia sẻ bài viết", "< Trở về trang trước", "Gửi bình luận của bạn"}
DATE_LINE = re.compile(r"^(?:\d{2}/\d{2}/\d{4} - \d{2}:\d{2}|Cập nhật ngày: .*|.* - Ngày đăng : .*)$")
PARAGRAPH_END = tuple(".…;”\"/!?")


def _is_credit(byline: str | None) -> bool:
    """"Theo TTXVN", "Theo Báo Long An": a source credit, which the page prints as its byline."""
    return bool(byline) and byline.startswith("Theo ")


def _is_caption(line: str) -> bool:
    return "Ảnh:" in line or not line.rstrip(" |").endswith(PARAGRAPH_END)


def seed_articles(site: str) -> list[Article]:
    """The seeds of one site, parsed into ground truth (url and id filled in later)."""
    out = []
    folder = resources.files("corpus.data").joinpath("seeds")
    for entry in sorted(folder.iterdir(), key=lambda p: p.name):
        facts = SEED_FACTS.get(entry.name[:3])
        if not facts or facts[0] != site:
            continue
        _, title, when, author, category = facts
        lines = [l for l in entry.read_text("utf-8").split("\n") if l.strip()]
        if title is None:
            title = lines.pop(0) if not lines[0] in BOILERPLATE_LINES else None
        paragraphs, captions, related, video = [], [], None, None
        for line in lines:
            stripped = clean(line)
            if title is None and not DATE_LINE.match(stripped) and stripped not in BOILERPLATE_LINES:
                title = stripped          # Long An seeds: switch, date, then the title
                continue
            if stripped in BOILERPLATE_LINES or DATE_LINE.match(stripped) or stripped == author \
                    or stripped == clean(title):
                continue
            if stripped.startswith("http"):
                video = stripped
            elif stripped.startswith(">>"):
                related = len(paragraphs) - 1
            elif _is_caption(stripped):
                captions.append((len(paragraphs) - 1, stripped.rstrip(" |")))
            else:
                paragraphs.append(line.strip())
        out.append(Article(
            site=site, url="", title=clean(title), published=datetime(*when, tzinfo=VN_TZ),
            author=None if _is_credit(author) else author, credit=author if _is_credit(author) else None,
            paragraphs=tuple(clean(p) for p in paragraphs), category=category,
            tags=("xây dựng Đảng", "Nghị quyết", "Tỉnh ủy"), captions=tuple(captions),
            related_inline=related, video=video, raw_paragraphs=tuple(paragraphs)))
    return out


def _sentences() -> list[str]:
    """Every body sentence of every seed: the material synthetic paragraphs are made of."""
    pool = []
    for site in PROVINCE_OF:
        for art in seed_articles(site):
            for p in art.paragraphs[1:]:
                pool += [s for s in re.split(r"(?<=[.…])\s+(?=[A-ZĐ“À-Ỹ])", p)
                         if len(s.split()) >= 8 and s.count("“") == s.count("”")]
    return pool


SENTENCES = _sentences()


# --- synthetic articles --------------------------------------------------------------------------

class Writer:
    """Makes the k-th synthetic article of a site; the same (seed, site, k) gives the same article."""

    def __init__(self, site: str, seed: int, seconds: bool = False):
        self.site, self.seed, self.seconds = site, seed, seconds
        self.province = PROVINCE_OF[site]
        others = [p for p in PROVINCE_OF.values() if p != self.province]
        self.pool = [self._localise(s, others) for s in SENTENCES]
        self.titles: set[str] = set()

    def _localise(self, sentence: str, others: list[str]) -> str:
        for other in others:
            sentence = sentence.replace(other, self.province)
        return sentence

    def _fill(self, rng: random.Random, template: str, year: int) -> str:
        return template.format(P=self.province, D=rng.choice(vocab.DISTRICTS[self.province]), Y=year,
                               n=rng.randint(2, 9), person=rng.choice(vocab.PEOPLE[self.province]),
                               position=rng.choice(vocab.POSITIONS))

    def article(self, k: int, categories: list[str], published: datetime | None = None) -> Article:
        rng = random.Random(f"{self.seed}:{self.site}:{k}")
        if published is None:
            span = int((LAST_DAY - FIRST_DAY).total_seconds() // 60)
            published = FIRST_DAY + timedelta(minutes=rng.randrange(span))
            published = published.replace(hour=rng.randint(6, 21))
        published = published.replace(second=rng.randrange(60) if self.seconds else 0, microsecond=0)
        category = rng.choice(categories)
        _, topics, tags = vocab.CATEGORIES[category]
        year = published.year
        while True:
            org = self._fill(rng, rng.choice(vocab.ORGS), year)
            topic = self._fill(rng, rng.choice(topics), year)
            title = f"{org} {rng.choice(vocab.TITLE_VERBS)} {topic}"
            if title not in self.titles:
                break
        self.titles.add(title)
        prefix = "ĐTO - " if self.site == "demo-dongthap" else ""
        lead = (f"{prefix}{rng.choice(vocab.DAY_PARTS)} {published.day}/{published.month}, {org} "
                f"{rng.choice(vocab.LEAD_EVENTS)} {topic}. "
                + self._fill(rng, "Dự hội nghị có đồng chí {person} - {position}.", year))
        body_count = rng.randint(3, 11)
        sentences = rng.sample(self.pool, min(len(self.pool), body_count * 4))
        body = []
        for _ in range(body_count):
            n = rng.randint(1, 4)
            take, sentences = sentences[:n], sentences[n:]
            body.append(" ".join(take))
        paragraphs = (lead, *[p for p in body if p])
        captions = [(rng.randrange(len(paragraphs) - 1),
                     self._fill(rng, template, year) + rng.choice(vocab.CAPTION_CREDITS[self.site]))
                    for template in rng.sample(vocab.CAPTIONS, rng.randint(1, 3))]
        byline = rng.choice(vocab.AUTHORS[self.site]) if rng.random() > 0.2 else None
        credit = byline if _is_credit(byline) else None
        return Article(site=self.site, url="", title=title, published=published,
                       author=None if credit else byline, credit=credit,
                       paragraphs=paragraphs, category=category, tags=tuple(rng.sample(tags, 2)),
                       captions=tuple(sorted(captions)))

    def revise(self, article: Article, k: int) -> Article:
        """The same article updated later: one body paragraph rewritten."""
        rng = random.Random(f"{self.seed}:{self.site}:revision:{k}")
        index = rng.randrange(1, len(article.paragraphs))
        new = " ".join(rng.sample([s for s in self.pool if s not in article.text], 2))
        paragraphs = article.paragraphs[:index] + (new,) + article.paragraphs[index + 1:]
        return Article(site=self.site, url="", title=article.title, published=article.published + timedelta(days=1),
                       author=article.author, credit=article.credit, paragraphs=paragraphs,
                       category=article.category, tags=article.tags,
                       captions=article.captions)


def english_article(site: str, title: str, published: datetime) -> Article:
    """An article-shaped page whose text is not Vietnamese."""
    return Article(site=site, url="", title=title, published=published, author="Staff writer",
                   paragraphs=tuple(vocab.ENGLISH_PARAGRAPHS), category="kinh-te")
