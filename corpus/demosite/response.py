"""HTTP answers as data, and the conditional-request rule (ETag / Last-Modified -> 304)."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime, timezone
from email.utils import format_datetime, parsedate_to_datetime
from typing import Iterable


@dataclass
class Response:
    status: int
    body: bytes | Iterable[bytes] = b""
    headers: dict[str, str] = field(default_factory=dict)
    length: int | None = None       # for streamed bodies


def http_date(when: datetime) -> str:
    return format_datetime(when.astimezone(timezone.utc), usegmt=True)


def conditional(response: Response, headers: dict[str, str]) -> Response:
    """Add an ETag; answer 304 when the client already has this version."""
    etag = '"' + hashlib.md5(response.body).hexdigest()[:20] + '"'
    response.headers["ETag"] = etag
    lowered = {k.lower(): v for k, v in headers.items()}
    modified = response.headers.get("Last-Modified")
    if "if-none-match" in lowered:
        tags = {t.strip().removeprefix("W/") for t in lowered["if-none-match"].split(",")}
        fresh = etag in tags or "*" in tags
    elif "if-modified-since" in lowered and modified:
        try:
            fresh = parsedate_to_datetime(lowered["if-modified-since"]) >= parsedate_to_datetime(modified)
        except (TypeError, ValueError):
            fresh = False
    else:
        fresh = False
    if fresh:
        return Response(304, b"", {k: v for k, v in response.headers.items() if k != "Content-Type"})
    return response
