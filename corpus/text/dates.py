"""Publication times as Vietnamese pages print them, to the minute, in Vietnam time.

Metadata goes first (``article:published_time``, ``itemprop=datePublished``, JSON-LD, any
``<time datetime>``), but a visible date line with a time of day beats metadata that carries
only a day: a time is never thrown away for a date-only value. The visible line is searched
in a bounded window of text nodes around the headline, not over the whole page.

Vietnamese CMSs print the day first (``18/01/2026``, ``22-4-25``, ``13 Tháng 10 2015``,
``ngày 08 tháng 12 năm 2024``) and the time before or after it, glued to labels, weekdays,
view counts and ``(GMT+7)``. Some ASP.NET portals print US month-first dates
(``4/8/2024 5:54:00 PM``): an impossible day or month decides, else the page's other dates.
htmldate (via trafilatura) stays the last fallback, in extract.py.
"""
from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from itertools import islice
from zoneinfo import ZoneInfo

from corpus.text.clean import clean_line

VN = ZoneInfo("Asia/Ho_Chi_Minh")

_MONTH_WORDS = {"một": 1, "giêng": 1, "hai": 2, "ba": 3, "tư": 4, "bốn": 4, "năm": 5, "sáu": 6, "bảy": 7,
                "tám": 8, "chín": 9, "mười": 10, "mười một": 11, "mười hai": 12, "chạp": 12}
_MONTH_WORD = "|".join(sorted(_MONTH_WORDS, key=len, reverse=True))

# Day-month-year in digits (any of / . -), two- or four-digit year.
NUMERIC_DATE = re.compile(r"(?<![\d/.-])(\d{1,2})[/.-](\d{1,2})[/.-](\d{4}|\d{2})(?![\d/.-]|:\d)")
# Year first, as some CMSs print it in visible text: 2024-04-08, 2024/04/08.
YEAR_FIRST_DATE = re.compile(r"(?<![\d/.-])(\d{4})[/.-](\d{1,2})[/.-](\d{1,2})(?![\d/.-])")
# Month written out: "13 Tháng 10 2015", "ngày 08 tháng 12 năm 2024", "Ngày 5 tháng Mười, 2023".
WORDED_DATE = re.compile(rf"(?<!\d)(\d{{1,2}})\s+tháng\s+(\d{{1,2}}|{_MONTH_WORD})\s*(?:năm|,)?\s*(\d{{4}})(?!\d)", re.I)
# 14:31, 8:28:04 AM, 10h30, 14g30, 17:54' (a prime after the minutes), 09 giờ 15.
TIME = re.compile(r"(?<![\d:])(\d{1,2})\s*(?::|h|g|giờ)\s*(\d{2})(?::(\d{2}))?(?!\d)'?\s*(am|pm|sa|ch)?(?![a-zà-ỹ])",
                  re.I)
OFFSET = re.compile(r"gmt\s*([+-])\s*(\d{1,2})(?::?(\d{2}))?", re.I)

# Words a date line carries besides the date itself (compared casefolded). The first kind
# label a date line even after a category name ("Chính trị - Ngày đăng : 16:58, 25/09/2021").
DATE_LABELS = re.compile(
    r"ngày đăng|đăng ngày|ngày cập nhật|cập nhật(?: ngày| lúc)?|đăng lúc|gửi lúc|thời gian đăng|"
    r"được đăng|xuất bản|thứ (?:hai|ba|tư|năm|sáu|bảy|[2-7])|chủ nhật|lượt xem|lượt đọc|gmt", re.I)
DATE_WORDS = re.compile(r"thời gian|ngày|lúc|bình luận|in bài này|clock|am|pm", re.I)


def _year(text: str) -> int:
    year = int(text)
    return year if year >= 100 else 2000 + year if year < 70 else 1900 + year


def _month(text: str) -> int:
    return int(text) if text.isdigit() else _MONTH_WORDS[text.casefold()]


def find_dates(text: str) -> list[tuple[int, int, tuple[int, int, int], bool]]:
    """(start, end, (day, month, year), numeric) of every date in ``text``; for numeric dates
    (``numeric``) day and month swap when the page turns out month-first (``date_order``)."""
    found = [(m.start(), m.end(), (int(m[1]), int(m[2]), _year(m[3])), True) for m in NUMERIC_DATE.finditer(text)]
    found += [(m.start(), m.end(), (int(m[3]), int(m[2]), int(m[1])), False) for m in YEAR_FIRST_DATE.finditer(text)]
    found += [(m.start(), m.end(), (int(m[1]), _month(m[2]), int(m[3])), False) for m in WORDED_DATE.finditer(text)]
    return sorted(found)


