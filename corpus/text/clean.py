"""Vietnamese text specifics: decoding, NFC, site boilerplate, date lines, ids.

trafilatura finds the article body; this module makes it a clean Vietnamese
text: legacy encodings decoded, Unicode composed (NFC), the widget lines that
Vietnamese CMSs put inside the body removed, and the date line understood.
"""
from __future__ import annotations

import hashlib
import re
import unicodedata
from datetime import datetime, timedelta, timezone

VN = timezone(timedelta(hours=7), "ICT")

# Whole lines that are site furniture, not article text (compared casefolded, NFC).
BOILERPLATE_LINES = {
    "chia sẻ bài viết", "chia sẻ", "chia sẻ:", "in bài viết", "in bài", "gửi bình luận",
    "gửi bình luận của bạn", "bình luận", "ý kiến bạn đọc", "< trở về trang trước", "trở về trang trước",
    "quay lại", "về đầu trang", "tiếng việt | english", "tiếng việt | english |", "english | tiếng việt",
    "tin liên quan", "tin liên quan:", "tin cùng chuyên mục", "tin cùng chuyên mục:", "tin khác",
    "các tin khác", "tin mới nhất", "tin đọc nhiều", "xem thêm", "xem thêm:", "bài viết liên quan",
    "gửi", "gửi bài", "email", "facebook", "twitter", "zalo", "lượt xem", "đánh giá bài viết",
    "bản in", "phóng to", "thu nhỏ", "cỡ chữ", "nghe đọc bài", "theo dõi báo trên google news",
}
# Lines that start like furniture: tags, share counters, "read more" arrows, media links.
BOILERPLATE_PREFIX = re.compile(
    r"^(?:từ khóa|từ khoá|tags?|chủ đề|xem thêm|tin liên quan|đọc thêm|>>|» |chia sẻ:|"
    r"lượt xem|nguồn ảnh|https?://\S+$)", re.I)

# A date with a time, either order: "28/11/2023 - 14:31", "Ngày đăng : 16:58, 25/09/2021",
# "Cập nhật ngày: 21/03/2023 18:53:24", "Thứ Ba, 10/05/2019 14:18", "18/01/2026, 21:21 (GMT+7)".
def _date(tag=""):
    return rf"(?P<d{tag}>\d{{1,2}})[/.-](?P<m{tag}>\d{{1,2}})[/.-](?P<y{tag}>\d{{4}})"


def _time(tag=""):
    return rf"(?P<H{tag}>\d{{1,2}})[:hg](?P<M{tag}>\d{{2}})(?::(?P<S{tag}>\d{{2}}))?"


DATE_TIME = re.compile(rf"(?<!\d){_date()}\s*(?:[-–|,]|lúc)?\s*{_time()}(?!\d)")
TIME_DATE = re.compile(rf"(?<!\d){_time()}\s*(?:[-–|,]|ngày)?\s*{_date()}(?!\d)")
DATE_ONLY = re.compile(rf"(?<!\d){_date()}(?!\d)")
DATE_LINE = re.compile(
    r"^(?:[^\n]{0,40}?(?:ngày đăng|cập nhật|đăng lúc|đăng ngày|thứ [a-zà-ỹ]+|chủ nhật)[^\n\d]{0,12})?"
    rf"[\s:,]*(?:{DATE_TIME.pattern.replace('?P<', '?P<a')}|{TIME_DATE.pattern.replace('?P<', '?P<b')}"
    rf"|{DATE_ONLY.pattern.replace('?P<', '?P<c')})[\s,]*(?:\(?gmt\s*\+\s*7\)?)?$", re.I)

VI_LETTERS = set("ăâđêôơưàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ")


META_CHARSET = re.compile(rb"<meta[^>]{0,200}?charset\s*=\s*[\"']?\s*([\w.:-]+)", re.I)


