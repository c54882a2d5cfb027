"""URL canonicalisation: one article, one URL, however it was linked.

``canonical_url`` is what we store and fetch (courlan drops fragments and
tracking parameters). ``url_key`` folds the variants one outlet serves for the
same page (http/https, www./m., AMP and print versions) into one identity.
"""
from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from courlan import normalize_url

# Query parameters that only mark a print or app view of the same page.
VIEW_PARAMS = {"print", "printable", "view", "output", "amp", "mobile", "layout"}
VIEW_PATH = re.compile(r"^/(?:amp|print|in|mobile)(?=/)|/(?:amp|print)/?$", re.I)
PRINT_SUFFIX = re.compile(r"(?:[-_.](?:print|amp|in-bai))(?=\.html?$|\.aspx$|\.htm$|$)", re.I)
HOST_PREFIX = re.compile(r"^(?:www\d?|m|amp|mobile)\.", re.I)


def canonical_url(url: str) -> str:
    """Normalised absolute URL: lowercase host, no default port, fragment or tracking."""
    try:
        return normalize_url(url.strip(), strict=True)
    except (ValueError, TypeError):
        return url.strip()


def url_key(url: str) -> str:
    """Identity of the page behind ``url``: equal keys mean the same article."""
    parts = urlsplit(canonical_url(url))
    host = HOST_PREFIX.sub("", parts.netloc.lower())
    path = VIEW_PATH.sub("", parts.path) or "/"
    path = PRINT_SUFFIX.sub("", path)
    if len(path) > 1:
        path = path.rstrip("/")
    query = urlencode(sorted((k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
                             if k.lower() not in VIEW_PARAMS))
    return urlunsplit(("", host, path, query, "")).lstrip("/")
