"""What a run achieved, as an exit status a scheduler can act on, and a process that always exits.

Exit statuses (the same for ``provnews crawl``, ``scrapy crawl news`` and the
run log a scrapyd job writes):

    0    ran: something was fetched (stored, or confirmed up to date)
    1    stopped for another reason (a Scrapy close reason other than finished)
    2    bad argument or configuration (one line, before crawling)
    69   nothing fetched: no source answered (offline, DNS, every source failing); EX_UNAVAILABLE
    75   the corpus is locked by another crawl; EX_TEMPFAIL
    130  interrupted (Ctrl-C, SIGTERM)

A source counts as answered when at least one of its sitemaps, feeds, listings
or pages (not robots.txt) came back with a status below 400.
"""
from __future__ import annotations

import logging
import os
import sys
import threading

from scrapy import signals
from scrapy.exceptions import NotConfigured

from corpus.store.state import EX_TEMPFAIL

logger = logging.getLogger(__name__)

EX_FAILED, EX_UNAVAILABLE, EX_INTERRUPTED = 1, 69, 130


def run_status(reason: str, counts: dict[str, dict]) -> tuple[str, int]:
    """(status for the run log, exit status) of a run closed for ``reason`` with per-source ``counts``."""
    if reason == "corpus_locked":
        return "corpus_locked", EX_TEMPFAIL
    if reason == "shutdown":
        return "interrupted", EX_INTERRUPTED
    if reason != "finished" and not reason.startswith("closespider_"):
        return reason, EX_FAILED
    if not any(row.get("responses", 0) for row in counts.values()):
        return "nothing_fetched", EX_UNAVAILABLE
    return "finished", 0


def failed_sources(counts: dict[str, dict]) -> list[str]:
    """Sources that never answered (the others did)."""
    return [key for key, row in counts.items() if not row.get("responses", 0)]


class ResponseCounter:
    """Counts ``provnews/<source>/responses``: answers below 400 to anything but robots.txt."""

    def __init__(self, stats):
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler):
        counter = cls(crawler.stats)
        crawler.signals.connect(counter.response_received, signal=signals.response_received)
        return counter

    def response_received(self, response, request, spider):
        source = request.meta.get("source")
        if source and response.status < 400 and request.meta.get("role") != "robots":
            self.stats.inc_value(f"provnews/{source}/responses")


class ExitGuard:
    """Make sure the crawl process exits even if an extraction worker's pool cannot be joined.

    The pool is closed with a deadline (crawler.workerpool); if its management
    thread is still alive at engine_stopped, interpreter exit would join it for
    ever (``concurrent.futures.process._python_exit``). A daemon thread then
    waits for that exit to begin and ends the process with the run's exit status.
    """

    def __init__(self, crawler, grace_seconds: float):
        self.crawler, self.grace_seconds = crawler, grace_seconds
        crawler.signals.connect(self.engine_stopped, signal=signals.engine_stopped)

    @classmethod
    def from_crawler(cls, crawler):
        grace = crawler.settings.getfloat("PROVNEWS_EXIT_GRACE_SECONDS")
        if grace <= 0:
            raise NotConfigured
        return cls(crawler, grace)

    def engine_stopped(self):
        pool = getattr(self.crawler, "provnews_pool", None)
        stuck = pool.stuck_threads() if pool else []
        if stuck:
            logger.warning("%d extraction pool thread(s) did not stop; the process will exit anyway", len(stuck))
            threading.Thread(target=self._exit_when_stuck, args=(stuck,), daemon=True,
                             name="provnews-exit-guard").start()

    def _exit_when_stuck(self, stuck: list[threading.Thread]) -> None:
        import concurrent.futures.process as cf_process

        while any(t.is_alive() for t in stuck):
            for thread in stuck:
                thread.join(self.grace_seconds)
            if getattr(cf_process, "_global_shutdown", False) and any(t.is_alive() for t in stuck):
                status = self.crawler.stats.get_value("provnews/exit_status", EX_FAILED)
                sys.stdout.flush()
                sys.stderr.flush()
                os._exit(status)