def _codec(name: str | None) -> str | None:
    import codecs

    try:
        return codecs.lookup(name.strip().lower()).name if name else None
    except LookupError:
        return None


def decode_html(body: bytes, http_charset: str | None = None) -> tuple[str, str]:
    """Page text and the encoding used.

    Valid UTF-8 wins: a server header that lies (iso-8859-1 on a UTF-8 page) is
    the common fault, and legacy bytes almost never form valid UTF-8. Otherwise
    the page's own meta charset, then the HTTP one, then windows-1258 (the
    Vietnamese Windows code page; its tone marks decode as combining characters,
    which NFC later composes).
    """
    if body.startswith(b"\xef\xbb\xbf"):
        return body[3:].decode("utf-8", "replace"), "utf-8"
    try:
        return body.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    meta = META_CHARSET.search(body[:4096])
    for name in (meta.group(1).decode("ascii", "ignore") if meta else None, http_charset, "cp1258"):
        codec = _codec(name)
        if codec and codec != "utf-8":
            try:
                return body.decode(codec), codec
            except UnicodeDecodeError:
                continue
    return body.decode("utf-8", "replace"), "utf-8"


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def clean_line(line: str) -> str:
    """One paragraph: NFC, no invisible characters, single spaces."""
    line = nfc(line).replace("\u200b", "").replace("\ufeff", "").replace("\xad", "")
    return " ".join(line.split())


def is_boilerplate(line: str) -> bool:
    low = line.casefold().strip()
    return low in BOILERPLATE_LINES or bool(BOILERPLATE_PREFIX.match(low)) or bool(DATE_LINE.match(low))


def clean_paragraphs(text: str, title: str | None = None) -> list[str]:
    """Article paragraphs from extractor output: cleaned, furniture and title removed."""
    title_key = clean_line(title).casefold() if title else None
    out = []
    for raw in text.splitlines():
        line = clean_line(raw)
        if not line or is_boilerplate(line) or (title_key and line.casefold() == title_key):
            continue
        if out and out[-1] == line:
            continue
        out.append(line)
    return out


def _aware(y, m, d, H=0, M=0, S=0) -> datetime | None:
    try:
        return datetime(int(y), int(m), int(d), int(H or 0), int(M or 0), int(S or 0), tzinfo=VN)
    except ValueError:
        return None


def parse_vn_datetime(text: str) -> datetime | None:
    """First day/month/year date in ``text`` (with its time when given), in Vietnam time."""
    matches = [m for m in (DATE_TIME.search(text), TIME_DATE.search(text)) if m]
    if matches:
        g = min(matches, key=lambda m: m.start())
        return _aware(g["y"], g["m"], g["d"], g["H"], g["M"], g["S"])
    match = DATE_ONLY.search(text)
    return _aware(match["y"], match["m"], match["d"]) if match else None


def parse_iso_datetime(value: str) -> datetime | None:
    """ISO 8601 from metadata; a naive value is taken as Vietnam time."""
    try:
        parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except (ValueError, AttributeError):
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=VN)


def is_vietnamese(text: str, min_share: float = 0.25) -> bool:
    """Vietnamese if enough words carry Vietnamese letters (cheap, no model needed)."""
    words = text.lower().split()[:400]
    if not words:
        return False
    marked = sum(1 for w in words if VI_LETTERS.intersection(w))
    return marked / len(words) >= min_share


def article_id(text: str) -> str:
    """The content hash: first 16 hex digits of SHA-256 of the stored text (UTF-8)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def word_count(text: str) -> int:
    return len(text.split())


def split_keywords(values) -> list[str]:
    """Tags as single keywords: ``<meta name="keywords">`` holds one comma- (or semicolon-) separated
    string, which trafilatura keeps whole. Cleaned, empty ones dropped, each once, in order."""
    words = (clean_line(w) for v in values or () if v for w in re.split(r"[,;]", v))
    return list(dict.fromkeys(w for w in words if w))
