"""URL canonicalisation: one article, one URL, however it was linked.

``canonical_url`` is what we store and fetch: w3lib's canonical form (query
sorted, percent-encoding normalised, no fragment) without tracking and session
parameters and without the scheme's default port. Every other query parameter
stays: portals and older CMSs name the article or the listing page there
(``ChiTietTinTuc.aspx?nid=…``, ``newsdetail.aspx?CatId=…&NewsId=…``,
``?PageIndex=3``). courlan's ``normalize_url`` is not used for the query: in
strict mode it keeps only a short allow-list (losing ``nid``, ``NewsId``,
``mabb``, ``PageIndex``…), and its tracker pattern drops real parameters such as
``cid``, ``keyword``, ``source`` and ``gallery``.

``url_key`` folds the variants one outlet serves for the same page (http/https,
www./m./mb., AMP and print versions, and letter case on case-insensitive
IIS/ASP.NET hosts) into one identity.
"""
from __future__ import annotations

import functools
import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from w3lib.url import canonicalize_url, url_query_cleaner

# Parameters that only track a visit or carry a session: never part of a page's identity.
TRACKING_PARAM = re.compile(
    r"^(?:utm_\w*|fbclid|gclid|dclid|gbraid|wbraid|msclkid|yclid|igshid|mc_cid|mc_eid|_ga|_gl|_hs\w*"
    r"|zarsrc|gidzl|fb_action_ids|fb_action_types|fb_ref|fb_source|rss_source|"
    r"(?:j|php|asp\.net_|asp)?session_?id|sid_token|__viewstate\w*|__eventvalidation)$", re.I)
# Query parameters that only mark a print or app view of the same page.
VIEW_PARAMS = {"print", "printable", "view", "output", "amp", "mobile", "layout"}
VIEW_PATH = re.compile(r"^/(?:amp|print|in|mobile)(?=/)|/(?:amp|print)/?$", re.I)
PRINT_SUFFIX = re.compile(r"(?:[-_.](?:print|amp|in-bai))(?=\.html?$|\.aspx$|\.htm$|$)", re.I)
# A portal's print view of a query-identified article (InTinTuc.aspx?nid=5 for ChiTietTinTuc.aspx?nid=5,
# InBaiVietPage.aspx?…&ID=3382): the page that names the article is the detail page.
PRINT_STEM = re.compile(r"/(?:in|print)(?:tin|tintuc|bai|baiviet|baivietpage|news|article|page|preview|view)?"
                        r"(\.aspx?)$", re.I)
DETAIL_STEM = re.compile(r"/(?:chitiet|chi-tiet|xemchitiet|detail|details|newsdetail|newsdetails|viewdetail)"
                         r"(?:tin|tintuc|bai|baiviet|baivietpage|news|article|page)?(\.aspx?)$", re.I)
HOST_PREFIX = re.compile(r"^(?:www\d?|m|mb|amp|mobile)\.", re.I)
DEFAULT_PORT = re.compile(r"^(https://[^/?#]+):443(?=[/?#]|$)|^(http://[^/?#]+):80(?=[/?#]|$)", re.I)
# IIS/ASP.NET answer every letter-case variant of a path; these extensions say the host is one.
CASE_INSENSITIVE_PATH = re.compile(r"\.(?:aspx?|ashx|axd)$", re.I)
_case_insensitive_hosts: set[str] = set()


def declare_case_insensitive(hosts) -> None:
    """Fold letter case in the URL keys of these hosts (registry ``case_insensitive = true``)."""
    _case_insensitive_hosts.update(HOST_PREFIX.sub("", h.lower()) for h in hosts)


@functools.lru_cache(maxsize=1 << 16)
def canonical_url(url: str) -> str:
    """Normalised absolute URL: lowercase host, no default port, fragment, tracking or session parameters.

    Remembered: a crawl meets the same menu and sidebar links on every page of a site, and each
    link is classified, keyed and requested, which took w3lib's canonical form three times."""
    url = url.strip()
    try:
        tracking = [k for k, _ in parse_qsl(urlsplit(url).query, keep_blank_values=True) if TRACKING_PARAM.match(k)]
        if tracking:
            url = url_query_cleaner(url, tracking, remove=True, unique=False, keep_fragments=True)
        canonical = canonicalize_url(url)
    except (ValueError, TypeError, UnicodeError):
        return url
    return DEFAULT_PORT.sub(lambda m: m.group(1) or m.group(2), canonical)


def is_case_insensitive(url: str) -> bool:
    """True when ``url``'s host answers every letter case of its paths (ASP.NET path, or declared)."""
    parts = urlsplit(url)
    return bool(CASE_INSENSITIVE_PATH.search(parts.path)) or \
        HOST_PREFIX.sub("", (parts.hostname or "").lower()) in _case_insensitive_hosts


def fold_case(url: str) -> str:
    """``url`` with path and query names in lower case when its host is case-insensitive, else unchanged."""
    if not is_case_insensitive(url):
        return url
    parts = urlsplit(url)
    query = "&".join(f"{k.lower()}={v}" if sep else k.lower()
                     for k, sep, v in (p.partition("=") for p in parts.query.split("&") if p))
    return urlunsplit(parts._replace(path=parts.path.lower(), query=query))


def url_key(url: str) -> str:
    """Identity of the page behind ``url``: equal keys mean the same article."""
    parts = urlsplit(fold_case(canonical_url(url)))
    host = HOST_PREFIX.sub("", parts.netloc.lower())
    path = VIEW_PATH.sub("", parts.path) or "/"
    path = PRINT_SUFFIX.sub("", path)
    if parts.query:
        path = DETAIL_STEM.sub(r"/detail\1", PRINT_STEM.sub(r"/detail\1", path))
    if len(path) > 1:
        path = path.rstrip("/")
    query = urlencode(sorted((k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
                             if k.lower() not in VIEW_PARAMS))
    return urlunsplit(("", host, path, query, "")).lstrip("/")
