"""Stored pages of real outlets' layout families: every field as a reader of the page takes it.

tests/data/pages/SOURCES.md says where each layout was seen; expected.json holds the title,
the publication time (to the second when printed), the author and the text, lead first.
"""
import json
from datetime import datetime
from pathlib import Path

import pytest

from corpus.text.extract import extract_page

PAGES = Path(__file__).parent / "data" / "pages"
# heldout/: pages built after the rules, from shapes the rules were not written for.
FOLDERS = (PAGES, PAGES / "heldout")
EXPECTED = {(folder, name): want for folder in FOLDERS
            for name, want in json.loads((folder / "expected.json").read_text("utf-8")).items()}


@pytest.mark.parametrize("folder, name", sorted(EXPECTED), ids=[name for _, name in sorted(EXPECTED)])
def test_stored_page_gives_the_fields_its_reader_sees(folder, name):
    want = EXPECTED[folder, name]
    got = extract_page((folder / f"{name}.html").read_bytes(), want["url"])
    assert got.get("reason") is None, got.get("reason")
    assert got["title"] == want["title"]
    assert got["published"] == datetime.fromisoformat(want["published"])
    assert got["author"] == want["author"]
    assert got["text"].split("\n") == want["paragraphs"]


def test_every_stored_page_says_where_its_shape_was_seen():
    sources = (PAGES / "SOURCES.md").read_text("utf-8")
    assert all(f"`{name}`" in sources for _, name in EXPECTED)
