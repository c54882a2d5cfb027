"""Switch a crawl to shared mode when PROVNEWS_REDIS_URL (or scrapy-redis's REDIS_URL) is set.

Sets scrapy-redis's own settings (SCHEDULER, SCHEDULER_QUEUE_CLASS, DUPEFILTER_CLASS,
SCHEDULER_PERSIST, keys under PROVNEWS_REDIS_PREFIX) to provnews's leased subclasses, adds the
shared politeness middleware, turns off the HTTP cache (one folder, many writers) and replaces the corpus flock's RunRecorder with the shared run's
recorder. Works the same from ``provnews crawl --redis``, ``scrapy crawl news -s REDIS_URL=…``
and scrapyd (``-d setting=REDIS_URL=…``). Settings given on the command line still win.
"""
from __future__ import annotations

from crawler.distributed.frontier import redis_url, worker_name


class RedisAddon:
    def update_settings(self, settings):
        url = redis_url(settings)
        if not url:
            return
        prefix = settings.get("PROVNEWS_REDIS_PREFIX")
        for name, value in {
            "PROVNEWS_REDIS_URL": url, "REDIS_URL": url,
            "SCHEDULER": "crawler.distributed.scheduler.LeasedScheduler",
            "SCHEDULER_QUEUE_CLASS": "crawler.distributed.scheduler.LeasedPriorityQueue",
            "SCHEDULER_QUEUE_KEY": f"{prefix}:%(spider)s:requests",
            "SCHEDULER_DUPEFILTER_KEY": f"{prefix}:%(spider)s:dupefilter",
            "DUPEFILTER_CLASS": "crawler.dupefilter.RedisCountingDupeFilter",
            "SCHEDULER_PERSIST": True,   # one worker closing must not flush the others' queue
            "PROVNEWS_WORKER_ID": settings.get("PROVNEWS_WORKER_ID") or worker_name(),
            # Scrapy's filesystem HTTP cache is not safe for concurrent writers: a worker reading an
            # entry another is writing got an empty robots.txt and fetched disallowed pages.
            "HTTPCACHE_ENABLED": False,
        }.items():
            settings.set(name, value, "project")
        # DOWNLOAD_DELAY becomes the outlet's delay across workers (SharedPoliteness). Kept locally
        # too, it would hold a request that already has its token, and let another worker's pass
        # right after it: the gap at the server would be shorter than the delay.
        settings.set("PROVNEWS_REDIS_DELAY", settings.getfloat("DOWNLOAD_DELAY"), "cmdline")
        settings.set("DOWNLOAD_DELAY", 0, "cmdline")
        settings.set_in_component_priority_dict(
            "DOWNLOADER_MIDDLEWARES", "crawler.distributed.politeness.SharedPoliteness", 950)
        settings.set_in_component_priority_dict("EXTENSIONS", "crawler.corpusrun.RunRecorder", None)
        settings.set_in_component_priority_dict("EXTENSIONS", "crawler.distributed.run.SharedRunRecorder", 400)
