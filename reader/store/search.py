"""Full-text search with filters, ranking and a fuzzy fallback, with caches for typing.

Free words go to the full-text indexes (each word's matches cached, so typing one more letter
costs one lookup); filters go to SQL; the two meet as sets of ids.
"""

from __future__ import annotations

import json
import sqlite3
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from pyroaring import BitMap

from reader.query import Query, QueryError, Term, parse_query
from reader.store.appended_titles import AppendedTitles
from reader.store.completions import AbstractWords, after_prefix
from reader.store.filters import (
    fts_phrase,
    has_tokens,
    is_text_group,
    term_sql,
)
from reader.store.indexing import text_version
from reader.store.kept_postings import KEPT_FROM, KeptPostings, KeptState
from reader.store.ranking import rank
from reader.store.results import bitmap_of_ids
from reader.store.title_ranks import TitleRanks

if TYPE_CHECKING:
    from reader.store.library import Library

# Papers that ``related:REF`` stands for.
RELATED_LIMIT = 100
# Words whose matches are kept while the library does not change (the oldest goes first).
WORD_CACHE_SIZE = 256


@dataclass(frozen=True)
class SearchResult:
    ids: Sequence[int]  # a list, or Results (a list that holds no object per paper)
    fuzzy: bool = False
    corrections: dict[str, list[str]] = field(default_factory=dict)


