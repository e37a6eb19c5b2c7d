"""Kept export entries: an export that reuses the entries of unchanged papers writes exactly what
rendering every paper writes, whatever changed in between, and a kept file that is damaged,
foreign or out of reach only makes the export render again."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from reader import kept_file
from reader.editing import parse_authors
from reader.export import MarkdownOptions
from reader.exporting import library_document, list_document, query_document, render_pieces
from reader.kept_exports import kept_markdown, kept_pieces
from reader.store import Library
from reader.store.user_cache import CACHE_ENV
from tests.reliability.support import assert_ok, cli, run_reader

FORMATS = ("bibtex", "csl-json", "csv", "markdown")


def fresh(library: Library, fmt: str, name: str | None = None, query: str | None = None) -> str:
    """The export rendered from every paper, keeping nothing."""
    if name is not None:
        document = list_document(library, name)
    elif query is not None:
        document = query_document(library, query)
    else:
        document = library_document(library)
    return "".join(render_pieces(document, fmt, MarkdownOptions()))


def kept(library: Library, fmt: str, name: str | None = None, query: str | None = None) -> str:
    """The export as ``reader export`` makes it, reusing what is kept."""
    from reader.exporting import selected_ids

    if fmt == "markdown":
        pieces = kept_markdown(library, name, query, MarkdownOptions())
    else:
        pieces = kept_pieces(library, lambda: selected_ids(library, name, query), fmt)
    assert pieces is not None
    return "".join(str(p, "utf-8") if isinstance(p, memoryview) else p for p in pieces)


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv(CACHE_ENV, str(folder))
    return folder


@pytest.fixture
def cited(filled: Library, cache: Path) -> Library:
    """The five papers with authors and years; 1 and 2 share a first author, year and first
    title word's key base once 2's title starts like 1's, so their keys are told apart."""
    filled.edit(1, {"authors": parse_authors("Ada Lovelace and Alan Turing"), "year": 2023})
    filled.edit(2, {"authors": parse_authors("Ada Lovelace"), "year": 2023})
    filled.edit(
        3, {"authors": parse_authors("Grace Hopper"), "year": 2021, "citekey": "hopper-own"}
    )
    filled.tag(4, ["old", "gone"])
    filled.create_list("Reading")
    filled.add_to_list("Reading", [3, 1])
    return filled


def _title_like_first(library: Library) -> None:
    library.edit(2, {"title": library.paper(1).title + " Again"})


def _key_of_first_given_to_fifth(library: Library) -> None:
    """Paper 5 takes paper 1's generated key as its own: paper 1's key must change."""
    from reader.export.citation import citation_keys

    library.edit(5, {"citekey": citation_keys([library.paper(1)])[0]})


CHANGES: dict[str, Callable[[Library], object]] = {
    "tag": lambda lib: lib.tag(2, ["fresh"]),
    "untag then tag": lambda lib: (lib.tag(2, ["x"]), lib.untag(2, ["x"])),
    "rename a tag": lambda lib: lib.rename_tag("old", "new"),
    "delete a tag": lambda lib: lib.delete_tag("gone"),
    "rate": lambda lib: lib.rate(1, 5),
    "status": lambda lib: lib.set_status(1, "read"),
    "title": lambda lib: lib.edit(4, {"title": "A Retitled {Paper} -- with 50% more"}),
    "a key now shared": _title_like_first,
    "year": lambda lib: lib.edit(2, {"year": 1999}),
    "own key taking another's": _key_of_first_given_to_fifth,
    "note": lambda lib: lib.add_note(1, "a note"),
    "remove": lambda lib: lib.remove([2]),
    "remove then undo": lambda lib: (lib.remove([2]), lib.undo()),
    "list": lambda lib: lib.add_to_list("Reading", [5]),
    "rename a list": lambda lib: lib.rename_list("Reading", "Later"),
}


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("change", list(CHANGES))
def test_an_export_after_a_change_is_what_rendering_every_paper_gives(
    cited: Library, fmt: str, change: str
) -> None:
    assert kept(cited, fmt) == fresh(cited, fmt)  # kept now
    CHANGES[change](cited)
    assert kept(cited, fmt) == fresh(cited, fmt)  # some entries reused, some made again
    assert kept(cited, fmt) == fresh(cited, fmt)  # the whole text reused


