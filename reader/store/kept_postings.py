"""The papers of the library's commonest words, kept between sessions as compressed bitmaps.

At a million papers the third letter of a word (``mod``) matches most of the abstracts, and
SQLite hands a match over as text to be parsed: 0.2-0.5 s for such a prefix, every time the app
starts again. Once worked out, a large match is kept in a small SQLite file in the user cache
folder, one per library, with a version: the library's text version (a random number drawn
again with every change to the indexed text, see ``TEXT_VERSION_SCHEMA``) and the titles' and
abstracts' indexes' records of their segments (which FTS5 writes again whenever anything is
added, changed or removed). A kept match is used only at that version, so a change of text by
any process, a restored backup or another library at the same path all make it unused, while a
tag, a rating or a reading status leaves it in use. Long bm25 orders of title matches are kept
the same way (``title_ranks``), as arrays of ids. Nothing here ever writes to the library; the
cache is a convenience, and any failure to read or write it (a full disk, a damaged file,
another process writing it) only means the match is worked out as before.
"""

from __future__ import annotations

import contextlib
import hashlib
import sqlite3
from array import array
from pathlib import Path

from pyroaring import BitMap

from reader.store.db import Database
from reader.store.indexing import TEXT_VERSION
from reader.store.user_cache import CACHE_ENV, cache_folder, library_key

__all__ = ["CACHE_ENV", "FOLDER", "KEPT_FROM", "KeptPostings"]

FOLDER = "postings"  # in the user cache folder
# Matches of fewer papers than this are quick to work out again: not kept.
KEPT_FROM = 20_000
# The full-text indexes whose matches are kept ("table:expression"), and whose records of
# their segments make the version.
INDEXES = ("titles_fts", "abstracts_fts")
# Orders (rankings) of fewer ids than this are quick to work out again: not kept.
ORDER_KEPT_FROM = 1_000
# Ids beyond what a bitmap holds: never in a kept order.
BITMAP_LIMIT = 2**32
# What an order's key begins with (a match's is its index's name, then a colon).
ORDER = "order "
# Matches kept per library (a word in most of a million papers is ~130 KB: 26 MB at most).
MOST_KEPT = 200


class KeptPostings:
    """Large matches of one library's titles and abstracts, by index and FTS5 expression, for
    the indexes' current version."""

    def __init__(self, db: Database, library: Path) -> None:
        self.db = db
        self.library = library.resolve()
        self.path = cache_folder() / FOLDER / f"{library_key(self.library)}.db"
        self._cache: sqlite3.Connection | None = None
        self._broken = False

    def version(self) -> bytes | None:
        """The library's text version and the titles' and abstracts' indexes' records of their
        segments (hashed), or None inside a transaction, whose own pending changes are not to
        be kept, and in a library without a text version.

        The records alone are no proof of the content: two files (a copy edited apart from
        the library, then put back at its path; another library from a like import) can hold
        the very same records for different papers. Their text versions differ: each change
        draws a new random one, and a new library starts with its own."""
        if self.db.conn.in_transaction:
            return None
        try:
            text = self.db.execute(TEXT_VERSION).fetchone()
            if text is None:
                return None
            digest = hashlib.sha256(repr(text[0]).encode())
            for table in INDEXES:
                row = self.db.execute(f"SELECT block FROM {table}_data WHERE id = 10").fetchone()
                digest.update(row[0] if row else b"-")
        except sqlite3.Error:  # an index of another shape: nothing is kept or used
            return None
        return digest.digest()

    def get(self, expression: str, version: bytes) -> BitMap | None:
        blob = self._blob(expression, version)
        if blob is None:
            return None
        try:
            return BitMap.deserialize(blob)
        except (ValueError, TypeError, IndexError):  # not a bitmap (text, an empty blob)
            self._give_up(sqlite3.DatabaseError("damaged"))
        return None

    def get_order(self, key: str, version: bytes) -> array[int] | None:
        """Ids kept in an order (``put_order``)."""
        blob = self._blob(ORDER + key, version)
        if blob is None:
            return None
        try:
            order = array("q")
            order.frombytes(blob)  # type: ignore[arg-type]
            if order and min(order) >= 0 and max(order) < BITMAP_LIMIT:
                return order
        except (ValueError, TypeError):  # not whole ids (text, a cut blob)
            pass
        self._give_up(sqlite3.DatabaseError("damaged"))  # or empty, or ids no paper has
        return None

    def put(self, expression: str, version: bytes, ids: BitMap) -> None:
        """Keep a match worked out at ``version``, unless the library changed meanwhile.
        Never waits: a cache another process is writing is left alone this time."""
        if len(ids) >= KEPT_FROM:
            self._put(expression, version, ids.serialize())

    def put_order(self, key: str, version: bytes, order: array[int]) -> None:
        """Keep ids in an order worked out at ``version`` (a ranking), as ``put`` does."""
        if len(order) >= ORDER_KEPT_FROM:
            self._put(ORDER + key, version, order.tobytes())

    def _blob(self, key: str, version: bytes) -> object:
        cache = self._open()
        if cache is None:
            return None
        try:
            row = cache.execute(
                "SELECT ids FROM kept WHERE expression = ? AND version = ?", [key, version]
            ).fetchone()
        except sqlite3.Error as error:
            self._give_up(error)
            return None
        return row[0] if row else None

    def _put(self, key: str, version: bytes, blob: bytes) -> None:
        if self.version() != version:
            return
        cache = self._open()
        if cache is None:
            return
        try:
            with cache:
                cache.execute("DELETE FROM kept WHERE version != ?", [version])
                cache.execute(
                    "INSERT OR REPLACE INTO kept (expression, version, ids) VALUES (?, ?, ?)",
                    [key, version, blob],
                )
                cache.execute(
                    "DELETE FROM kept WHERE rowid NOT IN "
                    "(SELECT rowid FROM kept ORDER BY rowid DESC LIMIT ?)",
                    [MOST_KEPT],
                )
        except sqlite3.Error as error:
            if not _busy(error):
                self._give_up(error)

    def close(self) -> None:
        if self._cache is not None:
            self._cache.close()
            self._cache = None

    def _open(self) -> sqlite3.Connection | None:
        if self._cache is not None or self._broken:
            return self._cache
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            if self.path.exists() and self.path.samefile(self.library):
                raise OSError("a link to the library itself, which is never written")
            cache = sqlite3.connect(self.path, timeout=0, check_same_thread=False)
            cache.execute("PRAGMA journal_mode = WAL")
            # A cache need not outlive a power cut: no flush to the disk per match kept (a
            # commit waited 2-3 ms for one, 0.35 ms without), and WAL keeps the file whole.
            cache.execute("PRAGMA synchronous = NORMAL")
            cache.execute(
                "CREATE TABLE IF NOT EXISTS kept "
                "(expression TEXT PRIMARY KEY, version BLOB NOT NULL, ids BLOB NOT NULL)"
            )
        except sqlite3.Error as error:
            self._give_up(error)
            return None
        except OSError:
            self._give_up()
            return None
        self._cache = cache
        return cache

    def _give_up(self, error: sqlite3.Error | None = None) -> None:
        """A cache that cannot be used is left alone for the rest of the session; a damaged
        one is removed, so that the next session starts a fresh one."""
        self.close()
        self._broken = True
        if type(error) is sqlite3.DatabaseError:  # "not a database", "malformed"
            for suffix in ("", "-wal", "-shm"):
                with contextlib.suppress(OSError):
                    Path(f"{self.path}{suffix}").unlink(missing_ok=True)


def _busy(error: sqlite3.Error) -> bool:
    text = str(error)
    return "locked" in text or "busy" in text