def date_order(texts) -> str:
    """"mdy" when the page's numeric dates show a second field above 12 and none a first one
    above 12 (a US-format ASP.NET site), else "dmy", the Vietnamese order."""
    day_first = month_first = False
    for text in texts:
        for match in NUMERIC_DATE.finditer(text):
            first, second = int(match[1]), int(match[2])
            day_first |= first > 12 >= second
            month_first |= second > 12 >= first
    return "mdy" if month_first and not day_first else "dmy"


def _clock(match: re.Match) -> tuple[int, int, int] | None:
    hour, minute, second = int(match[1]), int(match[2]), int(match[3] or 0)
    meridiem = (match[4] or "").casefold()
    if meridiem in ("pm", "ch") and hour < 12:
        hour += 12
    elif meridiem in ("am", "sa") and hour == 12:
        hour = 0
    return (hour, minute, second) if hour < 24 and minute < 60 and second < 60 else None


def _offset(text: str):
    match = OFFSET.search(text)
    if not match:
        return VN
    sign = 1 if match[1] == "+" else -1
    return timezone(sign * timedelta(hours=int(match[2]), minutes=int(match[3] or 0)))


def parse_vn_datetime(text: str, order: str = "dmy", max_gap: int = 30) -> datetime | None:
    """The first date in ``text`` with the time printed nearest it (before or after, at most
    ``max_gap`` characters away), in Vietnam time unless a GMT offset is printed."""
    dates = find_dates(text)
    for start, end, (day, month, year), numeric in dates:
        if numeric and ((order == "mdy" and day <= 12) or month > 12 >= day):   # printed month-first
            day, month = month, day
        clocks = [(min(abs(m.start() - end), abs(start - m.end())), m) for m in TIME.finditer(text)
                  if m.end() <= start or m.start() >= end]
        clocks = [c for c in clocks if c[0] <= max_gap]
        hms = _clock(min(clocks, key=lambda c: c[0])[1]) if clocks else None
        try:
            return datetime(year, month, day, *(hms or (0, 0, 0)), tzinfo=_offset(text)).astimezone(VN)
        except ValueError:
            continue
    return None


def has_time(text: str) -> bool:
    return TIME.search(text) is not None


def _letters(text: str) -> str:
    """What is left of a date line without its dates, times and date words."""
    for match in reversed(find_dates(text)):
        text = text[:match[0]] + " " + text[match[1]:]
    text = DATE_WORDS.sub(" ", DATE_LABELS.sub(" ", TIME.sub(" ", text)))
    return re.sub(r"[\W\d_]+", " ", text).strip()


def is_date_line(line: str, strict: bool = True) -> bool:
    """A line that is only a date (and time), with its labels, weekday, view count or GMT note.

    ``strict`` (body cleaning) allows only a category of at most 40 characters before a
    label ("Chính trị - Ngày đăng : 16:58, 25/09/2021"), nothing after it, so a dated body line
    ("Thứ Bảy, 20/01/2024: khai mạc hội chợ") stays; otherwise (looking for the date line near
    the headline) a few stray letters are allowed, such as an icon's name glued to the weekday
    ("ClockThứ Năm, 05/03/2026 10:17")."""
    if len(line) > 120 or not find_dates(line):
        return False
    label = DATE_LABELS.search(line)
    rest = _letters(line)
    if not rest:
        return True
    if not strict:
        return len(rest) <= 12 or (label is not None and len(rest) <= 40)
    return label is not None and label.start() <= 40 and not _letters(line[label.start():])


def parse_iso_datetime(value: str) -> datetime | None:
    """ISO 8601 from metadata; a naive value is taken as Vietnam time."""
    try:
        parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except (ValueError, AttributeError):
        return None
    return parsed.astimezone(VN) if parsed.tzinfo else parsed.replace(tzinfo=VN)


def iso_has_time(value: str) -> bool:
    """Metadata that names a time of day (not a bare day, not an exact midnight placeholder)."""
    match = re.search(r"T(\d{2}):(\d{2})", value or "")
    return bool(match) and match.group(1, 2) != ("00", "00")


# Metadata naming the publication time, most trusted first; one pass over the <meta> elements.
META_DATE = "//meta[@content][@property='article:published_time' or @itemprop='datePublished' or @name='pubdate'" \
            " or @name='publishdate' or @name='date']"
META_RANK = ("article:published_time", "datePublished", "pubdate", "publishdate", "date")
ITEMPROP_DATE = "//*[@itemprop='datePublished']/@datetime"
# The page's first text nodes, when there is no headline to search around.
TEXT_FIRST = "(//body//text()[normalize-space()][not(parent::script or parent::style)])[position() <= $n]"
SKIP_TEXT = {"script", "style", "noscript", "template"}
TIME_NEAR = ("following::time[@datetime][1]/@datetime", "preceding::time[@datetime][1]/@datetime")


