"""What ``--since`` saves: pages fetched and old articles fetched only to be dropped.

    python bench/since.py [--articles 60] [--since 2023-01-01]

Serves the three demo outlets on loopback and crawls them twice into fresh
corpora in the same run: without ``--since`` (the baseline) and with it.
Prints pages fetched, articles stored, ``skipped_old`` (fetched, then dropped
as too old), what each discovery rule avoided (``since/*``), and how many
articles published on or after the date the full crawl stored that the
``--since`` crawl did not (false drops of not fetching).
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

import pyarrow.dataset as ds

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from conftest import FAST  # noqa: E402  (the tests' loopback settings: no politeness delay)
from corpus.demosite import DemoSites  # noqa: E402
from corpus.store.state import RunLog  # noqa: E402

AVOIDED = ("since/sitemap_not_read", "since/sitemap", "since/feed", "since/listing", "since/undated_link")


def crawl(registry: Path, corpus: Path, since: str | None) -> dict:
    extra = ["--since", since] if since else []
    done = subprocess.run([sys.executable, "-m", "corpus.cli", "crawl", "--sources-file", str(registry),
                           "--corpus", str(corpus), *extra, *FAST], capture_output=True, text=True, timeout=1800,
                          cwd=ROOT)
    counts = json.loads(RunLog(corpus / "state").runs()[-1]["counts"])
    total = {k: sum(row.get(k, 0) for row in counts.values()) for k in ("pages", "stored", "skipped_old", *AVOIDED)}
    return {"exit": done.returncode, **total}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=60, help="articles per demo outlet")
    parser.add_argument("--since", default="2023-01-01")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp, DemoSites(articles_per_site=args.articles, faults=False) as sites:
        registry = sites.write_registry(Path(tmp) / "demo.toml")
        results, new_ids = {}, {}
        for name, since in (("without --since", None), (f"--since {args.since}", args.since)):
            corpus = Path(tmp) / name.replace(" ", "_")
            results[name] = crawl(registry, corpus, since)
            rows = ds.dataset(corpus / "articles").to_table(columns=["id", "published"]).to_pylist()
            new_ids[name] = {r["id"] for r in rows if r["published"] and r["published"].date().isoformat() >= args.since}
    names = list(results)
    print(f"{'':24}" + "".join(f"{n:>24}" for n in names))
    for key in results[names[0]]:
        print(f"{key:24}" + "".join(f"{results[n][key]:>24}" for n in names))
    print(f"{'new articles stored':24}" + "".join(f"{len(new_ids[n]):>24}" for n in names))
    print(f"new articles the --since crawl missed: {len(new_ids[names[0]] - new_ids[names[1]])}")


if __name__ == "__main__":
    main()
