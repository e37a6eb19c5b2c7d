"""Opening a library file: refusing what is not ours, creating, migrating, checking integrity.

Nothing here opens a Python file handle on the library: closing one would drop this process's
POSIX locks on it, which SQLite relies on while the app and other processes write.
"""

from __future__ import annotations

import os
import sqlite3
import stat
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from reader.models import ReaderError
from reader.store import clock, errors, schema

if TYPE_CHECKING:
    from reader.store.library import Library

BUSY_TIMEOUT_MS = 30_000
PAGE_SIZE = 16_384


def create_private(path: Path) -> None:
    """Create an empty file only its owner can read: notes and reading lists are private."""
    os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))


def newer_error(path: Path, version: int) -> ReaderError:
    return ReaderError(
        f"{path}: written by a newer version of reader (schema {version}; this version knows "
        f"up to {schema.LATEST_VERSION}). Upgrade reader to open it; the file was left untouched."
    )


def probe(path: Path) -> int | None:
    """The schema version of an existing file, read without changing a byte of it.

    The connection is read-only and immutable, so it creates no ``-wal`` or ``-shm`` file and
    cannot checkpoint one. An immutable read takes no locks, so while other processes write
    (or create the file) it may see a page mid-change: then it answers None and the real
    connection, with its locks, decides.
    """
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro&immutable=1", uri=True)
    except sqlite3.Error as error:
        raise ReaderError(f"{path}: cannot be opened ({error})") from None
    try:
        version, tables = schema_facts(conn)
    except sqlite3.DatabaseError:
        return None
    finally:
        conn.close()
    check_schema(path, version, tables)
    return version


def schema_facts(conn: sqlite3.Connection) -> tuple[int, set[str]]:
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master")}
    return version, tables


def check_schema(path: Path, version: int, tables: set[str]) -> None:
    if version > schema.LATEST_VERSION:
        raise newer_error(path, version)
    if (version == 0 and tables) or (version > 0 and not {"papers", "schema_migrations"} <= tables):
        raise ReaderError(f"{path}: an SQLite file, but not a reader library; left untouched")


def statements(script: str) -> Iterator[str]:
    """Split a migration script into statements (triggers included) to run one by one."""
    buffer = ""
    for piece in script.split(";"):
        buffer += piece + ";"
        if sqlite3.complete_statement(buffer):
            if buffer.strip(" \t\r\n;"):
                yield buffer.strip()
            buffer = ""


def _connect(target: str, *, threads: bool, uri: bool = False) -> sqlite3.Connection:
    """A connection with no implicit transactions: every write of the store opens its own
    (``BEGIN IMMEDIATE``), and a lone statement outside one takes effect at once."""
    return sqlite3.connect(
        target,
        timeout=BUSY_TIMEOUT_MS / 1000,
        check_same_thread=not threads,
        uri=uri,
        isolation_level=None,
    )


def _refuse_odd_file(path: Path, *, create: bool) -> None:
    """Only a regular file can be a library: a FIFO would hang SQLite and a device would be
    written over. A missing file is created only by commands that may create a library."""
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        if not create:
            raise ReaderError(
                f"no library at {path} (`reader import FILE` creates one; "
                "--db or READER_DB choose another)"
            ) from None
        return
    except OSError as error:
        raise ReaderError(f"{path}: cannot be opened ({error.strerror})") from None
    if stat.S_ISDIR(mode):
        raise ReaderError(f"{path}: is a folder, not a library file")
    if not stat.S_ISREG(mode):
        kind = "a FIFO" if stat.S_ISFIFO(mode) else "a device or socket"
        raise ReaderError(f"{path}: not a regular file ({kind}); a library is a file")


