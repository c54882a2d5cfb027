"""The report as one self-contained HTML file: inline CSS and SVG, no script, no link out.

It opens from a file, a mail attachment or an archive without a network.
"""
from __future__ import annotations

from datetime import datetime, timezone
from html import escape

from corpus.report import plots
from corpus.report.alerts import Alert
from corpus.report.data import CorpusFacts, SourceRun, source_health, source_order

STYLE = """
body { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", "DejaVu Sans", sans-serif; color: #222;
       margin: 0 auto; max-width: 1180px; padding: 24px 28px 60px; background: #fafafa; }
h1 { font-size: 26px; margin: 0 0 4px; } h2 { font-size: 19px; margin: 36px 0 6px; }
.meta { color: #666; margin: 0 0 18px; }
.totals { display: flex; gap: 14px; flex-wrap: wrap; margin: 0 0 10px; }
.totals div { background: #fff; border: 1px solid #e3e3e3; border-radius: 8px; padding: 10px 16px; }
.totals b { display: block; font-size: 22px; }
.explain { color: #555; margin: 0 0 10px; max-width: 820px; }
figure { margin: 0; background: #fff; border: 1px solid #e3e3e3; border-radius: 8px; padding: 12px; overflow-x: auto; }
figure svg { max-width: 100%; height: auto; display: block; margin: 0 auto; }
#plot-provinces svg { max-width: 620px; }
g.province:hover path { stroke: #222 !important; stroke-width: 2px !important; }
ul.alerts { list-style: none; padding: 0; margin: 0; }
ul.alerts li { background: #fff; border: 1px solid #f0c2c2; border-left: 5px solid #d62728; border-radius: 6px;
               padding: 8px 12px; margin: 0 0 8px; }
.kind { display: inline-block; font-size: 12px; font-weight: 600; background: #d62728; color: #fff;
        border-radius: 4px; padding: 1px 7px; margin-right: 6px; }
.source { font-weight: 600; } .run { color: #888; font-size: 12px; }
.ok { background: #eef8ee; border: 1px solid #bfe3bf; border-radius: 6px; padding: 8px 12px; }
.none { color: #777; font-style: italic; }
"""

KIND_LABELS = {"yield_fell": "yield fell", "redirected": "redirects elsewhere", "robots_blocking": "robots.txt blocks",
               "error_spike": "error spike", "never_yielded": "never yielded"}


def _alerts_html(alerts: list[Alert], names: dict[str, str]) -> str:
    if not alerts:
        return '<p class="ok" id="no-alerts">No site-health alerts: every outlet looks as it did.</p>'
    items = "".join(
        f'<li class="alert" data-kind="{escape(a.kind)}" data-source="{escape(a.source)}">'
        f'<span class="kind">{escape(KIND_LABELS.get(a.kind, a.kind))}</span>'
        f'<span class="source">{escape(names.get(a.source, a.source))}</span> ({escape(a.source)}): '
        f'{escape(a.message)} <span class="run">run {escape(a.run_id)}</span></li>' for a in alerts)
    return f'<ul class="alerts" id="alerts">{items}</ul>'


def _section(anchor: str, title: str, explain: str, svg: str | None, empty: str) -> str:
    body = f'<figure id="plot-{anchor}" class="plot">{svg}</figure>' if svg else f'<p class="none">{empty}</p>'
    return f'<section id="{anchor}"><h2>{escape(title)}</h2><p class="explain">{explain}</p>{body}</section>'


def render(corpus_root, facts: CorpusFacts, runs: dict[str, list[SourceRun]], alerts: list[Alert],
           registry_names: dict[str, str]) -> str:
    """The page; outlets are named as stored, else as the registry names them, else by key."""
    plots.require_matplotlib()
    order = source_order(facts, runs)
    names = {s: facts.outlets.get(s) or registry_names.get(s, s) for s in order}
    alerted = {(a.source, a.run_id) for a in alerts}
    run_count = len({r.run_id for rs in runs.values() for r in rs})
    dates = (f"{facts.first:%Y-%m-%d} – {facts.last:%Y-%m-%d}" if facts.first else "no dated article")
    totals = "".join(f"<div><b>{value}</b>{escape(label)}</div>" for value, label in (
        (f"{facts.articles:,}", "articles"), (len(order), "sources"), (run_count, "runs in the log"),
        (len(alerts), "alerts"), (escape(dates), "published")))
    generated = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    sections = [
        _section("monthly", "Articles per outlet per month",
                 "Each row an outlet, each column a month of publication. Pale cells are months with no "
                 "article: a gap there is a gap in the corpus.",
                 plots.monthly_heatmap(facts, order), "No dated article yet."),
        _section("yield", "Yield per run",
                 "Articles each run found per source (newly stored plus those already in the corpus), "
                 "latest runs on the right. A run that raised an alert for a source is framed in red.",
                 plots.yield_heatmap(runs, order, names, alerted), "No run recorded in this corpus."),
        _section("provinces", "Date coverage per province (2025 map)",
                 "The 34 provinces after the 2025 merger, laid out by geography (a schematic map). Colour: "
                 "months with at least one article; grey: no article from the province's outlets. Hover a tile "
                 "for the provinces merged into it and its exact dates.",
                 plots.province_map(facts), ""),
        _section("health", "Extraction health per source",
                 "Share of article-like pages that were not articles, and of those with too little text "
                 "(from the run log); share of stored articles with no date or no author (from the corpus).",
                 plots.health_table(source_health(facts, runs), order, names), "Nothing measured yet."),
    ]
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>provnews report: {escape(str(corpus_root))}</title>
<style>{STYLE}</style></head>
<body>
<h1>Corpus health report</h1>
<p class="meta">{escape(str(corpus_root))} · generated {generated}</p>
<div class="totals">{totals}</div>
<section id="site-health"><h2>Site-health alerts</h2>{_alerts_html(alerts, names)}</section>
{''.join(sections)}
</body></html>
"""
