"""The report's plots, drawn with matplotlib and returned as inline SVG text.

Figures are built without pyplot (no global state, no display needed) and
their text is drawn as paths, so the page shows the same on any machine,
Vietnamese diacritics included, without a font or a network.
"""
from __future__ import annotations

import io
import math
from datetime import date
from html import escape

from corpus.errors import UsageError
from corpus.report.data import CorpusFacts, SourceRun
from corpus.report.tilemap import TILES
from corpus.sources.registry import PROVINCES

try:
    import numpy as np
    from matplotlib.colors import LogNorm, Normalize
    from matplotlib.figure import Figure
    from matplotlib.patches import Rectangle
except ImportError:   # the optional `report` extra; --json needs none of it
    Figure = None

ROW_INCHES = 0.24          # height of one source's row in the heat maps
MAX_RUNS = 30              # runs shown in the yield plot (the latest)
EMPTY = "#f1f1f1"


def require_matplotlib() -> None:
    if Figure is None:
        raise UsageError("provnews report needs matplotlib: pip install 'provnews[report]' (or use --json)")


def svg(fig) -> str:
    out = io.StringIO()
    fig.savefig(out, format="svg", bbox_inches="tight", metadata={"Date": None})
    text = out.getvalue()
    return text[text.index("<svg"):]     # drop the XML prolog and doctype: the SVG sits inside HTML


def _figure(width: float, rows: int) -> "Figure":
    fig = Figure(figsize=(width, 1.2 + ROW_INCHES * max(rows, 1)))
    fig.set_layout_engine("constrained")
    return fig


def _count_ticks(vmax: float) -> list[int]:
    """1, 2, 5, 10, 20, 50 ... up to ``vmax``: colour-bar ticks of a log scale, as plain numbers."""
    ticks, base = [], 1
    while base <= vmax:
        ticks += [t for t in (base, 2 * base, 5 * base) if t <= vmax]
        base *= 10
    return ticks if len(ticks) <= 6 else [t for t in ticks if str(t).strip("0") == "1"]


def _bar_size(fig) -> dict:
    """Colour bars at most 3 inches tall and 0.15 wide, however tall the figure (113 outlets)."""
    shrink = min(1.0, 3.0 / fig.get_figheight())
    return {"shrink": shrink, "aspect": shrink * fig.get_figheight() / 0.15, "anchor": (0.0, 1.0)}


def _log_colorbar(fig, image, ax, label: str, vmax: float) -> None:
    bar = fig.colorbar(image, ax=ax, label=label, ticks=_count_ticks(vmax), format="%d", **_bar_size(fig))
    bar.ax.minorticks_off()


def _months(first: date, last: date) -> list[date]:
    months, (y, m) = [], (first.year, first.month)
    while (y, m) <= (last.year, last.month):
        months.append(date(y, m, 1))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return months


def monthly_heatmap(facts: CorpusFacts, order: list[str]) -> str | None:
    """Articles per outlet (rows) per month (columns), log colour scale, empty months pale."""
    if not facts.monthly:
        return None
    months = _months(min(m for _, m, _ in facts.monthly), max(m for _, m, _ in facts.monthly))
    column = {m: i for i, m in enumerate(months)}
    rows = [s for s in order if s in facts.health]
    row = {s: i for i, s in enumerate(rows)}
    grid = np.full((len(rows), len(months)), np.nan)
    for source, month, n in facts.monthly:
        grid[row[source], column[month]] = n
    fig = _figure(11, len(rows))
    ax = fig.add_subplot()
    ax.set_facecolor(EMPTY)
    vmax = max(2, np.nanmax(grid))
    image = ax.imshow(grid, aspect="auto", cmap="viridis", interpolation="nearest", norm=LogNorm(vmin=1, vmax=vmax))
    ax.set_yticks(range(len(rows)), [facts.outlets.get(s, s) for s in rows], fontsize=8)
    years = [i for i, m in enumerate(months) if m.month == 1] or [0]
    step = max(1, math.ceil(len(years) / 16))
    ax.set_xticks(years[::step], [months[i].year for i in years[::step]], fontsize=8)
    ax.set_xlabel("month of publication (Vietnam time)")
    _log_colorbar(fig, image, ax, "articles", vmax)
    return svg(fig)


def yield_heatmap(runs: dict[str, list[SourceRun]], order: list[str], names: dict[str, str],
                  alerted: set[tuple[str, str]]) -> str | None:
    """Articles found (new + already stored) per source per run; alerted cells framed red."""
    run_ids = sorted({(r.started, r.run_id) for rs in runs.values() for r in rs})[-MAX_RUNS:]
    if not run_ids:
        return None
    column = {run_id: i for i, (_, run_id) in enumerate(run_ids)}
    rows = [s for s in order if s in runs]
    grid = np.full((len(rows), len(run_ids)), np.nan)
    for i, source in enumerate(rows):
        for r in runs[source]:
            if r.run_id in column:
                grid[i, column[r.run_id]] = r.found
    fig = _figure(max(5.5, 2.5 + 0.45 * len(run_ids)), len(rows))
    ax = fig.add_subplot()
    ax.set_facecolor(EMPTY)
    vmax = max(2, np.nanmax(grid) if np.isfinite(grid).any() else 2)
    image = ax.imshow(np.where(grid > 0, grid, np.nan), aspect="auto", cmap="viridis", interpolation="nearest",
                      norm=LogNorm(vmin=1, vmax=vmax))
    if len(run_ids) * len(rows) <= 600:
        for (i, j), value in np.ndenumerate(grid):
            if not np.isnan(value):
                dark = value > 0 and math.log(value) < 0.6 * math.log(vmax)
                ax.text(j, i, f"{value:.0f}", ha="center", va="center", fontsize=7,
                        color="white" if dark else "black")
    for i, source in enumerate(rows):
        for run_id, j in column.items():
            if (source, run_id) in alerted:
                ax.add_patch(Rectangle((j - 0.5, i - 0.5), 1, 1, fill=False, edgecolor="#d62728", linewidth=2.5))
    ax.set_yticks(range(len(rows)), [names.get(s, s) for s in rows], fontsize=8)
    ax.set_xticks(range(len(run_ids)), [started.strftime("%m-%d %H:%M") for started, _ in run_ids],
                  rotation=60, ha="right", fontsize=7)
    ax.set_xlabel("run (start, UTC)")
    _log_colorbar(fig, image, ax, "articles found", vmax)
    return svg(fig)


