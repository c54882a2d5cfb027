"""provnews extract: show what provnews would store from one saved page (checking a new site)."""
from __future__ import annotations

import json
import sys
from pathlib import Path

from corpus.errors import UsageError
from corpus.export.txt import seed_text
from corpus.text.extract import MIN_WORDS, extract_page, parse_page


def register(sub) -> None:
    p = sub.add_parser("extract", help="print the seed-format text of a saved HTML page")
    p.add_argument("page", help="saved HTML file")
    p.add_argument("--url", help="the page's URL (helps resolve links and metadata)")
    p.add_argument("--charset", help="the charset the server declared, if known")
    p.add_argument("--json", action="store_true", help="print every extracted field as JSON")
    p.set_defaults(func=run)


def run(args) -> int:
    path = Path(args.page)
    try:
        body = path.read_bytes()
    except OSError as exc:
        raise UsageError(f"cannot read {path}: {exc.strerror}") from None
    url = args.url or path.resolve().as_uri()
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