def _backup(library: Library) -> str:
    from reader.kept_exports import kept_backup

    pieces = kept_backup(library)
    assert pieces is not None
    return "".join(str(p, "utf-8") if isinstance(p, memoryview) else p for p in pieces)


@pytest.mark.parametrize("change", [*CHANGES, "a note edited", "a list described"])
def test_a_backup_after_a_change_is_what_writing_it_whole_gives(
    cited: Library, change: str
) -> None:
    from reader.exporting import backup_text

    cited.add_note(2, "kept note")
    assert _backup(cited) == backup_text(cited)
    if change == "a note edited":
        cited.edit_note(cited.notes(2)[0].id, "edited note")
    elif change == "a list described":
        cited.describe_list("Reading", "now described")
    else:
        CHANGES[change](cited)
    assert _backup(cited) == backup_text(cited)  # some papers kept, some written again
    assert _backup(cited) == backup_text(cited)  # every paper kept


def test_the_backup_command_writes_the_same_bytes_kept_or_not(
    cited: Library, tmp_path: Path
) -> None:
    from reader.exporting import backup_text

    expected = backup_text(cited)
    for round_ in range(2):
        out = tmp_path / f"backup-{round_}.json"
        assert_ok(cli(cited.path, "export", "--all", "--format", "json", "-o", str(out)))
        assert out.read_text(encoding="utf-8") == expected
        assert assert_ok(cli(cited.path, "export", "--all", "--format", "json")).stdout == expected


@pytest.mark.parametrize("fmt", FORMATS)
def test_lists_queries_and_the_library_share_what_is_kept(cited: Library, fmt: str) -> None:
    for _ in range(2):
        assert kept(cited, fmt, name="Reading") == fresh(cited, fmt, name="Reading")
        assert kept(cited, fmt, query="learning") == fresh(cited, fmt, query="learning")
        assert kept(cited, fmt) == fresh(cited, fmt)
    cited.edit(1, {"title": "Changed"})
    assert kept(cited, fmt, name="Reading") == fresh(cited, fmt, name="Reading")
    assert kept(cited, fmt) == fresh(cited, fmt)


@pytest.mark.parametrize(
    "options",
    [
        MarkdownOptions(share=True),
        MarkdownOptions(abstracts=True, notes=False),
        MarkdownOptions(tags=False, ratings=False, dates=False, links=False),
    ],
)
def test_markdown_with_other_options_keeps_its_own_items(
    cited: Library, options: MarkdownOptions
) -> None:
    def fresh_with(name: str | None = None) -> str:
        document = library_document(cited) if name is None else list_document(cited, name)
        return "".join(render_pieces(document, "markdown", options))

    def kept_with(name: str | None = None) -> str:
        pieces = kept_markdown(cited, name, None, options)
        assert pieces is not None
        return "".join(str(p, "utf-8") if isinstance(p, memoryview) else p for p in pieces)

    assert kept(cited, "markdown") == fresh(cited, "markdown")  # default options kept apart
    for _ in range(2):
        assert kept_with() == fresh_with()
        assert kept_with("Reading") == fresh_with("Reading")
    cited.add_note(1, "first paragraph\n\nsecond paragraph")  # items now apart by blank lines
    cited.set_status(3, "read")
    assert kept_with("Reading") == fresh_with("Reading")
    assert kept_with() == fresh_with()
    assert kept(cited, "markdown") == fresh(cited, "markdown")


def test_a_list_renamed_or_described_again_is_headed_anew(cited: Library) -> None:
    assert kept(cited, "markdown", name="Reading") == fresh(cited, "markdown", name="Reading")
    cited.rename_list("Reading", "Later")
    cited.describe_list("Later", "For **the** weekend")
    assert kept(cited, "markdown", name="Later") == fresh(cited, "markdown", name="Later")
    assert kept(cited, "markdown", query="") == fresh(cited, "markdown")
    assert kept(cited, "markdown", query="learning") == fresh(cited, "markdown", query="learning")


