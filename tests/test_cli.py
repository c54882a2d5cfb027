"""The command line: bad input is one line and a clear exit status; Scrapy's own entry works too."""
from __future__ import annotations

import shlex
import subprocess
import sys
from pathlib import Path

import pyarrow.dataset as ds
import pytest

from conftest import FAST, crawl, provnews

ROOT = Path(__file__).resolve().parents[1]


def one_line_error(result, status: int = 2) -> str:
    assert result.returncode == status, (result.returncode, result.stderr[-2000:])
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


def test_bad_registry_names_source_and_field(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text('[[source]]\nkey="x"\nname="X"\nprovince="Long An"\nhomepage="ftp://x.vn/"\n', "utf-8")
    line = one_line_error(crawl(bad, tmp_path / "c"))
    assert "source 'x'" in line and "homepage" in line


@pytest.mark.parametrize("args, words", [
    (["--max-articles", "-1"], "--max-articles"),
    (["--since", "2024-13-01"], "--since"),
    (["--sources", "no-such-outlet"], "no-such-outlet"),
    (["--province", "Atlantis"], "Atlantis"),
    (["-s", "lowercase=1"], "NAME=VALUE"),
    (["-s", "DOWNLOAD_DELAYS=0"], "-s DOWNLOAD_DELAYS: unknown setting"),
    (["--workers", "-5"], "--workers"),
    (["--max-article", "3"], "unrecognized arguments: --max-article"),   # no abbreviations
])
def test_bad_arguments_are_one_line(demo, tmp_path, args, words):
    assert words in one_line_error(crawl(demo.registry, tmp_path / "c", *args))


def test_version_and_both_spellings_of_the_source_option(demo, tmp_path):
    from corpus.cli import build_parser
    from corpus.export.card import provnews_version

    version = provnews("--version")
    assert version.returncode == 0 and version.stdout.strip() == f"provnews {provnews_version()}"
    parser = build_parser()
    for command in (["crawl"], ["sources"]):
        for spelling in ("--source", "--sources"):
            assert parser.parse_args([*command, spelling, "a,b"]).sources == "a,b"
    for spelling in ("--source", "--sources"):
        assert parser.parse_args(["export", "--out", "x", spelling, "a,b"]).source == ["a", "b"]


def test_readme_names_the_folders_the_demo_writes():
    from corpus.cli import build_parser

    args = build_parser().parse_args(["demo"])
    readme = (ROOT / "README.md").read_text("utf-8")
    assert f"crawls them into `./{Path(args.dir) / 'corpus'}`" in readme
    assert "demo-corpus" not in readme


def test_the_default_corpus_is_not_the_corpus_package(tmp_path):
    from corpus.store.parts import DEFAULT_CORPUS

    assert not (ROOT / DEFAULT_CORPUS / "__init__.py").exists()
    line = one_line_error(provnews("crawl", "--corpus", ROOT / "corpus", "--sources", "baolongan"))
    assert "is a Python package, not a corpus" in line
    assert not (ROOT / "corpus" / "articles").exists()


def test_unwritable_corpus_is_refused_before_crawling(demo, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    line = one_line_error(crawl(demo.registry, blocker / "corpus"))
    assert "not writable" in line


def test_max_articles_per_source(demo, tmp_path):
    result = crawl(demo.registry, tmp_path / "c", "--max-articles", "4", "--sources", "demo-longan,demo-dongthap")
    assert result.returncode == 0, result.stderr[-2000:]
    sources = ds.dataset(tmp_path / "c" / "articles").to_table(columns=["source"]).column(0).to_pylist()
    assert sorted(sources) == ["demo-dongthap"] * 4 + ["demo-longan"] * 4


def test_scrapy_crawl_from_the_project_root(demo, tmp_path):
    corpus = tmp_path / "c"
    proc = subprocess.run(
        [sys.executable, "-m", "scrapy", "crawl", "news", "-a", "sources=demo-longan",
         "-s", f"PROVNEWS_SOURCES_FILE={demo.registry}", "-s", f"PROVNEWS_CORPUS={corpus}",
         "-s", "PROVNEWS_MAX_ARTICLES=3", *FAST], cwd=ROOT, capture_output=True, text=True, timeout=240)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert ds.dataset(corpus / "articles").count_rows() == 3
    assert "Crawl finished" in proc.stdout
    # Near-duplicate grouping runs at the end of the crawl (an extension), not only under `provnews crawl`.
    assert "near-duplicates: articles: 3" in proc.stdout
    assert ds.dataset(corpus / "dedup" / "signatures").count_rows() == 3


def test_extract_prints_the_seed_format(demo, tmp_path):
    import urllib.request

    article = demo["demo-dongthap"].articles[5]
    page = tmp_path / "page.html"
    with urllib.request.urlopen(article.url) as response:
        page.write_bytes(response.read())
    result = provnews("extract", page, "--url", article.url)
    assert result.returncode == 0, result.stderr
    expected = [article.title, article.published.strftime("%d/%m/%Y - %H:%M"), *article.paragraphs]
    expected += [article.author] if article.author else []
    assert result.stdout.rstrip("\n") == "\n\n".join(expected)
    assert one_line_error(provnews("extract", tmp_path / "missing.html")).startswith("provnews: error: cannot read")


@pytest.mark.parametrize("with_url", [True, False])
def test_extract_says_a_saved_home_page_is_not_an_article(demo, tmp_path, with_url):
    import urllib.request

    site = demo["demo-longan"]
    page = tmp_path / "home.html"
    with urllib.request.urlopen(site.base_url) as response:
        page.write_bytes(response.read())
    line = one_line_error(provnews("extract", page, *(["--url", site.base_url] if with_url else [])), status=1)
    assert "not an article" in line and ("home page" in line if with_url else "linked headlines" in line)


def test_demo_runs_offline_end_to_end(tmp_path):
    result = provnews("demo", "--dir", tmp_path / "demo", "--articles", "6", "--export", "3")
    assert result.returncode == 0, result.stderr[-2000:]
    assert "Crawl finished" in result.stdout and "exported 3 articles" in result.stdout
    files = sorted((tmp_path / "demo" / "export-txt").glob("*.txt"))
    assert [f.name[:4] for f in files] == ["000_", "001_", "002_"]
    # The "Next:" hints run as printed (here provnews is `python -m corpus.cli`, not on PATH).
    hints = [line.removeprefix("Next: ") for line in result.stdout.splitlines() if line.startswith("Next: ")]
    assert len(hints) == 3 and all(h.startswith(f"{sys.executable} -m corpus.cli ") for h in hints), hints
    for hint in hints:
        done = subprocess.run(shlex.split(hint), capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, (hint, done.stderr[-1000:])
    other = tmp_path / "mine"
    (other / "keep.txt").parent.mkdir()
    (other / "keep.txt").write_text("x")
    assert "not a provnews demo folder" in one_line_error(provnews("demo", "--dir", other))
    assert (other / "keep.txt").exists()
