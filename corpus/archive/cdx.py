"""A CDX server's captures of an outlet, and their records fetched by HTTP Range.

The API is the one pywb serves (``<pywb>/<coll>/cdx``) and Common Crawl's index server follows
(``https://index.commoncrawl.org/CC-MAIN-2024-10-index``): ``url``, ``matchType``, ``from``/``to``,
``output=json`` (one JSON object per line with ``url``, ``timestamp``, ``status``, ``mime``,
``filename``, ``offset``, ``length``), repeatable ``filter``, and ``showNumPages``/``page`` for
paged (ZipNum) indexes such as Common Crawl's. Only 200 text/html captures are asked for.

A record is ``length`` bytes at ``offset`` of ``filename``, one gzip member: it is fetched from
the archive's file server with ``Range: bytes=offset-(offset+length-1)``, as
``https://data.commoncrawl.org/<filename>`` serves Common Crawl's.
"""
from __future__ import annotations

import ipaddress
import json
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import deque
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from io import BytesIO
from typing import Callable, Iterable, Iterator

from corpus.archive.reader import iter_records
from corpus.errors import UsageError

USER_AGENT = "provnews/0.1 (+https://github.com/provnews/provnews; corpus import)"
COMMON_CRAWL_INDEX = "index.commoncrawl.org"
COMMON_CRAWL_DATA = "https://data.commoncrawl.org/"
RETRY_STATUS = {429, 500, 502, 503, 504}


def index_endpoint(source: str) -> str:
    """The CDX endpoint of SOURCE: itself when it is one (``…-index``, ``…/cdx``), else a pywb
    collection's (``http://host:port/COLL`` -> ``http://host:port/COLL/cdx``)."""
    path = urllib.parse.urlsplit(source).path.rstrip("/")
    if path.endswith("-index") or path.endswith("/cdx"):
        return source.rstrip("/")
    if not path:
        raise UsageError(f"{source}: name a collection (http://HOST:PORT/COLL) or an index (…-index, …/cdx)")
    return source.rstrip("/") + "/cdx"


def host_query(host: str) -> dict:
    """CDX parameters for every capture on ``host``: the whole domain (www., m. and the rest),
    or for an address (host:port, as the demo sites are) everything under it."""
    name = host.split(":")[0]
    try:
        ipaddress.ip_address(name)
        return {"url": host + "/*"}
    except ValueError:
        return {"url": host, "matchType": "domain"}


class CdxServer:
    def __init__(self, source: str, archive_url: str | None = None, threads: int = 8, timeout: float = 60,
                 retries: int = 4):
        self.endpoint = index_endpoint(source)
        if archive_url is None and urllib.parse.urlsplit(self.endpoint).hostname == COMMON_CRAWL_INDEX:
            archive_url = COMMON_CRAWL_DATA
        if not archive_url:
            raise UsageError(f"{source}: give --archive-url, the file server of its WARC files "
                             "(Common Crawl's is known: https://data.commoncrawl.org/)")
        self.archive_url = archive_url.rstrip("/") + "/"
        self.threads, self.timeout, self.retries = threads, timeout, retries

    def _get(self, url: str, headers: dict | None = None) -> tuple[int, bytes]:
        request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT, **(headers or {})})
        for attempt in range(self.retries + 1):
            try:
                with urllib.request.urlopen(request, timeout=self.timeout) as response:
                    return response.status, response.read()
            except urllib.error.HTTPError as exc:
                if exc.code not in RETRY_STATUS or attempt == self.retries:
                    return exc.code, exc.read()
            except (urllib.error.URLError, TimeoutError, ConnectionError) as exc:
                if attempt == self.retries:
                    raise UsageError(f"{url}: {getattr(exc, 'reason', exc)}", status=1) from None
            time.sleep(min(30, 2 ** attempt))       # Common Crawl answers 503 when pressed: back off
        raise AssertionError("unreachable")

    def captures(self, host: str, since: datetime | None = None, until: datetime | None = None) -> Iterator[dict]:
        """Every 200 text/html capture on ``host`` (paged when the index is)."""
        params = {**host_query(host), "output": "json", "filter": ["status:200", "mime:text/html"]}
        if since:
            params["from"] = since.strftime("%Y%m%d%H%M%S")
        if until:
            params["to"] = until.strftime("%Y%m%d%H%M%S")
        status, body = self._get(self._url({**params, "showNumPages": "true"}))
        pages = None
        if status == 200 and body.count(b"\n") <= 1:
            try:
                pages = json.loads(body).get("pages")    # a paged index answers {"pages": N, ...}
            except (ValueError, AttributeError):
                pages = None
        if not isinstance(pages, int):                   # not paged (pywb on a CDXJ file): that was the list
            yield from self._rows(host, status, body)
            return
        for page in range(pages):
            yield from self._rows(host, *self._get(self._url({**params, "page": page})))

    def _rows(self, host: str, status: int, body: bytes) -> Iterator[dict]:
        if status == 404:                                 # "No Captures found"
            return
        if status != 200:
            raise UsageError(f"{self.endpoint}: HTTP {status} for {host}: {body[:200]!r}", status=1)
        for line in body.splitlines():
            if line.strip():
                yield json.loads(line)

    def _url(self, params: dict) -> str:
        return self.endpoint + "?" + urllib.parse.urlencode(params, doseq=True)

    def fetch(self, capture: dict):
        """The archived page(s) of one capture's record, or a string naming why it failed."""
        offset, length = int(capture["offset"]), int(capture["length"])
        try:
            status, data = self._get(self.archive_url + capture["filename"],
                                     {"Range": f"bytes={offset}-{offset + length - 1}"})
        except UsageError:
            return ["fetch_failed"]
        if status != 206 or len(data) != length:
            return ["fetch_failed"]
        return list(iter_records(BytesIO(data), capture["filename"], base_offset=offset))

    def records(self, hosts: Iterable[str], wanted: Callable[[str], bool], since=None, until=None):
        """Archived pages of the wanted captures of ``hosts``, fetched ``threads`` at a time, in order."""
        with ThreadPoolExecutor(self.threads) as pool:
            window: deque = deque()
            for host in hosts:
                for capture in self.captures(host, since, until):
                    if not wanted(capture.get("url", "")):
                        continue
                    window.append(pool.submit(self.fetch, capture))
                    if len(window) >= 2 * self.threads:
                        yield from window.popleft().result()
            while window:
                yield from window.popleft().result()
