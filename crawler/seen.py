"""The spider's seen sets: (stored ids, stored URL keys, requested URL keys).

Without Redis: compact sorted-hash arrays of the corpus (corpus.store.seen) plus this run's
additions. With PROVNEWS_REDIS_URL: Redis sets shared by every worker (crawler.distributed.seen).
"""
from __future__ import annotations


def seen_sets(crawler, corpus):
    from crawler.distributed.frontier import redis_url

    if redis_url(crawler.settings):
        from crawler.distributed.seen import redis_seen_sets

        return redis_seen_sets(crawler, corpus)
    ids, keys = corpus.known()
    return ids, keys, set()
