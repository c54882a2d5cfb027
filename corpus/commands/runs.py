"""provnews runs: the crawl history of a corpus."""
from __future__ import annotations

import json

from corpus.errors import UsageError
from corpus.store.state import CrawlLock, RunLog
from corpus.store.parts import Corpus


def register(sub) -> None:
    p = sub.add_parser("runs", help="list the crawl runs recorded in a corpus")
    p.add_argument("--corpus", default="corpus", help="corpus folder (default: ./corpus)")
    p.add_argument("--json", action="store_true", help="print the runs as JSON")
    p.set_defaults(func=run)


def run(args) -> int:
    state = Corpus(args.corpus).state_dir
    if not (state / "state.sqlite").exists():
        raise UsageError(f"no crawl has run on corpus {args.corpus} (no {state / 'state.sqlite'})")
    runs = RunLog(state).runs()
    live = CrawlLock(state, "").is_held_elsewhere()
    for r in runs:
        if r["status"] == "running" and not live:
            r["status"] = "killed"
    if args.json:
        print(json.dumps(runs, ensure_ascii=False, indent=2))
        return 0
    print(f"{'run':28} {'started':25} {'ended':25} {'status':10} {'exit':>4} {'stored':>7}  errors")
    for r in runs:
        counts = json.loads(r["counts"] or "{}")
        stored = sum(row.get("stored", 0) for row in counts.values())
        errors = ", ".join(f"{k}={v}" for k, v in json.loads(r["errors"] or "{}").items())
        print(f"{r['run_id']:28} {r['started']:25} {r['ended'] or '-':25} {r['status']:10} "
              f"{r['exit_status'] if r['exit_status'] is not None else '-':>4} {stored:>7}  {errors}")
        for worker, row in json.loads(r["args"] or "{}").get("workers", {}).items():   # a shared crawl
            print(f"  worker {worker}: {row.get('status', '?')}, pages {row.get('pages', 0)}, "
                  f"stored {row.get('stored', 0)}")
    return 0
