"""Web archives: WARC written while crawling, re-extraction from it, import of WARC files.

Real parts: the archives are the ones the crawler wrote while crawling the demo sites
(conftest ``crawled``); records are read back with warcio's own iterator, not provnews' reader.
"""
from __future__ import annotations

import base64
import hashlib
import os
import shutil
import signal
import subprocess
import time
from pathlib import Path

import pyarrow as pa
import pyarrow.dataset as ds
import pyarrow.parquet as pq
import pytest
from warcio.archiveiterator import ArchiveIterator

from conftest import FAST, PROVNEWS, crawl, provnews
from corpus.archive.reader import complete_length, iter_file
from corpus.archive.writer import RotatingWarcWriter, recover_stale
from corpus.store.parts import ARTICLE_SCHEMA, Corpus


def ids(corpus: Path) -> list[str]:
    return ds.dataset(corpus / "articles").to_table(columns=["id"]).column("id").to_pylist()


def warc_records(folder: Path) -> list[dict]:
    """Every record of every finished WARC file, read with warcio (payload included)."""
    out = []
    for path in sorted(folder.glob("*.warc.gz")):
        with open(path, "rb") as fh:
            records = ArchiveIterator(fh)
            for record in records:
                payload = record.raw_stream.read()
                out.append({"file": path.name, "offset": records.get_record_offset(), "type": record.rec_type,
                            "headers": dict(record.rec_headers.headers), "payload": payload,
                            "status": record.http_headers.get_statuscode() if record.http_headers else None})
    return out


def sha1_base32(data: bytes) -> str:
    return "sha1:" + base64.b32encode(hashlib.sha1(data).digest()).decode()


def test_crawl_archives_request_and_response_for_every_fetch(crawled):
    folder = crawled.corpus / "warc"
    assert list(folder.glob("*.warc.gz")), "the crawl wrote no WARC file"
    assert not list(folder.glob("*.open")), "a WARC file was left under its temporary name"
    records = warc_records(folder)
    by_id = {r["headers"]["WARC-Record-ID"]: r for r in records}
    responses = [r for r in records if r["type"] == "response"]
    requests = [r for r in records if r["type"] == "request"]
    assert len(requests) == len(responses) + len([r for r in records if r["type"] == "revisit"])
    statuses = {r["status"] for r in responses}
    assert {"200", "404", "500"} <= statuses and ({"301", "302"} & statuses), statuses   # errors, redirects too
    for response in responses:
        request = by_id[response["headers"]["WARC-Concurrent-To"]]
        assert request["type"] == "request"
        assert request["headers"]["WARC-Target-URI"] == response["headers"]["WARC-Target-URI"]
        assert response["headers"]["WARC-Payload-Digest"] == sha1_base32(response["payload"])
    assert f"archive: {sum(p.stat().st_size for p in folder.glob('*.warc.gz')):,} bytes" in crawled.result.stdout


def test_every_stored_article_names_its_archived_response(crawled):
    records = {(r["file"], r["offset"]): r for r in warc_records(crawled.corpus / "warc")}
    rows = ds.dataset(crawled.corpus / "articles").to_table().to_pylist()
    for row in rows:
        record = records[(row["archive"], row["archive_offset"])]
        assert record["type"] == "response" and record["status"] == "200"
        assert record["headers"]["WARC-Target-URI"] in row["urls"] or row["url"] in record["headers"][
            "WARC-Target-URI"], (row["url"], record["headers"]["WARC-Target-URI"])


