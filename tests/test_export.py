"""Export selection (filters, near-duplicates, unique articles), the txt layout and atomic replacement."""
from __future__ import annotations

import json
import signal
import subprocess
import sys
import unicodedata
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from corpus.cli import main
from corpus.export import export
from corpus.export.card import sha256_file
from corpus.export.select import Selection, Snapshot
from corpus.export.synthetic import SEED_OUTLETS, article_row, build_corpus, publication_order, synthetic_articles
from corpus.export.txt import file_name, seed_text
from corpus.export.view import connected
from corpus.sources.registry import PROVINCES, Source, load_sources
from corpus.store.parts import Corpus

VN = ZoneInfo("Asia/Ho_Chi_Minh")
PORTAL = Source(key="tayninh-portal", name="Cổng thông tin điện tử tỉnh Tây Ninh", province="Tây Ninh",
                homepage="https://tayninh.gov.vn/", kind="portal", province_after_2025="Tây Ninh")
SOURCES = [s for s in load_sources() if s.key in SEED_OUTLETS] + [PORTAL]
BY_KEY = {s.key: s for s in SOURCES}


@pytest.fixture(scope="module")
def rows():
    return list(synthetic_articles(240, seed=1, sources=SOURCES))


@pytest.fixture(scope="module")
def corpus(rows, tmp_path_factory):
    """240 articles in three parts, plus a second copy of one id (fetched later) and an alias URL."""
    corpus = Corpus(tmp_path_factory.mktemp("corpus"))
    for start in range(0, 240, 80):
        corpus.append(rows[start:start + 80])
    again = dict(rows[5], url="https://baolongan.vn/ban-in-a1.html", urls=["https://baolongan.vn/ban-in-a1.html"],
                 fetched_at=rows[5]["fetched_at"] + timedelta(days=3))
    corpus.append([again])
    corpus.append_aliases([{"id": rows[6]["id"], "url": "https://m.example.vn/amp/a6", "source": rows[6]["source"],
                            "seen_at": datetime(2026, 2, 1, tzinfo=timezone.utc)}])
    return corpus


def chosen(corpus, **filters) -> list[dict]:
    with connected(corpus) as con:
        snapshot = Snapshot(con, Selection(**filters))
        return [r for b in snapshot.batches(batch_rows=50) for r in b.to_pylist()]


def ids(rows) -> list[str]:
    return [r["id"] for r in rows]


# --- the txt layout -------------------------------------------------------------------------------------------

def test_seed_text_layout_with_date_and_author():
    title = unicodedata.normalize("NFD", "Năm 2024: Tỉnh ủy Long An đề ra 18 chỉ tiêu")   # decomposed, as some sites
    row = article_row(source=BY_KEY["baolongan"], title=title,
                      paragraphs=["Sau 1 buổi làm việc, Hội nghị Tỉnh ủy Long An lần thứ 14 đã hoàn thành.",
                                  "Đại biểu biểu quyết thông qua chương trình."],
                      published=datetime(2023, 11, 28, 7, 31, tzinfo=timezone.utc), author="Thanh Nga - Thái Bạch")
    assert seed_text(row) == ("Năm 2024: Tỉnh ủy Long An đề ra 18 chỉ tiêu\n\n28/11/2023 - 14:31\n\n"
                              "Sau 1 buổi làm việc, Hội nghị Tỉnh ủy Long An lần thứ 14 đã hoàn thành.\n\n"
                              "Đại biểu biểu quyết thông qua chương trình.\n\nThanh Nga - Thái Bạch")
    assert unicodedata.is_normalized("NFC", seed_text(row))


def test_seed_text_leaves_out_unknown_date_and_author():
    row = article_row(source=BY_KEY["baovinhphuc"], title="Thường trực Ban Bí thư làm việc tại tỉnh Vĩnh Phúc",
                      paragraphs=["Sáng 25/9, Đoàn công tác Trung ương thăm và làm việc tại Vĩnh Phúc."])
    assert seed_text(row) == ("Thường trực Ban Bí thư làm việc tại tỉnh Vĩnh Phúc\n\n"
                              "Sáng 25/9, Đoàn công tác Trung ương thăm và làm việc tại Vĩnh Phúc.")


