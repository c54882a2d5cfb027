"""What kind of page a URL points to, before fetching it.

Kinds: article, category, tag, search, home, video, photo, other. A source's
``deny`` patterns rule a URL out and its ``article_pattern`` rules it in; the
generic rules below then read the URL shapes Vietnamese news CMSs and portals use
(measured on tests/data/real_urls.tsv and ../shared/sources/observed_urls.tsv by
tests/test_pagekind.py). Only articles are fetched as articles and only home and
category pages are followed, so video, photo, English, print and "save file" views
are never stored. The URL is a first guess: when it looks like an article but is
not one (a gallery, a short video, an English page), the page's own signals decide
(too little running text, not Vietnamese).
"""
from __future__ import annotations

import re
from urllib.parse import parse_qsl, unquote, urlsplit

from scrapy.linkextractors import IGNORED_EXTENSIONS

from corpus.sources.registry import Source
from corpus.sources.urls import canonical_url

NOT_PAGES = {"." + ext for ext in IGNORED_EXTENSIONS}   # images, documents, media, archives: as LinkExtractor


def is_file(url: str) -> bool:
    """True when the URL's path ends with one of NOT_PAGES, as scrapy's ``url_has_any_extension``
    says, with one set lookup per dot of the last segment instead of one ``endswith`` per extension
    (no extension holds a "/", so the last segment is where they end)."""
    name = urlsplit(url).path.lower().rpartition("/")[2]
    at = name.find(".")
    while at >= 0:
        if name[at:] in NOT_PAGES:
            return True
        at = name.find(".", at + 1)
    return False

# Path segments that name the page kind whatever follows them.
SEARCH_SEGMENTS = {"tim-kiem", "timkiem", "search", "tra-cuu"}
TAG_SEGMENTS = {"tag", "tags", "tu-khoa", "tukhoa", "chu-de", "topic", "topics"}
VIDEO_SEGMENTS = {"video", "videos", "xem-video", "clip", "clips", "tv", "podcast", "podcasts", "nvideo",
                  "truyen-hinh", "truyenhinh", "phat-thanh", "media", "audio"}
# Photo galleries and albums: Báo Đồng Tháp and Báo Sóc Trăng /phong-su-anh/, Báo Cao Bằng /Phongsuanh/.
PHOTO_SEGMENTS = {"phong-su-anh", "phongsuanh", "anh", "album", "albums", "photo", "photos", "gallery",
                  "galleries", "thu-vien-anh", "thuvienanh", "hinh-anh", "images"}
OTHER_SEGMENTS = {"print", "in-bai", "gioi-thieu", "gioithieu", "lien-he", "lienhe", "contact", "about",
                  "dang-nhap", "login", "rss", "savefile", "save-file", "introduction"}
# Other-language sections on an outlet's own hosts (/en/, /en-us/, Trà Vinh's Khmer pages) and hosts (en.).
LANGUAGE_SEGMENTS = {"en", "en-us", "en-gb", "eng", "english", "fr", "fr-fr", "zh", "zh-cn", "cn", "ko", "ja",
                     "km", "khmer", "lo"}
LANGUAGE_PARAMS = {"lang", "language", "locale", "ln", "l"}
# Sections that only list: a long slug below them is a category's name, not a headline.
LISTING_SECTIONS = {"chuyen-muc", "chuyenmuc", "danh-muc", "danhmuc", "category", "categories"}
LISTING_SEGMENTS = LISTING_SECTIONS | {"cat", "channel", "trang", "page", "list", "danh-sach"}
HOME_STEMS = {"", "index", "default", "home", "trang-chu"}

SEARCH_PARAMS = {"q", "s", "keyword", "keywords", "tukhoa", "search", "searchtext", "query"}
PAGE_PARAMS = {"page", "pageindex", "currentpage", "pg", "trang", "paged"}
# Query parameters that name one article on portals and older CMSs (ASP.NET, SharePoint, Oracle WebCenter).
ID_PARAMS = {"itemid", "newsid", "news_id", "articleid", "article_id", "postid", "post_id", "bvid", "mabb", "tinid",
             "nid", "idtintuc", "matin", "matintuc", "contentid", "idbaiviet"}
NAME_PARAMS = {"ddocname", "userkey"}  # the article's name, not a number
WEAK_ID_PARAMS = {"id"}                # an article unless the URL is a listing

