"""Replace a corpus's articles/ and aliases/ with freshly built ones, all or nothing.

The new folders are built in ``CORPUS/.rebuild-<run>/``. A marker (``state/rebuild.json``,
written atomically) is the commit point; then each folder is swapped by two renames (old out
of the way, new in place). A crash anywhere before the marker leaves the corpus as it was (the
staging folder is removed by the next rebuild); after it, ``finish_switch`` (called by every
writer through ``Corpus.ensure_writable``) completes the swap.
"""
from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

from corpus.store.parts import fsync_dir

FOLDERS = ("articles", "aliases")
MARKER = "rebuild.json"


def staging_dir(root: Path, run_id: str) -> Path:
    for stale in root.glob(".rebuild-*"):       # a rebuild that died before its commit point
        if not (root / "state" / MARKER).exists():
            shutil.rmtree(stale, ignore_errors=True)
    return root / f".rebuild-{run_id}"


def commit(root: Path, staging: Path) -> None:
    """Make ``staging``'s folders the corpus's (the rows are written and fsynced by then)."""
    marker = root / "state" / MARKER
    tmp = marker.with_suffix(".tmp")
    tmp.write_text(json.dumps({"staging": staging.name}))
    with open(tmp, "rb") as fh:
        os.fsync(fh.fileno())
    os.replace(tmp, marker)
    fsync_dir(marker.parent)
    finish_switch(root)


def finish_switch(root: Path) -> None:
    """Complete a committed switch (idempotent: each step checks what is done)."""
    marker = Path(root) / "state" / MARKER
    if not marker.exists():
        return
    staging = Path(root) / json.loads(marker.read_text())["staging"]
    for name in FOLDERS:
        new, live, old = staging / name, Path(root) / name, staging / f"old-{name}"
        if new.exists():
            if live.exists() and not old.exists():
                os.rename(live, old)
            os.rename(new, live)
    fsync_dir(Path(root))
    marker.unlink()
    shutil.rmtree(staging, ignore_errors=True)
