"""Vietnamese text specifics: decoding, NFC, the language check, ids.

trafilatura finds the article body; this module and its neighbours make it a clean
Vietnamese text: legacy encodings decoded and Unicode composed (NFC) here, site furniture
removed (furniture.py), date lines read (dates.py), signatures told from site names
(bylines.py).
"""
from __future__ import annotations

import hashlib
import re
import unicodedata

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
