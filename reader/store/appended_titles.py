"""The titles of papers appended since a match was kept, indexed apart for the session.

A kept match is joined with the papers an import appended since (``kept_postings``). For the
abstracts that is a cheap query of the library's index from the first new paper on; for titles
it is not: their index keeps no prefixes of words, and FTS5 answers a prefix (``gra*``) by
merging every matching word's whole list first, whatever range of papers is asked for (20-60
ms at a million papers). A day's new papers are few, so their titles go into a temporary index
of the same shape (a few milliseconds for a thousand), where every such question takes a
fraction of a millisecond. Nothing is written to the library: the index lives in the
connection's temporary database, and is built again when the library's text has changed.
"""

from __future__ import annotations

from pyroaring import BitMap

from reader.store.db import Database
from reader.store.indexing import TEXT_VERSION
from reader.store.results import bitmap_of_ids

# Past this many new papers a temporary index costs more than it saves: the library's is read.
MOST_APPENDED = 20_000
TABLE = "temp.appended_titles"
MATCHING = (
    "SELECT group_concat(rowid) FROM appended_titles WHERE appended_titles MATCH ? AND rowid >= ?"
)
NEWEST = (
    "SELECT rowid FROM appended_titles WHERE appended_titles MATCH ? AND rowid >= ? "
    "ORDER BY rowid DESC LIMIT ?"
)


class AppendedTitles:
    """A temporary titles index of the papers from some id on, for one connection."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self._built: tuple[int, object] | None = None  # (first id, text version)

    def matching(self, expression: str, first: int) -> BitMap | None:
        """The titles from paper ``first`` on that match the FTS5 expression; None when they
        are too many to index apart (the library's index is to be read)."""
        if not self._ready(first):
            return None
        return bitmap_of_ids(self.db.execute(MATCHING, [expression, first]).fetchone()[0])

    def newest(self, expression: str, first: int, most: int) -> BitMap | None:
        """The newest ``most`` of those titles (None as for ``matching``)."""
        if not self._ready(first):
            return None
        return BitMap(row[0] for row in self.db.execute(NEWEST, [expression, first, most]))

    def _ready(self, first: int) -> bool:
        """Whether the temporary index holds every paper from ``first`` on as they are now."""
        version = self.db.execute(TEXT_VERSION).fetchone()
        built = self._built
        if built is not None and built[0] <= first and built[1] == version:
            return True
        appended = self.db.execute("SELECT count(*) FROM papers WHERE id >= ?", [first]).fetchone()[
            0
        ]
        if appended > MOST_APPENDED:
            return False
        self.db.execute(f"DROP TABLE IF EXISTS {TABLE}")
        self.db.execute(
            f"CREATE VIRTUAL TABLE {TABLE} USING fts5 "
            "(title, authors, tokenize = 'unicode61 remove_diacritics 2')"
        )
        self.db.execute(
            f"INSERT INTO {TABLE} (rowid, title, authors) "
            "SELECT id, title, authors FROM paper_text WHERE id >= ?",
            [first],
        )
        self._built = (first, version)
        return True