class SearchIndex:
    def __init__(self, library: Library) -> None:
        self.library = library
        self.db = library.db
        self._vocabularies: dict[str, list[str]] = {}  # by first letter ("" for all)
        self._vocabulary_stamp: object = None
        self._word_cache: dict[tuple[str, bool], BitMap] = {}
        self._word_cache_stamp: object = None
        self._all_ids_cache: tuple[object, BitMap] | None = None
        self._skipped_cache: tuple[object, BitMap] | None = None
        self.abstract_words = AbstractWords(self.db, self._abstracts_matching)
        self.kept = KeptPostings(self.db, library.path)
        self._index_version: tuple[object, KeptState] | None = None
        self.appended_titles = AppendedTitles(self.db)
        self.titles = TitleRanks(
            self.db,
            self.kept,
            self.appended_titles,
            matching=lambda expression: self._index_matching("titles_fts", expression),
            state=self._kept_state,
            stamp=self._text_stamp,
        )
        # Ranking reads the titles index's row sizes for every match: with SQLite's default
        # 2 MB page cache they are read again on every keystroke (twice the time at 100k).
        self.db.execute("PRAGMA cache_size = -65536")

    def forget_vocabulary(self) -> None:
        self._vocabulary_stamp = None

    def search(
        self,
        query: Query | str = "",
        *,
        limit: int | None = None,
        list_name: str | None = None,
        fuzzy: bool = True,
        typing: bool = False,
    ) -> SearchResult:
        """Ids of the papers matching a query, best first (or in list order within a list).

        ``typing`` is for search-as-you-type: a last word of one letter is not typed yet, so it
        neither filters nor ranks; from two letters it does (RL, 3D and QA are real queries).
        """
        if isinstance(query, str):
            query = parse_query(query)
        list_id = self.library.reading_lists.list_id(list_name) if list_name is not None else None
        ranking = query
        if typing and query.groups:
            last = query.groups[-1]
            if len(last) == 1 and last[0].prefix and len(last[0].value) < 2:
                query = Query(groups=query.groups[:-1], text=query.text)
        ids = self._search_ids(query, limit, list_id, ranking)
        if ids or not fuzzy or not query.words:
            return SearchResult(ids)
        corrections = self._corrections(query)
        if not corrections:
            return SearchResult([])
        groups = []
        for group in query.groups:
            term = group[0]
            if len(group) == 1 and term.field is None and not term.negated:
                # A word still being typed stays a prefix once corrected ("models" too).
                groups.append(
                    tuple(Term(None, word, prefix=term.prefix) for word in corrections[term.value])
                )
            else:
                groups.append(group)
        corrected = Query(groups=tuple(groups), text=query.text)
        return SearchResult(
            self._search_ids(corrected, limit, list_id), fuzzy=True, corrections=corrections
        )

    def _corrections(self, query: Query) -> dict[str, list[str]]:
        """Close title words for every free word; empty when some word has none.

        Title words beginning as the typed word does are tried first: a typo is seldom in the
        first letter, and reading those is a twentieth of the vocabulary (7 vs 95 ms at
        100,000 papers, 0.1 vs 1.2 s at a million). The whole vocabulary is the fallback."""
        from reader.search import closest_words  # rapidfuzz: only when a word needs fixing

        corrections: dict[str, list[str]] = {}
        for term in query.words:
            start = _first_letter(term.value)
            words = (
                closest_words(term.value, self.title_vocabulary(start), prefix=term.prefix)
                if start
                else []
            )
            if not words:
                words = closest_words(term.value, self.title_vocabulary(), prefix=term.prefix)
            if not words:
                return {}
            corrections[term.value] = words
        return corrections

    def title_vocabulary(self, start: str = "") -> list[str]:
        """The titles' words longer than two letters (those beginning with ``start``), kept
        until the library changes."""
        stamp = self._text_stamp()
        if self._vocabulary_stamp != stamp:
            self._vocabularies = {}
            self._vocabulary_stamp = stamp
        terms = self._vocabularies.get(start)
        if terms is None:
            end = after_prefix(start) if start else None
            if end is None:
                sql, params = "SELECT term FROM titles_vocab WHERE length(term) > 2", []
            else:
                sql = (
                    "SELECT term FROM titles_vocab "
                    "WHERE term >= ? AND term < ? AND length(term) > 2"
                )
                params = [start, end]
            terms = [row[0] for row in self.db.execute(sql, params)]
            self._vocabularies[start] = terms
        return terms

    def _search_ids(
        self, query: Query, limit: int | None, list_id: int | None, ranking: Query | None = None
    ) -> Sequence[int]:
        query, similar = self._related_terms(query)
        if similar is not None:
            ranking = None  # the most similar first, whatever the words
        try:
            ordered = self._ordered(query, list_id, similar, ranking)
        except sqlite3.OperationalError as error:
            if "fts5" in str(error).lower():
                raise QueryError(str(error), 1, query.text) from None
            raise
        return ordered if limit is None else ordered[: int(limit)]

    def _ordered(
        self,
        query: Query,
        list_id: int | None,
        similar: list[int] | None,
        ranking: Query | None,
    ) -> Sequence[int]:
        """Matches as a bitmap (text, filters, hidden papers meet as set operations in C),
        then in order: a list's own order, similarity, or ranking."""
        matched = self._text_matches(query)
        if similar is not None:
            found = BitMap(similar)
            matched = found if matched is None else matched & found
        if matched is not None and not matched:
            return []
        filters = [group for group in query.groups if not is_text_group(group)]
        if list_id is not None:  # a list shows all its papers, in its order
            in_list = self._filter_ids(filters, list_id, matched)
            return in_list if matched is None else [pid for pid in in_list if pid in matched]
        if filters:
            allowed = BitMap(self._filter_ids(filters, None, matched))
            matched = allowed if matched is None else matched & allowed
        elif matched is None:
            matched = self._all_ids()
        if not _asks_triage(query):
            hidden = self.hidden_ids()  # skipped in triage: out of the default views
            if hidden:
                matched = matched - hidden
        if similar is not None:
            return [paper_id for paper_id in similar if paper_id in matched]
        return rank(self.db, matched, ranking or query, self.titles, min_prefix=3)

    def _related_terms(self, query: Query) -> tuple[Query, list[int] | None]:
        """``related:REF`` stands for the papers most like REF, most similar first."""
        groups, similar = [], None
        for group in query.groups:
            related = [term for term in group if term.field == "related"]
            if not related:
                groups.append(group)
                continue
            term = related[0]
            if len(group) > 1 or term.negated:
                raise QueryError("related: stands alone (no OR, no -)", 1, query.text)
            found = self.library.similar.related(self.library.resolve(term.value), RELATED_LIMIT)
            ids = [item.paper_id for item in found]
            similar = ids if similar is None else [pid for pid in similar if pid in set(ids)]
        if similar is None:
            return query, None
        return Query(groups=tuple(groups), text=query.text), similar

    def _text_matches(self, query: Query) -> BitMap | None:
        """Ids matching every positive free-word group, or None when there are none."""
        matched: BitMap | None = None
        for group in query.groups:
            if not is_text_group(group):
                continue
            ids = BitMap()
            for term in group:
                ids |= self._word_ids(term.value, term.prefix)
            matched = ids if matched is None else matched & ids
            if not matched:
                return matched
        return matched

    def _word_ids(self, word: str, prefix: bool) -> BitMap:
        """Papers whose title, abstract or notes hold the word; memoised until that text
        changes (a tag or a rating leaves the memo as it is).

        Bitmaps: a word matching most of a million papers costs a few hundred kilobytes, and
        the garbage collector never scans them (sets of ints made every collection slow)."""
        if not has_tokens(word):
            return self._all_ids()
        stamp = self._text_stamp()
        key = (word.casefold(), prefix)
        if self._word_cache_stamp != stamp:
            self._word_cache = {}
            self._word_cache_stamp = stamp
        cached = self._word_cache.get(key)
        if cached is not None:
            return cached
        phrase = fts_phrase(word, prefix)
        found = self.abstract_words.ids(word, prefix, stamp)
        # Titles and notes apart: a UNION in SQL sorts the ids again in a temporary table,
        # which cost more than reading the titles' matches (60 vs 25 ms at a million papers).
        found |= self._index_matching("titles_fts", phrase)
        found |= self._bitmap(
            "SELECT group_concat(a.paper_id) FROM annotations a WHERE a.id IN "
            "(SELECT rowid FROM annotations_fts WHERE annotations_fts MATCH ?)",
            [phrase],
        )
        if len(self._word_cache) >= WORD_CACHE_SIZE:
            self._word_cache.pop(next(iter(self._word_cache)))
        self._word_cache[key] = found
        return found

    def close(self) -> None:
        self.kept.close()

    def _text_stamp(self) -> object:
        """What the word caches are kept for: the library's text version, read each time (one
        row), so a change inside a write transaction is seen at once and one rolled back
        brings the earlier version back. A library without one falls back on any change."""
        version = text_version(self.db)
        return ("stamp", self._library_stamp()) if version is None else version

    def _library_stamp(self) -> object:
        """Any connection's commits; inside a transaction, whose own changes are in no commit
        yet, a stamp equal to no other (nothing worked out before it is used there)."""
        return object() if self.db.conn.in_transaction else self.library.stamp()

    def _abstracts_matching(self, expression: str) -> BitMap:
        return self._index_matching("abstracts_fts", expression)

    def _index_matching(self, table: str, expression: str) -> BitMap:
        """The rows of a full-text index (titles or abstracts) an FTS5 expression matches; a
        large match is kept between sessions (see ``kept_postings``)."""
        sql = f"SELECT group_concat(rowid) FROM {table} WHERE {table} MATCH ? AND rowid >= ?"

        def matching(first: int) -> BitMap:
            if first and table == "titles_fts":  # the papers appended since a match was kept
                found = self.appended_titles.matching(expression, first)
                if found is not None:
                    return found
            return self._bitmap(sql, [expression, first])

        state = self._kept_state()
        if state is None:
            return matching(0)
        return self.kept.match(f"{table}:{expression}", state, matching)

    def _kept_state(self) -> KeptState | None:
        """What kept matches are checked against; None when nothing is to be kept: inside a
        transaction (its own changes are not to be kept), or in a library too small for any
        match to be kept (no cache file is made or read for it)."""
        if self.db.conn.in_transaction or len(self._all_ids()) < KEPT_FROM:
            return None
        stamp = self.library.stamp()
        if self._index_version is not None and self._index_version[0] == stamp:
            return self._index_version[1]
        state = self.kept.state()
        if state is not None:
            self._index_version = (stamp, state)
        return state

    def _bitmap(self, sql: str, params: list[Any]) -> BitMap:
        """The ids a query gives, as one string of digits: half the cost of a row per id."""
        text = self.db.execute(sql, params).fetchone()[0]
        return bitmap_of_ids(text)

    def hidden_ids(self) -> BitMap:
        stamp = self._library_stamp()
        if self._skipped_cache is None or self._skipped_cache[0] != stamp:
            ids = BitMap(
                row[0]
                for row in self.db.execute(
                    "SELECT id FROM papers WHERE triage != 'seen' AND triage = 'skipped'"
                )
            )
            self._skipped_cache = (stamp, ids)
        return self._skipped_cache[1]

    def _all_ids(self) -> BitMap:
        stamp = self._library_stamp()
        if self._all_ids_cache is None or self._all_ids_cache[0] != stamp:
            low, high, count = self.db.execute(
                "SELECT (SELECT min(id) FROM papers), (SELECT max(id) FROM papers), "
                "(SELECT count(*) FROM papers)"
            ).fetchone()
            ids = BitMap()
            if count and high - low + 1 == count:  # no gaps (nothing removed): a range
                ids.add_range(low, high + 1)
            elif count:
                ids = self._bitmap("SELECT group_concat(id) FROM papers", [])
            self._all_ids_cache = (stamp, ids)
        return self._all_ids_cache[1]

    def _filter_ids(
        self, groups: Sequence[tuple[Term, ...]], list_id: int | None, within: BitMap | None
    ) -> list[int]:
        where: list[str] = []
        params: list[Any] = []
        for group in groups:
            parts = []
            for term in group:
                sql, term_params = term_sql(term, self.library.reading_lists.list_id)
                parts.append(sql)
                params.extend(term_params)
            where.append("(" + " OR ".join(parts) + ")")
        if within is not None and len(within) <= 20_000:
            # A short candidate list is cheaper to hand to SQLite than to filter afterwards.
            where.append("p.id IN (SELECT value FROM json_each(?))")
            params.append(json.dumps(sorted(within)))
        if not where and list_id is None:
            return list(self._all_ids())  # (callers ask only with filters or a list)
        joins, order = "", "p.id"
        if list_id is not None:
            joins = " JOIN list_items li ON li.paper_id = p.id AND li.list_id = ?"
            params.insert(0, list_id)
            order = "li.position"
        sql = f"SELECT p.id FROM papers p{joins}"
        if where:
            sql += " WHERE " + " AND ".join(where)
        return [row[0] for row in self.db.execute(f"{sql} ORDER BY {order}", params)]


def _first_letter(word: str) -> str:
    """The letter the index files ``word`` under (folded, without accents: "É" is "e"), or ""
    when it begins with something else."""
    folded = unicodedata.normalize("NFKD", word[:2].casefold())
    first = folded[:1]
    return first if first.isascii() and first.isalnum() else ""


def _asks_triage(query: Query) -> bool:
    """A query naming a triage state (``is:skipped``, ``-is:new``) sees every paper."""
    return any(term.field == "is" for group in query.groups for term in group)
