"""Kept matches outlive an import of new papers: the papers appended since a match was kept are
read on their own and joined to it, while any other change of titles or abstracts (an edit, a
removal, an undo) has the match worked out whole again. Every answer is the one worked out
afresh."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from reader.importers.listing import parse_listing
from reader.store import Library, kept_postings
from reader.store.indexing import TEXT_BASE, TEXT_VERSION

PAPERS = [(f"Paper {n} on graphs", f"A model of graphs number {n}.") for n in range(20)]
WORDS = ("model", "graphs", "mod", "number")


@pytest.fixture
def path(tmp_path: Path, kept_cache: Path, blank_listing: Callable[..., str]) -> Path:
    db = tmp_path / "lib.db"
    with Library(db) as library:
        library.import_listings([parse_listing(blank_listing(PAPERS), "graphs.txt")])
    return db


def reader(db: Path, *args: str, stdin: str | None = None) -> None:
    """The ``reader`` command in a process of its own."""
    done = subprocess.run(
        [sys.executable, "-m", "reader", "--db", str(db), *args],
        capture_output=True,
        text=True,
        input=stdin,
        env={**os.environ},
        timeout=120,
    )
    assert done.returncode == 0, done.stderr


def matches_read(library: Library) -> list[int]:
    """From which paper id on each match that found papers was read from the indexes (0: all;
    an empty match is never kept, and is read whole each time)."""
    index = library.search_index
    reads: list[int] = []
    bitmap = index._bitmap

    def counted(sql: str, params: list) -> object:  # type: ignore[type-arg]
        found = bitmap(sql, params)
        if "rowid >= ?" in sql and (found or params[1] > 0):
            reads.append(params[1])
        return found

    index._bitmap = counted  # type: ignore[method-assign]
    return reads


def answers(db: Path) -> dict[str, list[int]]:
    with Library(db) as library:
        return {word: list(library.search(word).ids) for word in WORDS}


def fresh(db: Path, folder: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, list[int]]:
    """The answers worked out with nothing kept (an empty cache folder of their own)."""
    with monkeypatch.context() as patch:
        patch.setenv(kept_postings.CACHE_ENV, str(folder / f"fresh-{os.urandom(4).hex()}"))
        return answers(db)


def new_listing(tmp_path: Path, blank_listing: Callable[..., str], n: int) -> Path:
    listing = tmp_path / f"new-{n}.txt"
    listing.write_text(
        blank_listing([(f"Fresh {n} graphs", f"Another model, {n}."), ("Kernels", f"No {n}.")])
    )
    return listing


def test_an_import_by_another_process_reads_only_the_new_papers(
    path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, blank_listing: Callable
) -> None:
    answers(path)  # kept
    for round_ in range(2):
        reader(path, "import", str(new_listing(tmp_path, blank_listing, round_)))
        with Library(path) as library:
            reads = matches_read(library)
            found = {word: list(library.search(word).ids) for word in WORDS}
            first_new = 21 + 2 * round_
            assert reads and all(first >= first_new for first in reads), reads
        assert found == fresh(path, tmp_path, monkeypatch)
        assert len(found["model"]) == 21 + round_
    with Library(path) as library:  # the joined matches were kept
        reads = matches_read(library)
        assert {word: list(library.search(word).ids) for word in WORDS} == found
        assert reads == []


@pytest.mark.parametrize(
    "change",
    [
        ("edit", "3", "--abstract", "Kernels only."),
        ("edit", "4", "--title", "Kernels only"),
        ("remove", "5"),
        ("remove", "21", "22"),  # the papers the import appended
    ],
    ids=lambda change: " ".join(change),
)
def test_any_other_change_of_text_reads_every_match_whole(
    path: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    blank_listing: Callable,
    change: tuple[str, ...],
) -> None:
    answers(path)
    reader(path, "import", str(new_listing(tmp_path, blank_listing, 0)))
    reader(path, *change)
    with Library(path) as library:
        reads = matches_read(library)
        found = {word: list(library.search(word).ids) for word in WORDS}
        assert reads and set(reads) == {0}
    assert found == fresh(path, tmp_path, monkeypatch)


def base_and_version(db: Path) -> tuple[int, int]:
    with sqlite3.connect(db) as raw:
        return (
            raw.execute(TEXT_BASE).fetchone()[0],
            raw.execute(TEXT_VERSION).fetchone()[0],
        )


def test_only_appending_papers_keeps_the_base(
    path: Path, tmp_path: Path, blank_listing: Callable
) -> None:
    base, version = base_and_version(path)
    reader(path, "import", str(new_listing(tmp_path, blank_listing, 0)))
    assert base_and_version(path)[0] == base
    assert base_and_version(path)[1] != version
    reader(path, "note", "1", "a note changes no title or abstract")
    assert base_and_version(path)[0] == base
    reader(path, "edit", "1", "--title", "Another title")
    assert base_and_version(path)[0] != base


def test_a_change_while_new_papers_are_read_has_the_match_read_whole(
    path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, blank_listing: Callable
) -> None:
    """Another process edits an abstract just as the appended papers are read: the joined
    answer could hold text of before and after, so the match is read whole, and not kept."""
    answers(path)
    reader(path, "import", str(new_listing(tmp_path, blank_listing, 0)))
    with Library(path) as library:
        index = library.search_index
        bitmap = index._bitmap
        edited: list[bool] = []

        def meanwhile(sql: str, params: list) -> object:  # type: ignore[type-arg]
            if "rowid >= ?" in sql and params[1] > 0 and not edited:
                reader(path, "edit", "6", "--abstract", "Kernels only.")
                edited.append(True)
            return bitmap(sql, params)

        index._bitmap = meanwhile  # type: ignore[method-assign]
        found = list(library.search("model").ids)
    assert edited and 6 not in found and len(found) == 20
    assert answers(path) == fresh(path, tmp_path, monkeypatch)
