"""Files reader did not write, or that a newer reader wrote: refused, and left byte-for-byte as
they were; files from an older reader: migrated after a backup copy is written next to them."""

from __future__ import annotations

import random
import shutil
import sqlite3
from pathlib import Path

import pytest

import reader.store.schema
from reader.store import Library
from reader.store.schema import LATEST_VERSION, MIGRATIONS, Migration

from .support import (
    assert_ok,
    assert_process_refused,
    assert_refused,
    cli,
    file_hashes,
    fingerprint,
    run_reader,
    seed_library,
    unexpected,
)

# Commands that read, write or import: every one of them must refuse a foreign file.
READS = [
    ["papers"],
    ["papers", "paper"],
    ["show", "1"],
    ["notes", "1"],
    ["lists"],
    ["tags"],
    ["export", "--all", "--format", "json"],
]
WRITES = [
    ["tag", "1", "x"],
    ["rate", "1", "3"],
    ["note", "1", "a note"],
    ["list", "create", "New"],
    ["undo"],
    ["import", "LISTING"],
]


def _listing(folder: Path) -> Path:
    path = folder / "listing.txt"
    path.write_text("new\n\nMar 11\n\nA Title\n\nAn abstract.\n", encoding="utf-8")
    return path


def assert_all_commands_refuse(db: Path, *, says: str = "", salvage: bool = False) -> None:
    """Every command is refused with one line naming the file, which is left as it was.

    With ``salvage``, commands that only read may also succeed (what is still readable of a
    damaged library can be exported), but never with a traceback.
    """
    folder = db.parent
    listing = _listing(folder.parent)
    before = file_hashes(folder)
    for command in READS + WRITES:
        args = [str(listing) if arg == "LISTING" else arg for arg in command]
        result = cli(db, *args)
        if salvage and command in READS and result.exit_code == 0:
            assert not unexpected(result)
        else:
            line = assert_refused(result, db.name)
            assert says in line, f"{command}: {line!r} does not say {says!r}"
        assert file_hashes(folder) == before, (
            f"{command} changed the files: {sorted(folder.iterdir())}"
        )


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    path = tmp_path / "data"
    path.mkdir()
    return path


# -- newer --------------------------------------------------------------------------------------


def _newer(path: Path) -> None:
    seed_library(path)
    conn = sqlite3.connect(str(path))
    conn.execute(f"PRAGMA user_version = {LATEST_VERSION + 1}")
    conn.execute("CREATE TABLE from_the_future (x)")
    conn.commit()
    conn.close()


def test_a_library_from_a_newer_version_is_refused_untouched(folder: Path) -> None:
    db = folder / "lib.db"
    _newer(db)
    assert_all_commands_refuse(db, says="newer version")


def test_a_newer_library_with_its_write_ahead_log_is_left_untouched(folder: Path) -> None:
    """A newer reader that crashed (or is still running) leaves committed changes in the -wal
    file: an older reader must not fold them into the database, or delete the log."""
    source = folder.parent / "source.db"
    _newer(source)
    conn = sqlite3.connect(str(source))
    conn.execute("PRAGMA wal_autocheckpoint = 0")
    conn.execute("INSERT INTO tags (name) VALUES ('only-in-the-log')")
    conn.execute(f"PRAGMA user_version = {LATEST_VERSION + 2}")
    conn.commit()
    db = folder / "lib.db"
    shutil.copyfile(source, db)
    shutil.copyfile(source.with_name("source.db-wal"), folder / "lib.db-wal")
    conn.close()
    assert (folder / "lib.db-wal").stat().st_size > 0
    assert_all_commands_refuse(db, says="newer version")


def test_the_real_command_refuses_a_newer_library(folder: Path) -> None:
    db = folder / "lib.db"
    _newer(db)
    before = file_hashes(folder)
    line = assert_process_refused(run_reader(db, "papers"), db.name)
    assert "newer version" in line
    assert file_hashes(folder) == before


# -- not a library ------------------------------------------------------------------------------


def _corrupt_page(path: Path, page: int) -> None:
    data = bytearray(path.read_bytes())
    size = int.from_bytes(data[16:18], "big") or 65536
    data[(page - 1) * size : page * size] = random.Random(page).randbytes(size)
    path.write_bytes(bytes(data))


def _root_page(path: Path, table: str) -> int:
    conn = sqlite3.connect(str(path))
    try:
        return conn.execute(
            "SELECT rootpage FROM sqlite_master WHERE name = ?", [table]
        ).fetchone()[0]
    finally:
        conn.close()


def _checkpointed_seed(path: Path, papers: int = 200) -> None:
    from reader.importers.listing import parse_listing

    seed_library(path)
    with Library(path) as library:
        body = "".join(
            f"Paper number {i}\n\nAbstract {i} " + "words " * 60 + "\n\n" for i in range(papers)
        )
        library.import_listings([parse_listing("new\n\nMar 11\n\n" + body, "many.txt")])
    conn = sqlite3.connect(str(path))
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # one self-contained file, still in WAL mode
    conn.close()
    assert not path.with_name(path.name + "-wal").exists()