HEALTH = (("non_article", "not articles"), ("too_little_text", "too little text"),
          ("undated", "undated"), ("no_author", "no author"))


def health_table(health: dict[str, dict[str, float | None]], order: list[str], names: dict[str, str]) -> str | None:
    """Share of problem pages or articles per source and measure (grey: not measured)."""
    rows = [s for s in order if s in health]
    if not rows:
        return None
    grid = np.array([[np.nan if health[s][k] is None else health[s][k] for k, _ in HEALTH] for s in rows])
    fig = _figure(6.5, len(rows))
    ax = fig.add_subplot()
    ax.set_facecolor(EMPTY)
    image = ax.imshow(grid, aspect="auto", cmap="Reds", norm=Normalize(0, 1), interpolation="nearest")
    for (i, j), value in np.ndenumerate(grid):
        ax.text(j, i, "–" if np.isnan(value) else f"{value:.0%}", ha="center", va="center", fontsize=7,
                color="white" if value > 0.6 else "black")
    ax.set_yticks(range(len(rows)), [names.get(s, s) for s in rows], fontsize=8)
    ax.set_xticks(range(len(HEALTH)), [label for _, label in HEALTH], fontsize=8)
    ax.xaxis.tick_top()
    fig.colorbar(image, ax=ax, label="share", format=lambda x, _: f"{x:.0%}", **_bar_size(fig))
    return svg(fig)


def _tile_tooltip(name: str, cover: dict | None) -> str:
    """What hovering a tile shows: the provinces merged into it and the exact coverage."""
    merged = [old for old, new in PROVINCES.items() if new == name and old != name]
    lines = [name + (f" (since 2025 with {', '.join(merged)})" if merged else "")]
    if cover:
        lines.append(f"{cover['articles']:,} articles from {cover['outlets']} outlet{'s' * (cover['outlets'] != 1)}, "
                     f"{cover['months']} months with articles")
        if cover["first"]:
            lines.append(f"published {cover['first']:%Y-%m-%d} to {cover['last']:%Y-%m-%d}")
    else:
        lines.append("no articles")
    return "\n".join(lines)


def province_map(facts: CorpusFacts) -> str:
    """The tile map: colour = months with at least one article, text = articles and years covered;
    each tile carries an SVG <title>, which browsers show on hover."""
    import matplotlib

    cols, rows = 1 + max(c for c, _ in TILES.values()), 1 + max(r for _, r in TILES.values())
    fig = Figure(figsize=(cols * 1.25, rows * 0.62))
    ax = fig.add_axes((0, 0, 0.86, 1))
    cmap = matplotlib.colormaps["YlGnBu"]
    most = max([p["months"] for p in facts.provinces.values()] + [1])
    norm = Normalize(0, most)
    tooltips = {}
    for i, (name, (c, r)) in enumerate(TILES.items()):
        cover = facts.provinces.get(name)
        colour = cmap(norm(cover["months"])) if cover and cover["months"] else EMPTY
        tooltips[f"province-{i}"] = _tile_tooltip(name, cover)
        ax.add_patch(Rectangle((c + 0.03, rows - r - 0.97), 0.94, 0.94, facecolor=colour, edgecolor="white",
                               gid=f"province-{i}"))
        dark = bool(cover and norm(cover["months"]) > 0.55)
        ax.text(c + 0.5, rows - r - 0.36, name, ha="center", va="center", fontsize=7, weight="bold",
                color="white" if dark else "#222")
        if cover:
            years = f"{cover['first']:%Y}–{cover['last']:%Y}" if cover["first"] else "undated"
            detail = f"{cover['articles']:,} art. · {years}"
        else:
            detail = "no articles"
        ax.text(c + 0.5, rows - r - 0.7, detail, ha="center", va="center", fontsize=5.5,
                color="white" if dark else "#555")
    ax.set_xlim(0, cols)
    ax.set_ylim(0, rows)
    ax.set_aspect("auto")
    ax.axis("off")
    bar = fig.add_axes((0.89, 0.55, 0.025, 0.35))
    fig.colorbar(matplotlib.cm.ScalarMappable(norm=norm, cmap=cmap), cax=bar, label="months with articles")
    text = svg(fig)
    for gid, tooltip in tooltips.items():
        text = text.replace(f'<g id="{gid}">', f'<g id="{gid}" class="province"><title>{escape(tooltip)}</title>', 1)
    return text
