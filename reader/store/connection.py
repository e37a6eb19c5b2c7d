"""A library file's connection: opening it, its transactions, and SQLite's errors said in a
person's words. ``Library`` builds on it with one part per aggregate."""

from __future__ import annotations

import functools
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from reader.models import LibraryError
from reader.store import errors, opening, schema
from reader.store.db import Database

# Whether the library keeps export stamps (schema step 6; the migrations write before it).
_KEEPS_STAMPS = "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'export_stamps'"


def storage_errors(method: Callable[..., Any]) -> Callable[..., Any]:
    """SQLite's errors leave the store as LibraryError, in a person's words."""

    @functools.wraps(method)
    def guarded(self: Connection, *args: Any, **kwargs: Any) -> Any:
        try:
            return method(self, *args, **kwargs)
        except sqlite3.Error as error:
            raise errors.describe(self.path, error) from None

    return guarded


class Connection:
    """One SQLite connection to a library file, and the write transaction every change uses."""

    def __init__(
        self,
        path: str | Path,
        *,
        threads: bool = False,
        readonly: bool = False,
        create: bool = True,
    ) -> None:
        """Open (creating or migrating) a library.

        ``threads`` allows use from worker threads, which the caller must then serialise;
        ``readonly`` never writes a byte (it works on read-only media); ``create=False`` refuses
        a missing file instead of starting an empty library there."""
        self.path = Path(path).expanduser()
        self.readonly = readonly
        conn, version = opening.connect(
            self.path, threads=threads, readonly=readonly, create=create
        )
        if readonly and version < schema.LATEST_VERSION:
            conn.close()  # an older library is upgraded once, by a connection that may write
            try:
                type(self)(self.path, create=False).close()
            except (LibraryError, OSError) as error:
                # Read-only media, a full disk, a lock held elsewhere: a schema this version
                # reads as it is is read so. An older one cannot be, and a step that fails
                # for any other reason is said, as for a writer.
                held = isinstance(error, LibraryError) and error.busy
                if version < schema.READABLE_FROM or not (
                    held or errors.environment_cause(self.path) is not None
                ):
                    raise
            conn, version = opening.connect(self.path, threads=threads, readonly=True)
        self.db = Database(conn)
        self._writes = 0
        self._verified = False
        self._outside_change = False  # found changed by another program: see ``write``
        self._version = version
        # PRAGMA data_version as this connection last saw it under its own write lock: a
        # different value at the next write means another connection committed in between.
        self._seen_version: int | None = self._data_version_now()
        self._changed_elsewhere = False

    # -- lifecycle ---------------------------------------------------------------------------

    def close(self) -> None:
        wrote = self._writes > 0 and self._verified
        self.db.close()
        if wrote:
            from reader.store import checked  # loaded by the first write

            # Closing folded this process's changes into the file, from a sound state.
            checked.remember(self.path)

    def __enter__(self) -> Connection:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def schema_version(self) -> int:
        return self.db.execute("PRAGMA user_version").fetchone()[0]

    def set_busy_timeout(self, seconds: float) -> None:
        """How long a write waits for another process's lock before giving up as busy."""
        self.db.execute(f"PRAGMA busy_timeout = {max(0, int(seconds * 1000))}")

    def interrupt(self) -> None:
        """Stop the statement running on this connection, from any thread (SQLite allows it).

        Between statements it does nothing, so a caller waiting for work to stop repeats it."""
        self.db.conn.interrupt()

    def verify(self) -> None:
        opening.verify(self)
        self._verified = True

    def migrations(self) -> list[dict[str, Any]]:
        return list(self.db.query("SELECT * FROM schema_migrations ORDER BY version"))

    # -- transactions (for the parts of the store) --------------------------------------------

    @contextmanager
    def write(self) -> Iterator[None]:
        """One immediate transaction: take the write lock up front so we never deadlock.

        Nested, it becomes a savepoint of the transaction already open."""
        if self.db.conn.in_transaction:
            with self.db.atomic():
                yield
            return
        if self.readonly:
            raise LibraryError(f"{self.path}: opened read-only; nothing was changed")
        try:
            if not self._verified:
                # Only a command that writes asks (its cache file's path, hashing, temporary
                # files): reading commands start without them.
                from reader.store import checked

                if checked.is_unchanged(self.path):
                    self._verified = True  # found sound before, and not changed since
                else:
                    self.verify()
                    checked.remember(self.path)
                    self._outside_change = True
            self.db.execute("BEGIN IMMEDIATE")
            self._note_commits_elsewhere()
            if self._outside_change and self.db.execute(_KEEPS_STAMPS).fetchone():
                # Changed by something other than reader since its last write (another copy put
                # in its place, say): export entries kept for this library are not used again.
                self.db.execute("UPDATE stats SET value = random() WHERE name = 'library_id'")
        except sqlite3.Error as error:
            raise errors.describe(self.path, error) from None
        try:
            yield
            self.db.conn.commit()
            self._outside_change = False
        except sqlite3.Error as error:
            self.db.conn.rollback()
            raise errors.describe(self.path, error) from None
        except BaseException:
            self.db.conn.rollback()
            raise
        finally:
            self._writes += 1

    def fold_log(self) -> None:
        """Copy the write-ahead log into the file itself, now, and say so if it cannot be done.

        Closing the last connection does the same, but SQLite keeps a failure there to itself
        (a full disk, say): the changes then live on in the log alone. That is safe for a
        library that keeps its log beside it, and not for a file about to be given another
        name without it (``creation``)."""
        busy, logged, copied = self.db.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        if busy or logged != copied:
            raise errors.describe(self.path, sqlite3.OperationalError("database is locked"))

    def _data_version_now(self) -> int:
        return self.db.execute("PRAGMA data_version").fetchone()[0]

    def _note_commits_elsewhere(self) -> None:
        """Under the write lock nobody else can commit, and this connection's own commits
        leave its data_version alone: a change since the last write is someone else's."""
        version = self._data_version_now()
        if version != self._seen_version:
            self._changed_elsewhere = True
        self._seen_version = version

    def take_changed_elsewhere(self) -> bool:
        """Whether another connection committed between this one's opening or last write and
        its latest write (asked once: the answer is then reset). An app that shows only what
        its own writes changed asks it to know when to show everything again."""
        changed, self._changed_elsewhere = self._changed_elsewhere, False
        return changed

    @contextmanager
    def read(self) -> Iterator[None]:
        """Several reads that must agree with each other: one snapshot of the library."""
        if self.db.conn.in_transaction:
            yield
            return
        self.db.execute("BEGIN")
        try:
            yield
        finally:
            self.db.conn.rollback()

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Group several imports into one all-or-nothing transaction."""
        with self.write():
            yield

    def stamp(self) -> tuple[int, int]:
        """Changes whenever any connection, this one included, has committed a change."""
        return self._data_version_now(), self._writes

    def data_version(self) -> tuple[int, int]:
        """Changes whenever this or another connection commits; cheap to poll."""
        total = self.db.execute("SELECT count(*) FROM undo_log").fetchone()[0]
        return self._data_version_now(), total


# Every public method answers storage failures with a LibraryError.
for _name, _method in list(vars(Connection).items()):
    if (
        not _name.startswith("_")
        and callable(_method)
        and _name
        not in {
            "write",
            "read",
            "transaction",
        }
    ):
        setattr(Connection, _name, storage_errors(_method))
