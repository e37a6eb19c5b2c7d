"""A crash in the middle of an import (SIGKILL, or an error half-way through the writes) leaves
a sound database holding either none or all of that import, and everything that was there."""

from __future__ import annotations

import re
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from reader.importers.listing import parse_listing
from reader.models import LibraryError
from reader.store import Library

from .support import (
    SEED_PAPERS,
    assert_ok,
    cli,
    fingerprint,
    listing_text,
)

FILES = 40
PER_FILE = 1_000
SEEDED = len(SEED_PAPERS)


def write_dumps(folder: Path, files: int = FILES, per_file: int = PER_FILE) -> int:
    folder.mkdir()
    for number in range(files):
        papers = [
            (
                f"Generated paper {number}-{index}: method {index} for task {number}",
                f"We study problem {number}.{index}; code at https://github.com/gen/p{number}x{index}.",
            )
            for index in range(per_file)
        ]
        date = f"Mar {number % 28 + 1}"
        (folder / f"dump-{number:03}.txt").write_text(
            listing_text(papers, date=date), encoding="utf-8"
        )
    return files * per_file


def check_database(db: Path) -> int:
    """Integrity of the file and of every full-text index; returns the paper count."""
    conn = sqlite3.connect(str(db))
    try:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        tables = conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'table'")
        for name, sql in tables.fetchall():
            if not re.search(r"USING\s+fts5\s*\(", sql or "", re.IGNORECASE):
                continue
            conn.execute(f"INSERT INTO {name} ({name}) VALUES ('integrity-check')")
        return conn.execute("SELECT count(*) FROM papers").fetchone()[0]
    finally:
        conn.close()


def kill_mid_import(db: Path, dumps: Path, wal_bytes: int) -> tuple[bool, float]:
    """Start ``reader import``; SIGKILL it once its write transaction has put ``wal_bytes``
    into the log. Returns whether it was still running when killed, and when."""
    wal = db.with_name(db.name + "-wal")
    process = subprocess.Popen(
        [sys.executable, "-m", "reader", "--db", str(db), "import", str(dumps)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
    )
    started = time.monotonic()
    try:
        while process.poll() is None and time.monotonic() - started < 30:
            if wal.exists() and wal.stat().st_size >= wal_bytes:
                break
            time.sleep(0.005)
        alive = process.poll() is None
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    if alive:
        assert process.returncode == -signal.SIGKILL
    return alive, time.monotonic() - started


@pytest.mark.parametrize("wal_kb", [64, 6 * 1024], ids=["early", "late"])
def test_sigkill_during_an_import_keeps_none_or_all_of_it(
    seeded: Path, tmp_path: Path, wal_kb: int
) -> None:
    dumps = tmp_path / "dumps"
    total = write_dumps(dumps)
    before = fingerprint(seeded)
    alive, when = kill_mid_import(seeded, dumps, wal_kb * 1024)
    if wal_kb == 64:
        # The first pages in the log mean the write transaction is under way (or committing).
        assert alive, f"the import finished ({when:.1f}s) before it could be killed"
    count = check_database(seeded)
    if count == SEEDED:
        assert fingerprint(seeded) == before, "the killed import left something behind"
    else:
        assert count == SEEDED + total, f"{count - SEEDED} of {total} papers: a partial import"
        after = fingerprint(seeded, indexes=False)
        for table, rows in before.items():
            if table in after and table != "sqlite_sequence":
                assert set(rows) <= set(after[table]), f"{table}: seed rows lost"
    # The library is usable afterwards, and the same import now completes.
    assert_ok(cli(seeded, "papers", "seed"))
    if wal_kb == 64:
        assert_ok(cli(seeded, "import", str(dumps)))
        assert check_database(seeded) == SEEDED + total
        with Library(seeded) as library:
            assert library.paper(1).tags == ("seed-tag", "topic/sub")
            assert [note.body for note in library.notes(1)] == ["A seed note with *Markdown*."]


def test_sigkill_while_reading_the_files_leaves_the_library_alone(
    seeded: Path, tmp_path: Path
) -> None:
    dumps = tmp_path / "dumps"
    write_dumps(dumps, files=20)
    before = fingerprint(seeded)
    process = subprocess.Popen(
        [sys.executable, "-m", "reader", "--db", str(seeded), "import", str(dumps)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        stdin=subprocess.DEVNULL,
    )
    time.sleep(0.3)  # interpreter started, files being read
    process.kill()
    process.wait()
    count = check_database(seeded)
    assert count in (SEEDED, SEEDED + 20 * PER_FILE)
    if count == SEEDED:
        assert fingerprint(seeded) == before


def _failing_after(db: Path, table: str, rows: int) -> None:
    """An SQLite trigger that fails the write once ``table`` holds ``rows`` rows, as a full disk
    would part-way through an import."""
    conn = sqlite3.connect(str(db))
    conn.execute(
        f"CREATE TRIGGER fail_late AFTER INSERT ON {table} "
        f"WHEN (SELECT count(*) FROM {table}) > {rows} "
        "BEGIN SELECT RAISE(ABORT, 'simulated failure half-way'); END"
    )
    conn.commit()
    conn.close()


@pytest.mark.parametrize("table", ["papers", "sources", "links"])
def test_an_error_half_way_through_an_import_rolls_all_of_it_back(
    seeded: Path, tmp_path: Path, table: str
) -> None:
    _failing_after(seeded, table, 500)
    before = fingerprint(seeded)
    dumps = tmp_path / "dumps"
    write_dumps(dumps, files=3)
    listings = [
        parse_listing(path.read_text(encoding="utf-8"), path.name)
        for path in sorted(dumps.iterdir())
    ]
    with Library(seeded) as library, pytest.raises(LibraryError, match="simulated failure"):
        library.import_listings(listings)
    assert fingerprint(seeded) == before
    assert check_database(seeded) == SEEDED
    result = cli(seeded, "import", str(dumps))
    assert result.exit_code != 0
    assert fingerprint(seeded) == before


def test_an_error_half_way_through_a_backup_restore_rolls_it_back(
    seeded: Path, tmp_path: Path
) -> None:
    backup = tmp_path / "backup.json"
    with Library(seeded) as library:
        library.import_listings(
            [parse_listing(listing_text([(f"Extra {i}", "x") for i in range(50)]), "extra.txt")]
        )
    assert_ok(cli(seeded, "export", "--all", "--format", "json", "-o", str(backup)))
    target = tmp_path / "target.db"
    Library(target).close()
    _failing_after(target, "annotations", 0)
    before = fingerprint(target)
    result = cli(target, "import", str(backup))
    assert result.exit_code != 0
    assert fingerprint(target) == before
