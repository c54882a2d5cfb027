"""provnews report: the corpus's health as one HTML page of plots, and its site-health alerts."""
from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

from corpus.errors import UsageError
from corpus.export.view import open_corpus
from corpus.report.alerts import site_alerts
from corpus.report.data import articles_by_source, corpus_facts, source_runs
from corpus.sources.registry import load_sources
from corpus.store.parts import DEFAULT_CORPUS, Corpus

EX_ALERTS = 3   # distinct from 1 (the corpus could not be read) and 2 (bad arguments)


def register(sub) -> None:
    p = sub.add_parser("report", help="HTML report with plots, and site-health alerts",
                       description="Write a self-contained HTML report (articles per outlet and month, yield "
                                   "per run, province coverage, extraction health, site-health alerts); "
                                   "--json prints the alerts instead.")
    p.add_argument("--corpus", default=DEFAULT_CORPUS, metavar="DIR", help=f"corpus folder (default: ./{DEFAULT_CORPUS})")
    p.add_argument("--out", metavar="FILE", help="HTML file to write (e.g. report.html)")
    p.add_argument("--json", action="store_true", help="print the site-health alerts as JSON on stdout")
    p.add_argument("--fail-on-alert", action="store_true",
                   help=f"exit with status {EX_ALERTS} when there is any site-health alert (for cron, systemd)")
    p.add_argument("--sources-file", help="registry TOML naming the outlets (default: the shipped registry)")
    p.set_defaults(func=run)


def write_atomically(path: Path, text: str) -> None:
    """Temp file, fsync, rename: a reader (or a browser) never sees half a report."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    except OSError as exc:
        raise UsageError(f"--out {path}: cannot write there: {exc.strerror or exc}") from exc
    try:
        os.fchmod(fd, 0o644)   # mkstemp makes it 0600; a report is for sharing
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, path)
        dir_fd = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def run(args) -> int:
    if not args.out and not args.json:
        raise UsageError("report: give --out FILE (an HTML report), --json (the alerts) or both")
    corpus = Corpus(args.corpus)
    if not (corpus.state_dir / "state.sqlite").exists():   # runs that stored nothing still have a story
        corpus = open_corpus(args.corpus)
    runs = source_runs(corpus)
    alerts = site_alerts(runs, articles_by_source(corpus))
    if args.out:
        from corpus.report.page import render   # matplotlib: only for the HTML

        names = {s.key: s.name for s in load_sources(args.sources_file)}
        write_atomically(Path(args.out), render(corpus.root, corpus_facts(corpus), runs, alerts, names))
    if args.json:
        print(json.dumps({"corpus": str(corpus.root), "alerts": [a.to_dict() for a in alerts]},
                         ensure_ascii=False, indent=2))
    else:
        print(f"report: {args.out} ({len(alerts)} site-health alert{'s' * (len(alerts) != 1)})")
    return EX_ALERTS if alerts and args.fail_on_alert else 0
