"""WARC and ARC files -> archived pages, one at a time (streaming, bounded memory).

As datatrove's WarcReader: only HTTP responses, URL and date from the WARC headers. The body is
read (and decompressed) only for records the caller wants, and at most ``max_body`` bytes of it.
A file cut short (a crawl killed mid-record, a partial download) yields every complete record and
stops there; the caller counts the damage instead of losing the file.
"""
from __future__ import annotations

import zlib
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import BinaryIO, Callable, Iterator

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed

MAX_BODY = 10 * 1024 * 1024          # as the crawler's DOWNLOAD_MAXSIZE
READ_ERRORS = (ArchiveLoadFailed, zlib.error, EOFError, ValueError, OSError)


@dataclass
class ArchivedPage:
    """One archived HTTP response: what the crawler's spider hands its pipelines, plus provenance."""
    url: str
    fetched_at: datetime
    status: int
    mime: str
    charset: str | None
    body: bytes
    archive: str              # file name as the index (or the command line) names it
    offset: int
    truncated: str = ""       # WARC-Truncated reason ("length", "time", ...), empty when whole


def parse_warc_date(value: str) -> datetime:
    value = value.strip()
    if len(value) == 14 and value.isdigit():                    # ARC: 20240131120000
        return datetime.strptime(value, "%Y%m%d%H%M%S").replace(tzinfo=timezone.utc)
    return datetime.fromisoformat(value.replace("Z", "+00:00")).astimezone(timezone.utc)


def _content_type(record) -> tuple[str, str | None]:
    identified = record.rec_headers.get_header("WARC-Identified-Payload-Type") or ""
    http_type = record.http_headers.get_header("Content-Type", "") if record.http_headers else ""
    charset = None
    for param in http_type.split(";")[1:]:
        name, _, value = param.partition("=")
        if name.strip().lower() == "charset":
            charset = value.strip().strip("\"'") or None
    mime = (identified or http_type).split(";")[0].strip().lower()
    return mime, charset


def iter_records(stream: BinaryIO, archive: str, want: Callable[[str], bool] = lambda url: True,
                 max_body: int = MAX_BODY, base_offset: int = 0) -> Iterator[ArchivedPage | str]:
    """Archived pages of ``stream``; a string instead of a page names a record that was skipped
    (``not_response``, ``not_wanted``) or, last, why the file ended early (``truncated_file``)."""
    records = ArchiveIterator(stream, arc2warc=True)
    try:
        for record in records:
            if record.rec_type != "response" or not record.http_headers:
                yield "not_response"
                continue
            url = record.rec_headers.get_header("WARC-Target-URI") or ""
            if not want(url):
                yield "not_wanted"
                continue
            mime, charset = _content_type(record)
            body = record.content_stream().read(max_body)
            if len(body) >= max_body:
                yield "too_large"
                continue
            if getattr(record.raw_stream, "limit", 0) > 0:    # the file ends inside this record
                yield "truncated_file"
                return
            status = int(record.http_headers.get_statuscode() or 0)
            yield ArchivedPage(url, parse_warc_date(record.rec_headers.get_header("WARC-Date") or ""), status,
                               mime, charset, body, archive, base_offset + records.get_record_offset(),
                               record.rec_headers.get_header("WARC-Truncated") or "")
    except READ_ERRORS:
        yield "truncated_file"


def iter_file(path: Path, want: Callable[[str], bool] = lambda url: True, name: str | None = None):
    with open(path, "rb") as fh:
        yield from iter_records(fh, name or path.name, want)


def complete_length(path: Path, chunk: int = 1 << 20) -> int:
    """Bytes of the gzip file ``path`` up to the end of its last complete gzip member (record).

    warcio reads a cut member without complaint, so members are checked here: one ends where
    zlib reports the end of its stream (which includes the length and CRC trailer)."""
    end, inflate = 0, zlib.decompressobj(zlib.MAX_WBITS | 16)
    with open(path, "rb") as fh:
        position = 0
        data = fh.read(chunk)
        while data:
            try:
                inflate.decompress(data)
            except zlib.error:
                return end
            if inflate.eof:
                consumed = len(data) - len(inflate.unused_data)
                end = position + consumed
                position, data = end, inflate.unused_data
                inflate = zlib.decompressobj(zlib.MAX_WBITS | 16)
                if not data:
                    data = fh.read(chunk)
                continue
            position += len(data)
            data = fh.read(chunk)
    return end
