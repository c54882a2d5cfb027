"""Extraction output is pinned: speed work must not change a record.

tests/data/extract_golden.jsonl.gz holds what ``extract_page`` returned, every field and every
link, before the per-page CPU work of issue 14, on the demo pages: the three layouts' articles
(UTF-8, NFD, windows-1258, both templates), print views, listings, tags, search, fixed pages
(contact, video, gallery, login, English, private) and quick fault pages, plus article pages
padded to 80 and 200 KB as real outlets pad them. The crawl test compares the stored corpus
with the same file, so both the worker and the crawl around it keep their output.

Regenerate only for an intended change of output: ``python tests/test_extract_golden.py --write``.
"""
from __future__ import annotations

import gzip
import json
import sys
import tempfile
from urllib.parse import quote
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import pyarrow.dataset as ds  # noqa: E402

from conftest import crawl, fetch, site_pages  # noqa: E402
from corpus.demosite import DemoSites  # noqa: E402
from corpus.text.clean import article_id  # noqa: E402
from corpus.text.extract import extract_page  # noqa: E402

GOLDEN = Path(__file__).resolve().parent / "data" / "extract_golden.jsonl.gz"
CRAWL_GOLDEN = GOLDEN.with_name("crawl_golden.jsonl.gz")
PADDED_KB = (80, 200)
STORED = ("source", "title", "author", "text", "published", "language", "word_count", "categories", "tags", "site_name",
          "province")


def _portable(value, origins: dict[str, str]):
    """``value`` with the demo servers' loopback origins (random ports) replaced by their site keys."""
    if isinstance(value, str):
        for origin, key in origins.items():     # share buttons carry the page URL quoted
            value = value.replace(origin, f"http://{key}").replace(quote(origin, safe=""), quote(f"http://{key}", safe=""))
        return value
    if isinstance(value, list):
        return [_portable(v, origins) for v in value]
    if isinstance(value, dict):
        return {k: _portable(v, origins) for k, v in value.items()}
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def records() -> dict[str, dict]:
    """``extract_page`` of every compared page, keyed by page (portable URL and padding)."""
    out = {}
    runs = [("plain", DemoSites(articles_per_site=10), site_pages)]
    runs += [(f"{kb}kb", DemoSites(articles_per_site=6, faults=False, page_kb=kb, seed=kb),
              lambda sites: [fetch(a.url) for a in sites.articles]) for kb in PADDED_KB]
    for label, demo, pages_of in runs:
        with demo as sites:
            origins = {site.origin: site.key for site in sites}
            for body, url, charset in pages_of(sites):
                key = f"{label} {_portable(url, origins)}"
                record = extract_page(body, url, charset)
                out[key] = _portable(record, origins)
                if "id" in record and out[key]["text"] != record["text"]:   # a print view quotes its URL
                    out[key]["id"] = article_id(out[key]["text"])
    return out


def crawled_articles(tmp: Path) -> dict[str, dict]:
    """Crawl the demo sites (every fault) into a fresh corpus: its articles by id, portable.

    A syndicated text is stored from whichever outlet answered first (a race, not extraction), so
    of its row only the text is kept; of the others, every field but URL and fetch time."""
    with DemoSites(articles_per_site=10) as sites:
        result = crawl(sites.write_registry(tmp / "demo.toml"), tmp / "corpus")
        origins = {site.origin: site.key for site in sites}
        copies = {a.id for a in sites.articles if a.copy_of}
    assert result.returncode == 0, result.stderr[-3000:]
    rows = ds.dataset(tmp / "corpus" / "articles").to_table(columns=["id", *STORED]).to_pylist()
    return {row["id"]: _portable({"text": row["text"]} if row["id"] in copies else row, origins) for row in rows}


def load(path: Path = GOLDEN) -> dict[str, dict]:
    with gzip.open(path, "rt", encoding="utf-8") as f:
        return dict(json.loads(line) for line in f)


def write(path: Path, records: dict[str, dict]) -> None:
    tmp = path.with_suffix(".tmp")
    with gzip.open(tmp, "wt", encoding="utf-8") as f:
        for key, record in sorted(records.items()):
            f.write(json.dumps([key, record], ensure_ascii=False, sort_keys=True) + "\n")
    tmp.replace(path)
    print(f"wrote {path}")


def test_extraction_records_are_the_golden_ones():
    golden, now = load(), records()
    assert sorted(now) == sorted(golden), "the same pages"
    changed = [key for key in golden if now[key] != golden[key]]
    assert not changed, f"{len(changed)} records differ, first {changed[0]}: " + str(
        {k: (now[changed[0]].get(k), v) for k, v in golden[changed[0]].items() if now[changed[0]].get(k) != v})
    assert sum("id" in r for r in golden.values()) >= 60 and sum("reason" in r for r in golden.values()) >= 20


def test_a_crawl_stores_the_golden_articles(tmp_path):
    """The whole crawl (discovery from the workers' links, dedup, Parquet) stores the same articles,
    field for field, as the crawl before the change did."""
    golden, now = load(CRAWL_GOLDEN), crawled_articles(tmp_path)
    assert sorted(now) == sorted(golden), "the same ids"
    assert [k for k in golden if now[k] != golden[k]] == []


if __name__ == "__main__":
    if sys.argv[1:] != ["--write"]:
        raise SystemExit("usage: python tests/test_extract_golden.py --write")
    write(GOLDEN, records())
    with tempfile.TemporaryDirectory() as tmp:
        write(CRAWL_GOLDEN, crawled_articles(Path(tmp)))
