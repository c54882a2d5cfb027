"""``provnews stats``: articles per source and province, date range."""
from __future__ import annotations

from collections import Counter

from corpus.cli import main
from corpus.export.synthetic import build_corpus, synthetic_articles
from corpus.store.parts import Corpus


def test_stats_counts_per_source_and_province_and_date_range(tmp_path, capsys):
    rows = list(synthetic_articles(120, seed=6))
    corpus = build_corpus(tmp_path / "c", 120, seed=6, part_rows=50)
    corpus.append(rows[:3])                                              # stored twice, counted once
    assert main(["stats", "--corpus", str(corpus.root)]) == 0
    out = capsys.readouterr().out
    dated = sorted(r["published"] for r in rows if r["published"])
    undated = sum(r["published"] is None for r in rows)
    assert f"articles: 120 (120 after near-duplicate grouping), words: {sum(r['word_count'] for r in rows):,}" in out
    assert f"published: {dated[0]:%Y-%m-%d} to {dated[-1]:%Y-%m-%d} ({undated} undated)" in out
    lines = [line.split() for line in out.splitlines()]
    for source, count in Counter(r["source"] for r in rows).items():
        row = next(r for r in rows if r["source"] == source)
        assert f"{source} {row['site_name']} {row['province']} {count}".split() in lines
    for province, count in Counter(r["province"] for r in rows).items():
        row = next(r for r in rows if r["province"] == province)
        assert f"{province} {row['province_after_2025']} {count}".split() in lines


def test_stats_of_an_empty_corpus(tmp_path, capsys):
    Corpus(tmp_path / "c").ensure_writable()
    assert main(["stats", "--corpus", str(tmp_path / "c")]) == 0
    out = capsys.readouterr().out
    assert "articles: 0 " in out and "published: none (0 undated)" in out


def test_stats_without_corpus_is_one_line_exit_2(tmp_path, capsys):
    assert main(["stats", "--corpus", str(tmp_path / "missing")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("provnews: error: no corpus at") and err.count("\n") == 1


def test_damaged_part_is_one_line_exit_1(tmp_path, capsys):
    corpus = build_corpus(tmp_path / "c", 10)
    (corpus.articles_dir / "part-99999999T000000000000-1-deadbeef.parquet").write_bytes(b"PAR1 not really")
    assert main(["stats", "--corpus", str(corpus.root)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("provnews: error: reading the corpus at") and err.count("\n") == 1
