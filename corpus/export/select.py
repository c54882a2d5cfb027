"""Which articles an export takes, and streaming them in a fixed order.

Selection happens on narrow columns only (ids, dates, outlet, province,
word counts) in a DuckDB temp table ``chosen``, which numbers the articles
in output order; the full rows, text included, are then read in one pass,
joined by their exact file position, and put in order by a bucket sort
through temporary files, so memory stays bounded whatever the corpus size.

Order of operations: filters, then one article per near-duplicate cluster
(the earliest published among those the filters kept), then ``--sample``,
then ``--limit``. Output order is publication date, then id, undated last.
"""
from __future__ import annotations

import os
import tempfile
from dataclasses import asdict, dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Iterator
from zoneinfo import ZoneInfo

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from corpus.errors import UsageError
from corpus.export.view import FIRST_ROW, MERGED_URLS
from corpus.sources.registry import KINDS, PROVINCES
from corpus.store.parts import ARTICLE_SCHEMA, PROVENANCE, VN_TZ

EXPORT_SCHEMA = pa.schema([f for f in ARTICLE_SCHEMA if f.name not in PROVENANCE]).append(
    pa.field("dup_cluster", pa.string(), nullable=False))
ORDER = "published NULLS LAST, id"
SORT_BUCKET_BYTES = 32 * 2**20


@dataclass(frozen=True)
class Selection:
    """Export filters; empty tuples and None mean "no filter"."""
    sources: tuple[str, ...] = ()
    provinces: tuple[str, ...] = ()      # pre- or post-2025 names
    kinds: tuple[str, ...] = ()
    since: date | None = None            # publication date, inclusive, Vietnam time
    until: date | None = None            # inclusive
    min_words: int | None = None
    limit: int | None = None
    sample: int | None = None
    seed: int = 0
    keep_near_duplicates: bool = False

    def __post_init__(self):
        for name in self.provinces:
            if name not in PROVINCES and name not in PROVINCES.values():
                raise UsageError(f"--province: unknown province {name!r}")
        for kind in self.kinds:
            if kind not in KINDS:
                raise UsageError(f"--kind: unknown kind {kind!r} (one of {', '.join(KINDS)})")
        if self.since and self.until and self.since > self.until:
            raise UsageError(f"--since {self.since} is after --until {self.until}")
        for name in ("min_words", "limit", "sample"):
            value = getattr(self, name)
            if value is not None and value < (0 if name == "min_words" else 1):
                raise UsageError(f"--{name.replace('_', '-')} must be a positive number, not {value}")

    def pre_2025_provinces(self) -> list[str]:
        """Province names as stored (pre-2025): a post-2025 name stands for every province merged into it."""
        return sorted(old for old, new in PROVINCES.items() if old in self.provinces or new in self.provinces)

    def describe(self) -> dict:
        """The filters that were set, JSON-ready (for the dataset card and manifest)."""
        default = Selection()
        return {k: (list(v) if isinstance(v, tuple) else v.isoformat() if isinstance(v, date) else v)
                for k, v in asdict(self).items() if v != getattr(default, k)}


def _day_start(day: date) -> datetime:
    return datetime.combine(day, time(0), ZoneInfo(VN_TZ))


def _where(sel: Selection) -> tuple[str, dict]:
    conds, params = ["true"], {}
    if sel.sources:
        conds.append("list_contains($sources, source)")
        params["sources"] = list(sel.sources)
    if sel.provinces:
        conds.append("list_contains($provinces, province)")
        params["provinces"] = sel.pre_2025_provinces()
    if sel.kinds:
        conds.append("list_contains($kinds, kind)")
        params["kinds"] = list(sel.kinds)
    if sel.since:
        conds.append("published >= $since")
        params["since"] = _day_start(sel.since)
    if sel.until:
        conds.append("published < $until")
        params["until"] = _day_start(sel.until + timedelta(days=1))
    if sel.min_words is not None:
        conds.append("word_count >= $min_words")
        params["min_words"] = sel.min_words
    return " AND ".join(conds), params


