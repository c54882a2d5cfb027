"""Politeness across all workers of a shared crawl: per-outlet slots and delay kept in Redis.

Scrapy enforces CONCURRENT_REQUESTS_PER_DOMAIN and DOWNLOAD_DELAY per process, so N workers
would send N times as many requests to an outlet. ``SharedPoliteness`` (a downloader
middleware placed after the HTTP cache, so cache hits cost nothing) takes a token from the
outlet's slot in Redis before a request goes to the downloader and gives it back when the
response or the error comes back. One Lua script decides atomically, on Redis's clock:

- at most CONCURRENT_REQUESTS_PER_DOMAIN tokens out per outlet (``P:slot:<outlet>``, a sorted
  set of tokens by start time); tokens of dead workers (no ``alive:`` key) and tokens older
  than PROVNEWS_REDIS_TOKEN_MAX_SECONDS are dropped, so a killed worker cannot block an outlet;
- a new token no sooner than DOWNLOAD_DELAY after the previous one (``P:next:<outlet>``), so
  the delay holds between any two workers' requests, not just within one. (RedisAddon moves
  DOWNLOAD_DELAY here, as PROVNEWS_REDIS_DELAY, and sets Scrapy's own to 0; AutoThrottle, when
  on, still slows each worker further on its own.)

The outlet is the request's registry source (all its hosts share one budget): its ``source``
meta, else the source owning the URL (robots.txt, fetched by Scrapy's RobotsTxtMiddleware
without the spider's meta, shares its outlet's budget too), else the host.
While it waits, a request only occupies one of the worker's CONCURRENT_REQUESTS.
"""
from __future__ import annotations

import asyncio
import itertools
from urllib.parse import urlsplit

from crawler.distributed.frontier import SharedCrawl

ACQUIRE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - tonumber(ARGV[5]))
for _, m in ipairs(redis.call('ZRANGE', KEYS[1], 0, -1)) do
  local w = string.sub(m, 1, string.find(m, '|', 1, true) - 1)
  if redis.call('EXISTS', ARGV[1] .. ':alive:' .. w) == 0 then redis.call('ZREM', KEYS[1], m) end
end
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[3]) then return -1 end
local nxt = tonumber(redis.call('GET', KEYS[2]) or '0')
if now < nxt then return nxt - now end
redis.call('ZADD', KEYS[1], now, ARGV[2])
local delay = tonumber(ARGV[4])
if delay > 0 then redis.call('SET', KEYS[2], now + delay, 'PX', delay + 1000) end
return 0
"""

TOKEN = "provnews_politeness_token"


class SharedPoliteness:
    def __init__(self, shared: SharedCrawl, per_outlet: int, delay: float, token_max: float, poll: float,
                 sources=lambda: {}):
        self.shared = shared
        self.sources = sources
        self.owners: dict[str, str] = {}
        self.per_outlet = per_outlet
        self.delay_ms = int(delay * 1000)
        self.token_max_ms = int(token_max * 1000)
        self.poll = poll
        self.serial = itertools.count()
        self._acquire = shared.server.register_script(ACQUIRE)

    @classmethod
    def from_crawler(cls, crawler):
        s = crawler.settings
        return cls(SharedCrawl.from_settings(s), s.getint("CONCURRENT_REQUESTS_PER_DOMAIN"),
                   s.getfloat("PROVNEWS_REDIS_DELAY"), s.getfloat("PROVNEWS_REDIS_TOKEN_MAX_SECONDS"),
                   s.getfloat("PROVNEWS_REDIS_POLL_SECONDS"), lambda: getattr(crawler.spider, "sources", {}))

    def outlet(self, request) -> str:
        if source := request.meta.get("source"):
            return source
        netloc = urlsplit(request.url).netloc
        if netloc not in self.owners:
            self.owners[netloc] = next((key for key, s in self.sources().items() if s.owns(request.url)), netloc)
        return self.owners[netloc]

    async def process_request(self, request):
        outlet = self.outlet(request)
        keys = [self.shared.key(f"slot:{outlet}"), self.shared.key(f"next:{outlet}")]
        token = f"{self.shared.worker}|{next(self.serial)}"
        while True:
            wait_ms = self._acquire(keys=keys, args=[self.shared.prefix, token, self.per_outlet,
                                                     self.delay_ms, self.token_max_ms])
            if wait_ms == 0:
                request.meta[TOKEN] = (keys[0], token)
                return None
            await asyncio.sleep(self.poll if wait_ms < 0 else min(wait_ms / 1000, 5 * self.poll))

    def release(self, request) -> None:
        if held := request.meta.pop(TOKEN, None):
            self.shared.server.zrem(*held)

    def process_response(self, request, response):
        self.release(request)
        return response

    def process_exception(self, request, exception):
        self.release(request)
        return None
