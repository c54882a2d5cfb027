"""GcPolicy: fewer garbage-collector passes in the crawl process.

Python collects its youngest generation every 700 new container objects. A crawl makes
thousands per page (requests, responses, Deferreds, items, stats), so the collector ran about
a thousand times per 2,000 pages, each pass walking the young objects, and the oldest generation,
which holds the whole crawl state, eight times: two seconds of the reactor's CPU
(``bench/throughput.py``'s crawl, issue 14), about a millisecond per page. Objects made during
start-up (modules, the registry, the seen sets) are frozen out of the collector's view, and the
young generation is collected every ``PROVNEWS_GC_THRESHOLD[0]`` objects (20,000: 0.4 s on the
same crawl). Cyclic garbage still goes, a little later; the memory it holds meanwhile is that of
20,000 small objects.
"""
from __future__ import annotations

import gc

from scrapy import signals
from scrapy.exceptions import NotConfigured


class GcPolicy:
    def __init__(self, threshold: tuple[int, ...]):
        self.threshold = threshold

    @classmethod
    def from_crawler(cls, crawler):
        threshold = tuple(int(v) for v in crawler.settings.getlist("PROVNEWS_GC_THRESHOLD"))
        if not threshold:
            raise NotConfigured
        policy = cls(threshold)
        crawler.signals.connect(policy.engine_started, signal=signals.engine_started)
        return policy

    def engine_started(self):
        gc.collect()
        gc.freeze()
        gc.set_threshold(*self.threshold)