EXTENSION = re.compile(r"\.(?:html?|aspx?|php|bbg|bcb|cms|jsp|epi|vnp|vgp|vna|bld|ldo|tpo|info|dep)$", re.I)
PRINT_STEM = re.compile(r"^(?:print|trang-in|in-bai|inbai|intin)(?:[-_]?\d+)?$"
                        r"|^(?:in|print)(?:tin|tintuc|bai|baiviet|baivietpage|preview|view|page)$")
PREFIX_KIND = (("video", re.compile(r"^po+dcasts?-")), ("tag", re.compile(r"^tags?-")))  # sggp writes "poodcast-"
PAGE_STEM = re.compile(r"^(?:page|trang|p)-?\d+$")
ARCHIVE_STEM = re.compile(r"^(?:\d{4}-\d{1,2}-\d{1,2}|\d{1,2}-\d{1,2}-\d{4})$")  # a day's archive
VIDEO_SEGMENT = re.compile(r"(?:^|-)(?:videos?|truyen-hinh)(?:-|$)")  # tin-video, lien-hoan-truyen-hinh
TAG_STEM = re.compile(r"-p?tag\d*$")
MONTH = re.compile(r"^(?:19|20)\d\d(?:0[1-9]|1[0-2])$")
# Last word of a slug that is an article id: 123456, a123456, post123456, postid1234, d4893, c2692,
# or a 7-digit hex hash (0ef5d8d, 367cc0d).
SLUG_ID = re.compile(r"^(?:(?:post|postid|a|d|c|n|p)?\d{3,}|(?=[0-9a-f]*\d)(?=[0-9a-f]*[a-f])[0-9a-f]{7})$")
# Path shapes that name an article view in common CMSs (ASP.NET, Liferay, NukeViet, SharePoint).
DETAIL_PATH = re.compile(r"/(?:bai-viet|chi-tiet|chitiet|newsdetails?|view-article|tin-bai|article)/[^/]+"
                         r"|/asset_publisher/[^/]+/content/[^/]+", re.I)
# WordPress-style /2023/05/(12/)<slug>: a dated slug is a post.
DATED_PATH = re.compile(r"/(?:19|20)\d\d/(?:0?[1-9]|1[0-2])/(?:\d{1,2}/)?[^/]+-[^/]+")
MIN_SLUG_WORDS = 5  # headline slugs are long; category slugs ('kinh-te', 'thoi-su-chinh-tri') are short


def classify_url(url: str, source: Source | None = None) -> str:
    """The page kind of ``url``; with ``source``, its deny and article_pattern decide first.

    A marked section (video, photo, another language, print or save view, tag, search) wins over
    ``article_pattern``: outlets reuse their article URL shape there (Báo Đồng Tháp's
    /phong-su-anh/<slug>-<id>.aspx, Đồng Nai's /en/news/savefile/...-<id>.html)."""
    if source is not None:
        if any(p.search(url) for p in source.regex("deny")):
            kind = _generic_kind(url)
            return "other" if kind == "article" else kind
        if any(p.search(url) for p in source.regex("article_pattern")):
            host, stems, params, _ = _parse(url)
            return _marked_kind(host, stems, params) or "article"
    return _generic_kind(url)


def link_kind(url: str, source: Source, max_url_length: int = 0) -> str:
    """The page kind of a link found on (or archived from) ``source``'s pages, or "ruled_out" for
    another outlet's URL, a file (NOT_PAGES), a URL over ``max_url_length`` or one the registry's
    deny/allow rules out. The crawler decides what to request with it, the archive readers what
    to extract: the same pages either way."""
    allow = source.regex("allow")
    if not source.owns(url) or (max_url_length and len(url) > max_url_length) or is_file(
            url) or any(p.search(url) for p in source.regex("deny")) or (
            allow and not any(p.search(url) for p in allow)):
        return "ruled_out"
    return classify_url(canonical_url(url), source)


def _parse(url: str) -> tuple[str, list[str], dict[str, str], str]:
    """(host, lowercased path stems without extensions, query parameters by lowercased name, decoded path)."""
    parts = urlsplit(url)
    path = unquote(parts.path)
    stems = [EXTENSION.sub("", s) for s in path.lower().split("/") if s]
    params = {k.lower(): v for k, v in parse_qsl(parts.query, keep_blank_values=True)}
    return parts.hostname or "", stems, params, path


