"""``provnews query``: SQL over the unique-article view, printed as a table, CSV or JSON."""
from __future__ import annotations

import csv
import io
import json
from collections import Counter
from datetime import timedelta

import pytest

from corpus.cli import main
from corpus.export.synthetic import synthetic_articles
from corpus.store.parts import Corpus

PER_PROVINCE_PER_MONTH = """
    SELECT province, strftime(date_trunc('month', published), '%Y-%m') AS month, count(*) AS articles
    FROM articles WHERE published IS NOT NULL
    GROUP BY ALL ORDER BY month, province"""


@pytest.fixture(scope="module")
def rows():
    return list(synthetic_articles(150, seed=5))


@pytest.fixture(scope="module")
def corpus(rows, tmp_path_factory):
    corpus = Corpus(tmp_path_factory.mktemp("corpus"))
    corpus.append(rows)
    corpus.append([dict(rows[0], fetched_at=rows[0]["fetched_at"] + timedelta(hours=1))])   # same id again
    return corpus


def query(corpus, capsys, sql, *args):
    status = main(["query", "--corpus", str(corpus.root), sql, *args])
    out = capsys.readouterr()
    return status, out.out, out.err


def per_month_oracle(rows) -> Counter:
    # published is Vietnam time already: its own year and month are the Vietnamese month
    return Counter((r["province"], f"{r['published']:%Y-%m}") for r in rows if r["published"])


def test_articles_per_province_per_month_as_csv(corpus, rows, capsys):
    status, out, _ = query(corpus, capsys, PER_PROVINCE_PER_MONTH, "--format", "csv")
    assert status == 0
    got = list(csv.DictReader(io.StringIO(out)))
    assert Counter({(r["province"], r["month"]): int(r["articles"]) for r in got}) == per_month_oracle(rows)
    assert [r["month"] for r in got] == sorted(r["month"] for r in got)


def test_articles_is_one_row_per_id(corpus, rows, capsys):
    status, out, _ = query(corpus, capsys, "SELECT count(*) AS n, count(DISTINCT id) AS ids FROM articles",
                           "--format", "json")
    assert status == 0 and json.loads(out) == [{"n": 150, "ids": 150}]
    status, out, _ = query(corpus, capsys, "SELECT count(*) AS n FROM parts", "--format", "json")
    assert json.loads(out) == [{"n": 151}]


def test_json_keeps_types_and_iso_dates(corpus, rows, capsys):
    first = min((r for r in rows if r["published"]), key=lambda r: (r["published"], r["id"]))
    sql = ("SELECT id, published, urls, word_count, dup_cluster FROM articles "
           "WHERE published IS NOT NULL ORDER BY published, id LIMIT 1")
    status, out, _ = query(corpus, capsys, sql, "--format", "json")
    assert status == 0
    assert json.loads(out) == [{"id": first["id"], "published": first["published"].isoformat(), "urls": first["urls"],
                                "word_count": first["word_count"], "dup_cluster": first["id"]}]


def test_table_output_is_aligned_and_counts_rows(corpus, rows, capsys):
    status, out, _ = query(corpus, capsys, "SELECT source, count(*) AS n FROM articles GROUP BY 1 ORDER BY 1")
    assert status == 0
    lines = out.splitlines()
    assert lines[0].split() == ["source", "n"] and set(lines[1].replace(" ", "")) == {"-"}
    counts = Counter(r["source"] for r in rows)
    assert [line.split() for line in lines[2:-1]] == [[s, str(counts[s])] for s in sorted(counts)]
    assert lines[-1] == f"({len(counts)} rows)"


def test_table_cuts_long_text(corpus, capsys):
    status, out, _ = query(corpus, capsys, "SELECT text FROM articles LIMIT 1")
    assert status == 0 and max(len(line) for line in out.splitlines()) <= 60 and "…" in out


@pytest.mark.parametrize("sql", ["SELECT * FROM nowhere", "SELEC 1", "SELECT 1/'x'"])
def test_sql_error_is_one_line_exit_2(corpus, capsys, sql):
    status, out, err = query(corpus, capsys, sql)
    assert status == 2 and out == ""
    assert err.startswith("provnews: error: SQL: ") and err.count("\n") == 1


def test_missing_corpus_is_one_line_exit_2(tmp_path, capsys):
    status = main(["query", "--corpus", str(tmp_path / "none"), "SELECT 1"])
    err = capsys.readouterr().err
    assert status == 2 and err.startswith("provnews: error: no corpus at") and err.count("\n") == 1


@pytest.mark.parametrize("sql, refused", [
    ("COPY (SELECT id FROM articles) TO '{root}/articles/out.parquet'", "not COPY"),
    ("COPY (SELECT id FROM articles) TO '{tmp}/out.csv'", "not COPY"),
    ("ATTACH '{tmp}/other.db'", "not ATTACH"),
    ("INSTALL httpfs", "not "),
    ("CREATE TABLE t AS SELECT 1", "not CREATE"),
    ("SELECT 1; COPY (SELECT 1) TO '{tmp}/x.csv'", "not COPY"),
    ("SELECT * FROM read_csv('{tmp}/secret.csv')", "Permission"),
    ("SELECT * FROM read_text('/etc/hostname')", "Permission"),
])
def test_query_reads_the_corpus_and_writes_nowhere(corpus, capsys, tmp_path, sql, refused):
    (tmp_path / "secret.csv").write_text("a\n1\n")
    before = sorted(p.name for p in corpus.root.rglob("*")) + sorted(p.name for p in tmp_path.iterdir())
    status, out, err = query(corpus, capsys, sql.format(root=corpus.root, tmp=tmp_path))
    assert status != 0 and refused in err and len(err.strip().splitlines()) == 1, err
    assert sorted(p.name for p in corpus.root.rglob("*")) + sorted(p.name for p in tmp_path.iterdir()) == before


def test_query_still_reads_every_table(corpus, capsys):
    status, out, err = query(corpus, capsys, "SELECT (SELECT count(*) FROM articles), (SELECT count(*) FROM "
                                             "aliases), (SELECT count(*) FROM clusters), (SELECT count(*) FROM parts)",
                             "--format", "json")
    assert status == 0, err
    assert list(json.loads(out)[0].values()) == [150, 0, 0, 151]
