"""Export benchmark: seconds and peak memory per format on a 100,000-article corpus.

Builds a synthetic corpus (seed paragraphs with their words shuffled, so it
compresses like real text, about 370 words per article, 5,000 articles per
part), then runs each ``provnews export`` format in its own process and
reads that process's peak RSS from wait4(). Baselines, in the same run:

- ``pq.read_table`` of the parts + ``pq.write_table`` (zstd): the plain
  pyarrow copy, which holds the whole corpus in memory.

Usage: python bench/export_100k.py [--articles 100000] [--workdir DIR] [--formats txt,jsonl,...]
"""
from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from corpus.export.synthetic import build_corpus

EXPORTS = {
    "txt": ["--format", "txt", "--out", "{out}/txt"],
    "jsonl": ["--format", "jsonl", "--out", "{out}/jsonl"],
    "jsonl.zst": ["--out", "{out}/articles.jsonl.zst"],
    "parquet": ["--format", "parquet", "--out", "{out}/parquet"],
    "hf (3 splits)": ["--format", "hf", "--split", "0.98,0.01,0.01", "--out", "{out}/hf"],
    "stats": None,
}
BASELINES = {   # name: (code run with argv corpus, out; the file it writes)
    "baseline: pq.read_table+write_table": (
        "import pyarrow.parquet as pq, sys; pq.write_table(pq.read_table(sys.argv[1] + '/articles'), "
        "sys.argv[2] + '/plain.parquet', compression='zstd')", "plain.parquet"),
}


def measure(argv: list[str]) -> tuple[float, float]:
    """Wall seconds and peak RSS (MiB) of one child process."""
    start = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode:
        raise SystemExit(f"failed ({proc.returncode}): {' '.join(argv)}")
    return time.perf_counter() - start, usage.ru_maxrss / 1024


def size_mb(path: Path) -> float:
    files = [path] if path.is_file() else [p for p in path.rglob("*") if p.is_file()]
    return sum(p.stat().st_size for p in files) / 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--workdir", help="keep the corpus and exports here (default: a temp folder, removed)")
    parser.add_argument("--formats", default=",".join(EXPORTS), help="comma-separated subset of: " + ", ".join(EXPORTS))
    args = parser.parse_args()
    work = Path(args.workdir or tempfile.mkdtemp(prefix="provnews-bench-"))
    corpus_dir, out = work / "corpus", work / "out"
    out.mkdir(parents=True, exist_ok=True)
    try:
        if not (corpus_dir / "articles").exists():
            start = time.perf_counter()
            build_corpus(corpus_dir, args.articles, seed=1, shuffle_words=True)
            print(f"built {args.articles:,} articles in {time.perf_counter() - start:.1f} s")
        print(f"corpus: {size_mb(corpus_dir / 'articles'):,.0f} MB of Parquet parts in {corpus_dir}; "
              f"{os.cpu_count()} cores")
        print(f"{'run':38} {'seconds':>8} {'peak RSS MiB':>13} {'output MB':>10}")
        cli = [sys.executable, "-m", "corpus.cli"]
        for name in args.formats.split(","):
            extra = EXPORTS[name]
            argv = cli + (["stats", "--corpus", str(corpus_dir)] if extra is None else
                          ["export", "--corpus", str(corpus_dir)] + [a.format(out=out) for a in extra])
            seconds, rss = measure(argv)
            target = Path(argv[-1]) if extra else None
            print(f"{name:38} {seconds:8.1f} {rss:13.0f} {size_mb(target) if target else 0:10.0f}", flush=True)
        for name, (code, written) in BASELINES.items():
            seconds, rss = measure([sys.executable, "-c", code, str(corpus_dir), str(out)])
            print(f"{name:38} {seconds:8.1f} {rss:13.0f} {size_mb(out / written):10.0f}", flush=True)
    finally:
        if not args.workdir:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
