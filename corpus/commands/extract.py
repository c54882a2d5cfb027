"""provnews extract: show what provnews would store from one saved page (checking a new site).

A home page or section front is not an article even when its teasers add up to
enough dated Vietnamese text: the crawler reads such pages as listings (by
their URL, corpus.sources.pagekind) and only follows their links. Without
``--url`` the page itself decides: several linked headlines and neither one
<h1> nor article markup make it a listing.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

from corpus.errors import UsageError
from corpus.export.txt import seed_text
from corpus.sources.pagekind import classify_url
from corpus.sources.urls import canonical_url
from corpus.text.clean import decode_html
from corpus.text.extract import MIN_WORDS, page_signals, extract_page, load_html, parse_page

LISTING_HEADLINES = 5


def register(sub) -> None:
    p = sub.add_parser("extract", help="print the seed-format text of a saved HTML page")
    p.add_argument("page", help="saved HTML file")
    p.add_argument("--url", help="the page's URL (helps resolve links and metadata)")
    p.add_argument("--charset", help="the charset the server declared, if known")
    p.add_argument("--json", action="store_true", help="print every extracted field as JSON")
    p.set_defaults(func=run)


def listing_reason(body: bytes, url: str | None, charset: str | None) -> str | None:
    """Why the crawler would read this page as a listing, not an article; None if it would not."""
    if url:
        kind = classify_url(canonical_url(url))
        return None if kind == "article" else f"its URL is a {kind} page, which the crawler reads as a listing"
    tree = load_html(decode_html(body, charset)[0])
    if tree is None:
        return None
    signals = page_signals(tree)
    headlines = len(tree.xpath("//h2[.//a] | //h3[.//a] | //h4[.//a]"))
    if headlines >= LISTING_HEADLINES and len(signals["h1"]) != 1 and not (signals["og_article"]
                                                                          or signals["ld_article"]):
        return f"it looks like a listing ({headlines} linked headlines, no single <h1>, no article markup)"
    return None


def run(args) -> int:
    path = Path(args.page)
    try:
        body = path.read_bytes()
    except OSError as exc:
        raise UsageError(f"cannot read {path}: {exc.strerror}") from None
    url = args.url or path.resolve().as_uri()
    if reason := listing_reason(body, args.url, args.charset):
        raise UsageError(f"{path}: not an article: {reason}; it would not be stored", status=1)
    verdict = extract_page(body, url, args.charset)
    page = verdict if "reason" not in verdict else parse_page(body, url, args.charset)
    if "reason" in page:
        raise UsageError(f"{path}: no article text found ({page['reason']})", status=1)
    page.pop("links", None)
    if args.json:
        print(json.dumps(page, ensure_ascii=False, indent=2, default=str))
    else:
        print(seed_text(page))
    if "reason" in verdict:
        print(f"provnews: this page would not be stored: {verdict['reason']} "
              f"(articles need {MIN_WORDS}+ words of Vietnamese and a date or article markup)", file=sys.stderr)
        return 1
    return 0
