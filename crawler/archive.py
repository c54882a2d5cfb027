"""WarcArchiveMiddleware: every response the crawler fetched, kept as WARC in CORPUS/warc/.

A downloader middleware placed outermost (order 950, past HttpCacheMiddleware at 900), so its
``process_response`` sees each response as it came off the network: redirects and errors
included, a 304 before the cache swaps in its stored page (written as a ``revisit`` record),
and never a page the cache answered without asking the server (flag ``cached``).

Records are written in the reactor, as each response arrives: compressing and hashing a page
takes 1-3 ms (``bench/archive.py``). Handing each one to a thread instead (Twisted's pool, a lock
for order) cost the crawl process 1.4 ms more CPU per page than the writing itself, on a machine
whose cores the extraction workers keep busy (issue 14: 12.1-12.8 against 10.7-11.4 ms/page,
runs interleaved). The record is in the file (flushed to the kernel) before the page can be
stored, and its (file, offset) goes into ``request.meta["archive"]``: the stored article names
its record.

Settings: ``PROVNEWS_WARC_ENABLED`` (default True; ``provnews crawl --no-archive``),
``PROVNEWS_WARC_DIR`` (default CORPUS/warc), ``PROVNEWS_WARC_MAX_BYTES`` (rotation, default
1 GB), ``PROVNEWS_WARC_PREFIX`` (file name prefix, default "provnews"), ``PROVNEWS_WARC_GZIP_LEVEL``
(default 6).
"""
from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

from scrapy import signals
from scrapy.exceptions import NotConfigured

from corpus.archive.writer import RotatingWarcWriter, recover_stale


def _pairs(headers) -> list[tuple[str, str]]:
    return [(k.decode("latin-1"), v.decode("latin-1")) for k, values in headers.items() for v in values]


class WarcArchiveMiddleware:
    def __init__(self, folder: Path, max_bytes: int, prefix: str, stats, gzip_level: int):
        self.folder, self.stats = Path(folder), stats
        self.writer = RotatingWarcWriter(self.folder, prefix=prefix, max_size=max_bytes, gzip_level=gzip_level)

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
        self.writer.close()

    def process_response(self, request, response):
        if "cached" not in response.flags:
            request.meta["archive"] = self.write(request, response)
        return response

    def write(self, request, response) -> tuple[str, int]:
        """(file, offset) of the response record."""
        protocol = getattr(response, "protocol", None) or "HTTP/1.1"
        archived = self.writer.write_exchange(
            response.url, request.method, _pairs(request.headers), response.status, protocol,
            _pairs(response.headers), response.body, datetime.now(timezone.utc))
        # kept current at each write: the crawl summary reads them when the spider closes
        for key, value in (("bytes", self.writer.bytes_written), ("records", self.writer.records),
                           ("files", self.writer.files)):
            self.stats.set_value(f"warc/{key}", value)
        return archived