class Snapshot:
    """The articles one export takes, held as the temp table ``chosen`` (with ``ordinal``, 0-based)."""

    NARROW = ("filename", "file_row_number", "source", "site_name", "kind", "province",
              "province_after_2025", "published", "word_count")
    EARLIEST = "(coalesce(published, 'infinity'::TIMESTAMPTZ), id)"   # ORDER as a non-null arg_min key

    def __init__(self, con: duckdb.DuckDBPyConnection, selection: Selection, scratch: Path | None = None):
        self.con, self.selection, self.scratch = con, selection, scratch   # scratch: where sort buckets go
        self._check_sources()
        where, params = _where(selection)
        # Grouping with arg_min (hash aggregates spill to disk) rather than windows (which run out of memory).
        narrow = ", ".join(f"'{c}': {c}" for c in self.NARROW)
        con.execute(f"""CREATE TEMP TABLE filtered AS
            WITH firsts AS (SELECT id, unnest(arg_min({{{narrow}}}, ({FIRST_ROW}))) FROM parts GROUP BY id)
            SELECT firsts.*, coalesce(c.dup_cluster, firsts.id) AS dup_cluster
            FROM firsts LEFT JOIN clusters c ON c.id = firsts.id WHERE {where}""", params)
        kept = "SELECT * FROM filtered" if selection.keep_near_duplicates else \
            f"SELECT unnest(arg_min(filtered, {self.EARLIEST})) FROM filtered GROUP BY dup_cluster"
        sample = "" if selection.sample is None else "ORDER BY md5($seed || ':' || id) LIMIT $sample"
        limit = "" if selection.limit is None else "LIMIT $limit"
        params = {k: v for k, v in {"seed": str(selection.seed), "sample": selection.sample,
                                    "limit": selection.limit}.items() if f"${k}" in sample + limit}
        con.execute(f"""CREATE TEMP TABLE chosen AS
            WITH kept AS ({kept}),
                 sampled AS (SELECT * FROM kept {sample})
            SELECT *, row_number() OVER (ORDER BY {ORDER}) - 1 AS ordinal FROM sampled
            ORDER BY ordinal {limit}""", params)
        self.count = con.sql("SELECT count(*) FROM chosen").fetchall()[0][0]
        self.matched, clusters = con.sql("SELECT count(*), count(DISTINCT dup_cluster) FROM filtered").fetchall()[0]
        self.near_duplicates_left_out = 0 if selection.keep_near_duplicates else self.matched - clusters
        self.clusters_known = con.sql("SELECT count(*) FROM clusters").fetchall()[0][0] > 0

    def _check_sources(self) -> None:
        if not self.selection.sources:
            return
        stored = {row[0] for row in self.con.sql("SELECT DISTINCT source FROM parts").fetchall()}
        unknown = [s for s in self.selection.sources if s not in stored]
        if unknown:
            listed = ", ".join(sorted(stored)) or "none"
            raise UsageError(f"--source: no article from {', '.join(map(repr, unknown))} in this corpus "
                             f"(sources stored: {listed})")

    def batches(self, batch_rows: int = 2000) -> Iterator[pa.RecordBatch]:
        """Full rows (EXPORT_SCHEMA) in ``ordinal`` order, ``batch_rows`` at a time.

        A bucket sort: one unordered pass over the parts sends each row to the
        temporary Arrow file of its ordinal range (about SORT_BUCKET_BYTES of
        rows), then each bucket is sorted in memory in turn. DuckDB's own
        ORDER BY over whole articles runs out of memory instead of spilling
        when its limit is below the data (DuckDB 2.0).
        """
        reader = self.con.sql(f"""
            SELECT c.ordinal, p.* EXCLUDE (filename, file_row_number) REPLACE ({MERGED_URLS.format(a='p')}),
                   c.dup_cluster
            FROM chosen c JOIN parts p USING (filename, file_row_number) LEFT JOIN more_urls m ON m.id = p.id
            """).to_arrow_reader(batch_rows)
        with tempfile.TemporaryDirectory(prefix="provnews-sort-", dir=self.scratch) as folder:
            buckets: dict[int, pa.ipc.RecordBatchStreamWriter] = {}
            rows_per_bucket = None
            for batch in reader:
                rows_per_bucket = rows_per_bucket or max(1, SORT_BUCKET_BYTES * batch.num_rows // batch.nbytes)
                bucket_of = pc.divide(batch.column("ordinal"), rows_per_bucket)
                for bucket in pc.unique(bucket_of).to_pylist():
                    if bucket not in buckets:
                        buckets[bucket] = pa.ipc.new_stream(f"{folder}/{bucket}.arrow", batch.schema,
                                                            options=pa.ipc.IpcWriteOptions(compression="lz4"))
                    buckets[bucket].write_batch(batch.filter(pc.equal(bucket_of, bucket)))
            for writer in buckets.values():
                writer.close()
            for bucket in sorted(buckets):
                path = f"{folder}/{bucket}.arrow"
                with pa.memory_map(path) as source:
                    table = pa.ipc.open_stream(source).read_all().sort_by("ordinal")
                os.remove(path)
                for batch in table.to_batches(max_chunksize=batch_rows):
                    yield pa.RecordBatch.from_arrays(
                        [batch.column(f.name).cast(f.type) for f in EXPORT_SCHEMA], schema=EXPORT_SCHEMA)
                del table

    def rows(self, sql: str) -> list[tuple]:
        """Run a summary query over ``chosen`` (card statistics)."""
        return self.con.sql(sql).fetchall()
