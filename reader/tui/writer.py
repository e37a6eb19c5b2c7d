"""The app's writing connection: one thread that makes every change, in the order asked.

Writes never run on the UI thread: SQLite's write lock can be held by another process for a
long time (an import), and waiting for it there would freeze the screen. One thread means one
writer at a time and first come, first served, so ``3`` then ``4`` leaves four stars.

The lock is waited for in short attempts rather than one long busy timeout, so that the wait
can end early when the app closes, and so that ``waiting`` can be shown. A store call that
finds the lock taken has changed nothing yet (every write starts with ``BEGIN IMMEDIATE``), so
trying it again is safe.
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future
from pathlib import Path
from typing import Any, TypeVar

from reader.store import Library
from reader.tui.errors import is_busy

T = TypeVar("T")

# How long a write waits for another process to let go of the lock, as the CLI does.
PATIENCE = 30.0
# One attempt's busy timeout: how quickly a closing app stops a write that waits.
ATTEMPT = 0.1
# On closing, how long writes still queued or running may take before they are stopped.
CLOSING_GRACE = 2.0


def set_busy_timeout(library: Library, seconds: float) -> None:
    library.set_busy_timeout(seconds)


def interrupt(library: Library) -> None:
    """Stop the statement running on ``library`` from another thread; a no-op between
    statements, so callers repeat it until the work is over."""
    library.interrupt()


class LibraryWriter:
    """A connection used from one thread only, fed by a queue of writes."""

    def __init__(self, path: Path, *, patience: float = PATIENCE, attempt: float = ATTEMPT) -> None:
        self.library = Library(path, threads=True)
        set_busy_timeout(self.library, attempt)
        self.patience = patience
        self.grace = CLOSING_GRACE
        self.waiting_for_lock = False
        self._jobs: queue.SimpleQueue[tuple[Future[Any], Callable[[Library], Any]] | None] = (
            queue.SimpleQueue()
        )
        self._thread: threading.Thread | None = None
        self._stop_at: float | None = None
        self._closed = False

    def submit(self, write: Callable[[Library], T]) -> Future[T]:
        """Queue ``write(library)``; the future holds its result or its error."""
        if self._closed or self._stop_at is not None:
            raise RuntimeError("the library writer is closed")
        future: Future[T] = Future()
        self._jobs.put((future, write))
        if self._thread is None:
            self._thread = threading.Thread(target=self._serve, name="reader-writer", daemon=True)
            self._thread.start()
        return future

    @property
    def stopping(self) -> bool:
        return self._stop_at is not None and time.monotonic() >= self._stop_at

    def _serve(self) -> None:
        while (job := self._jobs.get()) is not None:
            future, write = job
            if self.stopping:
                future.cancel()
            if not future.set_running_or_notify_cancel():
                continue
            try:
                result = self._attempt(write)
            except BaseException as error:  # handed to the UI thread, which reports it
                future.set_exception(error)
            else:
                future.set_result(result)

    def _attempt(self, write: Callable[[Library], T]) -> T:
        deadline = time.monotonic() + self.patience
        try:
            while True:
                try:
                    return write(self.library)
                except Exception as error:
                    if not is_busy(error) or self.stopping or time.monotonic() >= deadline:
                        raise
                    self.waiting_for_lock = True
                    time.sleep(0.01)  # in case SQLite answered busy without waiting
        finally:
            self.waiting_for_lock = False

    def close(self) -> None:
        """Finish the writes already asked for, then close the connection.

        Writes still waiting for the lock after ``grace`` seconds give up, and a long one (an
        import) is interrupted and rolled back; the connection is closed only once the thread
        has let go of it.
        """
        if self._closed:
            return
        self._stop_at = time.monotonic() + self.grace
        if self._thread is not None:
            self._jobs.put(None)
            self._thread.join(self.grace)
            while self._thread.is_alive():
                interrupt(self.library)
                self._thread.join(0.01)
        self._closed = True
        self.library.close()
