"""DuckDB over a corpus: the views that ``query``, ``stats`` and ``export`` share.

``parts``     every stored row, plus ``filename`` and ``file_row_number`` (an exact row locator)
``aliases``   later URLs of stored articles
``clusters``  near-duplicate groups (id, dup_cluster); empty until dedup has run
``articles``  one row per id (the first fetched), alias URLs merged into ``urls``,
              ``dup_cluster`` (the article's own id when it has no near-duplicate)

The part list is read once when connecting, so every query of one connection
sees the same snapshot even while a crawler adds parts. The session time zone
is Vietnam's: ``date_trunc('month', published)`` means a Vietnamese month.
"""
from __future__ import annotations

import tempfile
from contextlib import contextmanager
from pathlib import Path

import duckdb

from corpus.errors import UsageError
from corpus.dedup.neardup import cluster_table
from corpus.store.parts import ARTICLE_SCHEMA, VN_TZ, Corpus


# Which stored row of an id is the article: the first fetched (ties: URL, then file position).
FIRST_ROW = "fetched_at, url, filename, file_row_number"
# ``urls`` of row alias ``a`` with the alias URLs of ``m.extra`` appended.
MERGED_URLS = ("list_concat({a}.urls, list_filter(list_distinct(coalesce(m.extra, [])), "
               "lambda u: NOT list_contains({a}.urls, u))) AS urls")


def open_corpus(path: str | Path) -> Corpus:
    """The corpus at ``path``, or a one-line error when there is none."""
    corpus = Corpus(path)
    if not corpus.articles_dir.is_dir():
        raise UsageError(f"no corpus at {path} (no articles/ folder); run `provnews crawl --corpus {path}` first")
    return corpus


def one_line(exc: Exception) -> str:
    """DuckDB's message (several lines with hints) as one line."""
    return " ".join(str(exc).split())


def _sql_string(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


@contextmanager
def connected(corpus: Corpus, memory_limit: str | None = None, spill_dir: Path | None = None,
              read_only: bool = False):
    """A DuckDB connection with the views above; spills (sorts, joins) go to ``spill_dir`` or a temp folder.

    ``read_only``: after the views are made, DuckDB may touch no file but the corpus's article parts
    (``enable_external_access = false``, ``allowed_directories``, configuration locked): no reading
    other files, no INSTALL or ATTACH. COPY into the articles folder itself stays possible, so
    ``provnews query`` also accepts only queries (see corpus.commands.query.check_read_only)."""
    with tempfile.TemporaryDirectory(prefix="provnews-duckdb-", dir=spill_dir) as spill:
        con = duckdb.connect(config={"temp_directory": spill,
                                     **({"memory_limit": memory_limit} if memory_limit else {})})
        try:
            con.execute(f"SET TimeZone = {_sql_string(VN_TZ)}")  # needs ICU, which loads on first use
            _create_views(con, corpus)
            if read_only:
                con.execute(f"SET allowed_directories = [{_sql_string(str(corpus.articles_dir))}]")
                con.execute("SET enable_external_access = false")
                con.execute("SET lock_configuration = true")
            yield con
        except duckdb.Error as exc:   # a damaged part, a part removed by compaction meanwhile, out of memory
            raise UsageError(f"reading the corpus at {corpus.root} failed: {one_line(exc)}", status=1) from None
        finally:
            con.close()


def _create_views(con: duckdb.DuckDBPyConnection, corpus: Corpus) -> None:
    parts = corpus.parts()
    if parts:
        files = ", ".join(_sql_string(str(p)) for p in parts)
        con.execute(f"CREATE VIEW parts AS SELECT * FROM read_parquet([{files}], "
                    "filename = true, file_row_number = true, union_by_name = true)")
    else:
        con.register("no_parts", ARTICLE_SCHEMA.empty_table())
        con.execute("CREATE VIEW parts AS SELECT *, NULL::VARCHAR AS filename, NULL::BIGINT AS file_row_number "
                    "FROM no_parts")
    con.register("aliases", corpus.dataset("aliases"))
    con.register("clusters", cluster_table(corpus))   # (id, dup_cluster); absent ids are alone
    con.execute("CREATE VIEW more_urls AS SELECT id, list(url ORDER BY seen_at) AS extra FROM aliases GROUP BY id")
    con.execute(f"""CREATE VIEW firsts AS SELECT * FROM parts
                   QUALIFY row_number() OVER (PARTITION BY id ORDER BY {FIRST_ROW}) = 1""")
    con.execute(f"""CREATE VIEW articles AS
        SELECT f.* EXCLUDE (filename, file_row_number) REPLACE ({MERGED_URLS.format(a='f')}),
               coalesce(c.dup_cluster, f.id) AS dup_cluster
        FROM firsts f LEFT JOIN more_urls m ON m.id = f.id LEFT JOIN clusters c ON c.id = f.id""")