def test_reextract_after_deleting_articles_gives_the_same_ids(crawled, demo, tmp_path):
    corpus = tmp_path / "corpus"
    shutil.copytree(crawled.corpus, corpus)
    before = sorted(ids(corpus))
    texts = {r["id"]: r["text"] for r in ds.dataset(corpus / "articles").to_table().to_pylist()}
    shutil.rmtree(corpus / "articles")
    result = provnews("reextract", "--corpus", corpus, "--sources-file", demo.registry, "--workers", "2")
    assert result.returncode == 0, result.stderr[-2000:]
    assert sorted(ids(corpus)) == before
    assert f"new articles {len(before)}" in result.stdout
    after = {r["id"]: r["text"] for r in ds.dataset(corpus / "articles").to_table().to_pylist()}
    assert after == texts
    again = provnews("reextract", "--corpus", corpus, "--sources-file", demo.registry, "--workers", "0")
    assert f"unchanged {len(before)}, changed 0, new articles 0, no longer articles 0" in again.stdout, again.stdout
    assert sorted(ids(corpus)) == before
    assert not list(corpus.glob(".rebuild-*"))


def test_reextract_reports_changed_ids_and_keeps_unarchived_articles(crawled, demo, tmp_path):
    """An article whose stored text differs from what the extractor now gives is 'changed';
    a stored article with no archived page stays, and so do the sources not chosen."""
    corpus = tmp_path / "corpus"
    shutil.copytree(crawled.corpus, corpus)
    rows = Corpus(corpus).read().to_pylist()
    chosen = rows[0]["source"]
    mine = [r for r in rows if r["source"] == chosen]
    others = [r for r in rows if r["source"] != chosen]
    stale, unarchived = dict(mine[0]), dict(mine[1])
    stale_old_id = "0" * 16
    stale["id"] = stale_old_id                       # as an older extractor would have signed it
    unarchived.update(id="f" * 16, url="http://example.invalid/a-1.html", urls=["http://example.invalid/a-1.html"])
    shutil.rmtree(corpus / "articles")
    Corpus(corpus).append([stale, unarchived] + mine[2:] + others)
    result = provnews("reextract", "--corpus", corpus, "--sources-file", demo.registry, "--workers", "0",
                      "--source", chosen)
    assert result.returncode == 0, result.stderr[-2000:]
    assert f"changed text: {stale_old_id} -> {mine[0]['id']}" in result.stdout
    assert f"unchanged {len(mine) - 2}, changed 1, new articles 1," in result.stdout, result.stdout  # mine[1] is back
    assert f"kept (no archived page) 1, kept (other sources) {len(others)}" in result.stdout, result.stdout
    after = ids(corpus)
    assert len(after) == len(set(after))
    assert set(after) == {r["id"] for r in rows} | {"f" * 16}


def test_import_of_the_crawls_archives_gives_the_same_ids_and_twice_adds_nothing(crawled, demo, tmp_path):
    corpus = tmp_path / "imported"
    first = provnews("import", crawled.corpus / "warc" / "*.warc.gz", "--sources-file", demo.registry,
                     "--corpus", corpus, "--workers", "2")
    assert first.returncode == 0, first.stderr[-2000:]
    assert sorted(ids(corpus)) == sorted(ids(crawled.corpus))
    rows = ds.dataset(corpus / "articles").to_table().to_pylist()
    crawled_rows = {r["id"]: r for r in ds.dataset(crawled.corpus / "articles").to_table().to_pylist()}
    for row in rows:
        assert row["archive"].endswith(".warc.gz") and row["archive_offset"] > 0
        assert abs((row["fetched_at"] - crawled_rows[row["id"]]["fetched_at"]).total_seconds()) < 60
    parts = len(list((corpus / "articles").glob("part-*")))
    second = provnews("import", *sorted((crawled.corpus / "warc").glob("*.warc.gz")), "--sources-file",
                      demo.registry, "--corpus", corpus, "--workers", "0")
    assert second.returncode == 0, second.stderr[-2000:]
    assert "0 new articles" in second.stdout
    assert len(list((corpus / "articles").glob("part-*"))) == parts
    assert sorted(ids(corpus)) == sorted(ids(crawled.corpus))


