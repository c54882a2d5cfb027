"""``provnews stats``: what a corpus holds, per source and province, and its date range."""
from __future__ import annotations

from corpus.commands.query import text_table
from corpus.export.view import connected, open_corpus
from corpus.store.parts import DEFAULT_CORPUS


def register(subparsers) -> None:
    p = subparsers.add_parser("stats", help="articles per source and province, date range",
                              description="Summarise a corpus: one row per article, near-duplicates included.")
    p.add_argument("--corpus", default=DEFAULT_CORPUS, metavar="DIR",
                   help=f"corpus folder (default: ./{DEFAULT_CORPUS})")
    p.set_defaults(func=run)


def run(args) -> int:
    corpus = open_corpus(args.corpus)
    with connected(corpus) as con:
        con.execute("CREATE TEMP TABLE a AS SELECT source, site_name, province, province_after_2025, published, "
                    "word_count, dup_cluster FROM articles")   # the unique-article view, computed once
        articles, clusters, first, last, undated, words = con.sql(
            "SELECT count(*), count(DISTINCT dup_cluster), min(published), max(published), "
            "count(*) FILTER (WHERE published IS NULL), coalesce(sum(word_count), 0) FROM a").fetchall()[0]
        sources = con.sql("SELECT source, any_value(site_name), any_value(province), count(*) AS n FROM a "
                          "GROUP BY source ORDER BY n DESC, source").fetchall()
        provinces = con.sql("SELECT province, any_value(province_after_2025), count(*) AS n FROM a "
                            "GROUP BY province ORDER BY n DESC, province NULLS LAST").fetchall()
    print(f"corpus: {corpus.root}")
    print(f"articles: {articles:,} ({clusters:,} after near-duplicate grouping), words: {int(words):,}")
    dates = f"{first:%Y-%m-%d} to {last:%Y-%m-%d}" if first else "none"
    print(f"published: {dates} ({undated:,} undated)")
    print()
    print(text_table(["source", "outlet", "province", "articles"], sources))
    print()
    print(text_table(["province", "after 2025", "articles"], provinces))
    return 0
