"""``provnews dedup``: group near-duplicate articles (MinHash candidates, verified pairs), incrementally."""
from __future__ import annotations

from pathlib import Path

from corpus.errors import UsageError
from corpus.store.parts import DEFAULT_CORPUS


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "dedup", help="group near-duplicate articles (dup_cluster)",
        description="Sign new articles, verify their candidate pairs on the stored text and update "
                    "CORPUS/dedup/clusters.parquet. Nothing in the corpus is deleted.")
    parser.add_argument("--corpus", default=DEFAULT_CORPUS, help=f"corpus folder (default: ./{DEFAULT_CORPUS})")
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--rebuild", action="store_true",
                      help="verify every candidate pair again with today's rule and re-cluster (stored signatures "
                           "reused); prints clusters split and joined. The clusters file is replaced atomically")
    mode.add_argument("--full", action="store_true", help="like --rebuild, and recompute every signature")
    parser.add_argument("--workers", type=int, default=None,
                        help="processes for signing and verifying many articles (default: one per core)")
    parser.set_defaults(func=run)


def run(args) -> int:
    from corpus.dedup.neardup import update_clusters

    if not (Path(args.corpus) / "articles").is_dir():
        raise UsageError(f"no corpus at {args.corpus} (no articles/ folder)")
    if args.workers is not None and args.workers < 1:
        raise UsageError(f"--workers must be at least 1, got {args.workers}")
    print(update_clusters(args.corpus, full=args.full, rebuild=args.rebuild, workers=args.workers).line())
    return 0