def _random_file(path: Path) -> None:
    path.write_bytes(random.Random(1).randbytes(64 * 1024))


def _text_file(path: Path) -> None:
    path.write_text("These are my notes, not a database.\n" * 100, encoding="utf-8")


def _zip_file(path: Path) -> None:
    path.write_bytes(b"PK\x03\x04" + random.Random(2).randbytes(4096))


def _header_only(path: Path) -> None:
    path.write_bytes(b"SQLite format 3\x00" + random.Random(3).randbytes(4096 * 4))


def _truncated(path: Path) -> None:
    _checkpointed_seed(path)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def _truncated_to_a_page(path: Path) -> None:
    _checkpointed_seed(path)
    data = path.read_bytes()
    path.write_bytes(data[:4096])


def _schema_page_corrupt(path: Path) -> None:
    _checkpointed_seed(path)
    _corrupt_page(path, 2)


def _papers_page_corrupt(path: Path) -> None:
    _checkpointed_seed(path)
    _corrupt_page(path, _root_page(path, "papers"))


def _notes_page_corrupt(path: Path) -> None:
    _checkpointed_seed(path)
    _corrupt_page(path, _root_page(path, "annotations"))


def _other_sqlite(path: Path) -> None:
    conn = sqlite3.connect(str(path))
    conn.execute("CREATE TABLE moz_places (id INTEGER PRIMARY KEY, url TEXT)")
    conn.execute("INSERT INTO moz_places (url) VALUES ('https://example.org')")
    conn.commit()
    conn.close()


def _other_sqlite_with_a_version(path: Path) -> None:
    """Many programs set user_version too: 1 says nothing about whose file it is."""
    conn = sqlite3.connect(str(path))
    conn.execute("CREATE TABLE contacts (id INTEGER PRIMARY KEY, name TEXT)")
    conn.execute("INSERT INTO contacts (name) VALUES ('Ada')")
    conn.execute(f"PRAGMA user_version = {LATEST_VERSION}")
    conn.commit()
    conn.close()


FOREIGN = [
    _random_file,
    _text_file,
    _zip_file,
    _header_only,
    _truncated,
    _truncated_to_a_page,
    _other_sqlite,
    _other_sqlite_with_a_version,
]
DAMAGED = [_schema_page_corrupt, _papers_page_corrupt, _notes_page_corrupt]


@pytest.mark.parametrize("make", FOREIGN, ids=[make.__name__.strip("_") for make in FOREIGN])
def test_a_file_that_is_not_a_reader_library_is_refused_untouched(folder: Path, make) -> None:
    db = folder / "lib.db"
    make(db)
    assert_all_commands_refuse(db)


@pytest.mark.parametrize("make", DAMAGED, ids=[make.__name__.strip("_") for make in DAMAGED])
def test_a_damaged_library_is_never_written_to(folder: Path, make) -> None:
    """A library with a corrupt page: no write goes into it, nothing escapes as a traceback,
    and the file is left as it was for recovery tools."""
    db = folder / "lib.db"
    make(db)
    assert_all_commands_refuse(db, salvage=True)


def test_a_folder_given_as_the_library_is_refused(folder: Path) -> None:
    target = folder / "lib.db"
    target.mkdir()
    result = cli(target, "papers")
    assert result.exit_code != 0
    assert not unexpected(result), unexpected(result)
    assert "lib.db" in result.stderr
    assert list(target.iterdir()) == []


@pytest.mark.parametrize("make", [_text_file, _newer], ids=["text", "newer"])
def test_the_app_refuses_a_foreign_file_before_the_screen_opens(folder: Path, make) -> None:
    db = folder / "lib.db"
    make(db)
    before = file_hashes(folder)
    assert_process_refused(run_reader(db, timeout=30), db.name)
    assert file_hashes(folder) == before


# -- older --------------------------------------------------------------------------------------


def build_version(path: Path, version: int, migrations=MIGRATIONS) -> None:
    """A library as a reader of schema ``version`` left it: only the first migrations, applied
    by hand, with some data when there are tables to hold it."""
    if version == 0:
        path.touch()  # what a brand-new library file is before its first migration
        return
    conn = sqlite3.connect(str(path))
    conn.execute(
        "CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, "
        "applied TEXT NOT NULL)"
    )
    for step in migrations:
        if step.version <= version:
            conn.executescript(step.sql)
            conn.execute(
                "INSERT INTO schema_migrations VALUES (?, ?, '2024-01-01T00:00:00Z')",
                [step.version, step.name],
            )
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute(
        "INSERT INTO papers (id, key, title, abstract, added) VALUES "
        "(1, 'old-paper', 'An Old Paper', 'Written before the upgrade.', '2024-01-01T00:00:00Z')"
    )
    conn.execute("INSERT INTO tags (id, name) VALUES (1, 'kept')")
    conn.execute("INSERT INTO paper_tags VALUES (1, 1)")
    conn.execute(
        "INSERT INTO annotations (paper_id, body, created, updated) VALUES "
        "(1, 'years of work', '2024-01-01T00:00:00Z', '2024-01-01T00:00:00Z')"
    )
    conn.execute("INSERT INTO lists (id, name, created) VALUES (1, 'Old list', '2024-01-01')")
    conn.execute("INSERT INTO list_items VALUES (1, 1, 1, '2024-01-01')")
    for (name,) in conn.execute(
        "SELECT name FROM sqlite_master WHERE sql LIKE 'CREATE VIRTUAL TABLE%fts5%content%=%'"
    ).fetchall():
        if name == "titles_fts" and version >= 2:  # its content is a view: no 'rebuild'
            conn.execute(
                "INSERT INTO titles_fts (rowid, title, authors) "
                "SELECT id, title, authors FROM paper_text"
            )
        else:
            conn.execute(f"INSERT INTO {name} ({name}) VALUES ('rebuild')")  # fill the indexes
    conn.execute(f"PRAGMA user_version = {version}")
    conn.commit()
    conn.close()


