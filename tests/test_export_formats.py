"""Export formats read back with the real readers: json/gzip/zstandard, pyarrow, datasets; card and manifest."""
from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pyarrow.parquet as pq
import pytest
import yaml
import zstandard

from corpus.cli import main
from corpus.export.card import sha256_file
from corpus.export.hf import split_index
from corpus.export.select import EXPORT_SCHEMA
from corpus.export.synthetic import publication_order, synthetic_articles
from corpus.store.parts import Corpus

VN = ZoneInfo("Asia/Ho_Chi_Minh")


@pytest.fixture(scope="module")
def rows():
    return list(synthetic_articles(240, seed=2))


@pytest.fixture(scope="module")
def corpus(rows, tmp_path_factory):
    corpus = Corpus(tmp_path_factory.mktemp("corpus"))
    corpus.append(rows[:120])
    corpus.append(rows[120:])
    return corpus


def in_order(rows):
    return sorted(rows, key=publication_order)


def run_export(corpus, out, *args) -> None:
    assert main(["export", "--corpus", str(corpus.root), "--out", str(out), *args]) == 0


def front_matter(readme) -> dict:
    text = readme.read_text("utf-8")
    assert text.startswith("---\n")
    return yaml.safe_load(text.split("---\n")[1])


def check_manifest(folder, manifest_name="manifest.json") -> dict:
    manifest = json.loads((folder / manifest_name).read_text("utf-8"))
    on_disk = {str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file()} - {manifest_name}
    assert set(manifest["files"]) == on_disk
    for name, entry in manifest["files"].items():
        assert sha256_file(folder / name) == entry["sha256"]
        assert (folder / name).stat().st_size == entry["bytes"]
    return manifest


# --- jsonl ----------------------------------------------------------------------------------------------------

def read_lines(path) -> list[dict]:
    raw = path.read_bytes()
    if path.name.endswith(".gz"):
        raw = gzip.decompress(raw)
    elif path.name.endswith(".zst"):
        raw = zstandard.ZstdDecompressor().stream_reader(raw).read()
    return [json.loads(line) for line in raw.decode("utf-8").splitlines()]


def test_jsonl_has_every_column_and_iso_dates(corpus, rows, tmp_path):
    run_export(corpus, tmp_path / "j", "--format", "jsonl")
    lines = read_lines(tmp_path / "j" / "articles.jsonl")
    expected = in_order(rows)
    assert [line["id"] for line in lines] == [r["id"] for r in expected]
    assert all(list(line) == EXPORT_SCHEMA.names for line in lines)
    for line, row in zip(lines, expected):
        assert line["text"] == row["text"] and line["urls"] == row["urls"]
        if row["published"] is None:
            assert line["published"] is None
        else:
            assert datetime.fromisoformat(line["published"]) == row["published"]
            assert line["published"].endswith("+07:00") and "T" in line["published"]
        assert datetime.fromisoformat(line["fetched_at"]) == row["fetched_at"]


@pytest.mark.parametrize("compress", ["gz", "zst"])
def test_jsonl_compressed_holds_the_same_lines(corpus, tmp_path, compress):
    run_export(corpus, tmp_path / "plain", "--format", "jsonl")
    run_export(corpus, tmp_path / "packed", "--format", "jsonl", "--compress", compress)
    packed = tmp_path / "packed" / f"articles.jsonl.{compress}"
    assert read_lines(packed) == read_lines(tmp_path / "plain" / "articles.jsonl")
    assert packed.stat().st_size < (tmp_path / "plain" / "articles.jsonl").stat().st_size / 2
    check_manifest(tmp_path / "packed")


def test_jsonl_file_target_by_suffix_is_replaced_not_duplicated(corpus, tmp_path, capsys):
    out = tmp_path / "news.jsonl.zst"
    run_export(corpus, out)
    first = out.read_bytes()
    run_export(corpus, out)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["news.README.md", "news.jsonl.zst", "news.manifest.json"]
    assert out.read_bytes() == first                                   # same snapshot, same bytes
    assert len(read_lines(out)) == 240
    assert front_matter(tmp_path / "news.README.md")["configs"][0]["data_files"] == [
        {"split": "train", "path": "news.jsonl.zst"}]
    manifest = json.loads((tmp_path / "news.manifest.json").read_text())
    assert manifest["files"]["news.jsonl.zst"]["sha256"] == sha256_file(out)
    assert main(["export", "--corpus", str(corpus.root), "--out", str(tmp_path / "x.jsonl.gz"),
                 "--compress", "zst"]) == 2
    assert "does not match" in capsys.readouterr().err


def test_gzip_output_is_reproducible(corpus, tmp_path):
    run_export(corpus, tmp_path / "a.jsonl.gz")
    run_export(corpus, tmp_path / "b.jsonl.gz")
    assert sha256_file(tmp_path / "a.jsonl.gz") == sha256_file(tmp_path / "b.jsonl.gz")


# --- parquet --------------------------------------------------------------------------------------------------

