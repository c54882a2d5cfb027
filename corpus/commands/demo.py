"""provnews demo: serve the bundled demo outlets on loopback, crawl, summarise, export. Works offline."""
from __future__ import annotations

import shutil
from pathlib import Path

from corpus.errors import UsageError

MARKER = ".provnews-demo"
# Loopback needs no politeness delay; the slow-page fault should not hold the demo up for long.
LOOPBACK = ["-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "DOWNLOAD_TIMEOUT=3",
            "-s", "RETRY_TIMES=1", "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=8", "-s", "LOG_LEVEL=WARNING"]


def register(sub) -> None:
    p = sub.add_parser("demo", help="crawl the bundled demo sites into a fresh corpus (offline)")
    p.add_argument("--dir", default="provnews-demo", help="folder for the demo corpus and export "
                                                          "(default: ./provnews-demo, replaced on each run)")
    p.add_argument("--articles", type=int, default=30, help="articles per demo site (default 30)")
    p.add_argument("--export", type=int, default=5, help="articles to export as txt (default 5)")
    p.set_defaults(func=run)


def fresh_folder(folder: Path) -> None:
    """Empty ``folder`` if an earlier demo made it; never touch a folder the demo did not make."""
    if folder.exists() and any(folder.iterdir()):
        if not (folder / MARKER).exists():
            raise UsageError(f"{folder} exists and is not a provnews demo folder; choose another with --dir")
        shutil.rmtree(folder)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / MARKER).touch()


def run(args) -> int:
    from corpus.cli import build_parser
    from corpus.demosite import DemoSites
    from corpus.export import export
    from corpus.export.select import Selection
    from corpus.store.parts import Corpus

    if args.articles < 4:
        raise UsageError("--articles must be at least 4")
    folder = Path(args.dir)
    fresh_folder(folder)
    corpus, out = folder / "corpus", folder / "export-txt"
    with DemoSites(articles_per_site=args.articles, slow_seconds=5) as sites:
        registry = sites.write_registry(folder / "demo-sources.toml")
        for site in sites:
            print(f"serving {site.key} at {site.base_url} ({len(site.articles)} articles)")
        crawl = build_parser().parse_args(["crawl", "--sources-file", str(registry), "--corpus", str(corpus),
                                           *LOOPBACK])
        status = crawl.func(crawl)
    if status != 0:
        return status
    stats = build_parser().parse_args(["stats", "--corpus", str(corpus)])
    stats.func(stats)
    result = export(Corpus(corpus), out, "txt", Selection(limit=args.export))
    files = sorted(out.glob("*.txt"))
    print(f"\nexported {result.articles} articles to {out}/: {', '.join(f.name for f in files)}")
    if files:
        print(f"\n--- {files[0].name} ---\n{files[0].read_text('utf-8')}\n---")
    print(f"\nNext: provnews query --corpus {corpus} \"SELECT source, count(*) FROM articles GROUP BY ALL\"")
    return 0