def check_migrated(db: Path, version: int, latest: int) -> None:
    with Library(db) as library:
        assert library.schema_version == latest
        assert [row["version"] for row in library.migrations()] == list(range(1, latest + 1))
        if version > 0:
            paper = library.paper("old-paper")
            assert paper.title == "An Old Paper"
            assert paper.tags == ("kept",)
            assert [note.body for note in paper.annotations] == ["years of work"]
            assert paper.lists == ("Old list",)
            assert library.search("upgrade").ids == [paper.id]
    backup = db.with_name(f"{db.name}.v{version}.bak")
    if version == 0:
        assert not backup.exists()
        return
    assert backup.exists(), sorted(db.parent.iterdir())
    assert backup.stat().st_mode & 0o077 == 0, "the backup copy must be as private as the library"
    conn = sqlite3.connect(f"file:{backup}?mode=ro", uri=True)
    try:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == version
        assert conn.execute("SELECT title FROM papers").fetchall() == [("An Old Paper",)]
        assert conn.execute("SELECT body FROM annotations").fetchall() == [("years of work",)]
    finally:
        conn.close()


@pytest.mark.parametrize("version", range(LATEST_VERSION), ids=lambda v: f"from-v{v}")
def test_an_older_library_is_migrated_after_a_backup(folder: Path, version: int) -> None:
    db = folder / "lib.db"
    build_version(db, version)
    if version > 0:
        db.chmod(0o600)
    assert_ok(cli(db, "papers"))
    check_migrated(db, version, LATEST_VERSION)


FUTURE = Migration(
    LATEST_VERSION + 1,
    "a test step",
    "CREATE TABLE test_step (id INTEGER PRIMARY KEY, note TEXT); "
    "ALTER TABLE papers ADD COLUMN test_column TEXT;",
)


@pytest.mark.parametrize("version", range(1, LATEST_VERSION + 1), ids=lambda v: f"from-v{v}")
def test_the_migration_machinery_with_one_more_step(
    folder: Path, monkeypatch: pytest.MonkeyPatch, version: int
) -> None:
    """Today's schema plays the older version for a made-up next step: the backup is written
    and the data survive."""
    db = folder / "lib.db"
    build_version(db, version)
    db.chmod(0o600)
    monkeypatch.setattr(reader.store.schema, "MIGRATIONS", (*MIGRATIONS, FUTURE))
    monkeypatch.setattr(reader.store.schema, "LATEST_VERSION", FUTURE.version)
    assert_ok(cli(db, "papers"))
    check_migrated(db, version, FUTURE.version)


def test_a_failing_migration_leaves_the_library_as_it_was(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = folder / "lib.db"
    build_version(db, LATEST_VERSION)
    before = fingerprint(db)
    broken = Migration(
        LATEST_VERSION + 1,
        "a broken step",
        "CREATE TABLE half_done (x); INSERT INTO no_such_table VALUES (1);",
    )
    monkeypatch.setattr(reader.store.schema, "MIGRATIONS", (*MIGRATIONS, broken))
    monkeypatch.setattr(reader.store.schema, "LATEST_VERSION", broken.version)
    assert_refused(cli(db, "papers"))
    monkeypatch.undo()
    assert fingerprint(db) == before
    with Library(db) as library:
        assert library.schema_version == LATEST_VERSION
        assert library.paper("old-paper").title == "An Old Paper"


def test_a_paper_id_beyond_what_search_holds_is_one_line_not_a_crash(
    filled: Library, tmp_path: Path
) -> None:
    """Search keeps ids in 32-bit sets; only another program can number a paper 2**63 - 1."""
    path = filled.path
    filled.close()
    with sqlite3.connect(path) as other:
        columns = [row[1] for row in other.execute("PRAGMA table_info(papers)")]
        row = list(other.execute("SELECT * FROM papers WHERE id = 1").fetchone())
        row[columns.index("id")], row[columns.index("key")] = 2**63 - 1, "far-away"
        other.execute(
            f"INSERT INTO papers ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})",
            row,
        )
    before = fingerprint(path)
    for args in (["papers", "learning"], ["export", "--all", "--format", "bibtex"]):
        assert_refused(cli(path, *args), "4,294,967,295")
    assert fingerprint(path) == before
    assert_ok(cli(path, "export", "--all", "--format", "json", "-o", str(tmp_path / "all.json")))
