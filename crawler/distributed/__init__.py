"""Shared crawls: many workers, one frontier in Redis, built on scrapy-redis.

- ``addon``: turns a crawl into a worker of the shared crawl named by PROVNEWS_REDIS_URL.
- ``frontier``: the Redis keys and Lua scripts (leases, workers, the run's end).
- ``scheduler``: scrapy-redis's Scheduler and PriorityQueue, with a lease on every pop.
- ``politeness``: per-outlet concurrency and delay across all workers.
- ``seen``: stored ids, stored and requested URL keys as Redis sets.
- ``run``: per-worker counts and the run log row of the shared run.
"""
