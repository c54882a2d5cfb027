"""The ``provnews`` command: one sub-command per module in ``corpus.commands``.

Each command module has ``register(subparsers)`` (adds its parser, sets
``func``) and raises ``UsageError`` for bad input, which becomes a one-line
message and exit status 2 instead of a traceback.
"""
from __future__ import annotations

import argparse
import importlib
import sys

from corpus.errors import UsageError

COMMANDS = ["crawl", "sources", "extract", "stats", "export", "query", "dedup", "compact", "runs", "report", "demo"]


class _Parser(argparse.ArgumentParser):
    """One-line errors, and no abbreviated options (``--max-article`` is not ``--max-articles``)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("allow_abbrev", False)
        super().__init__(*args, **kwargs)

    def error(self, message):  # one line, exit 2, like every other usage error
        raise UsageError(f"{self.prog}: {message}")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="provnews", description="Corpus builder for Vietnamese provincial news.")
    from corpus.export.card import provnews_version

    parser.add_argument("--version", action="version", version=f"provnews {provnews_version()}")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    for name in COMMANDS:
        try:
            module = importlib.import_module(f"corpus.commands.{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"corpus.commands.{name}":
                raise
            continue
        module.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    try:
        args = build_parser().parse_args(argv)
        return args.func(args) or 0
    except UsageError as exc:
        print(f"provnews: error: {exc}", file=sys.stderr)
        return exc.status
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # `provnews stats | head`: the reader left, nothing to report
        sys.stderr.close()
        return 0


if __name__ == "__main__":
    sys.exit(main())