def test_parquet_shards_are_bounded_zstd_and_keep_order(corpus, rows, tmp_path):
    run_export(corpus, tmp_path / "p", "--format", "parquet", "--shard-size", "20KB")
    shards = sorted((tmp_path / "p" / "data").iterdir())
    assert len(shards) >= 3
    assert [s.name for s in shards] == [f"train-{i:05d}-of-{len(shards):05d}.parquet" for i in range(len(shards))]
    assert all(s.stat().st_size <= 20_000 for s in shards)
    table = pq.read_table(tmp_path / "p" / "data")
    assert table.schema.remove_metadata() == EXPORT_SCHEMA
    assert table.column("id").to_pylist() == [r["id"] for r in in_order(rows)]
    meta = pq.ParquetFile(shards[0]).metadata
    assert meta.row_group(0).column(EXPORT_SCHEMA.names.index("text")).compression == "ZSTD"
    check_manifest(tmp_path / "p")


# --- hf -------------------------------------------------------------------------------------------------------

LOAD_BOTH = r"""
import json, sys, yaml, datasets
out, cache = sys.argv[1], sys.argv[2]
by_parquet = datasets.load_dataset("parquet", data_dir=out, cache_dir=cache)
by_disk = datasets.load_from_disk(out)
card = yaml.safe_load(open(out + "/README.md", encoding="utf-8").read().split("---\n")[1])
declared = datasets.Features._from_yaml_list(card["dataset_info"]["features"])
print(json.dumps({
    "parquet": {s: list(by_parquet[s]["id"]) for s in by_parquet},
    "disk": {s: list(by_disk[s]["id"]) for s in by_disk},
    "features_match": declared == by_parquet["train"].features == by_disk["train"].features,
    "first": {k: str(v) for k, v in by_disk["train"][0].items() if k in ("published", "title")},
}))
"""


def load_both(out, tmp_path) -> dict:
    env = dict(os.environ, HF_HOME=str(tmp_path / "hf-home"), HF_HUB_OFFLINE="1", HF_DATASETS_OFFLINE="1")
    done = subprocess.run([sys.executable, "-c", LOAD_BOTH, str(out), str(tmp_path / "hf-cache")],
                          capture_output=True, text=True, env=env)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.splitlines()[-1])


def test_hf_folder_opens_with_both_loaders_and_splits_by_id(corpus, rows, tmp_path):
    out = tmp_path / "hf"
    run_export(corpus, out, "--format", "hf", "--split", "0.8,0.1,0.1")
    loaded = load_both(out, tmp_path)
    names = ["train", "validation", "test"]
    expected = {name: [r["id"] for r in in_order(rows) if split_index(r["id"], [0.8, 0.9]) == k]
                for k, name in enumerate(names)}
    assert all(expected.values())
    assert loaded["parquet"] == expected and loaded["disk"] == expected
    assert loaded["features_match"]
    assert loaded["first"]["published"].endswith("+07:00")
    card = front_matter(out / "README.md")
    assert [s["num_examples"] for s in card["dataset_info"]["splits"]] == [len(expected[n]) for n in names]
    check_manifest(out)


def test_hf_splits_are_stable_when_the_corpus_grows(rows, tmp_path):
    corpus = Corpus(tmp_path / "c")
    corpus.append(rows[:100])
    run_export(corpus, tmp_path / "v1", "--format", "hf", "--split", "0.5,0.5")
    corpus.append(rows[100:])
    run_export(corpus, tmp_path / "v2", "--format", "hf", "--split", "0.5,0.5")
    v1, v2 = (pq.read_table(tmp_path / v / "data" / "test-00000-of-00001.parquet").column("id").to_pylist()
              for v in ("v1", "v2"))
    assert set(v1) < set(v2)
    assert set(v2) - set(v1) == {r["id"] for r in rows[100:] if split_index(r["id"], [0.5]) == 1}


def test_hf_without_split_is_one_train_split(corpus, tmp_path):
    run_export(corpus, tmp_path / "hf", "--format", "hf")
    assert json.loads((tmp_path / "hf" / "dataset_dict.json").read_text()) == {"splits": ["train"]}
    assert sorted(p.name for p in (tmp_path / "hf" / "data").iterdir()) == ["train-00000-of-00001.parquet"]
    assert pq.read_table(tmp_path / "hf" / "data").num_rows == 240


# --- dataset card ---------------------------------------------------------------------------------------------

