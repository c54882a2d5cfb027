"""``scrapy crawl news`` (and so scrapyd jobs) exiting with the run's status (crawler.outcome).

Scrapy's own crawl command exits 1 only when the crawl could not start; this
one also exits with what the run achieved, as ``provnews crawl`` does.
"""
from __future__ import annotations

from scrapy.commands.crawl import Command as ScrapyCrawl


class Command(ScrapyCrawl):
    def _create_crawler(self, spname):
        self.crawler = super()._create_crawler(spname)
        return self.crawler

    def run(self, args, opts) -> None:
        super().run(args, opts)
        if not self.exitcode and getattr(self, "crawler", None) is not None and self.crawler.stats:
            self.exitcode = self.crawler.stats.get_value("provnews/exit_status", 0)
