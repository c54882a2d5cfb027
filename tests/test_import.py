"""provnews import from archives made by others: Common Crawl's WARC layout, and a real pywb.

The Common Crawl records follow its published layout (commoncrawl.org, "WARC format" notes and
the 2018-34 crawl announcement): one gzip member per record, request/response/metadata records,
``WARC-Identified-Payload-Type`` (detected MIME type), the HTTP payload stored decoded with the
original ``Content-Encoding``/``Content-Length`` kept as ``X-Crawler-*`` headers, and
``WARC-Truncated: length`` on payloads cut at 1 MiB.
"""
from __future__ import annotations

import gzip
import subprocess
import sys
import time
import urllib.request
from datetime import datetime, timezone
from io import BytesIO
from pathlib import Path

import pyarrow.dataset as ds
import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from conftest import provnews
from scrapyd_helpers import free_port, stop_process

BIN = Path(sys.executable).parent
REPO = Path(__file__).resolve().parent.parent
PYWB_VERSION = "2.10.0"   # the newest pywb; it needs redis<3, so it cannot share provnews' environment (redis>=5)
CC_DATE = "2024-03-01T10:00:00Z"


def rows(corpus: Path) -> list[dict]:
    return ds.dataset(corpus / "articles").to_table().to_pylist()


def fetch(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=30) as response:
        return response.read()


def cc_response(writer: WARCWriter, url: str, body: bytes, mime: str, truncated: bool = False):
    """A request/response/metadata triple as Common Crawl writes it."""
    request = writer.create_warc_record(url, "request", payload=BytesIO(b""), length=0,
                                        warc_headers_dict={"WARC-Date": CC_DATE},
                                        http_headers=StatusAndHeaders(f"GET {url.split('/', 3)[3]} HTTP/1.1",
                                                                      [("Host", url.split("/")[2])],
                                                                      is_http_request=True))
    headers = [("Content-Type", f"{mime}; charset=utf-8"), ("X-Crawler-Content-Encoding", "gzip"),
               ("X-Crawler-Content-Length", str(len(gzip.compress(body)))), ("Content-Length", str(len(body)))]
    warc_headers = {"WARC-Date": CC_DATE, "WARC-IP-Address": "127.0.0.1", "WARC-Identified-Payload-Type": mime,
                    "WARC-Concurrent-To": request.rec_headers.get_header("WARC-Record-ID")}
    if truncated:
        warc_headers["WARC-Truncated"] = "length"
    response = writer.create_warc_record(url, "response", payload=BytesIO(body), length=len(body),
                                         warc_headers_dict=warc_headers,
                                         http_headers=StatusAndHeaders("200 OK", headers, protocol="HTTP/1.1"))
    metadata = writer.create_warc_record(url, "metadata", payload=BytesIO(b"fetchTimeMs: 91\r\n"),
                                         length=17, warc_headers_dict={"WARC-Date": CC_DATE})
    for record in (request, response, metadata):
        writer.write_record(record)


