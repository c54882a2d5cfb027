"""Compaction: fewer parts, every row kept once, crash points recovered, readers never locked out."""
from __future__ import annotations

import os
import shutil
import time
from collections import Counter
from datetime import datetime, timedelta, timezone

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from corpus.store import compact as compaction
from corpus.cli import main
from corpus.errors import UsageError
from corpus.export.view import connected
from corpus.store.parts import ARTICLE_SCHEMA, Corpus
from data.neardup_pairs import article_row

VN = timezone(timedelta(hours=7))



def unique_count(corpus) -> int:
    """Articles as every reader counts them: the export/query view keeps one row per id."""
    with connected(corpus) as con:
        return con.sql("SELECT count(*) FROM articles").fetchall()[0][0]

def _corpus(root, parts: int, rows_per_part: int) -> Corpus:
    corpus = Corpus(root)
    corpus.ensure_writable()
    for p in range(parts):
        corpus.append([article_row(f"Bài {p}-{r}: tin tức tỉnh Long An số {p * 1000 + r}.",
                                   datetime(2024, 1, 1, tzinfo=VN) + timedelta(hours=p * 100 + r))
                       for r in range(rows_per_part)])
    corpus.append_aliases([{"id": "x", "url": f"https://a.vn/{i}", "source": "a",
                            "seen_at": datetime(2024, 1, 1, tzinfo=timezone.utc)} for i in range(3)])
    return corpus


def _ids(corpus: Corpus) -> Counter:
    return Counter(corpus.read(["id"]).column("id").to_pylist())


def test_merges_runs_of_small_parts_and_keeps_every_row(tmp_path):
    corpus = _corpus(tmp_path, parts=10, rows_per_part=10)
    big = corpus.append([article_row(f"Bài lớn {i}.") for i in range(40)])
    before = _ids(corpus)
    summaries = compaction.compact(corpus, target_rows=30)
    articles = summaries[0]
    assert (articles.folder, articles.parts_before, articles.rows) == ("articles", 11, 140)
    assert articles.parts_after == 5  # runs of 3+3+3 merged; the last small part and the big one stay
    assert big.exists()  # parts at or over the target are left alone
    after = _ids(corpus)
    assert after == before and max(after.values()) == 1
    merged = [p for p in corpus.parts() if p != big]
    assert sorted(pq.read_metadata(p).num_rows for p in merged) == [10, 30, 30, 30]
    assert pq.read_schema(merged[0]).remove_metadata() == ARTICLE_SCHEMA
    assert unique_count(corpus) == 140
    assert summaries[1].folder == "aliases" and summaries[1].parts_after == 1


def test_a_second_run_changes_nothing(tmp_path):
    corpus = _corpus(tmp_path, parts=4, rows_per_part=5)
    compaction.compact(corpus, target_rows=100)
    parts = corpus.parts()
    assert len(parts) == 1
    summary = compaction.compact(corpus, target_rows=100)[0]
    assert corpus.parts() == parts and summary.parts_before == summary.parts_after == 1


def test_crash_after_merged_part_before_deletions(tmp_path):
    """The state a kill leaves between the merged part's rename and the deletions."""
    corpus = _corpus(tmp_path, parts=6, rows_per_part=4)
    before = _ids(corpus)
    saved = tmp_path / "saved"
    shutil.copytree(corpus.articles_dir, saved)
    compaction.compact(corpus, target_rows=100)
    merged = corpus.parts()
    for i, part in enumerate(sorted(saved.glob("part-*.parquet"))):
        if i % 2 == 0:  # crash half-way through the deletions
            shutil.copy2(part, corpus.articles_dir / part.name)

    # readable in the meantime: rows doubled in files, once per id in the articles view
    assert sum(_ids(corpus).values()) == 24 + 12
    assert unique_count(corpus) == 24

    summary = compaction.compact(corpus, target_rows=100)[0]
    assert summary.finished == 3
    assert corpus.parts() == merged and _ids(corpus) == before


def test_crash_before_the_merged_part_was_renamed(tmp_path):
    corpus = _corpus(tmp_path, parts=3, rows_per_part=2)
    before = _ids(corpus)
    partial = corpus.articles_dir / ".part-20240101T000000000000-1-deadbeef.parquet.tmp"
    partial.write_bytes(b"PAR1 half a file")
    assert _ids(corpus) == before  # readers skip dot files
    fresh = corpus.articles_dir / ".part-20990101T000000000000-2-cafecafe.parquet.tmp"
    fresh.write_bytes(b"another writer, mid-write")
    an_hour_ago = time.time() - 2 * compaction.STALE_TEMP_SECONDS
    os.utime(partial, (an_hour_ago, an_hour_ago))
    summary = compaction.compact(corpus, target_rows=100)[0]
    assert summary.temp_removed == 1 and not partial.exists() and fresh.exists()
    assert _ids(corpus) == before and len(corpus.parts()) == 1


def test_parts_with_different_metadata_are_not_mixed(tmp_path):
    folder = tmp_path / "dedup" / "signatures"
    folder.mkdir(parents=True)
    for i, params in enumerate([b"a", b"a", b"b", b"b"]):
        table = pa.table({"id": [f"{i}"]}).replace_schema_metadata({b"provnews.neardup": params})
        pq.write_table(table, folder / f"part-{i}.parquet")
    compaction.compact_folder(folder, target_rows=100)
    parts = sorted(folder.glob("part-*.parquet"))
    assert sorted(pq.read_schema(p).metadata[b"provnews.neardup"] for p in parts) == [b"a", b"b"]


def test_refuses_while_a_reader_holds_the_corpus(tmp_path, capsys):
    corpus = _corpus(tmp_path, parts=3, rows_per_part=2)
    parts = corpus.parts()
    with compaction.reading(corpus):
        with pytest.raises(UsageError) as busy:
            compaction.compact(corpus)
        assert busy.value.status == 75
        assert main(["compact", "--corpus", str(tmp_path)]) == 75
    assert "is being read" in capsys.readouterr().err
    assert corpus.parts() == parts
    with compaction.reading(corpus), compaction.reading(corpus):  # readers share
        pass


def test_compact_command(tmp_path, capsys):
    _corpus(tmp_path, parts=5, rows_per_part=3)
    assert main(["compact", "--corpus", str(tmp_path), "--target-rows", "9"]) == 0
    out = capsys.readouterr().out
    assert "articles: 5 parts -> 2 (15 rows)" in out and "aliases: 1 parts -> 1" in out
    assert main(["compact", "--corpus", str(tmp_path / "nope")]) == 2
    assert main(["compact", "--corpus", str(tmp_path), "--target-rows", "1"]) == 2
    assert main(["compact", "--corpus", str(tmp_path), "--target-rows", "many"]) == 2
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 3 and all(line.startswith("provnews: error: ") for line in err)
