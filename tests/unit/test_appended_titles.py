"""The temporary titles index of papers appended since a match was kept: the same answers as the
library's own index over those papers, rebuilt when the text changes, never a write to the
library, and left to the library's index past ``MOST_APPENDED`` papers."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from pyroaring import BitMap

from reader.importers.listing import parse_listing
from reader.models import Author
from reader.store import Library, appended_titles
from reader.store.appended_titles import AppendedTitles

TITLES = [
    "Graph networks for molecules",
    "Gradient descent, revisited",
    "Vision transformers at scale",
    "Diffusion models beat GANs",
    "Éléments de géométrie différentielle",
    "Straße und Graph",
    "A study of robots: grasping",
]
EXPRESSIONS = [
    '"gra"*',
    '"graph"',
    '"diffusion" "mod"*',
    'title : "vision transformers"',
    'title : "vision tr"*',
    '"elements"',
    '"geometrie"*',
    '"strasse"',
    '"lovelace"',
    'authors : "ada"*',
    '"nothing"',
]


@pytest.fixture
def path(tmp_path: Path, blank_listing: Callable[..., str]) -> Path:
    db = tmp_path / "lib.db"
    with Library(db) as library:
        papers = [(title, f"About {title.lower()}.") for title in TITLES * 2]
        papers = [(f"{title} {n}", abstract) for n, (title, abstract) in enumerate(papers)]
        library.import_listings([parse_listing(blank_listing(papers), "a.txt")])
        library.edit(9, {"authors": [Author("Lovelace", "Ada")]})
    return db


def library_answer(library: Library, expression: str, first: int) -> BitMap:
    text = library.db.execute(
        "SELECT group_concat(rowid) FROM titles_fts WHERE titles_fts MATCH ? AND rowid >= ?",
        [expression, first],
    ).fetchone()[0]
    return BitMap(int(part) for part in text.split(",")) if text else BitMap()


@pytest.mark.parametrize("first", [1, 5, 8, 14, 15])
def test_the_same_answers_as_the_library_index(path: Path, first: int) -> None:
    with Library(path, readonly=True) as library:
        appended = AppendedTitles(library.db)
        for expression in EXPRESSIONS:
            assert appended.matching(expression, first) == library_answer(
                library, expression, first
            ), expression
            newest = appended.newest(expression, first, 3)
            assert newest is not None
            assert list(newest) == sorted(library_answer(library, expression, first))[-3:]
        assert not library.db.conn.in_transaction


def test_a_change_of_text_rebuilds_it(path: Path) -> None:
    with Library(path) as library:
        appended = AppendedTitles(library.db)
        assert appended.matching('"quasicrystals"', 8) == BitMap()
        library.edit(10, {"title": "Quasicrystals"})
        assert appended.matching('"quasicrystals"', 8) == BitMap([10])
        # a later first id is answered from the same index; an earlier one builds it again
        assert appended.matching('"quasicrystals"', 11) == BitMap()
        library.edit(2, {"title": "Quasicrystals too"})
        assert appended.matching('"quasicrystals"', 1) == BitMap([2, 10])


def test_it_writes_nothing_to_the_library(path: Path) -> None:
    before = path.read_bytes()
    with Library(path, readonly=True) as library:
        stamp = library.stamp()
        assert AppendedTitles(library.db).matching('"gra"*', 3)
        assert library.stamp() == stamp
    assert path.read_bytes() == before


def test_too_many_new_papers_are_left_to_the_library_index(
    path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(appended_titles, "MOST_APPENDED", 3)
    with Library(path, readonly=True) as library:
        appended = AppendedTitles(library.db)
        assert appended.matching('"gra"*', 1) is None
        assert appended.newest('"gra"*', 1, 5) is None
        assert appended.matching('"gra"*', 12) == library_answer(library, '"gra"*', 12)
