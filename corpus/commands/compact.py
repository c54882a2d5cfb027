"""``provnews compact``: merge small Parquet parts into larger ones, atomically."""
from __future__ import annotations

from pathlib import Path

from corpus.errors import UsageError
from corpus.store.parts import DEFAULT_CORPUS


def register(subparsers) -> None:
    from corpus.store.compact import DEFAULT_TARGET_ROWS

    parser = subparsers.add_parser(
        "compact", help="merge small part files into larger ones",
        description="Merge runs of small Parquet parts (articles, aliases, dedup signatures) into "
                    "parts of at most --target-rows rows. Every row is kept; a crash at any point "
                    "loses nothing and the next run finishes the job.")
    parser.add_argument("--corpus", default=DEFAULT_CORPUS, help=f"corpus folder (default: ./{DEFAULT_CORPUS})")
    parser.add_argument("--target-rows", type=int, default=DEFAULT_TARGET_ROWS,
                        help=f"rows per merged part (default: {DEFAULT_TARGET_ROWS:,})")
    parser.set_defaults(func=run)


def run(args) -> int:
    from corpus.store.compact import compact
    from corpus.store.parts import Corpus

    if not (Path(args.corpus) / "articles").is_dir():
        raise UsageError(f"no corpus at {args.corpus} (no articles/ folder)")
    corpus = Corpus(args.corpus)
    corpus.ensure_writable()
    for summary in compact(corpus, args.target_rows):
        print(summary.line())
    return 0
