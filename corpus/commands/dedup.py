"""``provnews dedup``: group near-duplicate articles (MinHash + LSH), incrementally."""
from __future__ import annotations

from pathlib import Path

from corpus.errors import UsageError
from corpus.store.parts import DEFAULT_CORPUS


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "dedup", help="group near-duplicate articles (dup_cluster)",
        description="Sign new articles, compare them with the stored signatures and update "
                    "CORPUS/dedup/clusters.parquet. Nothing in the corpus is deleted.")
    parser.add_argument("--corpus", default=DEFAULT_CORPUS, help=f"corpus folder (default: ./{DEFAULT_CORPUS})")
    parser.add_argument("--full", action="store_true", help="recompute every signature and cluster")
    parser.add_argument("--workers", type=int, default=None,
                        help="processes for signing and comparing many articles (default: one per core)")
    parser.set_defaults(func=run)


def run(args) -> int:
    from corpus.dedup.neardup import update_clusters

    if not (Path(args.corpus) / "articles").is_dir():
        raise UsageError(f"no corpus at {args.corpus} (no articles/ folder)")
    if args.workers is not None and args.workers < 1:
        raise UsageError(f"--workers must be at least 1, got {args.workers}")
    print(update_clusters(args.corpus, full=args.full, workers=args.workers).line())
    return 0
