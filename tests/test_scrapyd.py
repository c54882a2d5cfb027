"""Scheduling through scrapyd: deploy the project egg, schedule a crawl over HTTP, find the articles in the corpus.

Everything is real: this venv's scrapyd on 127.0.0.1, `scrapyd-deploy local`
building the egg, schedule.json, and a served Vietnamese news site.
"""
import hashlib
import urllib.request
import zipfile

import pytest

pytest.importorskip("scrapyd", reason="scrapyd is in the test extra: pip install -e '.[test]'")
pytest.importorskip("scrapyd_client", reason="scrapyd-client is in the test extra: pip install -e '.[test]'")

import pyarrow.dataset as ds  # noqa: E402

from scrapyd_helpers import REPO, Scrapyd, copy_project, scrapyd_deploy, seed_articles, serve_site, site_pages  # noqa: E402
from corpus.store.state import RunLog  # noqa: E402

PROJECT, VERSION = "provnews", "r1"


@pytest.fixture(scope="module")
def scrapyd(tmp_path_factory):
    daemon = Scrapyd(tmp_path_factory.mktemp("scrapyd"))
    daemon.start()
    yield daemon
    daemon.stop()


@pytest.fixture(scope="module")
def deployed(scrapyd, tmp_path_factory):
    project = copy_project(tmp_path_factory.mktemp("project"), scrapyd.url)
    return scrapyd_deploy(project, VERSION)


@pytest.fixture(scope="module")
def articles():
    return seed_articles(3)


@pytest.fixture(scope="module")
def site(articles):
    with serve_site(site_pages(articles)) as base_url:
        yield base_url


def schedule(scrapyd, settings: dict, **spider_args) -> str:
    fields = [("project", PROJECT), ("spider", "news"), *spider_args.items(),
              *(("setting", f"{name}={value}") for name, value in settings.items())]
    answer = scrapyd.post("schedule.json", fields)
    assert answer["status"] == "ok", answer
    return answer["jobid"]


def test_deploy_ships_the_corpus_package_and_its_data(scrapyd, deployed):
    assert deployed["status"] == "ok" and deployed["project"] == PROJECT and deployed["spiders"] == 1
    assert scrapyd.get("listspiders.json", project=PROJECT)["spiders"] == ["news"]
    with zipfile.ZipFile(scrapyd.eggs_dir / PROJECT / f"{VERSION}.egg") as egg:
        names = set(egg.namelist())
        entry_points = egg.read("EGG-INFO/entry_points.txt").decode()
    seeds = {f"corpus/data/seeds/{p.name}" for p in (REPO / "corpus/data/seeds").glob("*.txt")}
    assert seeds and seeds <= names
    assert {"corpus/data/sources.toml", "corpus/data/provinces.tsv", "corpus/store/parts.py", "corpus/text/extract.py",
            "crawler/settings.py", "crawler/spiders/news.py", "crawler/pipelines.py"} <= names
    assert "[scrapy]\nsettings = crawler.settings" in entry_points


def test_scheduled_crawl_writes_the_corpus(scrapyd, deployed, site, articles, tmp_path):
    corpus = tmp_path / "corpus"
    registry = tmp_path / "sources.toml"
    registry.write_text(f'[[source]]\nkey = "thunghiem"\nname = "Báo Thử Nghiệm"\nprovince = "Long An"\n'
                        f'homepage = "{site}"\narticle_pattern = \'-a\\d+\\.html$\'\n', encoding="utf-8")
    job = schedule(scrapyd, {"PROVNEWS_CORPUS": corpus, "PROVNEWS_SOURCES_FILE": registry,
                             "AUTOTHROTTLE_ENABLED": "False", "DOWNLOAD_DELAY": "0"}, sources="thunghiem")
    finished = scrapyd.wait_finished(PROJECT, job)

    log = scrapyd.job_log(PROJECT, job)
    assert "Spider closed (finished)" in log, log
    with urllib.request.urlopen(scrapyd.url + finished["log_url"].lstrip("/"), timeout=10) as response:
        assert "Spider closed (finished)" in response.read().decode("utf-8")

    table = ds.dataset(corpus / "articles", format="parquet").to_table()
    rows = sorted(table.to_pylist(), key=lambda r: r["url"])
    assert len(rows) == len(articles) == 3, log
    assert [r["url"] for r in rows] == sorted(site + a.path.lstrip("/") for a in articles)
    for row in rows:
        assert row["id"] == hashlib.sha256(row["text"].encode("utf-8")).hexdigest()[:16]
        assert (row["source"], row["province"], row["province_after_2025"]) == ("thunghiem", "Long An", "Tây Ninh")
    by_url = {r["url"]: r for r in rows}
    for article in articles:
        row = by_url[site + article.path.lstrip("/")]
        assert row["title"] == article.title
        assert row["text"].split("\n") == list(article.paragraphs)
        assert row["published"].strftime("%d/%m/%Y - %H:%M") == article.date_line
    # The job grouped near-duplicates at its end and recorded its status, as `provnews crawl` does.
    assert ds.dataset(corpus / "dedup" / "signatures").count_rows() == 3, log
    run = RunLog(corpus / "state").runs()[-1]
    assert (run["status"], run["exit_status"]) == ("finished", 0)


def test_scheduled_job_reads_the_registry_shipped_in_the_egg(scrapyd, deployed, tmp_path):
    # No PROVNEWS_SOURCES_FILE: the job loads the registry inside the egg; an unknown key then
    # stops it before any request, so no outside host is contacted.
    job = schedule(scrapyd, {"PROVNEWS_CORPUS": tmp_path / "corpus"}, sources="no-such-source")
    scrapyd.wait_finished(PROJECT, job)
    log = scrapyd.job_log(PROJECT, job)
    assert "unknown source key 'no-such-source'" in log, log
