"""A log an unattended run's reader can read: no settings dump, one counted line per failure.

Scrapy logs about 100 lines of settings and components at INFO when a crawl
starts, and its whole stats dict at the end; they are kept for ``-v``
(``PROVNEWS_LOG_STARTUP``) and LOG_LEVEL=DEBUG (the stats are in the run log
and the summary anyway). RetryMiddleware's "Gave up retrying" ERROR repeats
what the spider's errback logs and counts (``Skipping URL: reason``), so it is
shown at DEBUG only.
A robots.txt that cannot be downloaded (DNS, refused, timeout) makes
RobotsTxtMiddleware log an ERROR with a full traceback, per host; offline,
that was 224 tracebacks for 113 sources. It becomes one WARNING line, counted as
``provnews/<source>/error/robots_<reason>``; the crawl of that host goes on as
Scrapy decides (no robots.txt: everything allowed).
"""
from __future__ import annotations

import logging

from twisted.python.failure import Failure

STARTUP_LOGGERS = {
    "scrapy.crawler": ("Overridden settings",),
    "scrapy.middleware": ("Enabled ",),
    "scrapy.addons": ("Enabled addons",),
    "scrapy.utils.log": ("Versions", "Scrapy "),
    "scrapy.extensions.telnet": ("Telnet",),
    "scrapy.statscollectors": ("Dumping Scrapy stats",),
}
REPEATED_LOGGERS = {"scrapy.downloadermiddlewares.retry": ("Gave up retrying",)}
ROBOTS_LOGGER = "scrapy.downloadermiddlewares.robotstxt"


class StartupDumpFilter(logging.Filter):
    """Drops Scrapy's start-up listings (records of ``logger`` whose message starts with ``prefixes``)."""

    def __init__(self, prefixes: tuple[str, ...]):
        super().__init__()
        self.prefixes = prefixes

    def filter(self, record: logging.LogRecord) -> bool:
        return not str(record.msg).startswith(self.prefixes)


class RobotsFailureFilter(logging.Filter):
    """Turns RobotsTxtMiddleware's "Error downloading" traceback into one counted warning line."""

    def __init__(self, stats):
        super().__init__()
        self.stats = stats

    def filter(self, record: logging.LogRecord) -> bool:
        if not (record.exc_info and isinstance(record.args, dict) and "request" in record.args):
            return True
        from crawler.spiders.news import failure_reason   # the spider's names for failures

        request, exc = record.args["request"], record.exc_info[1]
        reason = failure_reason(Failure(exc, type(exc), record.exc_info[2]))
        source = request.meta.get("source", "?")
        self.stats.inc_value(f"provnews/{source}/error/robots_{reason}")
        record.msg, record.args = "robots.txt not read for %s: %s (crawling it as allowed)", (request.url, reason)
        record.exc_info = record.exc_text = None
        record.levelno, record.levelname = logging.WARNING, "WARNING"
        return True


class QuietLog:
    def __init__(self, stats, startup: bool):
        self.filters = [(logging.getLogger(ROBOTS_LOGGER), RobotsFailureFilter(stats))]
        if not startup:
            self.filters += [(logging.getLogger(name), StartupDumpFilter(prefixes))
                             for name, prefixes in {**STARTUP_LOGGERS, **REPEATED_LOGGERS}.items()]
        for logger, log_filter in self.filters:
            logger.addFilter(log_filter)

    @classmethod
    def from_crawler(cls, crawler):
        settings = crawler.settings
        startup = settings.getbool("PROVNEWS_LOG_STARTUP") or settings.get("LOG_LEVEL") == "DEBUG"
        return cls(crawler.stats, startup)

    @staticmethod
    def before_crawl(startup: bool) -> None:
        """For ``provnews crawl``: also drop what Scrapy logs before any extension exists (versions, add-ons)."""
        if not startup:
            for name in ("scrapy.utils.log", "scrapy.addons"):
                logging.getLogger(name).addFilter(StartupDumpFilter(STARTUP_LOGGERS[name]))
