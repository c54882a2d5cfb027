"""What the report shows, read from a corpus: the run log (per run, per source counts)
and the Parquet parts (articles per outlet and month, field health, province coverage).

Nothing here writes to the corpus: a report may run while a crawl is going on.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime

from corpus.export.view import connected
from corpus.store.parts import Corpus
from corpus.store.state import RunLog

# Counts that are articles a run came across, new or already stored: when these fall, the
# outlet's listings or article pages changed (new stores alone fall as a corpus catches up).
FOUND = ("stored", "dup_id", "skipped_known", "skipped_old")


@dataclass(frozen=True)
class SourceRun:
    """One source in one run, as the run log recorded it."""

    run_id: str
    started: datetime
    status: str
    limits: tuple            # (max_articles, max_pages, since): runs compare only with like runs
    counts: dict

    def get(self, name: str) -> int:
        return int(self.counts.get(name, 0))

    @property
    def found(self) -> int:
        return sum(self.get(k) for k in FOUND)

    @property
    def responses(self) -> int:
        return self.get("pages") + self.get("sitemaps_read") + self.get("feeds_read")

    @property
    def attempted(self) -> int:
        return self.responses + self.get("errors") + self.get("robots_disallowed")

    def reasons(self, prefix: str) -> dict[str, int]:
        """``prefix/<reason>`` counts by reason, largest first."""
        found = {k[len(prefix) + 1:]: int(v) for k, v in self.counts.items() if k.startswith(prefix + "/")}
        return dict(sorted(found.items(), key=lambda kv: (-kv[1], kv[0])))


def source_runs(corpus: Corpus) -> dict[str, list[SourceRun]]:
    """Per source, the runs that crawled it and left counts, oldest first.

    A killed run left no counts: it is skipped (it says nothing about the site)."""
    if not (corpus.state_dir / "state.sqlite").exists():
        return {}
    out: dict[str, list[SourceRun]] = {}
    for run in RunLog(corpus.state_dir).runs():
        if run["counts"] is None:
            continue
        counts, args = _json(run["counts"]), _json(run["args"] or "{}")
        limits = (args.get("max_articles", 0), args.get("max_pages", 0), args.get("since"))
        started = datetime.fromisoformat(run["started"])
        for key in dict.fromkeys([*(run["sources"] or "").split(","), *counts]):
            if key:
                out.setdefault(key, []).append(SourceRun(run["run_id"], started, run["status"], limits,
                                                         counts.get(key, {})))
    return out


def _json(value):
    """A run-log JSON column, whether the log hands it over as text or already parsed."""
    return json.loads(value) if isinstance(value, str) else value


def articles_by_source(corpus: Corpus) -> dict[str, int]:
    """Stored rows per source (a column scan of the parts)."""
    if not corpus.parts():
        return {}
    with connected(corpus) as con:
        return dict(con.sql("SELECT source, count(*) FROM parts GROUP BY source").fetchall())


@dataclass
class CorpusFacts:
    """The article side of the report (unique articles: the ``articles`` view)."""

    articles: int = 0
    first: datetime | None = None
    last: datetime | None = None
    outlets: dict[str, str] = field(default_factory=dict)              # source -> outlet name
    monthly: list[tuple[str, datetime, int]] = field(default_factory=list)   # (source, month, articles)
    health: dict[str, dict] = field(default_factory=dict)              # source -> articles, undated, no_author
    provinces: dict[str, dict] = field(default_factory=dict)           # post-2025 province -> coverage


def corpus_facts(corpus: Corpus) -> CorpusFacts:
    facts = CorpusFacts()
    if not corpus.parts():
        return facts
    with connected(corpus) as con:
        con.execute("CREATE TEMP TABLE a AS SELECT source, site_name, province_after_2025, published, "
                    "author FROM articles")
        facts.articles, facts.first, facts.last = con.sql(
            "SELECT count(*), min(published), max(published) FROM a").fetchall()[0]
        facts.monthly = con.sql(
            "SELECT source, date_trunc('month', published)::DATE, count(*) FROM a "
            "WHERE published IS NOT NULL GROUP BY ALL ORDER BY 1, 2").fetchall()
        for source, name, n, undated, no_author in con.sql(
                "SELECT source, any_value(site_name), count(*), count(*) FILTER (WHERE published IS NULL), "
                "count(*) FILTER (WHERE coalesce(trim(author), '') = '') FROM a GROUP BY source ORDER BY source"
        ).fetchall():
            facts.outlets[source] = name or source
            facts.health[source] = {"articles": n, "undated": undated, "no_author": no_author}
        for province, n, outlets, months, first, last in con.sql(
                "SELECT province_after_2025, count(*), count(DISTINCT source), "
                "count(DISTINCT date_trunc('month', published)), min(published)::DATE, max(published)::DATE "
                "FROM a WHERE province_after_2025 IS NOT NULL GROUP BY 1").fetchall():
            facts.provinces[province] = {"articles": n, "outlets": outlets, "months": months,
                                         "first": first, "last": last}
    return facts


def source_health(facts: CorpusFacts, runs: dict[str, list[SourceRun]]) -> dict[str, dict[str, float | None]]:
    """Per source, over all runs and stored articles: share of article-like pages that were not
    articles (and of those with too little text), share of stored articles undated or without
    author. None where there is nothing to measure."""
    out = {}
    for source in dict.fromkeys([*facts.health, *runs]):
        pages = {"non_article": 0, "too_little_text": 0, "extracted": 0}
        for r in runs.get(source, []):
            pages["non_article"] += r.get("non_article")
            pages["too_little_text"] += r.get("non_article/too_little_text")
            pages["extracted"] += r.get("non_article") + r.get("stored") + r.get("dup_id") + r.get("skipped_old")
        stored = facts.health.get(source, {"articles": 0})
        out[source] = {
            "non_article": pages["non_article"] / pages["extracted"] if pages["extracted"] else None,
            "too_little_text": pages["too_little_text"] / pages["extracted"] if pages["extracted"] else None,
            "undated": stored["undated"] / stored["articles"] if stored["articles"] else None,
            "no_author": stored["no_author"] / stored["articles"] if stored["articles"] else None,
        }
    return out


def source_order(facts: CorpusFacts, runs: dict[str, list[SourceRun]]) -> list[str]:
    """Sources by stored articles, most first; those with none after, by key."""
    return sorted(dict.fromkeys([*facts.health, *runs]),
                  key=lambda s: (-facts.health.get(s, {}).get("articles", 0), s))