def test_import_killed_midway_and_run_again_stores_every_article_once(crawled, demo, tmp_path):
    corpus = tmp_path / "imported"
    args = [*PROVNEWS, "import", str(crawled.corpus / "warc" / "*.warc.gz"), "--sources-file", str(demo.registry),
            "--corpus", str(corpus), "--workers", "0", "--flush-rows", "2"]
    proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and len(list((corpus / "articles").glob("part-*"))) < 3:
        if proc.poll() is not None:
            break
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    partial = ids(corpus)
    assert 0 < len(partial) < len(ids(crawled.corpus)), "the import was not killed midway; raise the archive size"
    rerun = subprocess.run(args, capture_output=True, text=True, timeout=240)
    assert rerun.returncode == 0, rerun.stderr[-2000:]
    final = ids(corpus)
    assert len(final) == len(set(final)), "an article was stored twice"
    assert sorted(final) == sorted(ids(crawled.corpus))


def test_import_survives_a_killed_extraction_worker(crawled, demo, tmp_path):
    import psutil

    corpus = tmp_path / "imported"
    args = [*PROVNEWS, "import", str(crawled.corpus / "warc" / "*.warc.gz"), "--sources-file", str(demo.registry),
            "--corpus", str(corpus), "--workers", "2"]
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    importer, killed = psutil.Process(proc.pid), None
    deadline = time.monotonic() + 120
    while killed is None and time.monotonic() < deadline and proc.poll() is None:
        workers = [p for p in importer.children(recursive=True) if p.ppid() != proc.pid]   # under the forkserver
        if workers:
            killed = workers[0].pid
            os.kill(killed, signal.SIGKILL)
        time.sleep(0.01)
    out, err = proc.communicate(timeout=240)
    assert killed, "no extraction worker was seen"
    assert proc.returncode == 0, err[-2000:]
    assert sorted(ids(corpus)) == sorted(ids(crawled.corpus))


def test_no_archive_turns_it_off(demo, tmp_path):
    corpus = tmp_path / "corpus"
    result = crawl(demo.registry, corpus, "--sources", "demo-longan", "--max-pages", "15", "--no-archive")
    assert result.returncode == 0, result.stderr[-2000:]
    assert not (corpus / "warc").exists()
    assert "archive: off" in result.stdout


def test_second_crawl_archives_304s_as_revisits(demo, tmp_path):
    corpus = tmp_path / "corpus"
    for _ in range(2):
        result = crawl(demo.registry, corpus, "--sources", "demo-dongthap")
        assert result.returncode == 0, result.stderr[-2000:]
    revisits = [r for r in warc_records(corpus / "warc") if r["type"] == "revisit"]
    assert revisits, "a re-crawl's 304 answers were not archived"
    for record in revisits:
        assert record["status"] == "304"
        assert record["headers"]["WARC-Profile"].endswith("/revisit/server-not-modified")
    assert len(list((corpus / "warc").glob("*.warc.gz"))) == 2    # one file per crawl, uniquely named


def test_killed_crawl_leaves_an_archive_readable_to_its_last_record(demo, tmp_path):
    corpus = tmp_path / "corpus"
    args = [*PROVNEWS, "crawl", "--sources-file", str(demo.registry), "--corpus", str(corpus), *FAST]
    proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    opened = []
    while time.monotonic() < deadline and proc.poll() is None:
        opened = list((corpus / "warc").glob("*.open")) if (corpus / "warc").exists() else []
        if opened and opened[0].stat().st_size > 150_000:
            break
        time.sleep(0.02)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    assert opened, "the crawl ended before it could be killed"
    path = opened[0]
    size = path.stat().st_size
    with open(path, "rb") as fh:                       # cut mid-record, as a kill may leave it
        data = fh.read()
    path.write_bytes(data[: size - 100])
    good = complete_length(path)
    assert 0 < good < size - 100
    pages = [r for r in iter_file(path) if not isinstance(r, str)]
    assert pages and all(len(p.body) > 0 for p in pages if p.status == 200)
    (final,) = recover_stale(corpus / "warc")
    assert final.stat().st_size == good and not final.name.endswith(".open")
    with open(final, "rb") as fh:                      # warcio reads the recovered file to its end
        assert sum(1 for _ in ArchiveIterator(fh)) > 2


