"""What the app and its screens tell each other, and the calls a screen is given for writing.

Screens do not reach into the app: they are built with the library (for reads, on the UI
thread), the searcher, and the app's ``write`` and ``apply`` (every change goes through the
app's writer thread). After every saved change, and when another process has changed the
library, the app posts ``LibraryChanged`` to each screen, and each redraws what it shows.
Navigation is the app's: a screen posts ``OpenPaper`` and the app opens it.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Collection
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol, TypeVar

from textual.message import Message

if TYPE_CHECKING:
    from textual.worker import Worker

    from reader.store import Library

T = TypeVar("T")


@dataclass
class LibraryChanged(Message, bubble=False):
    """The library has changed: redraw what you show of it.

    ``paper_ids`` are the papers whose fields changed (None: any paper may have). A change with
    ``membership`` can add or remove papers, or reorder a reading list, so every search is run
    again; without it, only searches that filter (by text, status, tag or list) can come out
    different.
    """

    paper_ids: frozenset[int] | None = None
    membership: bool = True

    def can_replace(self, message: Message) -> bool:
        """A flood of changes (keys pressed quickly) is redrawn once when the newer covers it."""
        if not isinstance(message, LibraryChanged):
            return False
        ids_covered = message.paper_ids is None or (
            self.paper_ids is not None and self.paper_ids <= message.paper_ids
        )
        return ids_covered and (message.membership or not self.membership)


@dataclass
class OpenPaper(Message):
    """Show this paper full-screen (bubbles up to the app, which owns navigation)."""

    paper_id: int


class Write(Protocol):
    """``ReaderApp.write``: make a change off the UI thread, ``then`` runs once it is saved."""

    def __call__(
        self,
        doing: str,
        write: Callable[[Library], T],
        then: Callable[[T], None] | None = None,
        *,
        failed: Callable[[], None] | None = None,
        paper_ids: Collection[int] | None = None,
        membership: bool = True,
    ) -> Worker[None]: ...


class Apply(Protocol):
    """``ReaderApp.apply``: make a change off the UI thread and wait for it (in a worker)."""

    def __call__(
        self,
        write: Callable[[Library], T],
        *,
        paper_ids: Collection[int] | None = None,
        membership: bool = True,
    ) -> Awaitable[T]: ...
