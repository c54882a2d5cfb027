"""Progress while crawling: a live table on a terminal, a periodic status line in logs.

On a terminal (stderr is a TTY) rich draws a table that updates every second:
per source pages fetched, articles stored, errors and pages/s, and a total row.
Log messages scroll above it. Elsewhere (cron, systemd, scrapyd) one line is
logged every ``PROVNEWS_STATUS_INTERVAL`` seconds instead, the same totals.
``PROVNEWS_PROGRESS``: ``auto`` (default), ``line`` (always the line), ``off``.
Scrapy's own once-a-minute LogStats line is off (LOGSTATS_INTERVAL = 0).
"""
from __future__ import annotations

import logging
import sys
import time

from scrapy import signals
from scrapy.exceptions import NotConfigured
from twisted.internet import task

from crawler.summary import per_source

logger = logging.getLogger(__name__)


def totals(counts: dict[str, dict]) -> dict[str, int]:
    keys = ("pages", "stored", "errors", "skipped_old")
    return {k: sum(row.get(k, 0) for row in counts.values()) for k in keys}


def status_line(counts: dict[str, dict], elapsed: float) -> str:
    """One line for logs: elapsed, pages and rate, stored, errors, sources that answered."""
    total = totals(counts)
    answered = sum(1 for row in counts.values() if row.get("responses"))
    return (f"progress: {format_elapsed(elapsed)}  pages {total['pages']:,} ({total['pages'] / max(elapsed, 1e-9):.1f}/s)"
            f"  stored {total['stored']:,}  errors {total['errors']:,}  sources answered {answered}/{len(counts)}")


def format_elapsed(seconds: float) -> str:
    seconds = int(seconds)
    hours, rest = divmod(seconds, 3600)
    return (f"{hours}h" if hours else "") + f"{rest // 60:d}m{rest % 60:02d}s"


def live_table(counts: dict[str, dict], elapsed: float, rows: int):
    """The rich table: the ``rows`` busiest sources and the total."""
    from rich.table import Table

    table = Table(title=f"provnews crawl, {format_elapsed(elapsed)}", title_justify="left", expand=False)
    for name in ("source", "pages", "stored", "errors", "pages/s"):
        table.add_column(name, justify="left" if name == "source" else "right")
    busiest = sorted(counts.items(), key=lambda kv: (-kv[1].get("pages", 0), kv[0]))
    for key, row in busiest[:rows]:
        table.add_row(key, f"{row.get('pages', 0):,}", f"{row.get('stored', 0):,}", f"{row.get('errors', 0):,}",
                      f"{row.get('pages', 0) / max(elapsed, 1e-9):.1f}")
    if len(busiest) > rows:
        table.add_row(f"… {len(busiest) - rows} more", "", "", "", "")
    total = totals(counts)
    table.add_row("total", f"{total['pages']:,}", f"{total['stored']:,}", f"{total['errors']:,}",
                  f"{total['pages'] / max(elapsed, 1e-9):.1f}", style="bold", end_section=True)
    return table


class CrawlProgress:
    def __init__(self, crawler, mode: str, interval: float):
        self.crawler, self.mode, self.interval = crawler, mode, interval
        self.started = None
        self.loop = self.live = None
        self.redirected: list[logging.StreamHandler] = []
        crawler.signals.connect(self.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler):
        mode = crawler.settings.get("PROVNEWS_PROGRESS", "auto")
        if mode == "off":
            raise NotConfigured
        if mode == "auto":
            mode = "live" if sys.stderr.isatty() else "line"
        return cls(crawler, mode, crawler.settings.getfloat("PROVNEWS_STATUS_INTERVAL"))

    def counts(self) -> dict[str, dict]:
        counts = per_source(self.crawler.stats.get_stats())
        for key in getattr(self.crawler.spider, "sources", {}):
            counts.setdefault(key, {})
        return counts

    def spider_opened(self, spider):
        self.started = time.monotonic()
        if self.mode == "live":
            self._start_live()
            self.loop = task.LoopingCall(self._refresh)
            self.loop.start(1.0, now=False)
        elif self.interval > 0:
            self.loop = task.LoopingCall(self._log_line)
            self.loop.start(self.interval, now=False)

    def _elapsed(self) -> float:
        return time.monotonic() - self.started

    def _log_line(self):
        logger.info("%s", status_line(self.counts(), self._elapsed()))

    def _start_live(self):
        from rich.console import Console
        from rich.live import Live

        console = Console(file=sys.stderr)
        original = sys.stderr
        self.live = Live(console=console, redirect_stderr=True, redirect_stdout=False, auto_refresh=False,
                         transient=True)
        self.live.start()
        # Scrapy's log handler holds the real stderr; point it at rich's proxy so lines scroll above the table.
        for handler in logging.getLogger().handlers:
            if isinstance(handler, logging.StreamHandler) and handler.stream is original:
                handler.setStream(sys.stderr)
                self.redirected.append(handler)
        self._refresh()

    def _refresh(self):
        rows = max(3, self.live.console.size.height - 8)
        self.live.update(live_table(self.counts(), self._elapsed(), rows), refresh=True)

    def spider_closed(self, spider, reason):
        if self.loop is not None and self.loop.running:
            self.loop.stop()
        if self.live is not None:
            self.live.stop()
            for handler in self.redirected:
                handler.setStream(sys.stderr)
            self.live = None
