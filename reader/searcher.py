"""Search as you type, off the UI thread: one connection, one search at a time, stale ones dropped.

The app's search box asks again at every keystroke, from a worker thread. Searches queue for
one connection of their own (reads never wait for the app's writer in WAL mode); a search that
a newer keystroke has made stale by the time its turn comes answers None at once instead of
holding up the newest. The size of the scope being searched (the "of N" beside the results)
is counted once per scope and data version, not at every keystroke.

Plain Python: the app uses it from Textual workers, the tests without Textual.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple

from reader.store import Library, SearchResult


class Found(NamedTuple):
    """A search's answer: the results, and how many papers the scope holds before any text."""

    result: SearchResult
    total: int


def never() -> bool:
    return False


class Searcher:
    """The searches of one library, for one app; ``close()`` before letting go of it."""

    def __init__(self, path: Path | str) -> None:
        self.library = Library(path, threads=True)
        self._lock = threading.Lock()
        self._totals: dict[tuple[str, str | None, tuple[int, int]], int] = {}
        self._closing = False
        self._closed = False

    def search(
        self,
        text: str,
        scope_query: str = "",
        list_name: str | None = None,
        stale: Callable[[], bool] = never,
    ) -> Found | None:
        """The results for ``text`` within a scope (a query such as ``tag:vision``, and/or a
        reading list, in its order); None when ``stale()`` says nobody wants them any more,
        or the searcher is closing. A malformed query raises ``QueryError``."""
        with self._lock:
            if self._closing or self._closed or stale():
                return None
            library = self.library
            total = self._scope_total(scope_query, list_name)
            if not text.strip():
                result = library.search(scope_query, list_name=list_name, fuzzy=False)
            else:
                query = f"{scope_query} {text}".strip()
                result = library.search(query, list_name=list_name, typing=True)
            return Found(result, total)

    def _scope_total(self, scope_query: str, list_name: str | None) -> int:
        """Counted again only when the library has changed since (the lock is held)."""
        key = (scope_query, list_name, self.library.data_version())
        total = self._totals.get(key)
        if total is None:
            total = len(self.library.search(scope_query, list_name=list_name, fuzzy=False).ids)
            self._totals = {key: total}  # only the latest scope is worth keeping
        return total

    def close(self) -> None:
        """Stop the search under way and close the connection once no thread uses it.

        Closing a connection under a running statement can crash the process, so the lock is
        waited for; a long search is interrupted (it then raises in its own thread) rather
        than waited out. Searches asked for afterwards answer None.
        """
        self._closing = True
        while not self._lock.acquire(timeout=0.01):
            self.library.interrupt()  # a no-op between statements, so repeated
        try:
            if not self._closed:
                self._closed = True
                self.library.close()
        finally:
            self._lock.release()