def test_card_front_matter_and_snapshot_numbers(corpus, rows, tmp_path):
    run_export(corpus, tmp_path / "t", "--province", "Tây Ninh,Đồng Tháp", "--min-words", "340")
    kept = [r for r in rows if r["province"] in ("Long An", "Đồng Tháp") and r["word_count"] >= 340]
    meta = front_matter(tmp_path / "t" / "README.md")
    assert meta["language"] == ["vi"] and meta["license"] == "other"
    assert meta["size_categories"] == ["n<1K"]
    # txt: what load_dataset(folder) gives, one `text` per file (the columns are in the card's body)
    assert meta["dataset_info"]["features"] == [{"name": "text", "dtype": "string"}]
    assert meta["configs"][0]["sample_by"] == "document"
    text = (tmp_path / "t" / "README.md").read_text("utf-8")
    for key, name, province in [("baolongan", "Báo Long An", "Long An"), ("baodongthap", "Báo Đồng Tháp", "Đồng Tháp")]:
        count = sum(r["source"] == key for r in kept)
        assert f"| {key} | {name} | {province} | {count} |" in text
    assert "baovinhphuc" not in text
    dated = sorted(r["published"] for r in kept if r["published"])
    assert f"{len(kept):,} articles from 2 outlets in 2 provinces" in text
    assert f"published {dated[0]:%Y-%m-%d} to {dated[-1]:%Y-%m-%d}" in text
    assert f"{sum(r['word_count'] for r in kept):,} words" in text
    manifest = check_manifest(tmp_path / "t")
    assert manifest["generator"] == "provnews" and manifest["articles"] == len(kept)
    assert manifest["filters"] == {"provinces": ["Tây Ninh", "Đồng Tháp"], "min_words": 340}
    assert manifest["near_duplicates"] == {"kept": False, "clusters_computed": False, "left_out": 0}


# --- every format with the real `datasets`, warnings included -------------------------------------------------

LOAD_CLEAN = r"""
import json, sys, datasets
datasets.disable_progress_bars()
path, how, cache = sys.argv[1:4]
if how == "folder":
    loaded = datasets.load_dataset(path, cache_dir=cache)
else:
    loaded = datasets.load_dataset(how, **({"data_dir": path} if how == "parquet" else {"data_files": path}),
                                   cache_dir=cache)
print(json.dumps({s: {"rows": loaded[s].num_rows, "ids": list(loaded[s]["id"]) if "id" in loaded[s].features else None,
                      "types": {k: str(v) for k, v in loaded[s].features.items()}} for s in loaded}))
"""


@pytest.mark.parametrize("fmt, load", [("txt", "folder"), ("jsonl", "folder"), ("jsonl", "json"),
                                       ("parquet", "folder"), ("parquet", "parquet"), ("hf", "folder"),
                                       ("hf", "parquet")])
def test_every_export_loads_with_datasets_without_a_warning(rows, tmp_path, fmt, load):
    """The card's YAML is read whole (no "splits field malformed"), sizes verify (txt: one example per
    file, not per line), the Parquet split is `train`, and JSONL times are the same type."""
    corpus = Corpus(tmp_path / "c")
    fetched = datetime(2026, 1, 1, 3, 4, 5, 678901, tzinfo=ZoneInfo("UTC"))   # a crawl's: microseconds
    corpus.append([dict(r, fetched_at=fetched) for r in rows[:30]])
    out = tmp_path / "out"
    run_export(corpus, out, "--format", fmt)
    target = out / "articles.jsonl" if load == "json" else out
    env = dict(os.environ, HF_HOME=str(tmp_path / "hf-home"), HF_HUB_OFFLINE="1", HF_DATASETS_OFFLINE="1",
               PYTHONWARNINGS="default")
    done = subprocess.run([sys.executable, "-c", LOAD_CLEAN, str(target), load, str(tmp_path / "cache")],
                          capture_output=True, text=True, env=env, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    noise = [line for line in done.stderr.splitlines() if line.strip() and "urllib3" not in line
             and "warnings.warn(" not in line]
    assert noise == [], noise
    splits = json.loads(done.stdout.splitlines()[-1])
    assert list(splits) == ["train"] and splits["train"]["rows"] == 30
    types = splits["train"]["types"]
    if fmt != "txt":
        assert sorted(splits["train"]["ids"]) == sorted(r["id"] for r in rows[:30])
        assert types["published"].startswith("Value('timestamp") and types["fetched_at"].startswith("Value('timestamp")
    if load == "folder" and fmt != "txt":
        assert "Asia/Ho_Chi_Minh" in types["published"] and "UTC" in types["fetched_at"]


def test_plain_duckdb_reads_vietnam_time_as_the_readme_says(corpus, rows, tmp_path):
    """Parquet stores instants; the column's time zone is Asia/Ho_Chi_Minh, which pyarrow applies but
    DuckDB does not: it shows TIMESTAMPTZ in its session time zone. README: SET TimeZone first."""
    import duckdb

    run_export(corpus, tmp_path / "p", "--format", "parquet")
    assert str(pq.read_schema(next((tmp_path / "p" / "data").glob("*.parquet"))).field("published").type) \
        == "timestamp[us, tz=Asia/Ho_Chi_Minh]"
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text("utf-8")
    assert "SET TimeZone = 'Asia/Ho_Chi_Minh'" in readme
    con = duckdb.connect()
    con.execute("SET TimeZone = 'Asia/Ho_Chi_Minh'")
    got = dict(con.execute(f"SELECT id, strftime(published, '%Y-%m-%d %H:%M') FROM "
                           f"read_parquet('{tmp_path / 'p' / 'data'}/*.parquet') WHERE published IS NOT NULL").fetchall())
    expected = {r["id"]: r["published"].astimezone(VN).strftime("%Y-%m-%d %H:%M") for r in rows if r["published"]}
    assert got == expected