@pytest.fixture(scope="module")
def cc_warc(demo, tmp_path_factory) -> tuple[Path, list]:
    """Common Crawl layout: three articles whole, one cut by WARC-Truncated, an image at an
    article-shaped URL, and a last record cut off by a partial download."""
    site = demo["demo-longan"]
    articles = [a for a in site.articles if not a.copy_of][:4]
    path = tmp_path_factory.mktemp("cc") / "CC-MAIN-20240301000000-20240301030000-00000.warc.gz"
    with open(path, "wb") as fh:
        writer = WARCWriter(fh, gzip=True)
        writer.write_record(writer.create_warcinfo_record(path.name, {"software": "StormCrawler (test)"}))
        for article in articles[:3]:
            cc_response(writer, article.url, fetch(article.url), "text/html")
        page = fetch(articles[3].url)
        cc_response(writer, articles[3].url, page[: len(page) * 2 // 3], "text/html", truncated=True)
        cc_response(writer, site.base_url.rstrip("/") + "/anh-dep-a777777.html", b"\xff\xd8\xff" + b"0" * 500,
                    "image/jpeg")
        whole = fh.tell()
        cc_response(writer, site.base_url.rstrip("/") + "/cut-off-a888888.html", fetch(articles[0].url),
                    "text/html")
    data = path.read_bytes()
    path.write_bytes(data[: whole + (len(data) - whole) // 2])
    return path, articles


def test_import_common_crawl_layout(cc_warc, demo, tmp_path):
    path, articles = cc_warc
    corpus = tmp_path / "corpus"
    result = provnews("import", path, "--sources-file", demo.registry, "--corpus", corpus, "--workers", "0")
    assert result.returncode == 0, result.stderr[-2000:]
    stored = {r["id"]: r for r in rows(corpus)}
    for article in articles[:3]:
        row = stored[article.id]
        assert row["text"] == article.text and row["title"] == article.title
        assert row["fetched_at"] == datetime(2024, 3, 1, 10, tzinfo=timezone.utc)   # the record's date
        assert row["archive"] == path.name and row["archive_offset"] > 0
    assert "warc_truncated/length=1" in result.stdout          # extracted all the same, and counted
    assert "skipped/not_html=1" in result.stdout                       # the image
    assert "truncated_file=1" in result.stdout                 # the record cut off by the partial download
    assert not any("cut-off" in r["url"] for r in stored.values())


def test_import_choices_and_bad_input(cc_warc, demo, tmp_path):
    path, articles = cc_warc
    corpus = tmp_path / "corpus"
    none = provnews("import", path, "--sources-file", demo.registry, "--sources", "demo-dongthap",
                    "--corpus", corpus, "--workers", "0")
    assert none.returncode == 1 and "no article page" in none.stdout
    later = provnews("import", path, "--sources-file", demo.registry, "--corpus", corpus, "--workers", "0",
                     "--since", "2099-01-01")
    assert later.returncode == 1 and "captured_before_since" in later.stdout
    missing = provnews("import", tmp_path / "nope-*.warc.gz", "--sources-file", demo.registry, "--corpus", corpus)
    assert missing.returncode == 2 and "no file matches" in missing.stderr
    assert len(missing.stderr.strip().splitlines()) == 1


def wait_for(url: str, proc: subprocess.Popen, deadline_seconds: float = 90) -> None:
    deadline = time.monotonic() + deadline_seconds
    while time.monotonic() < deadline:
        assert proc.poll() is None, f"server exited: {proc.returncode}"
        try:
            urllib.request.urlopen(url, timeout=5).read()
            return
        except OSError:
            time.sleep(0.2)
    raise AssertionError(f"{url} did not answer in {deadline_seconds}s")


def pywb_bin() -> Path:
    """pywb's own virtual environment (.venv-pywb, made once from PyPI: pywb pins redis<3, provnews needs
    redis>=5, so they cannot share one)."""
    venv = REPO / ".venv-pywb"
    if not (venv / "bin" / "wayback").exists():
        subprocess.run([sys.executable, "-m", "venv", venv], check=True, timeout=300)
        subprocess.run([venv / "bin" / "pip", "install", "-q", f"pywb=={PYWB_VERSION}"], check=True, timeout=900)
    return venv / "bin"


@pytest.fixture(scope="module")
def pywb(crawled, tmp_path_factory):
    """A real pywb serving a collection of the crawl's WARC files (wb-manager init/add), and the
    collection's archive folder on a Range-capable file server (twistd web)."""
    root = tmp_path_factory.mktemp("pywb")
    pywb = pywb_bin()
    subprocess.run([pywb / "wb-manager", "init", "demo"], cwd=root, check=True, capture_output=True, timeout=120)
    subprocess.run([pywb / "wb-manager", "add", "demo", *sorted((crawled.corpus / "warc").glob("*.warc.gz"))],
                   cwd=root, check=True, capture_output=True, timeout=300)
    port, files_port = free_port(), free_port()
    servers = [
        subprocess.Popen([pywb / "wayback", "-p", str(port), "-b", "127.0.0.1"], cwd=root,
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL),
        subprocess.Popen([BIN / "twistd", "-n", "--pidfile=", "web", "--listen",
                          f"tcp:{files_port}:interface=127.0.0.1", "--path", "collections/demo/archive"],
                         cwd=root, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL),
    ]
    try:
        wait_for(f"http://127.0.0.1:{port}/demo/cdx?url=example.com", servers[0])
        wait_for(f"http://127.0.0.1:{files_port}/", servers[1])
        yield f"http://127.0.0.1:{port}/demo", f"http://127.0.0.1:{files_port}/"
    finally:
        for server in servers:
            stop_process(server, 30)


def test_import_from_pywb_cdx_server_gives_the_crawls_ids(pywb, crawled, demo, tmp_path):
    collection, files = pywb
    corpus = tmp_path / "corpus"
    result = provnews("import", collection, "--archive-url", files, "--sources-file", demo.registry,
                      "--corpus", corpus, "--workers", "2", timeout=400)
    assert result.returncode == 0, result.stderr[-2000:]
    imported = sorted(r["id"] for r in rows(corpus))
    assert imported == sorted(r["id"] for r in rows(crawled.corpus))
    again = provnews("import", collection, "--archive-url", files, "--sources-file", demo.registry,
                     "--corpus", corpus, "--workers", "0", timeout=400)
    assert again.returncode == 0 and "0 new articles" in again.stdout, again.stdout[-2000:]


def test_cdx_server_without_archive_url_is_one_line(tmp_path, demo):
    result = provnews("import", "http://127.0.0.1:9/coll", "--sources-file", demo.registry, "--corpus", tmp_path)
    assert result.returncode == 2 and "--archive-url" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
