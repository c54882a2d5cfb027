"""``provnews sources``: list, filter and check the outlet registry."""
from __future__ import annotations

import json

from corpus.errors import UsageError
from corpus.sources.registry import check_registry, default_registry_path, load_sources, select_sources

COLUMNS = ("key", "province", "kind", "homepage", "verified")


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "sources", help="list or check the outlet registry",
        description="List the registry's sources as a table (or JSON), or check a registry file.")
    parser.add_argument("--province", help="pre- or post-2025 province names, comma-separated "
                                           "(a post-2025 name selects every province merged into it)")
    parser.add_argument("--kind", help="newspaper, portal, party, radio_tv or other; comma-separated")
    parser.add_argument("--sources", "--source", dest="sources", metavar="KEYS", help="source keys, comma-separated")
    parser.add_argument("--sources-file", metavar="FILE", help="a registry file instead of the shipped one")
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--json", action="store_true", help="print the sources as a JSON list, all fields")
    mode.add_argument("--check", action="store_true",
                      help="validate the registry: one line per problem and exit status 2, or a count")
    parser.set_defaults(func=run)


def run(args) -> int:
    if args.check:
        return _check(args)
    sources = select_sources(load_sources(args.sources_file), keys=args.sources, province=args.province,
                             kind=args.kind)
    if args.json:
        print(json.dumps([s.as_dict() for s in sources], ensure_ascii=False, indent=2))
    else:
        print(_table(sources))
    return 0


def _check(args) -> int:
    if args.province or args.kind or args.sources:
        raise UsageError("--check validates a whole registry file and takes no --province/--kind/--sources")
    path = args.sources_file or default_registry_path()
    problems = check_registry(path)
    for problem in problems:
        print(problem)
    if problems:
        return 2
    print(f"ok: {len(load_sources(path))} sources in {path}")
    return 0


def _table(sources) -> str:
    rows = [COLUMNS] + [(s.key, s.province, s.kind, s.homepage, "yes" if s.verified else "no") for s in sources]
    widths = [max(len(row[i]) for row in rows) for i in range(len(COLUMNS))]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip() for row in rows]
    return "\n".join(lines + [f"{len(sources)} sources"])