def test_writer_rotates_with_unique_names(tmp_path):
    from datetime import datetime, timezone

    writers = [RotatingWarcWriter(tmp_path, max_size=20_000) for _ in range(2)]
    body = os.urandom(6_000)
    for i in range(12):
        for w in writers:
            w.write_exchange(f"http://a.vn/{i}.html", "GET", [], 200, "HTTP/1.1",
                             [("Content-Type", "application/octet-stream")], body, datetime.now(timezone.utc))
    for w in writers:
        w.close()
    files = sorted(tmp_path.glob("*.warc.gz"))
    assert len(files) >= 6 and len({f.name for f in files}) == len(files)
    assert not list(tmp_path.glob("*.open"))
    assert all(f.stat().st_size < 20_000 + 8_000 for f in files)
    urls = [p.url for f in files for p in iter_file(f) if not isinstance(p, str)]
    assert sorted(urls) == sorted(f"http://a.vn/{i}.html" for i in range(12) for _ in range(2))


def test_each_record_is_one_gzip_member_at_the_chosen_level(tmp_path):
    """GzipMemberPerRecord: every record decompresses on its own from its offset (what a CDX row
    points at), the level changes only the bytes, and warcio reads every file the same."""
    import gzip
    import zlib
    from datetime import datetime, timezone

    page = (Path(__file__).parent / "data" / "pages" / "baotayninh_modern.html").read_bytes()
    read = {}
    for level in (1, 6, 9):
        folder = tmp_path / str(level)
        writer = RotatingWarcWriter(folder, gzip_level=level)
        offsets = [writer.write_exchange(f"https://baotayninh.vn/a-{i}.html", "GET", [], 200, "HTTP/1.1",
                                         [("Content-Type", "text/html; charset=utf-8")], page,
                                         datetime.now(timezone.utc))[1] for i in range(3)]
        writer.close()
        data = next(folder.glob("*.warc.gz")).read_bytes()
        for offset in offsets:
            member = zlib.decompressobj(zlib.MAX_WBITS + 16)
            record = member.decompress(data[offset:])
            assert record.startswith(b"WARC/1.") and b"WARC-Type: response" in record and member.eof
            assert page in record
        read[level] = (len(data), [(r["type"], r["headers"].get("WARC-Target-URI"), r["payload"]) for r in warc_records(folder)])
        assert gzip.decompress(data).count(b"WARC-Type: request") == 3
    assert read[1][1] == read[6][1] == read[9][1]
    assert read[1][0] > read[6][0] and read[9][0] <= read[6][0] * 1.01   # ids and dates differ by a byte or two


def test_old_parts_without_archive_columns_still_read(tmp_path):
    corpus = Corpus(tmp_path)
    old_schema = pa.schema([f for f in ARTICLE_SCHEMA if f.name not in ("archive", "archive_offset")])
    from datetime import datetime, timezone
    row = {"id": "a" * 16, "url": "http://x.vn/a", "urls": ["http://x.vn/a"], "source": "x", "text": "t",
           "fetched_at": datetime.now(timezone.utc)}
    corpus.articles_dir.mkdir(parents=True)
    pq.write_table(pa.Table.from_pylist([row], schema=old_schema), corpus.articles_dir / "part-old.parquet")
    table = corpus.read()
    assert table.column("archive").to_pylist() == [None]
    assert table.column("id").to_pylist() == ["a" * 16]


def test_sources_hosts_lists_what_to_look_up():
    result = provnews("sources", "--hosts", "--sources", "baolongan")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split("\n")[0].split("\t")[:2] == ["baolongan.vn", "baolongan"]
    assert "matchType=domain" in result.stdout