def _generic_kind(url: str) -> str:
    """The kind by URL shape alone, the most telling rules first."""
    host, stems, params, path = _parse(url)
    if not stems or (len(stems) == 1 and stems[0] in HOME_STEMS):
        if not params:
            return "home"
        if set(params) == {"p"} and params["p"].isdigit() and not stems:
            return "article"  # WordPress ?p=<post id>
        return "other" if stems else "category"  # Default.aspx?PageId=..., /?page=2
    kind = _marked_kind(host, stems, params)
    if kind:
        return kind
    if (any(params.get(k, "").isdigit() for k in ID_PARAMS) or NAME_PARAMS & params.keys()
            or params.get("uri", "").startswith("nm:oid:")  # WebSphere portal content item
            or DETAIL_PATH.search(path) or DATED_PATH.search(path)):
        return "article"
    if _is_paged(stems, params) or any(s in LISTING_SECTIONS for s in stems[:-1]):
        return "category"
    if any(params.get(k, "").isdigit() for k in WEAK_ID_PARAMS):
        return "article"
    if _has_article_slug(stems):
        return "article"
    if any(s in LISTING_SEGMENTS for s in stems):
        return "category"
    if stems[-1].isdigit() and len(stems[-1]) >= 4:
        return "article"  # /<category>/<slug>/<id>.htm, /<cat>/<year>/<n>/<id>
    return "category"


def _marked_kind(host: str, stems: list[str], params: dict[str, str]) -> str | None:
    """search/tag/video/photo/other when the host, a path segment or a parameter says so."""
    if not stems:
        return None
    if (host.split(".")[0] in LANGUAGE_SEGMENTS or any(s in LANGUAGE_SEGMENTS for s in stems[:-1])
            or any(params.get(k, "").lower() in LANGUAGE_SEGMENTS for k in LANGUAGE_PARAMS)):
        return "other"  # another language: the corpus is Vietnamese
    if any(s in SEARCH_SEGMENTS for s in stems) or stems[0] == "s" or SEARCH_PARAMS & params.keys():
        return "search"
    if any(s in TAG_SEGMENTS for s in stems) or TAG_STEM.search(stems[-1]) or "tag" in params:
        return "tag"
    if (any(s in VIDEO_SEGMENTS or VIDEO_SEGMENT.search(s) for s in stems[:-1]) or stems[-1] in VIDEO_SEGMENTS
            or "videoplayer" in params.get("p_p_id", "").lower()):
        return "video"
    if any(s in PHOTO_SEGMENTS for s in stems[:-1]) or stems[-1] in PHOTO_SEGMENTS:
        return "photo"
    for kind, prefix in PREFIX_KIND:
        if any(prefix.match(s) for s in stems[-2:]):
            return kind
    if any(s in OTHER_SEGMENTS or "gioithieu" in s for s in stems) or PRINT_STEM.match(stems[-1]):
        return "other"
    return None


def _is_paged(stems: list[str], params: dict[str, str]) -> bool:
    """A listing page: /page/3, /trang-2.html, ?page=4, ?p=4 below the root, Liferay lists, day archives."""
    if any(PAGE_STEM.match(s) for s in stems) or "currentpage" in stems or ARCHIVE_STEM.match(stems[-1]):
        return True
    if any(a in ("page", "trang", "p") and b.isdigit() for a, b in zip(stems, stems[1:])):
        return True
    return (bool(PAGE_PARAMS & params.keys()) or "p" in params or "p_p_id" in params
            or any(k.endswith("_cur") for k in params))


def _has_article_slug(stems: list[str]) -> bool:
    """A headline slug: many words, words ending in an id, or a slug after a date or a numeric id."""
    words = [w for w in stems[-1].split("-") if w]
    if len(words) >= MIN_SLUG_WORDS:
        return True
    if len(words) >= 3 and (SLUG_ID.match(words[-1]) or (words[0].isdigit() and len(words[0]) >= 4)):
        return True
    return any((MONTH.match(before) or (before.isdigit() and len(before) >= 4)) and "-" in slug
               for before, slug in zip(stems, stems[1:]))
