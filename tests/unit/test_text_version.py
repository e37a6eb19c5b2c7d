"""The text version: drawn again by every change to what search reads (titles, authors,
abstracts, notes), in the change's own transaction, and by nothing else. Matches kept between
sessions and memoised while typing hold as long as it does: a tag or a rating keeps them."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from reader.importers.listing import parse_listing
from reader.models import Author
from reader.store import Library, kept_postings
from reader.store.indexing import text_version
from reader.store.schema import MIGRATIONS

PAPERS = [(f"Paper {n} on graphs", f"A model of graphs number {n}.") for n in range(12)] + [
    ("Sparse kernels", "Attention without a single word in common."),
]


@pytest.fixture
def path(tmp_path: Path, blank_listing: Callable[..., str]) -> Path:
    db = tmp_path / "lib.db"
    with Library(db) as library:
        library.import_listings([parse_listing(blank_listing(PAPERS), "graphs.txt")])
        library.add_note(3, "A word about hypergraphs.")
    return db


def version_of(db: Path) -> int:
    with Library(db) as library:
        found = text_version(library.db)
    assert isinstance(found, int)
    return found


def index_reads(library: Library) -> list[str]:
    """Every read of the titles' and abstracts' indexes that found papers (an empty match is
    never kept) the library's search makes."""
    index = library.search_index
    reads: list[str] = []
    bitmap = index._bitmap

    def counted(sql: str, params: list) -> object:  # type: ignore[type-arg]
        found = bitmap(sql, params)
        if "_fts WHERE" in sql and found:
            reads.append(params[0])
        return found

    index._bitmap = counted  # type: ignore[method-assign]
    return reads


TEXT_CHANGES: dict[str, Callable[[Library], object]] = {
    "import": lambda lib: lib.import_listings(
        [parse_listing("Mar 11\nAnother paper\nIts abstract.\n", "more.txt")]
    ),
    "title": lambda lib: lib.edit(1, {"title": "A new title"}),
    "authors": lambda lib: lib.edit(1, {"authors": [Author("Lovelace", "Ada")]}),
    "abstract": lambda lib: lib.edit(1, {"abstract": "Something else entirely."}),
    "add note": lambda lib: lib.add_note(2, "graphs again"),
    "edit note": lambda lib: lib.edit_note(lib.notes(3)[0].id, "changed"),
    "delete note": lambda lib: lib.delete_note(lib.notes(3)[0].id),
    "remove": lambda lib: lib.remove([4]),
    "remove with a note": lambda lib: lib.remove([3]),
    "merge": lambda lib: lib.merge(5, [6]),
}

CURATION: dict[str, Callable[[Library], object]] = {
    "tag": lambda lib: lib.tag(1, ["graphs"]),
    "rate": lambda lib: lib.rate(1, 4),
    "status": lambda lib: lib.set_status(1, "reading"),
    "list": lambda lib: (lib.create_list("next"), lib.add_to_list("next", [1, 2])),
    "venue": lambda lib: lib.edit(1, {"venue": "NeurIPS"}),
}


@pytest.mark.parametrize("change", TEXT_CHANGES, ids=str)
def test_every_change_to_the_text_draws_a_new_version(path: Path, change: str) -> None:
    before = version_of(path)
    with Library(path) as library:
        TEXT_CHANGES[change](library)
    after = version_of(path)
    assert after != before
    with Library(path) as library:  # and undoing it draws yet another
        library.undo()
    assert version_of(path) not in {before, after}


@pytest.mark.parametrize("change", CURATION, ids=str)
def test_curation_keeps_the_text_version(path: Path, change: str) -> None:
    before = version_of(path)
    with Library(path) as library:
        CURATION[change](library)
        library.undo()
    assert version_of(path) == before


def test_a_change_rolled_back_brings_its_version_back(path: Path) -> None:
    before = version_of(path)
    with Library(path) as library, pytest.raises(RuntimeError), library.write():
        library.edit(1, {"title": "Never kept"})
        assert text_version(library.db) != before
        raise RuntimeError("the change fails")
    assert version_of(path) == before


def test_an_older_library_gets_a_version_and_its_notes_draw_it(tmp_path: Path) -> None:
    db = tmp_path / "old.db"
    conn = sqlite3.connect(db)
    for migration in MIGRATIONS[:-1]:
        conn.executescript(migration.sql)
    conn.execute(
        "CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT, applied TEXT)"
    )
    conn.executemany(
        "INSERT INTO schema_migrations VALUES (?, ?, '2026-01-01')",
        [(m.version, m.name) for m in MIGRATIONS[:-1]],
    )
    conn.execute(f"PRAGMA user_version = {MIGRATIONS[-2].version}")
    conn.commit()
    conn.close()
    with Library(db) as library:
        library.import_listings([parse_listing("Mar 11\nA paper\nIts abstract.\n", "a.txt")])
        first = text_version(library.db)
        library.add_note(1, "a note")
        assert isinstance(first, int) and text_version(library.db) != first


def reader(db: Path, cache: Path, *args: str) -> None:
    """The ``reader`` command in a process of its own."""
    done = subprocess.run(
        [sys.executable, "-m", "reader", "--db", str(db), *args],
        capture_output=True,
        text=True,
        env={**os.environ, kept_postings.CACHE_ENV: str(cache)},
        timeout=120,
    )
    assert done.returncode == 0, done.stderr


def test_kept_matches_outlive_another_process_tagging_and_rating(
    path: Path, kept_cache: Path
) -> None:
    with Library(path) as first:
        found = list(first.search("model graphs").ids)
    reader(path, kept_cache, "tag", "1", "later")
    reader(path, kept_cache, "rate", "2", "5")
    reader(path, kept_cache, "status", "3", "read")
    with Library(path) as second:
        reads = index_reads(second)
        assert list(second.search("model graphs").ids) == found
        assert reads == []  # every word's match was kept
    reader(path, kept_cache, "note", "1", "on hypergraphs")
    with Library(path) as third:
        reads = index_reads(third)
        assert list(third.search("model graphs").ids) == found
        assert reads == []  # a note is no title or abstract: their matches still hold
        assert 1 in third.search("hypergraphs").ids
    reader(path, kept_cache, "edit", "2", "--abstract", "Nothing of the sort.")
    with Library(path) as fourth:
        reads = index_reads(fourth)
        assert list(fourth.search("model graphs").ids) == [pid for pid in found if pid != 2]
        assert reads  # an abstract changed: worked out again


def test_typing_memos_outlive_a_tag_but_not_a_note(path: Path) -> None:
    """(Nothing is kept between sessions here: the library is too small.)"""
    with Library(path) as library:
        reads = index_reads(library)
        library.search("graphs", typing=True)
        assert reads
        reads.clear()
        library.tag(1, ["kept"])
        library.rate(2, 3)
        assert 7 in library.search("graphs", typing=True).ids
        assert reads == []
        library.add_note(7, "kernels")
        assert 7 in library.search("kernels", typing=True).ids
        assert reads


def test_a_search_inside_a_write_sees_the_write(path: Path) -> None:
    """Memoised words are filed under the text version read at the time: a change made earlier
    in the same transaction is seen, and the memo of before is good again after a rollback."""
    with Library(path) as library:
        assert 1 not in library.search("quasicrystals").ids
        with pytest.raises(RuntimeError), library.write():
            library.edit(1, {"title": "Quasicrystals"})
            assert 1 in library.search("quasicrystals").ids
            raise RuntimeError("given up")
        assert 1 not in library.search("quasicrystals").ids
