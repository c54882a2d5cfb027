"""corpus.text.speedups: extract_page with and without them, interleaved in one process, same pages.

Usage: python bench/speedups.py [--rounds 3] [--data ../shared/benchmarks/article-extraction]

Each round times ``extract_page`` over the demo article pages (three layouts, 80/140/200 KB) and the
public benchmark's pages, once with trafilatura as shipped (the original XPath expressions and
lxml.html's Python class lookup put back) and once with the speed-ups; the best round of each is
printed, with whether every field of every page came out the same. Rounds alternate, so the
machine's drifting speed (issue 14) weighs on both sides alike.
"""
from __future__ import annotations

import argparse
import gzip
import pickle
import sys
import time
from pathlib import Path

from lxml import html
from trafilatura import utils, xpaths

sys.path.insert(0, str(Path(__file__).resolve().parent))
import extraction_f1  # noqa: E402  (a sibling script, not a package)
from throughput import demo_pages  # noqa: E402

from corpus.text import speedups  # noqa: E402
from corpus.text.extract import extract_page  # noqa: E402


def use(fast: bool, rewritten) -> None:
    for (name, index), (original, faster) in rewritten.items():
        getattr(xpaths, name)[index] = faster if fast else original
    utils.HTML_PARSER.set_element_class_lookup(speedups.FAST_LOOKUP if fast else html.HtmlElementClassLookup())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--data", type=Path, default=extraction_f1.DEFAULT_DATA)
    args = parser.parse_args()
    rewritten = speedups.install()
    sets = {"demo": [page[:3] for page in demo_pages()]}
    if (args.data / "html").is_dir():
        sets["benchmark"] = [(gzip.decompress(p.read_bytes()), "https://example.org/a.html", None)
                             for p in sorted((args.data / "html").glob("*.html.gz"))]
    print(f"{len(rewritten)} trafilatura XPath expressions rewritten; pages: "
          + ", ".join(f"{name} {len(pages)}" for name, pages in sets.items()))
    best: dict = {}
    outputs: dict = {}
    for _ in range(args.rounds):
        for fast in (False, True):
            use(fast, rewritten)
            for name, pages in sets.items():
                started = time.process_time()
                out = [extract_page(*page) for page in pages]
                ms = (time.process_time() - started) * 1000 / len(pages)
                best[name, fast] = min(ms, best.get((name, fast), ms))
                outputs.setdefault((name, fast), pickle.dumps(out))
    use(True, rewritten)
    print(f"{'pages':10} {'as shipped':>11} {'speed-ups':>10} {'change':>7}  output")
    for name in sets:
        before, after = best[name, False], best[name, True]
        same = outputs[name, False] == outputs[name, True]
        print(f"{name:10} {before:8.2f} ms {after:7.2f} ms {after / before - 1:+7.1%}  "
              f"{'identical' if same else 'DIFFERENT'}")


if __name__ == "__main__":
    main()