def test_file_numbers_are_three_digits_until_more_than_1000_files():
    assert file_name(7, "abc", 1000) == "007_abc.txt"
    assert file_name(7, "abc", 1001) == "0007_abc.txt"


def test_txt_export_writes_one_file_per_article_in_publication_order(corpus, rows, tmp_path):
    assert main(["export", "--corpus", str(corpus.root), "--format", "txt", "--out", str(tmp_path / "txt")]) == 0
    files = sorted(p.name for p in (tmp_path / "txt").glob("*.txt"))
    expected = sorted(rows, key=publication_order)
    assert files == [f"{i:03d}_{r['id']}.txt" for i, r in enumerate(expected)]
    last = (tmp_path / "txt" / files[-1]).read_bytes()
    assert expected[-1]["published"] is None and not last.endswith(b"\n")
    assert last.decode("utf-8") == seed_text(expected[-1])


# --- atomic replacement ---------------------------------------------------------------------------------------

def test_exporting_twice_replaces_the_folder_without_leftovers(corpus, tmp_path):
    out = tmp_path / "snap"
    assert main(["export", "--corpus", str(corpus.root), "--out", str(out)]) == 0
    assert main(["export", "--corpus", str(corpus.root), "--out", str(out), "--limit", "10"]) == 0
    assert len(list(out.glob("*.txt"))) == 10
    assert sorted(p.name for p in tmp_path.iterdir()) == ["snap"]          # no staging or old folder left


