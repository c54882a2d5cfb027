"""provnews crawl: run the `news` spider over registry sources into a corpus."""
from __future__ import annotations

import argparse
import contextlib
from datetime import date

from corpus.errors import UsageError
from corpus.sources.registry import load_sources, select_sources
from corpus.store.state import EX_TEMPFAIL, CrawlLock, RunLog
from corpus.store.parts import Corpus


def positive_int(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {value!r}") from None
    if number < 0:
        raise argparse.ArgumentTypeError(f"expected 0 or more, got {value}")
    return number


def iso_date(value: str) -> str:
    try:
        return date.fromisoformat(value).isoformat()
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a date YYYY-MM-DD, got {value!r}") from None


def add_selection_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--sources", help="comma-separated registry keys")
    parser.add_argument("--sources-file", help="registry TOML file (default: the shipped registry)")
    parser.add_argument("--province", help="province name, before or after the 2025 merger (comma-separated)")
    parser.add_argument("--kind", help="newspaper, portal, party, radio_tv or other (comma-separated)")


def register(sub) -> None:
    p = sub.add_parser("crawl", help="crawl registry sources into a corpus")
    add_selection_args(p)
    p.add_argument("--corpus", default="corpus", help="corpus folder (default: ./corpus)")
    p.add_argument("--max-articles", type=positive_int, default=0, help="articles stored per source (0 = no limit)")
    p.add_argument("--max-pages", type=positive_int, default=0, help="pages fetched per source (0 = no limit)")
    p.add_argument("--since", type=iso_date, help="only articles published on or after YYYY-MM-DD")
    p.add_argument("--workers", type=int, default=-1, help="extraction processes (-1 = one per core, 0 = inline)")
    p.add_argument("--redis", metavar="redis://HOST:PORT/DB",
                   help="join the shared crawl kept in this Redis (any number of workers; see README)")
    p.add_argument("-s", "--set", action="append", default=[], metavar="NAME=VALUE",
                   help="override a Scrapy setting (repeatable)")
    p.set_defaults(func=run)


def crawl_settings(args):
    """Scrapy settings for this run: the project's, then the command line's."""
    from scrapy.settings import Settings

    settings = Settings()
    settings.setmodule("crawler.settings", priority="project")
    settings.setdict({
        "PROVNEWS_CORPUS": args.corpus, "PROVNEWS_SOURCES_FILE": args.sources_file,
        "PROVNEWS_MAX_ARTICLES": args.max_articles, "PROVNEWS_MAX_PAGES": args.max_pages,
        "PROVNEWS_EXTRACT_WORKERS": args.workers, "PROVNEWS_SINCE": args.since,
    }, priority="cmdline")
    if args.redis:
        if not args.redis.startswith(("redis://", "rediss://", "unix://")):
            raise UsageError(f"--redis expects redis://HOST:PORT/DB, got {args.redis!r}")
        settings.set("PROVNEWS_REDIS_URL", args.redis, priority="cmdline")
    for pair in args.set:
        name, sep, value = pair.partition("=")
        if not sep or not name.isupper():
            raise UsageError(f"-s expects NAME=VALUE with an upper-case Scrapy setting name, got {pair!r}")
        settings.set(name, value, priority="cmdline")
    return settings


def group_near_duplicates(corpus: Corpus) -> None:
    """Give the new articles their near-duplicate group (incremental; see corpus.dedup.neardup)."""
    from corpus.dedup.neardup import update_clusters

    if not corpus.parts():
        return
    try:
        print("near-duplicates: " + update_clusters(corpus).line(), flush=True)
    except UsageError as exc:  # a `provnews dedup` is running: it will group these too
        print(f"near-duplicates: not updated ({exc})", flush=True)


def run(args) -> int:
    chosen = select_sources(load_sources(args.sources_file), args.sources, args.province, args.kind)
    if not chosen:
        raise UsageError("no source matches the selection")
    corpus = Corpus(args.corpus)
    corpus.ensure_writable()
    settings = crawl_settings(args)
    run_id = RunLog.new_id()
    settings.setdict({"PROVNEWS_LOCK_HELD": True, "PROVNEWS_RUN_ID": run_id}, priority="cmdline")

    from scrapy.crawler import CrawlerProcess

    shared = settings.get("PROVNEWS_REDIS_URL") or settings.get("REDIS_URL")
    # Alone, the corpus flock: an overlapping run exits 75 here, naming this one. In a shared crawl
    # each worker holds a lease in Redis instead (crawler.distributed.run).
    with contextlib.nullcontext() if shared else CrawlLock(corpus.state_dir, run_id):
        process = CrawlerProcess(settings)
        crawler = process.create_crawler("news")
        process.crawl(crawler, sources=",".join(s.key for s in chosen))
        process.start()
        group_near_duplicates(corpus)   # cheap when nothing is new
    reason = crawler.stats.get_value("finish_reason")
    return 0 if reason == "finished" else EX_TEMPFAIL if reason == "corpus_locked" else 1
