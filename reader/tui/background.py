"""Slow reads off the UI thread: related papers, recommendations, statistics, a triage order.

They run in worker threads on a connection of their own (in WAL mode reads never wait for the
app's writer), one at a time. Like the searcher, ``close()`` interrupts a read under way and
closes the connection only once no thread uses it. Plain Python: no Textual here.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from reader.store import Library

T = TypeVar("T")


class Closing(Exception):
    """The app is closing: nobody wants the answer."""


class Background:
    """One connection for the app's slow reads, opened when first needed."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        self._library: Library | None = None
        self._lock = threading.Lock()
        self._closing = False

    def read(self, work: Callable[[Library], T], stale: Callable[[], bool] = lambda: False) -> T:
        """``work(library)`` on the background connection; raises ``Closing`` when the app
        is closing, or when ``stale()`` says the answer is no longer wanted."""
        with self._lock:
            if self._closing or stale():
                raise Closing
            if self._library is None:
                self._library = Library(self.path, threads=True)
            return work(self._library)

    def close(self) -> None:
        self._closing = True
        while not self._lock.acquire(timeout=0.01):
            if self._library is not None:
                self._library.interrupt()
        try:
            if self._library is not None:
                self._library.close()
                self._library = None
        finally:
            self._lock.release()