def _metadata_values(tree, anchor, ld_items: list[dict]):
    """Publication times the page declares, most trusted first (read lazily: the first one
    with a time of day ends the search)."""
    metas = tree.xpath(META_DATE)
    rank = {name: n for n, name in enumerate(META_RANK)}
    yield from (m.get("content") for m in sorted(metas, key=lambda m: min(
        rank.get(m.get(attr), len(rank)) for attr in ("property", "itemprop", "name"))))
    yield from (item["datePublished"] for item in ld_items if isinstance(item.get("datePublished"), str))
    yield from tree.xpath(ITEMPROP_DATE)
    # <time datetime> without itemprop: the one next to the headline (others date related links).
    near = [v for xpath in TIME_NEAR for v in anchor.xpath(xpath)] if anchor is not None else []
    yield from near[:1] or tree.xpath("//time/@datetime")[:1]


def _texts(element):
    """Text nodes inside ``element`` in page order (not its tail), scripts skipped."""
    if not isinstance(element.tag, str) or element.tag in SKIP_TEXT:
        return
    if element.text:
        yield element.text
    for child in element:
        yield from _texts(child)
        if child.tail:
            yield child.tail


def _texts_backwards(element):
    """Text nodes inside ``element`` from the last to the first (not its tail), scripts skipped."""
    if not isinstance(element.tag, str) or element.tag in SKIP_TEXT:
        return
    for child in reversed(element):
        if child.tail:
            yield child.tail
        yield from _texts_backwards(child)
    if element.text:
        yield element.text


def _after(anchor):
    """Text nodes after ``anchor`` (outside it), nearest first: lazily, so a bounded window
    costs what it reads, not a walk of the whole page (the XPath following:: axis does that)."""
    node = anchor
    while node is not None:
        if node.tail:
            yield node.tail
        for sibling in node.itersiblings():
            yield from _texts(sibling)
            if sibling.tail:
                yield sibling.tail
        node = node.getparent()


def _before(anchor):
    """Text nodes before ``anchor`` (outside it), nearest first."""
    node = anchor
    while node is not None:
        for sibling in node.itersiblings(preceding=True):
            if sibling.tail:
                yield sibling.tail
            yield from _texts_backwards(sibling)
        node = node.getparent()
        if node is not None and node.text:
            yield node.text


def _nonblank(texts, n: int) -> list[str]:
    return [clean_line(t) for t in islice((t for t in texts if not t.isspace()), n)]


def _window(tree, anchor, before: int = 12, after: int = 40) -> tuple[list[str], list[int]]:
    """Text nodes around the headline in page order, and their indices nearest the headline
    first (ties go to the text after it, the usual place); the page's first text nodes when
    there is no headline."""
    if anchor is None:
        first = [clean_line(t) for t in tree.xpath(TEXT_FIRST, n=before + after)]
        return first, list(range(len(first)))
    earlier = _nonblank(_before(anchor), before)[::-1]
    later = _nonblank(_after(anchor), after)
    split = len(earlier)
    texts = earlier + later
    return texts, sorted(range(len(texts)), key=lambda i: (i - split if i >= split else split - 1 - i, i < split))


def visible_date(tree, anchor) -> tuple[datetime | None, bool]:
    """The date line nearest the headline: (time, whether it printed a time of day).

    A line with a date only takes its time from the next text node when that node is only a
    time ("Chủ nhật, ngày 08 tháng 12 năm 2024" / "16:02 (GMT +7)")."""
    texts, nearest = _window(tree, anchor)
    order = date_order(texts)
    dated_only = None
    for i in nearest:
        text = texts[i]
        if not text or not is_date_line(text, strict=False):
            continue
        if has_time(text):
            return parse_vn_datetime(text, order), True
        following = texts[i + 1] if i + 1 < len(texts) else ""
        if has_time(following) and not find_dates(following) and len(following) < 30:
            return parse_vn_datetime(f"{text} {following}", order, max_gap=80), True
        dated_only = dated_only or parse_vn_datetime(text, order)
    return dated_only, False


def find_published(tree, anchor, ld_items: list[dict]) -> datetime | None:
    """Publication time: metadata with a time of day, else the visible date line near the
    headline (``anchor``), else metadata with a day only."""
    day_only = None
    for value in _metadata_values(tree, anchor, ld_items):
        parsed = parse_iso_datetime(value)
        if parsed and iso_has_time(value):
            return parsed
        day_only = day_only or parsed
    shown, timed = visible_date(tree, anchor)
    if shown and (timed or day_only is None):
        return shown
    return day_only or shown