def connect(
    path: Path, *, threads: bool, readonly: bool = False, create: bool = True
) -> tuple[sqlite3.Connection, int]:
    """A connection to a reader library (created when missing and ``create``) and its schema
    version. ``readonly`` opens it for reading only, which works on read-only media too."""
    _refuse_odd_file(path, create=create and not readonly)
    if readonly and errors.environment_cause(path) is not None:
        return _connect_readonly(path, threads=threads)
    if not path.exists():
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            create_private(path)
        except OSError as error:
            raise errors.describe(path, error) from None
    elif path.stat().st_size > 0:
        probe(path)
    conn = _connect(str(path), threads=threads)
    try:
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        version, tables = schema_facts(conn)
        check_schema(path, version, tables)
        if version == 0:
            # Larger pages pack ~1 KB abstracts tightly: a third smaller file than 4 KB pages.
            conn.execute(f"PRAGMA page_size = {PAGE_SIZE}")
        conn.execute("PRAGMA foreign_keys = ON")
        use_wal(conn)
        conn.execute("PRAGMA synchronous = NORMAL")
    except sqlite3.Error as error:
        conn.close()
        if readonly and errors.environment_cause(path) is not None:
            return _connect_readonly(path, threads=threads)
        raise errors.describe(path, error) from None
    except ReaderError:
        conn.close()
        raise
    return conn, version


def _connect_readonly(path: Path, *, threads: bool) -> tuple[sqlite3.Connection, int]:
    """Read a library that cannot be written here (read-only media, a full disk). A WAL
    library needs its shared-memory file, which such a folder cannot hold: then the file is
    read as immutable (nobody can be writing it there either)."""
    if path.stat().st_size > 0:
        probe(path)
    uri = path.resolve().as_uri()
    conn = _connect(f"{uri}?mode=ro", threads=threads, uri=True)
    try:
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        version, tables = schema_facts(conn)
    except sqlite3.Error as error:
        conn.close()
        if errors.environment_cause(path) is None:
            raise errors.describe(path, error) from None
        conn = _connect(f"{uri}?mode=ro&immutable=1", threads=threads, uri=True)
        try:
            version, tables = schema_facts(conn)
        except sqlite3.Error as error:
            conn.close()
            raise errors.describe(path, error) from None
    check_schema(path, version, tables)
    if version == 0:
        conn.close()
        raise ReaderError(
            f"no library at {path} (the file is empty; `reader import FILE` fills it)"
        )
    return conn, version


def use_wal(conn: sqlite3.Connection) -> None:
    """Switch to write-ahead logging; another process creating the file at the same moment
    may hold the lock the switch needs, and SQLite does not wait for it, so we do."""
    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    while True:
        try:
            if conn.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
                conn.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as error:
            if "locked" not in str(error) or time.monotonic() > deadline:
                raise
            time.sleep(0.01)


def migrate(library: Library, version: int) -> None:
    """Bring the schema up to date in one immediate transaction, after a backup copy."""
    if not any(step.version > version for step in schema.MIGRATIONS):
        return
    if version > 0:
        backup_copy(library, library.path.with_name(f"{library.path.name}.v{version}.bak"))
    db = library.db
    with library.write():
        # Another process may have migrated while we waited for the lock: look again.
        version = db.execute("PRAGMA user_version").fetchone()[0]
        db.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations ("
            " version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied TEXT NOT NULL)"
        )
        for step in schema.MIGRATIONS:
            if step.version <= version:
                continue
            for statement in statements(step.sql):
                db.execute(statement)
            db["schema_migrations"].insert(
                {"version": step.version, "name": step.name, "applied": clock.now()}
            )
            db.execute(f"PRAGMA user_version = {int(step.version)}")


def backup_copy(library: Library, target: Path) -> None:
    """Copy the library through SQLite (a consistent snapshot, WAL included)."""
    target.unlink(missing_ok=True)
    create_private(target)
    copy = sqlite3.connect(str(target))
    try:
        library.db.conn.backup(copy)
    finally:
        copy.close()


def verify(library: Library) -> None:
    """Refuse to write into a damaged file: it is left as it is, for recovery tools."""
    try:
        problems = [row[0] for row in library.db.execute("PRAGMA quick_check(5)")]
    except sqlite3.DatabaseError as error:
        if errors.environment_cause(library.path) is not None or "locked" in str(error):
            raise errors.describe(library.path, error) from None
        problems = [str(error)]
    if problems != ["ok"]:
        raise ReaderError(
            f"{library.path}: the library file is damaged ({problems[0]}); nothing was "
            "written. `reader export --all --format json` may save what is readable."
        )