def test_refuses_to_replace_a_folder_that_is_not_an_export(corpus, tmp_path, capsys):
    out = tmp_path / "mine"
    out.mkdir()
    (out / "notes.txt").write_text("keep me")
    assert main(["export", "--corpus", str(corpus.root), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("provnews: error: --out") and err.count("\n") == 1
    assert (out / "notes.txt").read_text() == "keep me" and len(list(out.iterdir())) == 1


def test_killed_export_leaves_the_previous_export_intact(tmp_path):
    corpus = build_corpus(tmp_path / "big", 4000, seed=3)
    out = tmp_path / "snap"
    assert main(["export", "--corpus", str(corpus.root), "--out", str(out), "--limit", "20"]) == 0
    before = json.loads((out / "manifest.json").read_text())
    proc = subprocess.Popen([sys.executable, "-m", "corpus.cli", "export", "--corpus", str(corpus.root),
                             "--out", str(out)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        while proc.poll() is None:     # wait until the staging folder is half written, then kill
            stages = list(tmp_path.glob(".snap.provnews-*/export"))
            if stages and sum(1 for _ in stages[0].iterdir()) > 100:
                proc.send_signal(signal.SIGKILL)
                break
    finally:
        proc.wait()
    assert proc.returncode == -signal.SIGKILL
    after = json.loads((out / "manifest.json").read_text())
    assert after == before and len(list(out.glob("*.txt"))) == 20
    for name, entry in after["files"].items():
        assert sha256_file(out / name) == entry["sha256"]
    assert [p.name for p in tmp_path.glob(".snap.provnews-*")]            # the killed run's work folder...
    assert main(["export", "--corpus", str(corpus.root), "--out", str(out), "--limit", "5"]) == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["big", "snap"]   # ...is cleared by the next export


# --- selection ------------------------------------------------------------------------------------------------

def test_one_row_per_id_first_fetched_with_alias_urls(corpus, rows):
    got = {r["id"]: r for r in chosen(corpus)}
    assert len(got) == len(rows) == 240
    assert got[rows[5]["id"]]["url"] == rows[5]["url"]
    assert got[rows[6]["id"]]["urls"] == [rows[6]["url"], "https://m.example.vn/amp/a6"]
    assert ids(chosen(corpus)) == ids(sorted(rows, key=publication_order))


@pytest.mark.parametrize("filters, keep", [
    ({"sources": ("baolongan", "tayninh-portal")}, lambda r: r["source"] in ("baolongan", "tayninh-portal")),
    ({"provinces": ("Tây Ninh",)}, lambda r: r["province"] in ("Long An", "Tây Ninh")),   # post-2025 name
    ({"provinces": ("Long An",)}, lambda r: r["province"] == "Long An"),                   # pre-2025 name
    ({"provinces": ("Phú Thọ", "Đồng Tháp")},      # post-2025: Vĩnh Phúc, Hòa Bình, Phú Thọ; Tiền Giang, Đồng Tháp
     lambda r: PROVINCES[r["province"]] in ("Phú Thọ", "Đồng Tháp")),
    ({"kinds": ("portal",)}, lambda r: r["kind"] == "portal"),
    ({"min_words": 380}, lambda r: r["word_count"] >= 380),
    ({"since": datetime(2020, 1, 1).date(), "until": datetime(2021, 6, 30).date()},
     lambda r: r["published"] is not None
     and datetime(2020, 1, 1, tzinfo=VN) <= r["published"] < datetime(2021, 7, 1, tzinfo=VN)),
    ({"provinces": ("Tây Ninh",), "kinds": ("newspaper",), "min_words": 350, "since": datetime(2018, 1, 1).date()},
     lambda r: PROVINCES[r["province"]] == "Tây Ninh" and r["kind"] == "newspaper" and r["word_count"] >= 350 and r["published"] is not None
     and r["published"] >= datetime(2018, 1, 1, tzinfo=VN)),
])
def test_filters_combine(corpus, rows, filters, keep):
    expected = ids(sorted(filter(keep, rows), key=publication_order))
    assert expected and len(expected) < len(rows)
    assert ids(chosen(corpus, **filters)) == expected


def test_since_until_are_whole_days_in_vietnam_time(tmp_path):
    source = BY_KEY["baodongthap"]
    def at(*when):
        return article_row(source=source, title=f"Tin {when}", paragraphs=[f"Nội dung bản tin lúc {when}."],
                           published=datetime(*when, tzinfo=VN))
    inside = [at(2024, 3, 1, 0, 0), at(2024, 3, 31, 23, 59)]
    outside = [at(2024, 2, 29, 23, 59), at(2024, 4, 1, 0, 0)]
    corpus = Corpus(tmp_path / "c")
    corpus.append(inside + outside)
    got = chosen(corpus, since=datetime(2024, 3, 1).date(), until=datetime(2024, 3, 31).date())
    assert ids(got) == ids(inside)


def test_order_holds_across_many_sort_buckets(corpus, rows, monkeypatch):
    monkeypatch.setattr("corpus.export.select.SORT_BUCKET_BYTES", 20_000)    # a few rows per bucket
    assert ids(chosen(corpus)) == ids(sorted(rows, key=publication_order))


def test_limit_takes_the_earliest(corpus, rows):
    assert ids(chosen(corpus, limit=7)) == ids(sorted(rows, key=publication_order)[:7])


def test_sample_is_reproducible_and_depends_on_the_seed(corpus, rows):
    first = chosen(corpus, sample=25, seed=4, provinces=("Tây Ninh",))
    assert ids(first) == ids(chosen(corpus, sample=25, seed=4, provinces=("Tây Ninh",)))
    assert len(first) == 25 and all(r["province"] in ("Long An", "Tây Ninh") for r in first)
    assert ids(first) == ids(sorted(first, key=publication_order))
    assert set(ids(first)) != set(ids(chosen(corpus, sample=25, seed=5, provinces=("Tây Ninh",))))


def _write_clusters(corpus, clusters: dict[str, str]) -> None:
    folder = corpus.root / "dedup"
    folder.mkdir(exist_ok=True)
    pq.write_table(pa.table({"id": list(clusters), "dup_cluster": list(clusters.values())}),
                   folder / "clusters.parquet")


def test_one_article_per_near_duplicate_cluster(tmp_path):
    wire = ["Sáng 25/9, Đoàn công tác Trung ương thăm và làm việc tại tỉnh về tình hình thực hiện Nghị quyết.",
            "Đồng chí Trưởng đoàn ghi nhận tỉnh là điển hình vừa phòng, chống dịch vừa phát triển kinh tế."]
    title = "Thường trực Ban Bí thư làm việc tại tỉnh"
    copies = [article_row(source=BY_KEY[key], title=title, paragraphs=wire + [tail],
                          published=datetime(2021, 9, day, 17, 0, tzinfo=VN))
              for key, day, tail in [("baovinhphuc", 25, "Theo TTXVN"), ("baolongan", 26, "Theo TTXVN - Long An"),
                                     ("baodongthap", 27, "Nguồn: TTXVN")]]
    other = article_row(source=BY_KEY["baolongan"], title="Long An ra quân làm thủy lợi",
                        paragraphs=["Sáng 2/10, tỉnh Long An ra quân làm thủy lợi mùa khô năm 2021."],
                        published=datetime(2021, 10, 2, 8, 0, tzinfo=VN))
    corpus = Corpus(tmp_path / "c")
    corpus.append(copies + [other])
    earliest = copies[0]["id"]
    _write_clusters(corpus, {c["id"]: earliest for c in copies})
    assert ids(chosen(corpus)) == [earliest, other["id"]]
    assert ids(chosen(corpus, sources=("baolongan", "baodongthap"))) == [copies[1]["id"], other["id"]]
    kept = chosen(corpus, keep_near_duplicates=True)
    assert ids(kept) == ids(copies) + [other["id"]]
    assert [r["dup_cluster"] for r in kept] == [earliest] * 3 + [other["id"]]
    result = export(corpus, tmp_path / "out", "jsonl", Selection())
    assert (result.articles, result.matched, result.near_duplicates_left_out) == (2, 4, 2)


# --- command line ---------------------------------------------------------------------------------------------

def test_cli_filters_reach_the_export(corpus, rows, tmp_path, capsys):
    out = tmp_path / "x"
    assert main(["export", "--corpus", str(corpus.root), "--out", str(out), "--province", "Tây Ninh",
                 "--kind", "newspaper,portal", "--since", "2016-01-01", "--until", "2023-12-31",
                 "--min-words", "300", "--sample", "12", "--seed", "9"]) == 0
    written = {p.stem.split("_", 1)[1] for p in out.glob("*.txt")}
    with connected(corpus) as con:
        snapshot = Snapshot(con, Selection(provinces=("Tây Ninh",), kinds=("newspaper", "portal"),
                                           since=datetime(2016, 1, 1).date(), until=datetime(2023, 12, 31).date(),
                                           min_words=300, sample=12, seed=9))
        assert written == {r["id"] for b in snapshot.batches() for r in b.to_pylist()}
    assert len(written) == 12
    assert "exported 12 articles" in capsys.readouterr().out


@pytest.mark.parametrize("argv, message", [
    (["--corpus", "{tmp}/nowhere"], "no corpus at"),
    (["--since", "2024-02-30"], "argument --since: not a date"),
    (["--until", "yesterday"], "argument --until: not a date"),
    (["--since", "2024-05-01", "--until", "2024-04-01"], "is after --until"),
    (["--format", "hf", "--split", "0.9,0.2"], "--split:"),
    (["--format", "hf", "--split", "a,b"], "--split:"),
    (["--split", "0.5,0.5"], "--split applies to --format hf"),
    (["--province", "Atlantis"], "--province: unknown province 'Atlantis'"),
    (["--kind", "blog"], "--kind: unknown kind 'blog'"),
    (["--source", "nosuch"], "--source: no article from 'nosuch'"),
    (["--seed", "3"], "--seed needs --sample"),
    (["--limit", "0"], "--limit must be a positive number"),
    (["--format", "parquet", "--shard-size", "lots"], "--shard-size: not a size"),
    (["--format", "txt", "--compress", "gz"], "--compress applies to --format jsonl"),
    (["--out", "{tmp}/a-file/out"], "cannot write there"),
])
def test_bad_input_is_one_line_and_exit_2(corpus, tmp_path, capsys, argv, message):
    (tmp_path / "a-file").write_text("not a folder")
    argv = [a.replace("{tmp}", str(tmp_path)) for a in argv]
    if "--corpus" not in argv:
        argv = ["--corpus", str(corpus.root)] + argv
    assert main(["export", "--out", str(tmp_path / "out")] + argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("provnews: error:") and message in err and err.count("\n") == 1
    assert not (tmp_path / "out").exists()
