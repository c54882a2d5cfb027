"""``provnews export``: a filtered, documented snapshot as txt, jsonl, parquet or a Hugging Face folder."""
from __future__ import annotations

import argparse
from datetime import date

from corpus.errors import UsageError
from corpus.export import FORMATS, export
from corpus.export.hf import parse_split
from corpus.export.jsonl import SUFFIXES, compression_of
from corpus.export.parquet import DEFAULT_SHARD_SIZE
from corpus.export.select import Selection
from corpus.export.view import open_corpus
from corpus.store.parts import DEFAULT_CORPUS


def _names(text: str) -> list[str]:
    return [v.strip() for v in text.split(",") if v.strip()]


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from None


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "export", help="write a snapshot: txt, jsonl, parquet or a Hugging Face dataset folder",
        description="Export the corpus, one article per near-duplicate cluster, with a dataset card "
                    "(README.md) and manifest.json. Filters combine.")
    p.add_argument("--corpus", default=DEFAULT_CORPUS, metavar="DIR",
                   help=f"corpus folder (default: ./{DEFAULT_CORPUS})")
    p.add_argument("--out", required=True, metavar="PATH",
                   help="target folder (replaced as a whole), or a .jsonl[.gz|.zst] file for JSON Lines")
    p.add_argument("--format", choices=FORMATS,
                   help="txt (seed layout, default), jsonl, parquet or hf; jsonl when --out ends in .jsonl*")
    p.add_argument("--compress", choices=tuple(SUFFIXES), help="jsonl compression (default: from --out, else none)")
    p.add_argument("--shard-size", metavar="SIZE",
                   help=f"parquet/hf: largest shard, e.g. 256MB, 1GiB (default {DEFAULT_SHARD_SIZE})")
    p.add_argument("--split", metavar="FRACTIONS",
                   help="hf: train[,validation],test fractions by stable hash of id, e.g. 0.98,0.01,0.01")
    p.add_argument("--source", "--sources", dest="source", type=_names, metavar="KEYS", action="extend", default=[],
                   help="registry keys, comma-separated")
    p.add_argument("--province", type=_names, metavar="NAMES", action="extend", default=[],
                   help="provinces, pre- or post-2025 names (a post-2025 name takes every province merged into it)")
    p.add_argument("--kind", type=_names, metavar="KINDS", action="extend", default=[],
                   help="outlet kinds: newspaper, portal, party, radio_tv, other")
    p.add_argument("--since", type=_day, metavar="DATE",
                   help="published on or after this day (YYYY-MM-DD, Vietnam time)")
    p.add_argument("--until", type=_day, metavar="DATE",
                   help="published on or before this day (YYYY-MM-DD, Vietnam time)")
    p.add_argument("--min-words", type=int, metavar="N", help="at least this many words")
    p.add_argument("--limit", type=int, metavar="N", help="at most this many articles (the earliest published)")
    p.add_argument("--sample", type=int, metavar="N",
                   help="a random sample of this many articles, reproducible with --seed")
    p.add_argument("--seed", type=int, metavar="S", help="seed of --sample (default 0)")
    p.add_argument("--keep-near-duplicates", action="store_true", help="keep every member of a near-duplicate cluster")
    p.set_defaults(func=run)


def _format(args) -> str:
    suffix = compression_of(args.out)
    if args.format is None:
        return "jsonl" if suffix else "txt"
    if suffix and args.format != "jsonl":
        raise UsageError(f"--out {args.out} names a JSON Lines file but --format is {args.format}")
    return args.format


def run(args) -> int:
    fmt = _format(args)
    if args.split and fmt != "hf":
        raise UsageError("--split applies to --format hf only")
    if args.shard_size and fmt not in ("parquet", "hf"):
        raise UsageError("--shard-size applies to --format parquet or hf only")
    if args.seed is not None and args.sample is None:
        raise UsageError("--seed needs --sample")
    selection = Selection(
        sources=tuple(args.source), provinces=tuple(args.province), kinds=tuple(args.kind),
        since=args.since, until=args.until, min_words=args.min_words, limit=args.limit,
        sample=args.sample, seed=args.seed or 0, keep_near_duplicates=args.keep_near_duplicates)
    split = parse_split(args.split) if args.split else None
    corpus = open_corpus(args.corpus)
    result = export(corpus, args.out, fmt, selection, compress=args.compress,
                    shard_size=args.shard_size or DEFAULT_SHARD_SIZE, split=split)
    print(f"exported {result.articles:,} articles ({result.matched:,} matched the filters, "
          f"{result.near_duplicates_left_out:,} near-duplicates left out) to {result.out} "
          f"as {fmt}: {result.files:,} files, {result.bytes / 1e6:,.1f} MB")
    return 0
