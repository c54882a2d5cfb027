"""Authors as Vietnamese papers sign articles, and what is not an author.

A Vietnamese article is signed by a short line of names, usually the body's last line
("Ngân Nguyễn - Thanh Nga", "ĐẶNG DŨNG", "P.V", "Nhóm phóng viên", "TRƯỜNG SƠN thực hiện"),
sometimes before the lead ("Đ.ĐẠO - H.QUÂN | Sau hai năm…"). Names are kept whole, as printed.

Meta tags and JSON-LD often name the site instead: the outlet's name, its domain, its parent
company or a CMS account ("NLD.COM.VN", "Baochinhphu.vn", "VCCorp.vn", "TUOI TRE ONLINE",
"Super User"). Those are publishers, never authors.

"Theo TTXVN", "Theo Báo Long An", "Nguồn: VOV" credit a source. Sites print the credit in
the body, in the byline box or in meta tags; whichever, it is neither the author nor article
text: the same story republished by many outlets then keeps one text (and one id), and the
outlets it was seen at are its URLs.
"""
from __future__ import annotations

import re
import unicodedata
from urllib.parse import urlsplit

from corpus.text.clean import clean_line

# Group signatures written in lower case.
GROUP_NAMES = {"nhóm phóng viên", "nhóm pv", "nhóm ptv", "nhóm ctv", "pv", "p.v", "ctv", "ptv", "phóng viên",
               "nhóm phóng viên thường trú", "pv tổng hợp"}
# "TRƯỜNG SƠN thực hiện", "Minh Anh (tổng hợp)": the role goes, the names stay.
ROLE_SUFFIX = re.compile(r"\s*\(?\b(?:thực hiện|ghi|lược ghi|ghi chép|tổng hợp|biên dịch|lược dịch)\)?$", re.I)
# "Bài và ảnh: NGỌC HÂN", "Tin, ảnh: Hồng Nhung".
ROLE_PREFIX = re.compile(r"^(?:bài và ảnh|bài, ảnh|bài|tin và ảnh|tin, ảnh|tin|video|clip|nhóm tác giả)\s*:\s*",
                         re.I)
NAME_SEPARATORS = re.compile(r"\s+[-–—&]\s+|\s*[,;/]\s*|\s+và\s+")
# One word of a name: "Nguyễn", "ĐẶNG", "P.V", "Đ.ĐẠO", "H.", a trailing "(TTXVN)" is allowed.
NAME_WORD = re.compile(r"^(?:[^\W\d_]\.)*[^\W\d_][^\W\d_'’.-]*\.?$")
MAX_SYLLABLE = 7                  # the longest Vietnamese syllables ("nghiêng") have 7 letters
AGENCY = re.compile(r"^\(?(?:ttxvn|vna|ttxvn/vietnam\+|vietnam\+|ttxvn/vna)\)?$", re.I)
# "Theo TTXVN", "(Theo VOV)", "Nguồn: Báo Nhân Dân", "Theo Thái Sơn/Báo QĐND"; not "Theo báo cáo, …".
CREDIT = re.compile(r"^\(?(?:theo|nguồn\s*:)\s*[A-ZĐÀ-Ỹ(][^,;]{0,60}$", re.I)
# Publisher-like names: outlets, offices, companies, CMS accounts.
PUBLISHER_WORDS = re.compile(
    r"^(?:báo|tạp chí|tap chi|đài|cổng thông tin|cổng ttđt|trang thông tin|trang tin|ubnd|ủy ban|uỷ ban|sở |"
    r"tỉnh ủy|tỉnh uỷ|huyện ủy|huyện uỷ|thành ủy|thành uỷ|đảng ủy|ban |trung tâm|công ty|tập đoàn|cơ quan|"
    r"văn phòng|bộ |hội |tổng cục|cục |super user|administrator|admin\b|quản trị|biên tập viên$|ban biên tập)",
    re.I)
DOMAIN_WORDS = re.compile(r"(?:^|[\s.])(?:com|vn|net|org|gov|edu)(?:$|[\s.])", re.I)
_CORE_PREFIXES = ("baodientu", "baomoi", "bao", "tapchi", "dai", "cong", "trang")
_CORE_SUFFIXES = ("online", "comvn", "orgvn", "netvn", "govvn", "vn", "com", "net", "org", "news", "tv", "www")


def _key(text: str) -> str:
    """Letters and digits only, no diacritics, casefolded ("Tuổi Trẻ Online" -> "tuoitreonline")."""
    text = unicodedata.normalize("NFD", text.casefold().replace("đ", "d"))
    return "".join(c for c in text if c.isalnum() and not unicodedata.combining(c))


