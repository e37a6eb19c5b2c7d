"""Full-text search with filters, ranking and a fuzzy fallback, with caches for typing.

Free words go to the full-text indexes (each word's matches cached, so typing one more letter
costs one lookup); filters go to SQL; the two meet as sets of ids.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from reader.query import Query, QueryError, Term, parse_query
from reader.store.filters import (
    fts_phrase,
    fts_tokens,
    has_tokens,
    is_text_group,
    term_sql,
)
from reader.store.ranking import rank

if TYPE_CHECKING:
    from reader.store.library import Library

# Papers that ``related:REF`` stands for.
RELATED_LIMIT = 100
# Ids kept in the per-word search cache before it is emptied (a few words at 100,000 papers).
WORD_CACHE_IDS = 600_000


@dataclass(frozen=True)
class SearchResult:
    ids: list[int]
    fuzzy: bool = False
    corrections: dict[str, list[str]] = field(default_factory=dict)


class SearchIndex:
    def __init__(self, library: Library) -> None:
        self.library = library
        self.db = library.db
        self._vocabulary: tuple[int, list[str]] | None = None
        self._word_cache: dict[tuple[str, bool], tuple[int, ...]] = {}
        self._word_cache_stamp: tuple[int, int] | None = None
        self._all_ids_cache: tuple[tuple[int, int], tuple[int, ...]] | None = None
        self._skipped_cache: tuple[tuple[int, int], frozenset[int]] | None = None

    def forget_vocabulary(self) -> None:
        self._vocabulary = None

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
        """Close title words for every free word; empty when some word has none."""
        from reader.search import closest_words  # rapidfuzz: only when a word needs fixing

        vocabulary = self.title_vocabulary()
        corrections: dict[str, list[str]] = {}
        for term in query.words:
            words = closest_words(term.value, vocabulary, prefix=term.prefix)
            if not words:
                return {}
            corrections[term.value] = words
        return corrections

    def title_vocabulary(self) -> list[str]:
        stamp = self.db.execute("SELECT coalesce(max(id), 0) FROM papers").fetchone()[0]
        if self._vocabulary is None or self._vocabulary[0] != stamp:
            terms = [
                row[0]
                for row in self.db.execute("SELECT term FROM titles_vocab WHERE length(term) > 2")
            ]
            self._vocabulary = (stamp, terms)
        return self._vocabulary[1]

    def _search_ids(
        self, query: Query, limit: int | None, list_id: int | None, ranking: Query | None = None
    ) -> list[int]:
        query, similar = self._related_terms(query)
        if similar is not None:
            ranking = None  # the most similar first, whatever the words
        try:
            matched = self._text_matches(query)
            if similar is not None:
                matched = set(similar) if matched is None else matched & set(similar)
            if matched is not None and not matched:
                return []
            filters = [group for group in query.groups if not is_text_group(group)]
            if filters or list_id is not None or matched is None:
                ordered = self._filter_ids(filters, list_id, matched)
                if matched is not None:
                    ordered = [paper_id for paper_id in ordered if paper_id in matched]
            else:
                ordered = sorted(matched)
            if list_id is None and not _asks_triage(query):
                hidden = self.hidden_ids()  # skipped in triage: out of the default views
                if hidden:
                    ordered = [paper_id for paper_id in ordered if paper_id not in hidden]
            if similar is not None:
                position = {paper_id: index for index, paper_id in enumerate(similar)}
                ordered.sort(key=position.__getitem__)
            elif list_id is None:
                ordered = rank(self.db, ordered, ranking or query, min_prefix=3)
        except sqlite3.OperationalError as error:
            if "fts5" in str(error).lower():
                raise QueryError(str(error), 1, query.text) from None
            raise
        return ordered if limit is None else ordered[: int(limit)]

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

    def _text_matches(self, query: Query) -> set[int] | None:
        """Ids matching every positive free-word group, or None when there are none."""
        matched: set[int] | None = None
        for group in query.groups:
            if not is_text_group(group):
                continue
            ids: set[int] = set()
            for term in group:
                ids.update(self._word_ids(term.value, term.prefix))
            matched = ids if matched is None else matched.intersection(ids)
            if not matched:
                return matched
        return matched

    def _word_ids(self, word: str, prefix: bool) -> tuple[int, ...]:
        """Papers whose title, abstract or notes hold the word; memoised until data changes.

        Kept as tuples of ints, which the garbage collector stops scanning: a cache of sets
        holding a million ids made every full collection take ~50 ms while typing.
        """
        if not has_tokens(word):
            return tuple(self._all_ids())
        stamp = self.library.stamp()
        key = (word.casefold(), prefix)
        if self._word_cache_stamp != stamp:
            self._word_cache = {}
            self._word_cache_stamp = stamp
        cached = self._word_cache.get(key)
        if cached is not None:
            return cached
        phrase = fts_phrase(word, prefix)
        # One or two letters as a prefix would expand to most of the abstracts' vocabulary:
        # titles still match as you type, abstracts once the word is longer.
        tokens = fts_tokens(word, prefix and len(word) >= 3)
        found = {
            row[0]
            for row in self.db.execute(
                "SELECT rowid FROM abstracts_fts WHERE abstracts_fts MATCH ?", [tokens]
            )
        }
        found.update(
            row[0]
            for row in self.db.execute(
                "SELECT rowid FROM titles_fts WHERE titles_fts MATCH ? "
                "UNION SELECT a.paper_id FROM annotations a WHERE a.id IN "
                "(SELECT rowid FROM annotations_fts WHERE annotations_fts MATCH ?)",
                [phrase, phrase],
            )
        )
        ids = tuple(found)
        if sum(len(cached) for cached in self._word_cache.values()) > WORD_CACHE_IDS:
            self._word_cache.clear()
        self._word_cache[key] = ids
        return ids

    def hidden_ids(self) -> frozenset[int]:
        stamp = self.library.stamp()
        if self._skipped_cache is None or self._skipped_cache[0] != stamp:
            ids = frozenset(
                row[0] for row in self.db.execute("SELECT id FROM papers WHERE triage = 'skipped'")
            )
            self._skipped_cache = (stamp, ids)
        return self._skipped_cache[1]

    def _all_ids(self) -> tuple[int, ...]:
        stamp = self.library.stamp()
        if self._all_ids_cache is None or self._all_ids_cache[0] != stamp:
            ids = tuple(row[0] for row in self.db.execute("SELECT id FROM papers ORDER BY id"))
            self._all_ids_cache = (stamp, ids)
        return self._all_ids_cache[1]

    def _filter_ids(
        self, groups: Sequence[tuple[Term, ...]], list_id: int | None, within: set[int] | None
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
            return list(self._all_ids())
        joins, order = "", "p.id"
        if list_id is not None:
            joins = " JOIN list_items li ON li.paper_id = p.id AND li.list_id = ?"
            params.insert(0, list_id)
            order = "li.position"
        sql = f"SELECT p.id FROM papers p{joins}"
        if where:
            sql += " WHERE " + " AND ".join(where)
        return [row[0] for row in self.db.execute(f"{sql} ORDER BY {order}", params)]


def _asks_triage(query: Query) -> bool:
    """A query naming a triage state (``is:skipped``, ``-is:new``) sees every paper."""
    return any(term.field == "is" for group in query.groups for term in group)
