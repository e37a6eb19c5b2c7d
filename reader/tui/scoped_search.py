"""The searcher, with scopes given as terms rather than query text.

A scope chosen in the sidebar names a tag exactly; written as query text (``tag:"..."``) a
tag containing ``"`` cannot be read back. Here the scope's terms are joined to the parsed
search text as a query, so any tag name works. Everything else is the searcher's.
"""

from __future__ import annotations

from collections.abc import Callable

from reader.query import Query, Term, parse_query
from reader.searcher import Found, Searcher, never


class ScopedSearcher(Searcher):
    def search_in(
        self,
        text: str,
        scope: tuple[Term, ...],
        list_name: str | None = None,
        stale: Callable[[], bool] = never,
    ) -> Found | None:
        """Like ``search``, within papers matching every term of ``scope``."""
        if not scope:
            return self.search(text, "", list_name, stale)
        typed = parse_query(text) if text.strip() else Query()
        groups = tuple((term,) for term in scope)
        query = Query(groups=groups + typed.groups, text=typed.text)
        with self._lock:
            if self._closing or self._closed or stale():
                return None
            library = self.library
            total = len(library.search(Query(groups=groups), list_name=list_name, fuzzy=False).ids)
            if typed.is_empty:
                result = library.search(query, list_name=list_name, fuzzy=False)
            else:
                result = library.search(query, list_name=list_name, typing=True)
            return Found(result, total)
