"""Site-health alerts: what changed at an outlet, judged against its own run history.

Each rule looks at the latest run that crawled a source and at the runs before it:

yield_fell        the run found far fewer articles (new or already stored) than the
                  median of the like runs before it: a layout change, usually
redirected        most responses came from another host after a redirect: a domain
                  move or a merger (needs the ``redirected_offsite`` counts, recorded
                  since crawler.middlewares.OffsiteRedirects)
robots_blocking   robots.txt now forbids most requests, where it forbade almost none
error_spike       the share of failed requests jumped against the source's own median
never_yielded     crawled, yet not one article is stored

The same list comes from ``provnews report --json`` and at the end of ``provnews crawl``.
"""
from __future__ import annotations

import statistics
from dataclasses import asdict, dataclass

from corpus.errors import UsageError
from corpus.report.data import SourceRun, articles_by_source, source_runs
from corpus.store.parts import Corpus

YIELD_MIN_HISTORY = 3      # like runs before the latest one, needed to speak of a fall
YIELD_MIN_MEDIAN = 10      # articles found by a median run; below that a fall is noise
YIELD_FALL_RATIO = 0.5     # latest below this share of the median: alert
REDIRECTED_SHARE = 0.5     # share of responses that came from another host
ROBOTS_BLOCKED_SHARE = 0.5     # share of requests forbidden by robots.txt in the latest run ...
ROBOTS_BEFORE_SHARE = 0.1      # ... where no earlier run had more than this share
ERROR_RATE_MIN = 0.25      # failed share of requests in the latest run ...
ERROR_RATE_JUMP = 0.2      # ... and this much above the source's median (0 with no history)


@dataclass(frozen=True)
class Alert:
    kind: str
    source: str
    run_id: str
    message: str

    def line(self) -> str:
        return f"{self.source}: {self.message} [{self.kind}, run {self.run_id}]"

    def to_dict(self) -> dict:
        return asdict(self)


def _share(part: int, whole: int) -> float:
    return part / whole if whole else 0.0


def _top(reasons: dict[str, int], n: int = 3) -> str:
    return ", ".join(f"{k} {v}" for k, v in list(reasons.items())[:n])


def yield_fell(source: str, runs: list[SourceRun]) -> Alert | None:
    finished = [r for r in runs if r.status == "finished"]
    if not finished:
        return None
    latest = finished[-1]
    like = [r.found for r in finished[:-1] if r.limits == latest.limits]
    if len(like) < YIELD_MIN_HISTORY:
        return None
    median = statistics.median(like)
    if median < YIELD_MIN_MEDIAN or latest.found >= YIELD_FALL_RATIO * median:
        return None
    extra = latest.reasons("non_article")
    why = f"; pages not articles: {_top(extra)}" if extra else ""
    return Alert("yield_fell", source, latest.run_id,
                 f"found {latest.found} articles, against a median of {median:g} over its {len(like)} "
                 f"previous runs (layout change?){why}")


def redirected(source: str, runs: list[SourceRun]) -> Alert | None:
    latest = runs[-1]
    hosts = latest.reasons("redirected_offsite")
    moved = sum(hosts.values())
    if not hosts or _share(moved, max(latest.responses, moved)) < REDIRECTED_SHARE:
        return None
    return Alert("redirected", source, latest.run_id,
                 f"{moved} of {max(latest.responses, moved)} responses came by redirect from another host: "
                 f"{_top(hosts)} (domain move or merger? update the registry's homepage/hosts)")


def robots_blocking(source: str, runs: list[SourceRun]) -> Alert | None:
    if len(runs) < 2:
        return None
    latest = runs[-1]
    share = _share(latest.get("robots_disallowed"), latest.attempted)
    before = max(_share(r.get("robots_disallowed"), r.attempted) for r in runs[:-1])
    if share < ROBOTS_BLOCKED_SHARE or before > ROBOTS_BEFORE_SHARE:
        return None
    return Alert("robots_blocking", source, latest.run_id,
                 f"robots.txt forbade {latest.get('robots_disallowed')} of {latest.attempted} requests "
                 f"({share:.0%}), at most {before:.0%} in earlier runs")


def error_spike(source: str, runs: list[SourceRun]) -> Alert | None:
    latest = runs[-1]
    rate = _share(latest.get("errors"), latest.attempted)
    history = [_share(r.get("errors"), r.attempted) for r in runs[:-1] if r.attempted]
    baseline = statistics.median(history) if history else 0.0
    if rate < ERROR_RATE_MIN or rate < baseline + ERROR_RATE_JUMP:
        return None
    return Alert("error_spike", source, latest.run_id,
                 f"{latest.get('errors')} of {latest.attempted} requests failed ({rate:.0%}, usually "
                 f"{baseline:.0%}): {_top(latest.reasons('error'))}")


def never_yielded(source: str, runs: list[SourceRun], stored: int) -> Alert | None:
    if stored or any(r.get("stored") for r in runs):
        return None
    latest = runs[-1]
    why = latest.reasons("non_article") | latest.reasons("error")
    detail = f"; latest run: {_top(dict(sorted(why.items(), key=lambda kv: -kv[1])))}" if why else ""
    return Alert("never_yielded", source, latest.run_id,
                 f"no article stored in {len(runs)} run{'s' * (len(runs) != 1)} "
                 f"({latest.get('pages')} pages fetched in the latest){detail}")


RULES = (yield_fell, redirected, robots_blocking, error_spike)


def site_alerts(runs_by_source: dict[str, list[SourceRun]], stored_by_source: dict[str, int]) -> list[Alert]:
    """Every alert, by source, for each source's latest run."""
    alerts = []
    for source, runs in sorted(runs_by_source.items()):
        found = [rule(source, runs) for rule in RULES]
        found.append(never_yielded(source, runs, stored_by_source.get(source, 0)))
        alerts += [a for a in found if a]
    return alerts


def corpus_alerts(corpus: Corpus) -> list[Alert]:
    return site_alerts(source_runs(corpus), articles_by_source(corpus))


def print_run_alerts(corpus: Corpus, run_id: str) -> None:
    """End of a crawl: the alerts this run raised, one line each (nothing when all is well)."""
    try:
        alerts = [a for a in corpus_alerts(corpus) if a.run_id == run_id]
    except UsageError as exc:   # a damaged part: the crawl's own result stands
        print(f"site-health alerts: not computed ({exc})", flush=True)
        return
    if alerts:
        print(f"site-health alerts ({len(alerts)}; `provnews report` shows them with plots):", flush=True)
        for alert in alerts:
            print("  " + alert.line(), flush=True)
