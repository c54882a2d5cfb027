"""provnews demo: serve the bundled demo outlets on loopback, crawl, summarise, export. Works offline."""
from __future__ import annotations

import shlex
import shutil
import sys
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


def provnews_command() -> str:
    """How to run provnews again from the user's shell: ``provnews`` only when that name on PATH is this
    program; else the script's own path (``.venv/bin/provnews`` without an activated venv) or ``python -m``."""
    script = Path(sys.argv[0])
    if script.name == "provnews":
        on_path = shutil.which("provnews")
        return "provnews" if on_path and Path(on_path).resolve() == script.resolve() else shlex.quote(str(script))
    return f"{shlex.quote(sys.executable)} -m corpus.cli"


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
    command, where = provnews_command(), shlex.quote(str(corpus))
    print(f"\nNext: {command} query --corpus {where} "
          + shlex.quote("SELECT source, count(*) AS articles FROM articles GROUP BY ALL"))
    print(f"Next: {command} export --corpus {where} --format jsonl --out {shlex.quote(str(folder / 'export.jsonl'))}")
    print(f"Next: {command} runs --corpus {where}")
    return 0
