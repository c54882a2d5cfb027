"""Extraction quality on the public article-extraction benchmark: provnews vs plain trafilatura.

Usage: python bench/extraction_f1.py [--data ../shared/benchmarks/article-extraction]

Metric (from the benchmark's README): tokens are \\w+ matches, 4-token shingles
counted as multisets; per page TP/FP/FN normalised; precision and recall are
means over pages, F1 of those means. Both extractors see the same pages in the
same run.
"""
from __future__ import annotations

import argparse
import gzip
import json
import re
import time
from collections import Counter
from pathlib import Path

import trafilatura

from corpus.text.extract import parse_page

TOKEN = re.compile(r"\w+")
DEFAULT_DATA = Path(__file__).resolve().parents[2] / "shared" / "benchmarks" / "article-extraction"


def shingles(text: str, n: int = 4) -> Counter:
    tokens = TOKEN.findall(text or "")
    return Counter(tuple(tokens[i:i + n]) for i in range(max(len(tokens) - n + 1, 0)))


def page_scores(predicted: str, truth: str) -> tuple[float, float]:
    pred, true = shingles(predicted), shingles(truth)
    tp = sum((pred & true).values())
    fp, fn = sum(pred.values()) - tp, sum(true.values()) - tp
    total = tp + fp + fn
    if total == 0:
        return 1.0, 1.0
    tp, fp, fn = tp / total, fp / total, fn / total
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    return precision, recall


def evaluate(pages: dict[str, tuple[bytes, str, str]], extractor) -> dict:
    scores, started = [], time.perf_counter()
    for body, url, truth in pages.values():
        scores.append(page_scores(extractor(body, url) or "", truth))
    seconds = time.perf_counter() - started
    p = sum(s[0] for s in scores) / len(scores)
    r = sum(s[1] for s in scores) / len(scores)
    return {"precision": p, "recall": r, "f1": 2 * p * r / (p + r) if p + r else 0.0,
            "pages_per_s": len(scores) / seconds}


def load(data: Path) -> dict[str, tuple[bytes, str, str]]:
    truth = json.loads((data / "ground-truth.json").read_text("utf-8"))
    return {key: (gzip.decompress((data / "html" / f"{key}.html.gz").read_bytes()), item["url"], item["articleBody"])
            for key, item in truth.items()}


EXTRACTORS = {
    "trafilatura (plain)": lambda body, url: trafilatura.extract(body.decode("utf-8", "replace"), url=url),
    "provnews": lambda body, url: parse_page(body, url).get("text"),
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    args = parser.parse_args()
    pages = load(args.data)
    print(f"{len(pages)} pages from {args.data}")
    print(f"{'extractor':22} {'precision':>9} {'recall':>7} {'F1':>6} {'pages/s':>8}")
    for name, extractor in EXTRACTORS.items():
        m = evaluate(pages, extractor)
        print(f"{name:22} {m['precision']:9.3f} {m['recall']:7.3f} {m['f1']:6.3f} {m['pages_per_s']:8.1f}")


if __name__ == "__main__":
    main()
