"""At the end of every crawl, one table: what each source gave and why pages were skipped.

Under it a totals row; above it the run id, status and exit status, elapsed
time, pages/s and the corpus path, so a log holds everything needed to find
the run again (``provnews runs``).
"""
from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path

from scrapy import signals

COLUMNS = ("pages", "stored", "dup_id", "skipped_known", "skipped_old", "non_article", "errors")


def per_source(stats: dict) -> dict[str, dict]:
    """provnews/<source>/<what>[/<reason>] stats, grouped by source."""
    out: dict[str, dict] = defaultdict(lambda: defaultdict(int))
    for key, value in stats.items():
        parts = key.split("/", 3)
        if parts[0] != "provnews" or len(parts) < 3:
            continue
        source, what = parts[1], parts[2]
        if len(parts) == 4:
            out[source]["errors" if what == "error" else what] += value
            out[source][f"{what}/{parts[3]}"] = value
        else:
            out[source][what] = value
    return {k: dict(v) for k, v in sorted(out.items())}


def format_table(counts: dict[str, dict]) -> str:
    width = max([len("source"), len("total")] + [len(k) for k in counts])
    def line(name, row):
        return "  ".join([name.ljust(width)] + [str(row.get(c, 0)).rjust(13) for c in COLUMNS])
    lines = ["  ".join(["source".ljust(width)] + [c.rjust(13) for c in COLUMNS])]
    for source, row in counts.items():
        lines.append(line(source, row))
        reasons = {k: v for k, v in row.items() if "/" in k}
        if reasons:
            lines.append(" " * width + "  reasons: " + ", ".join(f"{k}={v}" for k, v in sorted(reasons.items())))
    lines.append(line("total", {c: sum(row.get(c, 0) for row in counts.values()) for c in COLUMNS}))
    return "\n".join(lines)


def headline(stats: dict, counts: dict[str, dict], corpus: str) -> str:
    """Status, elapsed time, rate, run id and corpus of a finished crawl."""
    from crawler.outcome import failed_sources
    from crawler.progress import format_elapsed

    elapsed = stats.get("elapsed_time_seconds") or 0.0
    pages = sum(row.get("pages", 0) for row in counts.values())
    lines = [f"Crawl {stats.get('provnews/status', stats.get('finish_reason'))} "
             f"(exit status {stats.get('provnews/exit_status', '?')}) in {format_elapsed(elapsed)}: "
             f"{pages:,} pages, {pages / max(elapsed, 1e-9):.1f} pages/s",
             f"run {stats.get('provnews/run_id', '?')}, corpus {Path(corpus).resolve()}"]
    failed = failed_sources(counts)
    if failed and len(failed) < len(counts):
        lines.append(f"{len(failed)} of {len(counts)} sources never answered: {', '.join(failed)}")
    return "\n".join(lines)


class CrawlSummary:
    """Prints the per-source table and leaves it in stats as ``provnews/summary`` (JSON)."""

    def __init__(self, crawler):
        self.crawler = crawler
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def spider_closed(self, spider, reason):
        counts = per_source(self.crawler.stats.get_stats())
        for key in getattr(spider, "sources", {}):
            counts.setdefault(key, {})
        self.crawler.stats.set_value("provnews/summary", json.dumps(counts, ensure_ascii=False))
        top = headline(self.crawler.stats.get_stats(), counts, self.crawler.settings["PROVNEWS_CORPUS"])
        print(f"\n{top}\nPer source:\n{format_table(counts)}", flush=True)