@pytest.mark.parametrize("change", list(CHANGES))
def test_every_change_to_what_an_export_writes_draws_a_new_stamp(
    cited: Library, change: str
) -> None:
    before = cited.export_stamps()
    assert before is not None
    CHANGES[change](cited)
    after = cited.export_stamps()
    assert after is not None and after[0] == before[0]  # the library's id stays
    assert after[1] != before[1]


@pytest.mark.parametrize(
    "statement",
    [
        "INSERT OR IGNORE INTO paper_tags (paper_id, tag_id) SELECT 2, id FROM tags",
        "INSERT OR REPLACE INTO paper_tags (paper_id, tag_id) SELECT 2, id FROM tags",
        "INSERT OR ROLLBACK INTO paper_tags (paper_id, tag_id) SELECT 2, id FROM tags",
        "UPDATE OR IGNORE papers SET rating = 4 WHERE id = 2",
        "UPDATE OR REPLACE papers SET title = 'T' WHERE id = 2",
        "INSERT OR IGNORE INTO links (paper_id, url, kind) VALUES (2, 'https://x.org', 'page')",
        "DELETE FROM sources WHERE paper_id = 2",
    ],
)
def test_a_stamp_is_drawn_whatever_conflict_clause_the_change_has(
    cited: Library, statement: str
) -> None:
    """A trigger's own conflict clause gives way to that of the statement firing it: under an
    INSERT OR IGNORE a replace would keep the old stamp, and under an OR ROLLBACK fail."""
    before = cited.export_stamps()
    with cited.write():
        cited.db.execute(statement)
    after = cited.export_stamps()
    assert before is not None and after is not None
    assert after[1][2] != before[1].get(2, 0)


@pytest.mark.parametrize(
    "statement",
    [
        "DELETE FROM tags WHERE name = 'gone'",
        "DELETE FROM lists WHERE name = 'Reading'",
        "DELETE FROM files",
    ],
)
@pytest.mark.parametrize("fmt", FORMATS)
def test_a_row_deleted_by_a_program_writing_with_foreign_keys_off_draws_stamps(
    cited: Library, statement: str, fmt: str
) -> None:
    """The sqlite3 shell and Python's module write with foreign keys off: a tag, list or file
    deleted there leaves its papers' rows behind, and no cascade draws their stamps."""
    import sqlite3

    assert kept(cited, fmt) == fresh(cited, fmt)
    with sqlite3.connect(cited.path) as other:
        other.execute(statement)
    assert kept(cited, fmt) == fresh(cited, fmt)


def test_no_code_puts_a_paper_row_in_place_of_another() -> None:
    """A replaced row fires no trigger (its deletion is implicit) and keeps its rows elsewhere:
    its stamp and count would stay. Papers are only ever inserted anew, updated or deleted."""
    import re

    root = Path(__file__).resolve().parents[2] / "reader"
    pattern = re.compile(
        r"OR\s+REPLACE\s+INTO\s+papers\b|\[.papers.\]\.(upsert|insert_all|insert\([^)]*replace)",
        re.I,
    )
    found = [
        str(path.relative_to(root))
        for path in root.rglob("*.py")
        if pattern.search(path.read_text(encoding="utf-8"))
    ]
    assert found == []


def test_a_deleted_paper_keeps_a_stamp_so_its_id_never_meets_an_old_entry(
    cited: Library,
) -> None:
    before = cited.export_stamps()
    cited.remove([4])
    after = cited.export_stamps()
    assert before is not None and after is not None
    assert 4 in after[1] and after[1][4] != before[1].get(4, 0)


def _kept_file(cache: Path, fmt: str) -> Path:
    (found,) = (cache / "exports").glob(f"*-{fmt}*.kept")
    return found


