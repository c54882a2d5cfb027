"""The dataset card (README.md, Hugging Face YAML front matter) and manifest.json of an export.

The card documents one frozen snapshot: what is in it (articles per outlet
and province, dates, words), how it was made (provnews version, filters,
near-duplicate handling) and the columns. The manifest lists every file
with its size and SHA-256 so a consumer can check what it received.
"""
from __future__ import annotations

import hashlib
import json
from datetime import datetime, timezone
from importlib import metadata
from pathlib import Path
from typing import NamedTuple

import pyarrow as pa

from corpus.export.select import EXPORT_SCHEMA

GENERATOR = "provnews"

COLUMNS = {
    "id": "first 16 hex digits of SHA-256 of `text` (UTF-8): anyone can recompute it",
    "url": "canonical URL where the text was first seen",
    "urls": "every URL the same text was seen at (URL variants, reprints)",
    "source": "registry key of the outlet",
    "site_name": "outlet name",
    "kind": "outlet kind: newspaper, portal, party, radio_tv or other",
    "province": "province before the July 2025 merger (63 units)",
    "province_after_2025": "province after the merger (34 units)",
    "title": "headline",
    "published": "publication time, Vietnam time (UTC+7); null when unknown",
    "author": "byline as printed; null when unknown",
    "text": "body, lead first, one paragraph per line (`\\n`), Unicode NFC",
    "language": "ISO 639-1 language code",
    "word_count": "whitespace-separated words (Vietnamese syllables) of `text`",
    "categories": "site sections the article is filed under",
    "tags": "the site's tags",
    "fetched_at": "when the page was fetched (UTC)",
    "dup_cluster": "id of the earliest-published article of its near-duplicate group; its own id when alone",
}

LAYOUTS = {
    "txt": "one file per article, `NNN_<id>.txt` in publication order, in the seed layout: title, blank line, "
           "`dd/mm/yyyy - HH:MM` (Vietnam time; left out when unknown), blank line, paragraphs separated by "
           "blank lines, author last when known",
    "jsonl": "JSON Lines, one article per line, every column; times in ISO 8601 to the second with their "
             "offset (`load_dataset(\"json\", data_files=...)` reads them as UTC timestamps; "
             "`load_dataset(<this folder>)` applies the card's features: Vietnam time and UTC)",
    "parquet": "Parquet shards `data/train-NNNNN-of-NNNNN.parquet` (zstd), the columns below; "
               "`pyarrow.parquet.read_table(\"data\")` reads them all",
    "hf": "`data/<split>-NNNNN-of-NNNNN.parquet` (zstd) for `datasets.load_dataset(\"parquet\", data_dir=...)` "
          "and the hub; `dataset_dict.json` with `<split>/` Arrow files for `datasets.load_from_disk(...)`",
}


class Split(NamedTuple):
    """One split as written: its name, a data_files pattern for the card (None: not loadable), rows."""
    name: str
    data_files: str | None
    rows: int


# Builder settings per format for the card's config: a txt file is one article (the text loader
# reads lines by default, which made load_dataset fail with NonMatchingSplitsSizesError).
LOADER_OPTIONS = {"txt": {"sample_by": "document"}}


def provnews_version() -> str:
    try:
        return metadata.version("provnews")
    except metadata.PackageNotFoundError:
        return "unknown"


def size_category(n: int) -> str:
    """The hub's size_categories bucket."""
    bounds = [(10**3, "n<1K"), (10**4, "1K<n<10K"), (10**5, "10K<n<100K"), (10**6, "100K<n<1M"),
              (10**7, "1M<n<10M"), (10**8, "10M<n<100M"), (10**9, "100M<n<1B")]
    return next((label for bound, label in bounds if n < bound), "n>1T")


def yaml_features(schema: pa.Schema = EXPORT_SCHEMA) -> list[dict]:
    """``dataset_info.features`` as the hub writes it (list columns as ``list: <dtype>``)."""
    return [{"name": f.name, "list": str(f.type.value_type)} if pa.types.is_list(f.type)
            else {"name": f.name, "dtype": str(f.type)} for f in schema]


def _yaml(value, indent: int = 0) -> str:
    """Block YAML for dicts, lists and scalars (strings as JSON, which YAML reads as double-quoted)."""
    pad = " " * indent
    if isinstance(value, dict):
        return "".join(f"{pad}{k}:" + (f"\n{_yaml(v, indent + 2)}" if isinstance(v, (dict, list)) and v
                                       else f" {_scalar(v)}\n") for k, v in value.items())
    if isinstance(value, list):
        out = ""
        for item in value:
            text = _yaml(item, indent + 2)
            out += f"{pad}- {text.lstrip()}" if isinstance(item, (dict, list)) else f"{pad}- {_scalar(item)}\n"
        return out
    return f"{pad}{_scalar(value)}\n"


def _scalar(value) -> str:
    if value in ({}, []):
        return "[]" if value == [] else "{}"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    return json.dumps(str(value), ensure_ascii=False)


def statistics(snapshot) -> dict:
    """The snapshot's numbers, from the narrow ``chosen`` table."""
    first, last, undated, words = snapshot.rows(
        "SELECT min(published), max(published), count(*) FILTER (WHERE published IS NULL), "
        "coalesce(sum(word_count), 0) FROM chosen")[0]
    return {
        "articles": snapshot.count,
        "matched_filters": snapshot.matched,
        "first_published": first.isoformat() if first else None,
        "last_published": last.isoformat() if last else None,
        "undated": undated,
        "words": int(words),
        "outlets": [{"source": s, "name": n, "province": p, "articles": c} for s, n, p, c in snapshot.rows(
            "SELECT source, any_value(site_name), any_value(province), count(*) AS n FROM chosen "
            "GROUP BY source ORDER BY n DESC, source")],
        "provinces": [{"province": p, "province_after_2025": a, "articles": c} for p, a, c in snapshot.rows(
            "SELECT province, any_value(province_after_2025), count(*) AS n FROM chosen "
            "GROUP BY province ORDER BY n DESC, province NULLS LAST")],
    }


