"""``python -m corpus.demosite``: serve the fixture sites until Ctrl-C; print their registry."""
from __future__ import annotations

import argparse
import signal
import sys
import threading

from corpus.demosite.server import DemoSites


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m corpus.demosite", description=__doc__)
    parser.add_argument("--articles", type=int, default=30, help="articles per site (default 30, at least 4)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--no-faults", action="store_true", help="leave out the fault pages")
    parser.add_argument("--page-kb", type=int, default=None, help="pad article pages to this size")
    parser.add_argument("--slow-seconds", type=float, default=5.0)
    parser.add_argument("--huge-mb", type=float, default=20)
    parser.add_argument("--registry", help="also write the registry TOML to this file")
    args = parser.parse_args(argv)
    if args.articles < 4:
        parser.error("--articles must be at least 4")
    with DemoSites(articles_per_site=args.articles, seed=args.seed, faults=not args.no_faults,
                   page_kb=args.page_kb, slow_seconds=args.slow_seconds, huge_mb=args.huge_mb) as sites:
        if args.registry:
            sites.write_registry(args.registry)
        print(sites.registry_toml(), flush=True)
        for site in sites:
            print(f"{site.key}: {site.base_url} ({len(site.articles)} articles)", file=sys.stderr)
        print("Serving; Ctrl-C to stop.", file=sys.stderr, flush=True)
        stop = threading.Event()
        for sig in (signal.SIGINT, signal.SIGTERM):     # also when started in the background
            signal.signal(sig, lambda *_: stop.set())
        stop.wait()
    return 0


if __name__ == "__main__":
    sys.exit(main())