@pytest.mark.parametrize(
    "damage",
    [
        lambda data: data[: len(data) // 2],
        lambda data: data[:-40] + bytes([data[-40] ^ 1]) + data[-39:],
        lambda data: b"rubbish\n" + data,
        lambda data: data.replace(b'"count":', b'"count":9', 1),
        lambda data: b"",
    ],
    ids=["cut short", "a flipped bit", "another file", "header changed", "empty"],
)
@pytest.mark.parametrize("fmt", FORMATS)
def test_a_damaged_kept_file_is_rendered_again_and_replaced(
    cited: Library, cache: Path, fmt: str, damage: Callable[[bytes], bytes]
) -> None:
    kept(cited, fmt)
    file = _kept_file(cache, fmt)
    file.write_bytes(damage(file.read_bytes()))
    cited.tag(1, ["after"])
    assert kept(cited, fmt) == fresh(cited, fmt)
    assert kept(cited, fmt) == fresh(cited, fmt)  # and what was written again is sound


@pytest.mark.parametrize("fmt", FORMATS)
def test_entries_kept_for_another_library_or_code_are_not_used(
    cited: Library, cache: Path, fmt: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    kept(cited, fmt)
    file = _kept_file(cache, fmt)
    text = file.read_bytes()
    cited.edit(1, {"title": "Only here"})
    cited.db.execute("UPDATE stats SET value = value + 1 WHERE name = 'library_id'")
    cited.db.conn.commit()
    file.write_bytes(text)
    assert kept(cited, fmt) == fresh(cited, fmt)
    cited.edit(1, {"title": "And here"})
    monkeypatch.setattr(kept_file, "_CODE_VERSION", ["another version of reader"])
    assert kept(cited, fmt) == fresh(cited, fmt)


@pytest.mark.parametrize("kind", ["fifo", "device", "folder", "symlink"])
def test_a_kept_file_that_is_not_a_regular_file_is_left_alone(
    cited: Library, cache: Path, kind: str
) -> None:
    """A FIFO in its place would block a read for ever, /dev/zero never end one."""
    import os

    kept(cited, "bibtex")
    file = _kept_file(cache, "bibtex")
    file.unlink()
    if kind == "fifo":
        os.mkfifo(file)
    elif kind == "folder":
        file.mkdir()
    else:
        file.symlink_to("/dev/zero" if kind == "device" else cache / "elsewhere")
    cited.tag(1, ["after"])
    assert kept(cited, "bibtex") == fresh(cited, "bibtex")


def test_a_temporary_file_left_by_a_killed_export_is_removed_later(
    cited: Library, cache: Path
) -> None:
    import os

    kept(cited, "bibtex")
    left = cache / "exports" / ".x-bibtex.kept.123.abcdef"
    left.write_bytes(b"half a file")
    os.utime(left, (0, 0))
    cited.tag(1, ["after"])
    kept(cited, "bibtex")
    assert not left.exists()


def _add_tag_row(library: Library, paper_id: int, name: str) -> None:
    """A tag added by an insert alone (no other write), as some paths may."""
    with library.write():
        library.db.execute("INSERT INTO tags (name) VALUES (?)", [name])
        library.db.execute(
            "INSERT INTO paper_tags (paper_id, tag_id) SELECT ?, id FROM tags WHERE name = ?",
            [paper_id, name],
        )


def test_a_copy_put_in_the_library_s_place_is_not_taken_for_it(
    cited: Library, tmp_path: Path
) -> None:
    """A copy shares the library's id; changed apart from it, a paper could come back to the
    same stamp and count with other rows. Another file in its place is not the file kept for."""
    import shutil

    path = cited.path
    copy = tmp_path / "copy.db"
    cited.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    shutil.copyfile(path, copy)
    _add_tag_row(cited, 2, "only-in-the-library")
    assert kept(cited, "bibtex") == fresh(cited, "bibtex")
    cited.close()
    copy.replace(path)  # the copy, put back in the library's place
    for leftover in (path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        leftover.unlink(missing_ok=True)
    with Library(path) as restored:
        _add_tag_row(restored, 2, "only-in-the-copy")  # the same stamp and count as before
        assert "only-in-the-copy" in kept(restored, "bibtex")
        assert kept(restored, "bibtex") == fresh(restored, "bibtex")


def test_a_copy_written_over_the_library_is_not_taken_for_it(
    cited: Library, tmp_path: Path
) -> None:
    """The same as a copy put in its place, but written over the file itself (``cp``): the
    next writer finds the file changed by another program and draws the library a new id."""
    import shutil

    path = cited.path
    copy = tmp_path / "copy.db"
    cited.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    shutil.copyfile(path, copy)
    _add_tag_row(cited, 2, "only-in-the-library")
    assert kept(cited, "bibtex") == fresh(cited, "bibtex")
    cited.close()
    for leftover in (path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        leftover.unlink(missing_ok=True)
    with open(copy, "rb") as source, open(path, "r+b") as target:  # the same file, overwritten
        target.write(source.read())
        target.truncate()
    with Library(path) as restored:
        _add_tag_row(restored, 2, "only-in-the-copy")
        assert "only-in-the-copy" in kept(restored, "bibtex")
        assert kept(restored, "bibtex") == fresh(restored, "bibtex")


def test_a_cache_folder_that_cannot_be_written_only_slows_the_export(
    cited: Library, cache: Path
) -> None:
    cache.write_text("a file where the folder would be", encoding="utf-8")
    for _ in range(2):
        assert kept(cited, "bibtex") == fresh(cited, "bibtex")


def test_a_library_without_stamps_is_exported_as_before(cited: Library) -> None:
    cited.db.execute("DELETE FROM stats WHERE name = 'library_id'")
    cited.db.conn.commit()
    from reader.exporting import selected_ids

    assert kept_pieces(cited, lambda: selected_ids(cited, None, None), "bibtex") is None
    result = assert_ok(cli(cited.path, "export", "--all", "--format", "bibtex"))
    assert result.stdout == fresh(cited, "bibtex")


@pytest.mark.parametrize("fmt", FORMATS)
def test_the_command_writes_the_same_bytes_to_a_file_and_to_stdout(
    cited: Library, tmp_path: Path, fmt: str
) -> None:
    expected = fresh(cited, fmt)
    for round_ in range(2):
        out = tmp_path / f"out-{round_}"
        assert_ok(cli(cited.path, "export", "--all", "--format", fmt, "-o", str(out)))
        assert out.read_text(encoding="utf-8") == expected
        assert assert_ok(cli(cited.path, "export", "--all", "--format", fmt)).stdout == expected


def test_exports_in_processes_racing_a_writer_end_with_the_library_as_it_is(
    cited: Library, cache: Path, tmp_path: Path
) -> None:
    """Two processes export again and again while a third tags papers: every file written is
    a whole export, and once the writer is done the kept entries give the library as it is."""
    import subprocess
    import sys

    cited.close()
    db = cited.path
    env = {CACHE_ENV: str(cache)}
    script = (
        "import subprocess, sys\n"
        "for n in range(6):\n"
        "    subprocess.run([sys.executable, '-m', 'reader', '--db', sys.argv[1], 'tag',"
        " str(n % 5 + 1), f'race{n}'], check=True, capture_output=True)\n"
    )
    writer = subprocess.Popen([sys.executable, "-c", script, str(db)], env={**_environ(), **env})
    for round_ in range(4):
        for fmt in FORMATS:
            out = tmp_path / f"race-{round_}.{fmt}"
            done = run_reader(db, "export", "--all", "--format", fmt, "-o", str(out), env=env)
            assert done.returncode == 0, done.stderr
            assert _entries(out.read_text(encoding="utf-8"), fmt) == 5
    assert writer.wait(timeout=120) == 0
    with Library(db) as library:
        for fmt in FORMATS:
            done = run_reader(db, "export", "--all", "--format", fmt, env=env)
            assert done.stdout == fresh(library, fmt)
            assert "race5" in done.stdout


def _entries(text: str, fmt: str) -> int:
    import json

    if fmt == "csl-json":
        return len(json.loads(text))
    if fmt == "markdown":
        return sum(1 for line in text.splitlines() if line.startswith("- ["))
    if fmt == "csv":
        import csv
        import io

        return len(list(csv.reader(io.StringIO(text)))) - 1
    return sum(1 for line in text.splitlines() if line.startswith("@"))


def _environ() -> dict[str, str]:
    import os

    return dict(os.environ)
