"""Site furniture in extracted text: the lines Vietnamese CMSs put around and inside a body.

trafilatura keeps whatever sits in the article's container, and on Vietnamese sites that
container (often a layout table) also holds share and print links, "Theo dõi Báo … trên
Google News", breadcrumbs, view counters, captions, the date line, related-article lists
("Tin cùng chuyên mục", items like ``- Title (dd/mm/yyyy)``) and unrendered template
placeholders. These rules work on the extracted lines; they are cheap and one pass.
"""
from __future__ import annotations

import re

from corpus.text.bylines import is_credit, looks_like_names
from corpus.text.clean import clean_line
from corpus.text.dates import is_date_line

# Whole lines that are site furniture, not article text (compared casefolded, NFC).
BOILERPLATE_LINES = {
    "chia sẻ bài viết", "chia sẻ", "chia sẻ:", "in bài viết", "in bài", "in bài này", "gửi bình luận",
    "gửi bình luận của bạn", "bình luận", "ý kiến bạn đọc", "< trở về trang trước", "trở về trang trước",
    "quay lại", "về đầu trang", "tiếng việt | english", "tiếng việt | english |", "english | tiếng việt",
    "gửi", "gửi bài", "email", "facebook", "twitter", "zalo", "lượt xem", "đánh giá bài viết",
    "bản in", "phóng to", "thu nhỏ", "cỡ chữ", "nghe đọc bài", "đọc báo in", "tải ứng dụng", "google news",
    "skip to main content", "chi tiết", "trang chủ", "< trước", "tiếp theo >",
}
# Headings of related-article boxes: the heading and the list of titles after it go.
RELATED_HEADINGS = {
    "tin liên quan", "tin cùng chuyên mục", "tin khác", "các tin khác", "tin đã đưa", "các tin đã đưa",
    "tin mới nhất", "tin đọc nhiều", "xem thêm", "đọc thêm", "bài viết liên quan", "bài liên quan",
    "tin bài liên quan", "tin cùng loại", "tin mới hơn", "tin cũ hơn", "các bài viết khác",
}
# Lines that start like furniture: tags, counters, breadcrumbs, "follow us", media links.
BOILERPLATE_PREFIX = re.compile(
    r"^(?:từ khóa|từ khoá|tags?\b|chủ đề|xem thêm|tin liên quan|đọc thêm|>>|» |chia sẻ:|"
    r"lượt xem|nguồn ảnh|tổng số lượt truy cập|đang trực tuyến|lượt truy cập|viết bởi |"
    r"theo dõi .{0,60}(?:google news|trên)$|trang chủ\s*[»>›/|]|https?://\S+$)", re.I)
# An unrendered template placeholder ("{title}", "{{ summary }}", "[%title%]").
PLACEHOLDER = re.compile(r"\{\{?\s*[\w.]+\s*\}\}?|\[%\s*\w+\s*%\]")
# Captions as text: "Ảnh: …", "(Ảnh tư liệu)", "Trong ảnh: …", or a short line ending in a photo credit.
CAPTION = re.compile(
    r"^(?:\(?ảnh(?: minh họa| minh hoạ| tư liệu)?\)?\s*[:.]|trong ảnh\s*:|\(ảnh[^)]{0,60}\)$|ảnh minh họa$)"
    r"|(?:[.\s–-]|^)\(?ảnh\s*(?::|minh họa|minh hoạ|tư liệu)[^.()]{0,60}\)?\.?$", re.I)
