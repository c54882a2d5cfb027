"""provnews runs: the crawl history of a corpus.

A run killed before its end (SIGKILL, power loss) never wrote its counts; what
it stored is read from the article parts it wrote instead (their names carry
the writer's pid and time: corpus.store.parts.part_name), so ``stored`` is
the rows that reached the disk. ``--json`` prints each run with its counts,
errors, arguments and sources as JSON values, not strings.
"""
from __future__ import annotations

import json
from datetime import datetime, timezone

import pyarrow.parquet as pq

from corpus.errors import UsageError
from corpus.store.parts import DEFAULT_CORPUS, Corpus
from corpus.store.state import CrawlLock, RunLog


def register(sub) -> None:
    p = sub.add_parser("runs", help="list the crawl runs recorded in a corpus")
    p.add_argument("--corpus", default=DEFAULT_CORPUS, help=f"corpus folder (default: ./{DEFAULT_CORPUS})")
    p.add_argument("--json", action="store_true", help="print the runs as JSON")
    p.set_defaults(func=run)


def _stamp(iso: str) -> str:
    """An ISO time as part names write it (``%Y%m%dT%H%M%S%f``, UTC)."""
    return datetime.fromisoformat(iso).astimezone(timezone.utc).strftime("%Y%m%dT%H%M%S%f")


def rows_written(corpus: Corpus, pid: int, started: str, until: str | None) -> int:
    """Article rows in the parts process ``pid`` wrote from ``started`` until ``until`` (None: now)."""
    first, last = _stamp(started), _stamp(until) if until else "99999999T999999999999"
    rows = 0
    for part in corpus.parts():
        fields = part.stem.split("-")
        if len(fields) == 4 and fields[2] == str(pid) and first <= fields[1] < last:
            rows += pq.ParquetFile(part).metadata.num_rows
    return rows


def described(runs: list[dict], corpus: Corpus, live: bool) -> list[dict]:
    """The run log's rows with JSON fields decoded, killed runs named so, and ``stored`` per run."""
    out = []
    for i, r in enumerate(runs):
        r = dict(r)
        if r["status"] == "running" and not live:
            r["status"] = "killed"
        for field in ("counts", "errors", "args"):
            r[field] = json.loads(r[field]) if r[field] else {}
        r["sources"] = r["sources"].split(",") if r["sources"] else []
        if r["status"] in ("killed", "running") and "pid" in r["args"]:
            until = runs[i + 1]["started"] if i + 1 < len(runs) else None
            r["stored"] = rows_written(corpus, r["args"]["pid"], r["started"], until)
        else:
            r["stored"] = sum(row.get("stored", 0) for row in r["counts"].values())
        out.append(r)
    return out


def run(args) -> int:
    corpus = Corpus(args.corpus)
    state = corpus.state_dir
    if not (state / "state.sqlite").exists():
        raise UsageError(f"no crawl has run on corpus {args.corpus} (no {state / 'state.sqlite'})")
    runs = described(RunLog(state).runs(), corpus, CrawlLock(state, "").is_held_elsewhere())
    if args.json:
        print(json.dumps(runs, ensure_ascii=False, indent=2))
        return 0
    print(f"{'run':28} {'started':25} {'ended':25} {'status':15} {'exit':>4} {'stored':>7}  errors")
    for r in runs:
        errors = ", ".join(f"{k}={v}" for k, v in r["errors"].items())
        print(f"{r['run_id']:28} {r['started']:25} {r['ended'] or '-':25} {r['status']:15} "
              f"{r['exit_status'] if r['exit_status'] is not None else '-':>4} {r['stored']:>7}  {errors}")
    return 0
