"""The backup written straight from the rows (``reader.store.backup_text``) is the text of
``render_backup(library.dump())`` byte for byte: on hostile libraries, on any text hypothesis
finds, and on damaged columns (which take the slower way, and fail where it fails)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from empty_library import empty_library
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_export_speed_paths import BITS, fill

from reader.atomic_file import write_atomic
from reader.backup_format import render_backup
from reader.exporting import backup_pieces, backup_text
from reader.store import Library
from reader.store import backup_text as fast


def reference(library: Library) -> str:
    return render_backup(library.dump())


@pytest.fixture
def library(tmp_path: Path) -> Iterator[Library]:
    opened = empty_library(tmp_path / "lib.db")
    try:
        yield opened
    finally:
        opened.close()


@pytest.mark.parametrize("seed", [3, 4])
def test_a_hostile_library_is_written_as_dump_renders_it(library: Library, seed: int) -> None:
    with library.write():
        fill(library, 150, seed=seed)
    text = backup_text(library)
    assert text == reference(library)
    assert fast.backup_text(fast.read_tables(library.db), library.schema_version) == text
    json.loads(text)  # and it is JSON


def test_an_empty_library_is_written_as_dump_renders_it(library: Library) -> None:
    assert backup_text(library) == reference(library)


def test_papers_without_details_and_lists_without_papers(library: Library) -> None:
    with library.write():
        library.db.execute(
            "INSERT INTO papers (key, title, added) VALUES ('k', 't\u202e\x9b\x7f', '2024')"
        )
        library.db.execute("INSERT INTO lists (name, created) VALUES ('empty', '2024')")
        library.db.execute("INSERT INTO tags (name) VALUES ('unused\u2066')")
    assert backup_text(library) == reference(library)


@pytest.mark.parametrize(
    "authors",
    [
        "[[1, 2]]",  # numbers: read as their text
        '[["a", null], [true, 1.5]]',
        '[["x\\u202ey", "\\u009b\\n"]]',  # controls spelled as escapes
        '[["\\u00e9", "\\ud83d\\ude00"]]',
        '["ab"]',  # a name of two letters unpacks into two
        "{}",
        "  [  ]  ",
        "",
    ],
)
def test_authors_of_any_stored_shape_are_written_as_dump_renders_them(
    library: Library, authors: str
) -> None:
    with library.write():
        fill(library, 5, seed=1)
        library.db.execute("UPDATE papers SET authors = ? WHERE id = 2", [authors])
    assert backup_text(library) == reference(library)


@pytest.mark.parametrize("authors", ["null", "5", "[[1, 2, 3]]", "[1]", "[[1]]", "[] []", "[["])
def test_authors_that_dump_cannot_read_fail_as_dump_fails(library: Library, authors: str) -> None:
    with library.write():
        fill(library, 5, seed=1)
        library.db.execute("UPDATE papers SET authors = ? WHERE id = 2", [authors])
    with pytest.raises(Exception) as expected:
        reference(library)
    with pytest.raises(expected.type):
        backup_text(library)


def test_values_of_unexpected_kinds_are_written_as_dump_renders_them(library: Library) -> None:
    with library.write():
        fill(library, 5, seed=2)
        library.db.execute("UPDATE links SET position = 2.5 WHERE rowid = 1")
        library.db.execute("UPDATE links SET position = 'first' WHERE rowid = 2")
        library.db.execute("UPDATE papers SET year = 2000.5, month = 1.5 WHERE id = 1")
    assert backup_text(library) == reference(library)


def test_a_blob_fails_as_dump_fails(library: Library) -> None:
    with library.write():
        fill(library, 3, seed=2)
        library.db.execute("UPDATE papers SET venue = x'00ff' WHERE id = 1")
    with pytest.raises(TypeError):
        reference(library)
    with pytest.raises(TypeError):
        backup_text(library)


TEXT = st.lists(st.one_of(st.sampled_from(BITS), st.text(max_size=4)), max_size=8).map("".join)
ROW = st.tuples(TEXT, TEXT, TEXT, st.one_of(st.none(), TEXT), TEXT, TEXT, TEXT)


@pytest.fixture(scope="module")
def shared_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder the examples of a test share (removed with pytest's other temporary folders;
    one made at import stayed behind in processes that ended without running finalizers)."""
    return tmp_path_factory.mktemp("backup-text")


@pytest.fixture(scope="module")
def shared_library(shared_folder: Path) -> Iterator[Library]:
    """One library for every example (a new one per example would take most of the time)."""
    library = Library(shared_folder / "lib.db")
    try:
        yield library
    finally:
        library.close()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(ROW, max_size=6), st.lists(TEXT, max_size=4))
def test_any_text_is_written_as_dump_renders_it(
    shared_library: Library, rows: list[tuple], tags: list[str]
) -> None:
    library = shared_library
    db = library.db
    with library.write():
        for table in ("list_items", "lists", "annotations", "paper_tags", "tags", "links"):
            db.execute(f"DELETE FROM {table}")
        db.execute("DELETE FROM papers")
        for index, (title, abstract, venue, doi, family, given_name, note) in enumerate(rows):
            paper_id = db.execute(
                "INSERT INTO papers (key, title, abstract, added, venue, doi, authors, "
                "categories, edited) VALUES (?, ?, ?, '2024', ?, ?, ?, ?, ?)",
                [
                    f"k{index}{title}",
                    title,
                    abstract,
                    venue,
                    None if doi is None else f"{doi}{index}",
                    json.dumps([[family, given_name]], ensure_ascii=index % 2 == 0),
                    venue,
                    family,
                ],
            ).lastrowid
            db.execute(
                "INSERT INTO annotations (paper_id, body, quote, created, updated) "
                "VALUES (?, ?, ?, '2024', '2024')",
                [paper_id, note, abstract or None],
            )
            db.execute("INSERT INTO links VALUES (?, ?, 'code', 0)", [paper_id, title])
        for index, name in enumerate(tags):
            db.execute("INSERT OR IGNORE INTO tags (name) VALUES (?)", [f"{name}{index}"])
        list_id = db.execute(
            "INSERT INTO lists (name, description, created) VALUES ('l', ?, '2024')",
            [tags[0] if tags else ""],
        ).lastrowid
        for position, (paper_id,) in enumerate(db.execute("SELECT id FROM papers").fetchall()):
            db.execute(
                "INSERT INTO list_items VALUES (?, ?, ?, '2024')", [list_id, paper_id, position]
            )
            for (tag_id,) in db.execute("SELECT id FROM tags").fetchall():
                db.execute("INSERT INTO paper_tags VALUES (?, ?)", [paper_id, tag_id])
    tables = fast.read_tables(db)
    assert fast.backup_text(tables, library.schema_version) == reference(library)


@settings(max_examples=30, deadline=None)
@given(st.lists(st.one_of(TEXT, st.text(min_size=1, max_size=3).map(lambda text: text * 200_000))))
def test_pieces_are_written_as_their_whole(shared_folder: Path, pieces: list[str]) -> None:
    """write_atomic joins small pieces into runs of about a megabyte before writing them."""
    pieces = [piece for piece in pieces if _encodes(piece)]  # no lone surrogates
    target = shared_folder / "pieces.txt"
    write_atomic(target, iter(pieces))
    assert target.read_bytes() == "".join(pieces).encode("utf-8")


def _encodes(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def test_the_backup_pieces_are_the_backup_text(library: Library) -> None:
    with library.write():
        fill(library, 40, seed=5)
    assert "".join(backup_pieces(library)) == backup_text(library) == reference(library)
