"""Export a frozen, documented snapshot of a corpus as txt, jsonl, parquet or a Hugging Face folder.

``export()`` selects articles (``select``), streams them through one format
writer, then writes the dataset card and manifest (``card``). Everything,
scratch files included, is written in a hidden work folder next to the
target (same disk, so the final rename is atomic and the user's disk, not
/tmp, holds the sort files), flushed to disk, then renamed into place: an
interrupted export leaves the target as it was, and the next export
removes the work folder a killed one left behind.

The target is a folder, except for JSON Lines when ``out`` ends in
``.jsonl``, ``.jsonl.gz`` or ``.jsonl.zst``: then the file itself is the
target and its card and manifest sit beside it as ``<stem>.README.md`` and
``<stem>.manifest.json`` (each of the three files is replaced atomically).
"""
from __future__ import annotations

import glob
import json
import os
import shutil
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from corpus.errors import UsageError
from corpus.export import card, hf, jsonl, parquet, txt
from corpus.export.select import Selection, Snapshot
from corpus.export.view import connected
from corpus.store.parts import Corpus

FORMATS = ("txt", "jsonl", "parquet", "hf")
MEMORY_LIMIT = "256MB"   # DuckDB's share (joins, narrow sorts); it spills to disk beyond this


@dataclass
class Result:
    out: Path
    articles: int
    matched: int
    near_duplicates_left_out: int
    files: int
    bytes: int


def export(corpus: Corpus, out: str | Path, fmt: str = "txt", selection: Selection | None = None, *,
           compress: str | None = None, shard_size: int | str = parquet.DEFAULT_SHARD_SIZE,
           split: dict[str, float] | None = None) -> Result:
    """Write the selected articles of ``corpus`` to ``out`` in format ``fmt``."""
    out = Path(out)
    if fmt not in FORMATS:
        raise UsageError(f"--format: unknown format {fmt!r} (one of {', '.join(FORMATS)})")
    shard_bytes = parquet.parse_size(shard_size) if isinstance(shard_size, str) else shard_size
    single_file = fmt == "jsonl" and jsonl.compression_of(out.name) is not None
    if compress not in (None, *jsonl.SUFFIXES):
        raise UsageError(f"--compress: unknown compression {compress!r} (one of {', '.join(jsonl.SUFFIXES)})")
    if compress not in (None, "none") and fmt != "jsonl":
        raise UsageError("--compress applies to --format jsonl only")
    if single_file and compress and compress != jsonl.compression_of(out.name):
        raise UsageError(f"--compress {compress} does not match --out {out.name}")
    compress = jsonl.compression_of(out.name) if single_file else compress or "none"
    if not single_file:
        _check_replaceable(out)
    with _work_folder(out) as work, _write_errors(out):
        stage, scratch = work / "export", work / "scratch"
        stage.mkdir()
        scratch.mkdir()
        with connected(corpus, memory_limit=MEMORY_LIMIT, spill_dir=scratch) as con:
            snapshot = Snapshot(con, selection or Selection(), scratch=scratch)
            data_name = out.name if single_file else f"articles{jsonl.SUFFIXES[compress]}"
            if fmt == "txt":
                splits = txt.write(snapshot, stage)
            elif fmt == "jsonl":
                splits = jsonl.write(snapshot, stage / data_name, compress)
            elif fmt == "parquet":
                splits = parquet.write(snapshot, stage, shard_bytes)
            else:
                splits = hf.write(snapshot, stage, split or {"train": 1.0}, shard_bytes)
            stem = out.name.removesuffix(jsonl.SUFFIXES[compress]) + "." if single_file else ""
            _write_card(stage, stem, fmt, splits, snapshot)
        files = [p for p in stage.rglob("*") if p.is_file()]
        size = sum(p.stat().st_size for p in files)
        os.sync()  # one flush for every file of the stage (datasets writes some we never open)
        if single_file:
            for path in files:
                os.replace(path, out.parent / path.name)
        else:
            _swap_into_place(stage, out, work)
    return Result(out, snapshot.count, snapshot.matched, snapshot.near_duplicates_left_out, len(files), size)


def _write_card(stage: Path, stem: str, fmt: str, splits, snapshot) -> None:
    created = card.now()
    stats = card.statistics(snapshot)
    readme = stage / f"{stem}README.md"
    readme.write_text(card.card_text(fmt, splits, snapshot, stats, created, stage), "utf-8")
    files = {str(p.relative_to(stage)): p for p in sorted(stage.rglob("*")) if p.is_file()}
    manifest = card.manifest(files, fmt, snapshot, stats, created)
    (stage / f"{stem}manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=2), "utf-8")


def _check_replaceable(out: Path) -> None:
    """Refuse to replace anything but an empty folder or an earlier provnews export."""
    if not out.exists():
        return
    if not out.is_dir():
        raise UsageError(f"--out {out} exists and is not a folder")
    if any(out.iterdir()) and not _is_export(out / "manifest.json"):
        raise UsageError(f"--out {out} is a folder that is neither empty nor a provnews export; "
                         "choose another --out")


def _is_export(manifest: Path) -> bool:
    try:
        return json.loads(manifest.read_text("utf-8")).get("generator") == card.GENERATOR
    except (OSError, ValueError, AttributeError):
        return False


@contextmanager
def _write_errors(out: Path):
    """A failed write (disk full, permissions) as one line; the staging folder is removed."""
    try:
        yield
    except OSError as exc:
        raise UsageError(f"writing {out} failed: {exc.strerror or exc}", status=1) from None


@contextmanager
def _work_folder(out: Path):
    """``.<name>.provnews-<pid>-<random>`` next to ``out``: the export being written and scratch files.

    It is removed at the end, whatever happens; folders left by killed
    exports (their process is gone) are removed first.
    """
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        for stale in out.parent.glob(f".{glob.escape(out.name)}.provnews-*-*"):
            if not _alive(stale.name.rsplit("-", 2)[-2]):
                shutil.rmtree(stale, ignore_errors=True)
        work = Path(tempfile.mkdtemp(prefix=f".{out.name}.provnews-{os.getpid()}-", dir=out.parent))
    except OSError as exc:
        raise UsageError(f"--out {out}: cannot write there: {exc.strerror or exc}") from exc
    try:
        yield work
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _alive(pid: str) -> bool:
    """Whether process ``pid`` runs (True when unsure, so nothing in use is deleted)."""
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except (ValueError, OSError):
        return True
    return True


def _swap_into_place(stage: Path, out: Path, work: Path) -> None:
    """Rename ``stage`` to ``out``; an existing ``out`` is first moved into ``work`` (deleted with it)."""
    if out.exists():
        os.replace(out, work / "previous")
    os.replace(stage, out)
    dir_fd = os.open(out.parent, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)