def near_duplicate_note(snapshot) -> str:
    if snapshot.selection.keep_near_duplicates:
        return "kept (`--keep-near-duplicates`): every article matching the filters is included"
    source = ("clusters from `provnews dedup` (MinHash LSH over syllable shingles)" if snapshot.clusters_known
              else "no clusters computed yet (`provnews dedup` not run): every article is its own cluster")
    return (f"one article per near-duplicate cluster, the earliest published among those matching; {source}; "
            f"{snapshot.near_duplicates_left_out:,} near-duplicates left out")


def _table(header: list[str], rows: list[list]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join("" if v is None else str(v).replace("|", "\\|") for v in row) + " |" for row in rows]
    return "\n".join(lines)


def split_bytes(folder: Path, split: Split) -> int:
    """Bytes of the split's data files: the card's ``num_bytes``, without which ``datasets`` calls the
    ``splits`` field malformed and ignores it (and then verifies nothing)."""
    return sum(p.stat().st_size for p in folder.glob(split.data_files)) if split.data_files else 0


def card_text(fmt: str, splits: list[Split], snapshot, stats: dict, created: str, folder: Path) -> str:
    front = {
        "pretty_name": "provnews: Vietnamese provincial news",
        "language": ["vi"],
        "license": "other",
        "license_name": "publishers-copyright",
        "size_categories": [size_category(stats["articles"])],
        "task_categories": ["text-generation"],
        "tags": ["news", "vietnamese", "provnews"],
    }
    loadable = [s for s in splits if s.data_files]
    if loadable:
        front["configs"] = [{"config_name": "default",
                             "data_files": [{"split": s.name, "path": s.data_files} for s in loadable],
                             **LOADER_OPTIONS.get(fmt, {})}]
    features = yaml_features() if fmt != "txt" else [{"name": "text", "dtype": "string"}]
    front["dataset_info"] = {"features": features,
                             "splits": [{"name": s.name, "num_bytes": split_bytes(folder, s), "num_examples": s.rows}
                                        for s in splits]}
    filters = snapshot.selection.describe()
    filters.pop("keep_near_duplicates", None)
    dates = (f"published {stats['first_published'][:10]} to {stats['last_published'][:10]}"
             if stats["first_published"] else "no publication dates")
    body = f"""
# provnews snapshot: Vietnamese provincial news

{stats['articles']:,} articles from {len(stats['outlets'])} outlets in {len(stats['provinces'])} provinces, \
{dates} ({stats['undated']:,} undated), {stats['words']:,} words. \
Exported {created} by provnews {provnews_version()} as `{fmt}`.

## How it was built

- Crawled by provnews from the outlets' own sites (robots.txt obeyed); \
text extracted with trafilatura, boilerplate removed, Unicode NFC, one paragraph per line.
- One row per distinct text: `id` = first 16 hex digits of SHA-256 of `text`; other URLs of the same text are in `urls`.
- Filters: {json.dumps(filters, ensure_ascii=False) if filters else "none"} \
({stats['matched_filters']:,} articles matched before near-duplicate handling, sampling and limit).
- Near-duplicates: {near_duplicate_note(snapshot)}.
- Splits: {", ".join(f"{s.name} {s.rows:,}" for s in splits)}\
{" (by sha256('split:' + id), stable across re-exports)" if len(splits) > 1 else ""}.

## Files

{LAYOUTS[fmt]}. `manifest.json` lists every file with its SHA-256.

## Columns

{_table(["column", "type", "meaning"], [[f"`{f.name}`", f"`{f.type}`", COLUMNS[f.name]] for f in EXPORT_SCHEMA])}

## Articles per outlet

{_table(["source", "outlet", "province", "articles"],
        [[o["source"], o["name"], o["province"], o["articles"]] for o in stats["outlets"]])}

## Articles per province

{_table(["province (before 2025)", "province (after 2025)", "articles"],
        [[p["province"], p["province_after_2025"], p["articles"]] for p in stats["provinces"]])}

## License

The texts are the work of their publishers (provincial newspapers, portals, Party committee and radio-TV \
sites) and remain under their copyright. This snapshot is meant for research and text and data mining; \
check each outlet's terms before republishing any text. The provnews software is MIT-licensed.
"""
    return "---\n" + _yaml(front) + "---\n" + body


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def manifest(files: dict[str, Path], fmt: str, snapshot, stats: dict, created: str) -> dict:
    """Provenance and a checksum per file (``files``: name in the export -> path now)."""
    return {
        "generator": GENERATOR,
        "provnews_version": provnews_version(),
        "created": created,
        "format": fmt,
        "articles": stats["articles"],
        "filters": snapshot.selection.describe(),
        "near_duplicates": {"kept": snapshot.selection.keep_near_duplicates,
                            "clusters_computed": snapshot.clusters_known,
                            "left_out": snapshot.near_duplicates_left_out},
        "files": {name: {"bytes": path.stat().st_size, "sha256": sha256_file(path)}
                  for name, path in sorted(files.items())},
    }


def now() -> str:
    return datetime.now(timezone.utc).replace(microsecond=0).isoformat()