# A related item: "- Title (17/01/2020)", "Title (20/04/2015)".
RELATED_ITEM = re.compile(r"^(?:[-–•*+»›]\s*)?.{8,220}?\s\(\d{1,2}[/.-]\d{1,2}(?:[/.-]\d{2,4})?\)$")
# The outlet marker alone on its line ("(Baonghean.vn) -", "ĐTO -"): it belongs to the lead after it.
MARKER_ONLY = re.compile(r"^\(?[A-ZĐ][\w.+]{1,24}\)?\s*[-–]$")
# A one-cell table row as trafilatura prints it ("| Tin liên quan: |"): layout, not data.
SINGLE_CELL = re.compile(r"^\|\s*([^|]*?)\s*\|$")
# A stray mark left on its own line by the CMS editor (".", "*", "…"); table rules ("|---|") stay.
STRAY_MARK = re.compile(r"[.…,;:*·•~_–—-]{1,3}")
MAX_CAPTION_WORDS = 40
# The first paragraph seen again is a repeated lead (long repeats elsewhere can be real: a
# meal plan, a schedule); a short first line seen again is a list item.
MIN_REPEAT_WORDS = 10


def is_boilerplate(line: str) -> bool:
    low = line.casefold().strip()
    return (low in BOILERPLATE_LINES or bool(BOILERPLATE_PREFIX.match(low)) or bool(STRAY_MARK.fullmatch(low))
            or is_date_line(low)
            or (PLACEHOLDER.search(low) is not None and not PLACEHOLDER.sub("", low).strip(" |-:")))


def is_caption(line: str) -> bool:
    return len(line.split()) <= MAX_CAPTION_WORDS and CAPTION.search(line) is not None


def _is_prose(line: str) -> bool:
    """A sentence of the article rather than the title of another one."""
    return len(line.split()) > 25 or line.rstrip("”\"'»)").endswith((".", "?", "!", ":", ";", "…"))


def drop_related(lines: list[str]) -> list[str]:
    """Related-article headings and the titles listed under them, and dated related items.

    After a heading, lines go while they read like titles; the first sentence or signature
    line ends the list (an inline "Tin liên quan" box in the middle of a body)."""
    out, in_list = [], False
    for line in lines:
        key = line.casefold().rstrip(" :")
        if key in RELATED_HEADINGS:
            in_list = True
            continue
        if RELATED_ITEM.match(line) and len(line.split()) <= 30:
            continue
        if in_list and not (_is_prose(line) or looks_like_names(line) or is_credit(line)):
            continue
        in_list = False
        out.append(line)
    return out


def _drop_before_title(lines: list[str], title_key: str | None) -> list[str]:
    """A site menu printed before the headline: short lines up to the title line go."""
    if not title_key:
        return lines
    for i, line in enumerate(lines[:40]):
        if line.casefold() == title_key:
            return lines[i + 1:] if all(len(x.split()) <= 8 for x in lines[:i]) else lines[:i] + lines[i + 1:]
    return lines


def clean_paragraphs(text: str, title: str | None = None) -> list[str]:
    """Article paragraphs from extractor output: cleaned, furniture, captions and title removed,
    the lead once, an outlet marker joined to its lead."""
    title_key = clean_line(title).casefold() if title else None
    lines = [clean_line(raw) for raw in text.splitlines()]
    lines = [cell[1] if (cell := SINGLE_CELL.match(line)) else line for line in lines]
    lines = _drop_before_title([line for line in lines if line], title_key)
    out = []
    for line in drop_related(lines):
        if is_boilerplate(line) or is_caption(line) or (title_key and line.casefold() == title_key):
            continue
        if (out and out[-1] == line) or (out and line == out[0] and len(line.split()) >= MIN_REPEAT_WORDS):
            continue
        if out and MARKER_ONLY.match(out[-1]):
            out[-1] = f"{out[-1]} {line}"
            continue
        out.append(line)
    return out


def place_lead(paragraphs: list[str], lead: str | None) -> list[str]:
    """The lead (sapo) first, with its outlet marker.

    The lead often sits outside the body container, where the extractor drops it: then it
    goes first. When the body has it without the marker the sapo element prints
    ("(Baonghean.vn) - …"), the sapo's own text replaces it."""
    if not lead:
        return paragraphs
    for i, p in enumerate(paragraphs[:3]):
        if lead[:60] in p or p[:60] in lead:
            if len(p) < len(lead) <= len(p) + 30 and lead.endswith(p):
                return paragraphs[:i] + [lead] + paragraphs[i + 1:]
            return paragraphs
    return [lead] + paragraphs
