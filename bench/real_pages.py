"""Text fields on stored pages of real outlets' layouts: body F1, title, date to the minute, author.

Usage: python bench/real_pages.py [--pages tests/data/pages]

Each page in ``tests/data/pages`` is the markup of one layout family seen on real Vietnamese
outlets (``SOURCES.md`` says where); ``expected.json`` holds what a reader of the page would
take as its title, publication time, author and article text. Body F1 is the shingle metric of
bench/extraction_f1.py. To compare with another version of the code, run this script with that
version first on PYTHONPATH (e.g. an exported older commit): both print the same table.
"""
from __future__ import annotations

import argparse
import json
import sys
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from extraction_f1 import page_scores  # noqa: E402

from corpus.text.extract import parse_page  # noqa: E402

DEFAULT_PAGES = Path(__file__).resolve().parents[1] / "tests" / "data" / "pages"


def to_minute(value) -> str | None:
    if value is None:
        return None
    value = datetime.fromisoformat(value) if isinstance(value, str) else value
    return value.astimezone(datetime.fromisoformat("2000-01-01T00:00+07:00").tzinfo).strftime("%Y-%m-%d %H:%M")


def score(pages: Path) -> list[dict]:
    rows = []
    for name, want in json.loads((pages / "expected.json").read_text("utf-8")).items():
        got = parse_page((pages / f"{name}.html").read_bytes(), want["url"])
        p, r = page_scores(got.get("text") or "", "\n".join(want["paragraphs"]))
        rows.append({"page": name, "f1": 2 * p * r / (p + r) if p + r else 0.0,
                     "exact": (got.get("text") or "").split("\n") == want["paragraphs"],
                     "title": got.get("title") == want["title"],
                     "date": to_minute(got.get("published")) == to_minute(want["published"]),
                     "author": got.get("author") == want["author"],
                     "got": {k: str(got.get(k)) for k in ("title", "published", "author")}})
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=Path, default=DEFAULT_PAGES)
    parser.add_argument("-v", "--verbose", action="store_true", help="print the wrong values")
    args = parser.parse_args()
    rows = score(args.pages)
    print(f"{'layout':28} {'body F1':>7} {'exact':>5} {'title':>5} {'date':>5} {'author':>6}")
    mark = {True: "ok", False: "--"}
    for row in rows:
        print(f"{row['page']:28} {row['f1']:7.3f} {mark[row['exact']]:>5} {mark[row['title']]:>5} "
              f"{mark[row['date']]:>5} {mark[row['author']]:>6}")
        if args.verbose and not (row["title"] and row["date"] and row["author"]):
            print("    got:", row["got"])
    n = len(rows)
    print(f"{'all (' + str(n) + ' pages)':28} {sum(r['f1'] for r in rows) / n:7.3f} "
          + " ".join(f"{sum(r[k] for r in rows):>{w}}/{n}" for k, w in
                     (("exact", 3), ("title", 3), ("date", 3), ("author", 4))))


if __name__ == "__main__":
    main()
