"""WarcArchiveMiddleware: every response the crawler fetched, kept as WARC in CORPUS/warc/.

A downloader middleware placed outermost (order 950, past HttpCacheMiddleware at 900), so its
``process_response`` sees each response as it came off the network: redirects and errors
included, a 304 before the cache swaps in its stored page (written as a ``revisit`` record),
and never a page the cache answered without asking the server (flag ``cached``).

Records are written in a thread (Twisted's pool; one lock keeps them in order): compressing and
hashing a page takes milliseconds (``bench/archive.py`` measures it) and zlib and hashlib release
the GIL meanwhile, so the reactor keeps fetching. The response waits for its record, so the
record is in the file (flushed to the kernel) before the page can be stored, and its
(file, offset) goes into ``request.meta["archive"]``: the stored article names its record.

Settings: ``PROVNEWS_WARC_ENABLED`` (default True; ``provnews crawl --no-archive``),
``PROVNEWS_WARC_DIR`` (default CORPUS/warc), ``PROVNEWS_WARC_MAX_BYTES`` (rotation, default
1 GB), ``PROVNEWS_WARC_PREFIX`` (file name prefix, default "provnews").
"""
from __future__ import annotations

import threading
from datetime import datetime, timezone
from pathlib import Path

from scrapy import signals
from scrapy.exceptions import NotConfigured
from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet.threads import deferToThread

from corpus.archive.writer import RotatingWarcWriter, recover_stale


def _pairs(headers) -> list[tuple[str, str]]:
    return [(k.decode("latin-1"), v.decode("latin-1")) for k, values in headers.items() for v in values]


class WarcArchiveMiddleware:
    def __init__(self, folder: Path, max_bytes: int, prefix: str, stats, gzip_level: int = 6):
        self.folder, self.stats = Path(folder), stats
        self.writer = RotatingWarcWriter(self.folder, prefix=prefix, max_size=max_bytes, gzip_level=gzip_level)
        self.lock = threading.Lock()

    @classmethod
    def from_crawler(cls, crawler):
        settings = crawler.settings
        if not settings.getbool("PROVNEWS_WARC_ENABLED"):
            raise NotConfigured
        folder = settings.get("PROVNEWS_WARC_DIR") or Path(settings["PROVNEWS_CORPUS"]) / "warc"
        mw = cls(folder, settings.getint("PROVNEWS_WARC_MAX_BYTES"), settings.get("PROVNEWS_WARC_PREFIX"),
                 crawler.stats, settings.getint("PROVNEWS_WARC_GZIP_LEVEL"))
        crawler.signals.connect(mw.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(mw.spider_closed, signal=signals.spider_closed)
        return mw

    def spider_opened(self, spider):
        recovered = recover_stale(self.folder)      # files of a killed crawl, cut at their last whole record
        if recovered:
            self.stats.set_value("warc/recovered_files", len(recovered))

    def spider_closed(self, spider):
        with self.lock:
            self.writer.close()

    async def process_response(self, request, response):
        if "cached" in response.flags:
            return response
        request.meta["archive"] = await maybe_deferred_to_future(deferToThread(self.write, request, response))
        return response

    def write(self, request, response) -> tuple[str, int]:
        """(file, offset) of the response record; runs in a thread."""
        protocol = getattr(response, "protocol", None) or "HTTP/1.1"
        with self.lock:
            archived = self.writer.write_exchange(
                response.url, request.method, _pairs(request.headers), response.status, protocol,
                _pairs(response.headers), response.body, datetime.now(timezone.utc))
            # kept current at each write: the crawl summary reads them when the spider closes
            for key, value in (("bytes", self.writer.bytes_written), ("records", self.writer.records),
                               ("files", self.writer.files)):
                self.stats.set_value(f"warc/{key}", value)
        return archived
