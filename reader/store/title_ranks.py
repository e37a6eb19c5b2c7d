"""What ranking asks of the titles' index on every keystroke, kept while the text is the same.

Once a word's matches are kept (``kept_postings``), most of a keystroke's search is ordering
the title matches by bm25: FTS5 scores each match in ~3 µs, 15-30 ms for a prefix such as
``gra`` in 100,000 papers, again on every start. That order depends only on the indexed text
(which titles match, their lengths, how rare each word is), so it holds exactly as long as the
text version does (``TEXT_VERSION_SCHEMA``): it is memoised for the session, and a long one is
kept between sessions beside the kept matches, under the same version. A tag or a rating
changes neither.
"""

from __future__ import annotations

from array import array
from collections.abc import Callable
from typing import TypeVar

from pyroaring import BitMap

from reader.store.appended_titles import AppendedTitles
from reader.store.db import Database
from reader.store.kept_postings import KeptPostings, KeptState

# Orders memoised in a session (the oldest goes first): a few queries' keystrokes.
MEMO_SIZE = 64
T = TypeVar("T")
RANKED = "SELECT rowid FROM titles_fts WHERE titles_fts MATCH ? ORDER BY rank"
NEWEST = (
    "SELECT rowid FROM titles_fts WHERE titles_fts MATCH ? AND rowid >= ? "
    "ORDER BY rowid DESC LIMIT ?"
)


class TitleRanks:
    """Title matches, and their bm25 order, for a search index.

    ``matching`` gives an expression's title matches (kept between sessions when large);
    ``state`` what kept entries are checked against (None: keep nothing now, as inside a
    transaction); ``stamp`` the library's text version, which the session's memo follows."""

    def __init__(
        self,
        db: Database,
        kept: KeptPostings,
        appended: AppendedTitles,
        *,
        matching: Callable[[str], BitMap],
        state: Callable[[], KeptState | None],
        stamp: Callable[[], object],
    ) -> None:
        self.db = db
        self.kept = kept
        self.appended = appended
        self._matching = matching
        self._state = state
        self._stamp = stamp
        self._memo: dict[str, array[int]] = {}
        self._matches: dict[str, BitMap] = {}
        self._memo_stamp: object = None

    def matching(self, expression: str) -> BitMap:
        """The titles matching the FTS5 expression (not to be changed: it is memoised)."""
        self._forget_unless_current()
        found = self._matches.get(expression)
        if found is None:
            found = self._matching(expression)
            _memoise(self._matches, expression, found)
        return found

    def ranked(self, expression: str) -> array[int]:
        """Every title matching the FTS5 expression, best first (bm25, title words weighing
        more than authors')."""
        return self._order(f"titles_fts:{expression}", RANKED, [expression])

    def newest(self, expression: str, most: int) -> array[int]:
        """The newest ``most`` titles matching the FTS5 expression, newest first: what is shown
        of a match too large to rank (3-4 ms a tier at a million papers, as the index has no
        prefixes of title words to read). Kept as a match is (the newest papers appended since
        read on their own), since the newest of all are among the newest of each part."""
        key = f"titles_fts newest {most}:{expression}"
        self._forget_unless_current()
        order = self._memo.get(key)
        if order is None:
            state = self._state()

            def newest_from(first: int) -> BitMap:
                found = self.appended.newest(expression, first, most) if first else None
                if found is None:
                    rows = self.db.execute(NEWEST, [expression, first, most])
                    found = BitMap(row[0] for row in rows)
                return found

            head = (
                newest_from(0)
                if state is None
                else self.kept.match(key, state, newest_from, least=most, most=most)
            )
            order = array("q", reversed(head[-most:] if len(head) > most else head))
            _memoise(self._memo, key, order)
        return order

    def _order(self, key: str, sql: str, params: list[object]) -> array[int]:
        self._forget_unless_current()
        order = self._memo.get(key)
        if order is not None:
            return order
        state = self._state()
        version = None if state is None else state.version
        order = self.kept.get_order(key, version) if version is not None else None
        if order is None:
            order = array("q", [row[0] for row in self.db.execute(sql, params)])
            if version is not None:
                self.kept.put_order(key, version, order)
        _memoise(self._memo, key, order)
        return order

    def _forget_unless_current(self) -> None:
        stamp = self._stamp()
        if stamp != self._memo_stamp:
            self._memo = {}
            self._matches = {}
            self._memo_stamp = stamp


def _memoise(memo: dict[str, T], key: str, value: T) -> None:
    if len(memo) >= MEMO_SIZE:
        memo.pop(next(iter(memo)))
    memo[key] = value