def _core(key: str) -> str:
    changed = True
    while changed and key:
        changed = False
        for suffix in _CORE_SUFFIXES:
            if key.endswith(suffix) and len(key) > len(suffix) + 2:
                key, changed = key[:-len(suffix)], True
        for prefix in _CORE_PREFIXES:
            if key.startswith(prefix) and len(key) > len(prefix) + 2:
                key, changed = key[len(prefix):], True
    return key


def site_keys(url: str, names) -> set[str]:
    """What the site calls itself, reduced for comparison: its host and its declared names."""
    host = (urlsplit(url).hostname or "").removeprefix("www.").removeprefix("m.")
    keys = {_core(_key(host)), _core(_key(host.split(".")[0]))}
    keys |= {_core(_key(name)) for name in names if name}
    return {k for k in keys if len(k) >= 3}


def is_publisher(name: str, keys: set[str]) -> bool:
    """The site, its owner or an account, not a person."""
    head = name.split("/")[0].strip()
    return (not _key(head) or bool(PUBLISHER_WORDS.match(head)) or bool(DOMAIN_WORDS.search(head))
            or bool(AGENCY.match(head)) or _core(_key(head)) in keys)


def is_credit(line: str) -> bool:
    """A source credit ("Theo TTXVN", "Nguồn: Báo Nhân Dân", "TTXVN")."""
    line = line.strip().rstrip(".")
    if AGENCY.match(line):
        return True
    match = CREDIT.match(line)
    return bool(match) and len(line.split()) <= 8 and line.split(maxsplit=1)[-1][:1].isupper()


def _names(line: str) -> str | None:
    """The names a signature line holds, role words removed; None when it is not a signature."""
    line = ROLE_PREFIX.sub("", ROLE_SUFFIX.sub("", line.strip())).strip(" .")
    if line.casefold() in GROUP_NAMES:
        return line
    if not line or len(line) > 80 or any(c.isdigit() for c in line) or is_credit(line):
        return None
    body = re.sub(r"\s*\([^()]{2,20}\)$", "", line)          # "Thu Hằng (TTXVN)"
    parts = [p for p in NAME_SEPARATORS.split(body) if p]
    words = [w for p in parts for w in p.split()]
    if not parts or len(words) > 12 or any(len(p.split()) > 5 for p in parts):
        return None
    if len(words) == 1 and "." not in words[0]:
        return None                                   # Vietnamese names have two syllables or initials
    if all(NAME_WORD.match(w) and w[0].isupper() and len(w.replace(".", "")) <= MAX_SYLLABLE for w in words):
        return line
    return None


def looks_like_names(line: str) -> bool:
    return _names(line) is not None


def split_signature(paragraphs: list[str]) -> tuple[list[str], str | None]:
    """The signature at the end (above a source credit if one closes the text), or a byline
    that opens the text ("Đ.ĐẠO - H.QUÂN | lead…" or a names-only first line)."""
    if not paragraphs:
        return paragraphs, None
    tail = len(paragraphs) - 1
    if tail > 0 and (names := _names(paragraphs[tail])):
        return paragraphs[:tail] + paragraphs[tail + 1:], names
    head, sep, rest = paragraphs[0].partition(" | ")
    if sep and (names := _names(head)):
        return [rest.strip()] + paragraphs[1:], names
    if len(paragraphs) > 1 and (names := _names(paragraphs[0])) and not is_credit(paragraphs[0]):
        return paragraphs[1:], names
    return paragraphs, None


def choose_author(paragraphs: list[str], declared: list[str], keys: set[str]) -> tuple[list[str], str | None]:
    """The printed signature first; else the first declared author (meta, JSON-LD, byline
    markup) that is neither the site nor a credit. Source credits closing the text go, and a
    declared author printed as the last line leaves the text."""
    while len(paragraphs) > 1 and is_credit(paragraphs[-1]):
        paragraphs = paragraphs[:-1]
    paragraphs, signed = split_signature(paragraphs)
    if signed:
        return paragraphs, signed
    for name in declared:
        name = clean_line(name or "")
        if not name or is_credit(name):
            continue
        people = [p for p in re.split(r"\s*;\s*", name) if p and not is_publisher(p, keys)]
        if people:
            author = " - ".join(people)
            if paragraphs and paragraphs[-1].casefold() == author.casefold():
                paragraphs = paragraphs[:-1]
            return paragraphs, author
    return paragraphs, None
