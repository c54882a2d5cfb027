"""provnews crawl: run the `news` spider over registry sources into a corpus."""
from __future__ import annotations

import argparse
from datetime import date

from corpus.errors import UsageError
from corpus.report.alerts import print_run_alerts
from corpus.sources.registry import load_sources, select_sources
from corpus.store.state import CrawlLock, RunLog
from corpus.store.parts import DEFAULT_CORPUS, Corpus


def positive_int(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {value!r}") from None
    if number < 0:
        raise argparse.ArgumentTypeError(f"expected 0 or more, got {value}")
    return number


def worker_count(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {value!r}") from None
    if number < -1:
        raise argparse.ArgumentTypeError(f"expected -1 (one per core), 0 (inline) or more, got {value}")
    return number


def iso_date(value: str) -> str:
    try:
        return date.fromisoformat(value).isoformat()
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a date YYYY-MM-DD, got {value!r}") from None


def add_selection_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--sources", "--source", dest="sources", help="comma-separated registry keys")
    parser.add_argument("--sources-file", help="registry TOML file (default: the shipped registry)")
    parser.add_argument("--province", help="province name, before or after the 2025 merger (comma-separated)")
    parser.add_argument("--kind", help="newspaper, portal, party, radio_tv or other (comma-separated)")


def register(sub) -> None:
    p = sub.add_parser("crawl", help="crawl registry sources into a corpus")
    add_selection_args(p)
    p.add_argument("--corpus", default=DEFAULT_CORPUS, help=f"corpus folder (default: ./{DEFAULT_CORPUS})")
    p.add_argument("--max-articles", type=positive_int, default=0, help="articles stored per source (0 = no limit)")
    p.add_argument("--max-pages", type=positive_int, default=0, help="pages fetched per source (0 = no limit)")
    p.add_argument("--since", type=iso_date, help="only articles published on or after YYYY-MM-DD")
    p.add_argument("--workers", type=worker_count, default=-1,
                   help="extraction processes (-1 = one per core, 0 = inline)")
    p.add_argument("-s", "--set", action="append", default=[], metavar="NAME=VALUE",
                   help="override a Scrapy or PROVNEWS_ setting (repeatable)")
    p.add_argument("-v", "--verbose", action="count", default=0,
                   help="-v: log Scrapy's settings and components at start; -vv: LOG_LEVEL=DEBUG")
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
    known = set(settings.attributes)     # Scrapy's defaults and the project's (PROVNEWS_*) settings
    for pair in args.set:
        name, sep, value = pair.partition("=")
        if not sep or not name.isupper():
            raise UsageError(f"-s expects NAME=VALUE with an upper-case Scrapy setting name, got {pair!r}")
        if name not in known:
            raise UsageError(f"-s {name}: unknown setting (not a Scrapy or provnews setting)")
        settings.set(name, value, priority="cmdline")
    if args.verbose:
        settings.set("PROVNEWS_LOG_STARTUP", True, priority="cmdline")
    if args.verbose > 1:
        settings.set("LOG_LEVEL", "DEBUG", priority="cmdline")
    return settings


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

    from crawler.quietlog import QuietLog

    QuietLog.before_crawl(settings.getbool("PROVNEWS_LOG_STARTUP") or settings.get("LOG_LEVEL") == "DEBUG")
    with CrawlLock(corpus.state_dir, run_id):  # an overlapping run exits 75 here, naming this one
        process = CrawlerProcess(settings)
        crawler = process.create_crawler("news")
        process.crawl(crawler, sources=",".join(s.key for s in chosen))
        process.start()   # near-duplicate grouping, run log and summary: extensions (crawler/corpusrun.py)
        print_run_alerts(corpus, run_id)
    return crawler.stats.get_value("provnews/exit_status", 1)   # statuses: crawler/outcome.py
