"""``provnews query``: SQL over the corpus with DuckDB; the table ``articles`` has one row per article.

Also there: ``parts`` (every stored row), ``aliases``, ``clusters``. Times
are shown in Vietnam time. Read-only: only queries (SELECT, WITH, EXPLAIN,
DESCRIBE, SHOW, SUMMARIZE) run, and DuckDB may read no file outside the
corpus nor write any (corpus.export.view.connected(read_only=True)). A table is for reading (cells cut at 60
characters, at most 10,000 rows); csv and json print every row in full.
"""
from __future__ import annotations

import csv
import json
import sys
from datetime import date, datetime, time

import duckdb

from corpus.errors import UsageError
from corpus.export.view import connected, one_line, open_corpus
from corpus.store.parts import DEFAULT_CORPUS

TABLE_ROWS, CELL_CHARS, FETCH = 10_000, 60, 1000
QUERIES = {duckdb.StatementType.SELECT, duckdb.StatementType.EXPLAIN}


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "query", help="run SQL over the corpus (DuckDB; table `articles`)",
        description="Run SQL over the corpus with DuckDB. Tables: articles (one row per article, "
                    "with dup_cluster), parts (every stored row), aliases, clusters.")
    p.add_argument("sql", help='e.g. "SELECT province, count(*) FROM articles GROUP BY 1 ORDER BY 2 DESC"')
    p.add_argument("--corpus", default=DEFAULT_CORPUS, metavar="DIR",
                   help=f"corpus folder (default: ./{DEFAULT_CORPUS})")
    p.add_argument("--format", choices=("table", "csv", "json"), default="table")
    p.set_defaults(func=run)


def cell(value) -> str | int | float | bool | None:
    """A value as printed: times in ISO 8601, lists and structs as JSON."""
    if isinstance(value, (datetime, date, time)):
        return value.isoformat()
    if isinstance(value, (list, dict, tuple)):
        return json.dumps(value, ensure_ascii=False, default=cell)
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)


def text_table(columns: list[str], rows: list[tuple], limit: int = CELL_CHARS) -> str:
    """Rows as aligned text columns, numbers right-aligned, long cells cut with an ellipsis."""
    def show(v):
        text = "" if v is None else str(cell(v)).replace("\n", " ")
        return text if len(text) <= limit else text[: limit - 1] + "…"
    shown = [[show(v) for v in row] for row in rows]
    widths = [max([len(c)] + [len(r[i]) for r in shown]) for i, c in enumerate(columns)]
    numeric = [bool(rows) and all(isinstance(r[i], (int, float)) or r[i] is None for r in rows)
               for i in range(len(columns))]
    def line(values):
        return "  ".join(v.rjust(w) if num else v.ljust(w)
                         for v, w, num in zip(values, widths, numeric)).rstrip()
    return "\n".join([line(columns), line(["-" * w for w in widths])] + [line(r) for r in shown])


def _batches(con: duckdb.DuckDBPyConnection):
    while rows := con.fetchmany(FETCH):
        yield rows


def check_read_only(con: duckdb.DuckDBPyConnection, sql: str) -> None:
    """Refuse anything but queries (COPY, ATTACH, INSTALL, CREATE, SET, PRAGMA, CALL ...), in one line."""
    for statement in con.extract_statements(sql):
        if statement.type not in QUERIES:
            raise UsageError(f"SQL: only queries run on a corpus (SELECT, WITH, EXPLAIN, DESCRIBE); "
                             f"not {statement.type.name}")


def run(args) -> int:
    corpus = open_corpus(args.corpus)
    with connected(corpus, read_only=True) as con:
        try:
            check_read_only(con, args.sql)
            con.execute(args.sql)
            columns = [d[0] for d in con.description or []]
            if args.format == "table":
                _print_table(con, columns)
            elif args.format == "csv":
                writer = csv.writer(sys.stdout, lineterminator="\n")
                writer.writerow(columns)
                for rows in _batches(con):
                    writer.writerows([cell(v) for v in row] for row in rows)
            else:
                _print_json(con, columns)
        except duckdb.Error as exc:
            raise UsageError("SQL: " + one_line(exc)) from None
    return 0


def _print_table(con, columns: list[str]) -> None:
    if not columns:
        return
    rows, more = [], False
    for batch in _batches(con):
        rows += batch
        if len(rows) > TABLE_ROWS:
            rows, more = rows[:TABLE_ROWS], True
            break
    print(text_table(columns, rows))
    print(f"({len(rows):,} rows{', more not shown: use --format csv or json' if more else ''})")


def _print_json(con, columns: list[str]) -> None:
    sys.stdout.write("[")
    first = True
    for rows in _batches(con):
        for row in rows:
            sys.stdout.write(("\n" if first else ",\n")
                             + json.dumps(dict(zip(columns, row)), ensure_ascii=False, default=cell))
            first = False
    sys.stdout.write("\n]\n")
