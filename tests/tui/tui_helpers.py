"""Helpers for driving the real app with the Pilot.

Searches and writes run in worker threads, so tests never sleep for a fixed time: ``settle``
pauses the pilot until every change asked for is saved and the screens have heard of it, and
the app reports (through ``search_done``) that the latest search of the library screen is on
screen, with a bounded number of rounds.
"""

from __future__ import annotations

import asyncio
import io
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import ExitStack, asynccontextmanager, contextmanager
from pathlib import Path

from pilot_pacing import handled
from rich.console import Console
from rich.text import Text
from textual.pilot import Pilot
from textual.screen import ModalScreen
from textual.widgets import Static

from reader.store import Library
from reader.tui.app import ReaderApp
from reader.tui.screens.library import LibraryScreen
from reader.tui.widgets.paper_detail import PaperDetail

SIZE = (120, 36)
FIXED_NOW = "2024-05-01T09:00:00Z"

Settle = Callable[[Pilot], Awaitable[None]]


async def settle(pilot: Pilot, rounds: int = 1000) -> None:
    """Wait until the library screen's latest search is shown (or another screen is on top).

    ``handled`` lets every queued message be handled without the pilot's idle wait or a forced
    redraw, so a settled app costs almost nothing; a search still running is polled in small
    steps (the screen is drawn meanwhile at the app's own pace).
    """
    app = pilot.app
    assert isinstance(app, ReaderApp)
    for _ in range(rounds):
        await handled(app)
        if writes_pending(app):
            await asyncio.sleep(0.002)
            continue
        # What the last write told the screens (LibraryChanged), and the highlight messages
        # the last results posted, are handled by now.
        await handled(app)
        screen = app.screen
        if not isinstance(screen, LibraryScreen):
            return
        # The detail pane follows the cursor after a repaint; the sidebar's counts come from
        # a worker (done once it has handed them over).
        counting = any(w.group == "overview" and not w.is_finished for w in app.workers)
        if (
            app.search_generation_done >= screen.generation
            and screen.detail_settled
            and not counting
        ):
            return
        await asyncio.sleep(0.002)
    if writes_pending(app):
        raise AssertionError(f"writes still pending after {rounds} rounds")
    raise AssertionError(
        f"search {app.screen.generation} not shown after {rounds} rounds "  # type: ignore[attr-defined]
        f"(last shown: {app.search_generation_done})"
    )


def writes_pending(app: ReaderApp) -> int:
    """How many changes asked for are not saved (and shown) yet: the writes, and the flows
    that ask for a change once their dialog is answered (tag, note, edit, lists...), unless a
    dialog is open and they are waiting for it."""
    answering = isinstance(app.screen, ModalScreen)
    return sum(
        1
        for worker in app.workers
        if not worker.is_finished
        and (worker.group == "write" or (worker.group == "default" and not answering))
    )


@contextmanager
def open_library(path: Path) -> Iterator[Library]:
    """A second connection to the app's library: what another process would see."""
    library = Library(path)
    try:
        yield library
    finally:
        library.close()


@contextmanager
def write_lock_held(path: Path) -> Iterator[tuple[Library, Callable[[], None]]]:
    """Another connection holds the library's write lock (as a long import does) until the
    block ends or ``release()`` is called; changes made on it are saved on release."""
    with ExitStack() as stack:
        library = stack.enter_context(open_library(path))
        stack.enter_context(library.transaction())
        yield library, stack.close


def plain(content: object) -> str:
    """The text of what a Static shows: a string, Text, or any Rich renderable rendered."""
    if isinstance(content, str):
        return content
    if isinstance(content, Text):
        return content.plain
    console = Console(width=200, record=True, file=io.StringIO(), color_system=None)
    console.print(content)
    return console.export_text()


def static_text(app: ReaderApp, selector: str) -> str:
    return plain(app.screen.query_one(selector, Static).content)


def detail_text(app: ReaderApp, selector: str = "#detail") -> str:
    """What a detail pane shows, as text (before it is cut to the pane's width)."""
    return plain(app.screen.query_one(selector, PaperDetail).shown)


class Notes:
    """Records every notification the app shows."""

    def __init__(self, app: ReaderApp) -> None:
        self.messages: list[str] = []
        original = app.notify

        def notify(message: str, *args, **kwargs):  # type: ignore[no-untyped-def]
            self.messages.append(message)
            return original(message, *args, **kwargs)

        app.notify = notify  # type: ignore[method-assign]

    @property
    def last(self) -> str:
        return self.messages[-1] if self.messages else ""


@asynccontextmanager
async def running(
    path: Path, size: tuple[int, int] = SIZE, setup: Callable[[ReaderApp], None] | None = None
) -> AsyncIterator[tuple[ReaderApp, Pilot]]:
    """The app on ``path``, headless, with its first search on screen; ``setup`` can change
    the app before it starts (a shorter wait for the write lock, say)."""
    app = ReaderApp(path)
    if setup is not None:
        setup(app)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        yield app, pilot


async def press(pilot: Pilot, *keys: str) -> None:
    """Press keys (single characters are typed as themselves), then settle."""
    await pilot.press(*keys)
    await settle(pilot)


async def wait_until(pilot: Pilot, condition: Callable[[], bool], rounds: int = 1000) -> None:
    """Pause until ``condition()`` holds, for a bounded number of rounds."""
    for _ in range(rounds):
        await pilot.pause(0)
        if condition():
            return
        await asyncio.sleep(0.005)
    raise AssertionError("condition not met in time")


def library_screen(app: ReaderApp) -> LibraryScreen:
    screen = app.screen
    assert isinstance(screen, LibraryScreen), f"expected the library screen, got {screen!r}"
    return screen


async def run_in_palette(pilot: Pilot, typed: str, wanted: str) -> None:
    """Open the palette, type, wait until ``wanted`` is the highlighted command, run it."""
    from textual.command import CommandList, CommandPalette

    app = pilot.app
    await pilot.press("ctrl+p")
    await wait_until(pilot, lambda: isinstance(app.screen, CommandPalette))
    await pilot.press(*typed)
    commands = app.screen.query_one(CommandList)

    def first_is_wanted() -> bool:
        if not commands.option_count or commands.highlighted is None:
            return False
        prompt = commands.get_option_at_index(commands.highlighted).prompt
        return plain(prompt).split("\n")[0].strip() == wanted

    await wait_until(pilot, first_is_wanted)
    await pilot.press("enter")
    await wait_until(pilot, lambda: not isinstance(app.screen, CommandPalette))
    await settle(pilot)


def palette_labels(app: ReaderApp) -> list[str]:
    """The commands the open palette lists, first to last."""
    from textual.command import CommandList

    commands = app.screen.query_one(CommandList)
    return [
        plain(commands.get_option_at_index(i).prompt).split("\n")[0].strip()
        for i in range(commands.option_count)
    ]


async def settle_shown(pilot: Pilot) -> None:
    """``settle``, then wait for the detail pane's related papers (found in a worker) and
    their layout: what a snapshot needs to come out the same every time."""
    await settle(pilot)
    screen = pilot.app.screen
    if isinstance(screen, LibraryScreen):
        await wait_until(pilot, lambda: screen.detail_settled and isinstance(screen.related, list))
        await pilot.pause(0.05)
