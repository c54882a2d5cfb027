"""WARC output: one writer per process, records as Common Crawl writes them.

Each record is its own gzip member, so a CDX row's offset and length read one record; it is
compressed at ``gzip_level`` (6, zlib's default; warcio's own wrapper uses 9, which costs 50-60% more
CPU per page for 0.6% smaller files on real article pages: ``python bench/archive.py --data``);
``WARC-Payload-Digest``/``WARC-Block-Digest`` are ``sha1:<base32>`` computed on write. As Common
Crawl does, a payload sent with ``Content-Encoding`` is stored decoded and the original header
is kept as ``X-Crawler-Content-Encoding`` (likewise ``Content-Length``, ``Transfer-Encoding``),
so the stored payload is what the digest and the reader see.

Files are named uniquely per writer (time, host, pid, random; pywb's MultiFileWARCWriter does
the same) so several crawler processes can share ``CORPUS/warc/``. The file being written is
``<name>.open``, held under an flock, and renamed to ``<name>`` when closed (rotation at
``max_size`` bytes or the end of the crawl). Every record is flushed to the kernel as it is
written: a process killed at any moment leaves an ``.open`` file whose complete records read
back; ``recover_stale`` (run when a writer starts) cuts such a file at its last complete record
and gives it its final name.
"""
from __future__ import annotations

import fcntl
import gzip
import os
import secrets
import socket
import zlib
from datetime import datetime, timezone
from http.client import responses as REASONS
from io import BytesIO
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from corpus.store.parts import fsync_dir

OPEN_SUFFIX = ".open"
SERVER_NOT_MODIFIED = "http://netpreserve.org/warc/1.0/revisit/server-not-modified"
RENAMED_HEADERS = {"content-encoding", "content-length", "transfer-encoding"}  # as Common Crawl: X-Crawler-*


def decode_content(body: bytes, encoding: str) -> bytes | None:
    """The payload without its Content-Encoding, or None when it cannot be decoded."""
    try:
        if encoding in ("gzip", "x-gzip"):
            return gzip.decompress(body)
        if encoding == "deflate":
            try:
                return zlib.decompress(body)
            except zlib.error:
                return zlib.decompress(body, -15)   # raw deflate, as some servers send
        if encoding == "br":
            import brotli
            return brotli.decompress(body)
    except Exception:  # a broken body: keep it encoded, header and all
        return None
    return None if encoding not in ("identity", "") else body


def http_headers(status: int, protocol: str, headers: list[tuple[str, str]], body: bytes):
    """Status line and headers for the record, and the payload to store (decoded as Common Crawl does)."""
    encoding = next((v.strip().lower() for k, v in headers if k.lower() == "content-encoding"), "")
    decoded = decode_content(body, encoding) if encoding else body
    if decoded is None:
        decoded, renamed = body, {"transfer-encoding"}
    else:
        renamed = RENAMED_HEADERS
    out = [(f"X-Crawler-{k}" if k.lower() in renamed else k, v) for k, v in headers]
    if status != 304:
        out.append(("Content-Length", str(len(decoded))))
    status_line = f"{status} {REASONS.get(status, 'Unknown')}"
    return StatusAndHeaders(status_line, out, protocol=protocol or "HTTP/1.1"), decoded


def warc_date(when: datetime) -> str:
    return when.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


GZIP_LEVEL = 6


class GzipMemberPerRecord:
    """Where warcio writes a record uncompressed (``gzip=False``): each record becomes one gzip member
    at ``level``. warcio flushes its output once at the end of every record; that ends the member."""

    def __init__(self, fh, level: int = GZIP_LEVEL):
        self.fh, self.level, self.compressor = fh, level, None

    def write(self, data: bytes) -> None:
        if self.compressor is None:
            self.compressor = zlib.compressobj(self.level, zlib.DEFLATED, zlib.MAX_WBITS + 16)
        self.fh.write(self.compressor.compress(data))

    def flush(self) -> None:
        if self.compressor is not None:
            self.fh.write(self.compressor.flush())
            self.compressor = None
        self.fh.flush()


