"""What kind of page a URL points to, before fetching it.

Kinds: article, category, tag, search, home, video, other. The registry's
``article_pattern`` decides first; generic rules for Vietnamese news CMSs after.
"""
from __future__ import annotations

import re
from urllib.parse import urlsplit

from corpus.registry import Source

ARTICLE_ID = re.compile(r"[-_/.]a?\d{4,}(?:\.html?|\.aspx|\.htm)?/?$", re.I)
TAG = re.compile(r"/(?:tag|tags|tu-khoa|chu-de)/", re.I)
SEARCH = re.compile(r"/(?:search|tim-kiem)\b|[?&](?:q|keyword|s)=", re.I)
VIDEO = re.compile(r"/(?:video|videos|multimedia|clip)s?/", re.I)


def classify_url(url: str, source: Source | None = None) -> str:
    parts = urlsplit(url)
    target = parts.path + ("?" + parts.query if parts.query else "")
    if source is not None:
        if any(p.search(url) for p in source.regex("deny")):
            return "other"
        if any(p.search(url) for p in source.regex("article_pattern")):
            return "article"
    if parts.path in ("", "/") and not parts.query:
        return "home"
    if TAG.search(target):
        return "tag"
    if SEARCH.search(target):
        return "search"
    if VIDEO.search(target):
        return "video"
    if ARTICLE_ID.search(parts.path):
        return "article"
    return "category"
