"""The papers of the library's commonest words, kept between sessions as compressed bitmaps.

At a million papers the third letter of a word (``mod``) matches most of the abstracts, and
SQLite hands a match over as text to be parsed: 0.2-0.5 s for such a prefix, every time the app
starts again. Once worked out, a large match is kept in a small SQLite file in the user cache
folder, one per library, with the library's text base (a random number drawn again by every
change to the indexed text but papers appended, see ``TEXT_BASE_SCHEMA``) and the first paper
id it does not cover: at the same base it holds for the papers below, and papers appended since
(an import) are read on their own and joined to it. Papers appended have a random number of
their own too, which a kept match that holds them is filed under: copies of a library imported
into apart share the base, not those. Any other change of text by any process, a
restored backup or another library at the same path make it unused, while a tag, a rating or
a reading status leaves it in use. Long bm25 orders of title matches (``title_ranks``) are kept
as arrays of ids under a stricter version: the text version (drawn by every change of text,
appends included) and the indexes' records of their segments. Nothing here ever writes to
the library; the cache is a convenience, and any failure to read or write it (a full disk, a
damaged file, another process writing it) only means the match is worked out as before.
"""

from __future__ import annotations

import contextlib
import sqlite3
from array import array
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from pyroaring import BitMap

from reader.store.db import Database
from reader.store.indexing import APPENDED, TEXT_BASE, TEXT_VERSION
from reader.store.user_cache import CACHE_ENV, cache_folder, library_key, sha256

__all__ = ["CACHE_ENV", "FOLDER", "KEPT_FROM", "KeptPostings", "KeptState"]

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
# What an order's key begins with (so no entry of an earlier cache's form is read as one).
ORDER = "order "
# Matches kept per library, and orders (a word in most of a million papers is ~130 KB).
MOST_KEPT = 200
# A match's papers from a paper id on (0: all of them).
Matching = Callable[[int], BitMap]
# The number drawn for the papers appended last before a paper id (``indexing.APPENDED``).
APPENDED_BEFORE = f"SELECT value FROM stats WHERE name = '{APPENDED}' || ?"
APPENDED_SINCE = f"SELECT value FROM stats WHERE substr(name, 1, {len(APPENDED)}) = '{APPENDED}'"
STATE = (
    f"SELECT ({TEXT_VERSION}), ({TEXT_BASE}), (SELECT max(id) FROM papers), "
    f"(SELECT value FROM stats WHERE name = "
    f"'{APPENDED}' || (SELECT coalesce(max(id), 0) + 1 FROM papers)), "
    + ", ".join(f"(SELECT block FROM {table}_data WHERE id = 10)" for table in INDEXES)
)


@dataclass(frozen=True)
class KeptState:
    """What kept entries are checked against, read in one statement (one snapshot).

    ``version`` (the text version and the indexes' records of their segments, hashed) files
    orders, which any change of text unsettles (bm25 weighs every paper). ``base`` is drawn
    again by every change of text but papers appended (``TEXT_BASE``), and ``covered`` is the
    first paper id after the library's last: a match kept at the same base holds for every
    paper below its ``covered``, and papers appended since are read on their own. A match
    that holds papers appended is filed under the number drawn for them as well (``appended``
    at its ``covered``): another copy of the library, imported into apart, has other ones."""

    version: bytes
    base: int
    covered: int
    appended: int  # drawn for the papers appended last before ``covered`` (0: none since base)