class RotatingWarcWriter:
    """Appends request/response (or revisit) pairs to ``folder``, rotating at ``max_size`` bytes."""

    def __init__(self, folder: Path, prefix: str = "provnews", max_size: int = 1_000_000_000,
                 software: str = "provnews", gzip_level: int = GZIP_LEVEL):
        self.folder = Path(folder)
        self.prefix, self.max_size, self.software, self.gzip_level = prefix, max_size, software, gzip_level
        self.fh = None
        self.path: Path | None = None       # final name of the file being written
        self.bytes_written = 0
        self.records = 0
        self.files = 0

    # -- files -------------------------------------------------------------
    def _new_name(self) -> str:
        stamp = datetime.now(timezone.utc).strftime("%Y%m%d%H%M%S%f")
        host = socket.gethostname().split(".")[0] or "host"
        return f"{self.prefix}-{stamp}-{host}-{os.getpid()}-{secrets.token_hex(3)}.warc.gz"

    def _open(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        self.path = self.folder / self._new_name()
        self.fh = open(str(self.path) + OPEN_SUFFIX, "xb")
        fcntl.flock(self.fh.fileno(), fcntl.LOCK_EX)        # tells recover_stale this file is live
        self.warc = WARCWriter(GzipMemberPerRecord(self.fh, self.gzip_level), gzip=False)
        info = self.warc.create_warcinfo_record(self.path.name, {
            "software": self.software, "format": "WARC File Format 1.0",
            "conformsTo": "https://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.0/",
            "robots": "obey", "hostname": socket.gethostname()})
        self._write(info)
        self.files += 1

    def close(self) -> None:
        """Finish the current file: fsync, then rename it from ``.open`` to its final name."""
        if self.fh is None:
            return
        self.fh.flush()
        os.fsync(self.fh.fileno())
        os.replace(str(self.path) + OPEN_SUFFIX, self.path)
        self.fh.close()                                        # releases the flock
        fsync_dir(self.folder)
        self.fh = None

    def _write(self, record) -> int:
        """Write one record (one gzip member); returns its offset in the current file."""
        offset = self.fh.tell()
        self.warc.write_record(record)     # ends with a flush (GzipMemberPerRecord): in the kernel,
                                           # so the record survives the process being killed
        self.bytes_written += self.fh.tell() - offset
        self.records += 1
        return offset

    # -- records -------------------------------------------------------------
    def write_exchange(self, url: str, method: str, request_headers: list[tuple[str, str]], status: int,
                       protocol: str, response_headers: list[tuple[str, str]], body: bytes,
                       when: datetime) -> tuple[str, int]:
        """Write the request record and the response (or, for a 304, revisit) record.

        Returns (file name, offset) of the response record."""
        if self.fh is not None and self.fh.tell() >= self.max_size:
            self.close()
        if self.fh is None:
            self._open()
        date = warc_date(when)
        parts = url.split("/", 3)
        path = "/" + (parts[3] if len(parts) > 3 else "")
        request = self.warc.create_warc_record(url, "request", payload=BytesIO(b""), length=0,
                                               warc_headers_dict={"WARC-Date": date},
                                               http_headers=StatusAndHeaders(
                                                   f"{method} {path} HTTP/1.1",
                                                   [("Host", parts[2] if len(parts) > 2 else ""), *request_headers],
                                                   is_http_request=True))
        headers, payload = http_headers(status, protocol, response_headers, body)
        warc_headers = {"WARC-Date": date, "WARC-Concurrent-To": request.rec_headers.get_header("WARC-Record-ID")}
        if status == 304:
            warc_headers["WARC-Profile"] = SERVER_NOT_MODIFIED
            warc_headers["WARC-Refers-To-Target-URI"] = url
            response = self.warc.create_warc_record(url, "revisit", warc_headers_dict=warc_headers,
                                                    http_headers=headers)
        else:
            mime = headers.get_header("Content-Type", "").split(";")[0].strip().lower()
            if mime:
                warc_headers["WARC-Identified-Payload-Type"] = mime
            response = self.warc.create_warc_record(url, "response", payload=BytesIO(payload),
                                                    length=len(payload), warc_headers_dict=warc_headers,
                                                    http_headers=headers)
        self._write(request)
        return self.path.name, self._write(response)


def recover_stale(folder: Path) -> list[Path]:
    """Give every abandoned ``.open`` file (its writer died: the flock is free) its final name,
    cut after its last complete record. Returns the recovered files."""
    from corpus.archive.reader import complete_length

    recovered = []
    for path in sorted(Path(folder).glob("*" + OPEN_SUFFIX)) if Path(folder).is_dir() else ():
        with open(path, "rb+") as fh:
            try:
                fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                continue                                          # a live writer
            fh.truncate(complete_length(path))
            os.fsync(fh.fileno())
            final = path.with_name(path.name[:-len(OPEN_SUFFIX)])
            os.replace(path, final)
        recovered.append(final)
    if recovered:
        fsync_dir(Path(folder))
    return recovered
