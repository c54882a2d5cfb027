"""Legacy Vietnamese encodings the fixture pages are served in.

windows-1258 has the base letters (â, ê, ô, ơ, ư, ă, đ) but no precomposed
toned vowels: "ậ" is written "â" + combining dot below. A page decoded from it
is therefore never NFC until normalised, which is what a crawler must do.
"""
from __future__ import annotations

import codecs
import unicodedata

TONE_MARKS = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}


def _cp1258_table() -> dict[int, str]:
    table = {}
    for code in [*range(0xC0, 0x250), *range(0x1E00, 0x1F00)]:
        char = chr(code)
        try:
            char.encode("cp1258")
            continue
        except UnicodeEncodeError:
            pass
        parts = unicodedata.normalize("NFD", char)
        base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in TONE_MARKS))
        spelled = base + "".join(c for c in parts if c in TONE_MARKS)
        try:
            spelled.encode("cp1258")
        except UnicodeEncodeError:
            continue
        table[code] = spelled
    return table


CP1258_TABLE = _cp1258_table()


def _cp1258_map() -> dict[int, int | bytes]:
    """Code point -> byte(s), for the C charmap encoder (2-3x faster than str.translate + encode)."""
    out: dict[int, int | bytes] = {}
    for byte in range(256):
        try:
            out[ord(bytes([byte]).decode("cp1258"))] = byte
        except UnicodeDecodeError:
            pass                      # the few bytes windows-1258 leaves undefined
    out.update((code, spelled.encode("cp1258")) for code, spelled in CP1258_TABLE.items())
    return out


CP1258_MAP = _cp1258_map()


def encode_page(text: str, charset: str) -> bytes:
    """``text`` as bytes in ``charset``; windows-1258 the way Vietnamese legacy CMSs write it."""
    if charset.lower() in ("windows-1258", "cp1258"):
        return codecs.charmap_encode(text, "xmlcharrefreplace", CP1258_MAP)[0]
    return text.encode(charset, errors="xmlcharrefreplace")


def decomposed(text: str) -> str:
    """NFD: how text pasted from some editors reaches the page."""
    return unicodedata.normalize("NFD", text)