class KeptPostings:
    """Large matches of one library's titles and abstracts, by index and FTS5 expression, and
    long orders of ids (rankings), kept for the text they were worked out from."""

    def __init__(self, db: Database, library: Path) -> None:
        self.db = db
        self.library = library.resolve()
        self.path = cache_folder() / FOLDER / f"{library_key(self.library)}.db"
        self._cache: sqlite3.Connection | None = None
        self._broken = False

    def state(self) -> KeptState | None:
        """The library's state now, or None inside a transaction (whose own pending changes
        are not to be kept) and in a library without a text version and base.

        The segment records alone are no proof of the content: two files (a copy edited apart
        from the library, then put back at its path; another library from a like import) can
        hold the very same records for different papers. Their text versions and bases
        differ: each change draws new random ones, and a new library starts with its own."""
        if self.db.conn.in_transaction:
            return None
        try:
            row = self.db.execute(STATE).fetchone()
        except sqlite3.Error:  # an index of another shape: nothing is kept or used
            return None
        text, base, last, appended, *segments = row
        if type(text) is not int or type(base) is not int:
            return None
        digest = sha256(repr(text).encode())
        for block in segments:
            digest.update(block if isinstance(block, bytes) else b"-")
        appended = appended if type(appended) is int else 0
        return KeptState(digest.digest(), base, (last or 0) + 1, appended)

    def match(
        self,
        key: str,
        state: KeptState,
        matching: Matching,
        *,
        least: int | None = None,
        most: int | None = None,
    ) -> BitMap:
        """The papers of a match (``key``: "index:expression"): kept, with papers appended
        since read by ``matching(first_id)``, or worked out whole by ``matching(0)`` and kept
        when of ``least`` papers or more (``KEPT_FROM``). With ``most``, only the newest that
        many are kept (``matching`` gives no more of each part). An answer straddling a change
        made meanwhile is worked out whole again."""
        least = KEPT_FROM if least is None else least
        kept = self._kept_match(key, state)
        if kept is None:
            found = matching(0)
            self._put_match(key, state, found, least)
            return found
        covered, found = kept
        if covered >= state.covered:
            return found
        found = found | matching(covered)
        if most is not None and len(found) > most:
            found = found[-most:]
        now = self.state()
        if now is None or now.base != state.base:
            return matching(0)  # a change of text came between: read afresh, keep nothing
        self._put_match(key, state, found, least, now)
        return found

    def get_order(self, key: str, version: bytes) -> array[int] | None:
        """Ids kept in an order (``put_order``)."""
        blob = self._row(
            "SELECT ids FROM kept WHERE expression = ? AND version = ?", ORDER + key, version
        )
        if blob is None:
            return None
        try:
            order = array("q")
            order.frombytes(blob[0])
            if order and min(order) >= 0 and max(order) < BITMAP_LIMIT:
                return order
        except (ValueError, TypeError):  # not whole ids (text, a cut blob)
            pass
        self._give_up(sqlite3.DatabaseError("damaged"))  # or empty, or ids no paper has
        return None

    def put_order(self, key: str, version: bytes, order: array[int]) -> None:
        """Keep ids in an order worked out at ``version`` (a ranking), unless the library
        changed meanwhile. Never waits: a cache another process is writing is left alone."""
        now = self.state()
        if len(order) < ORDER_KEPT_FROM or now is None or now.version != version:
            return
        self._write(
            "kept",
            ("DELETE FROM kept WHERE version != ?", [version]),
            (
                "INSERT OR REPLACE INTO kept (expression, version, ids) VALUES (?, ?, ?)",
                [ORDER + key, version, order.tobytes()],
            ),
        )

    def _kept_match(self, key: str, state: KeptState) -> tuple[int, BitMap] | None:
        row = self._row("SELECT covered, base, ids FROM matches WHERE expression = ?", key)
        if row is None:
            return None
        try:
            covered, base, blob = row
            if type(covered) is not int:
                raise TypeError("not a paper id")
            if base != self._base(state, covered):
                return None  # another base, or papers appended apart from those it holds
            return covered, BitMap.deserialize(blob)
        except (ValueError, TypeError, IndexError):  # not a bitmap (text, an empty blob)
            self._give_up(sqlite3.DatabaseError("damaged"))
        return None

    def _base(self, state: KeptState, covered: int) -> int | None:
        """What a match of the papers below ``covered`` is filed under: the text base, and the
        number drawn for the papers appended last before ``covered`` (if any were since the
        base was drawn), which copies of the library imported into apart do not share."""
        appended = state.appended
        if covered != state.covered:
            try:
                row = self.db.execute(APPENDED_BEFORE, [covered]).fetchone()
            except sqlite3.Error:
                return None
            appended = row[0] if row and type(row[0]) is int else 0
        return state.base ^ appended

    def _bases(self, state: KeptState) -> set[int]:
        """The base, and the base with the number of each append since it was drawn."""
        try:
            rows = self.db.execute(APPENDED_SINCE).fetchall()
        except sqlite3.Error:
            rows = []
        return {state.base} | {state.base ^ row[0] for row in rows if type(row[0]) is int}

    def _put_match(
        self, key: str, read: KeptState, ids: BitMap, least: int, now: KeptState | None = None
    ) -> None:
        """Keep a match read at ``read`` (covering the papers below its ``covered``) unless a
        change of text came since (``now``, the state after the match; read here if not given)."""
        if len(ids) < least:
            return
        now = now or self.state()
        if now is None or now.base != read.base:
            return
        base = read.base ^ read.appended
        live = self._bases(read) | {base}  # what matches of this library may be filed under
        self._write(
            "matches",
            (f"DELETE FROM matches WHERE base NOT IN ({','.join('?' * len(live))})", [*live]),
            (
                "INSERT OR REPLACE INTO matches (expression, base, covered, ids) "
                "VALUES (?, ?, ?, ?)",
                [key, base, read.covered, ids.serialize()],
            ),
        )

    def _row(self, sql: str, *params: object) -> tuple[object, ...] | None:
        cache = self._open()
        if cache is None:
            return None
        try:
            return cache.execute(sql, params).fetchone()
        except sqlite3.Error as error:
            self._give_up(error)
            return None

    def _write(self, table: str, *statements: tuple[str, list[object]]) -> None:
        cache = self._open()
        if cache is None:
            return
        try:
            with cache:
                for sql, params in statements:
                    cache.execute(sql, params)
                cache.execute(
                    f"DELETE FROM {table} WHERE rowid NOT IN "
                    f"(SELECT rowid FROM {table} ORDER BY rowid DESC LIMIT ?)",
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
            cache.execute(
                "CREATE TABLE IF NOT EXISTS matches (expression TEXT PRIMARY KEY, "
                "base INTEGER NOT NULL, covered INTEGER NOT NULL, ids BLOB NOT NULL)"
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
