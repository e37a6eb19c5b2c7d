"""The full-screen app: builds the screens and holds the library connections."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TypeVar

from textual.actions import ActionParseResult
from textual.app import App
from textual.binding import Binding
from textual.dom import DOMNode
from textual.notifications import Notification, Notify
from textual.worker import Worker, WorkerState

from reader.importers import collect_files, import_files
from reader.models import ImportSummary, PaperRow
from reader.store import Library, SearchResult
from reader.tui.commands import ReaderCommands
from reader.tui.errors import describe, report, reported
from reader.tui.writer import LibraryWriter, interrupt

T = TypeVar("T")

# A write still waiting after this many seconds says so.
WAIT_NOTICE = 1.0


class ReaderApp(App):
    """``reader`` with no arguments. The library path is passed in, as the CLI and tests do."""

    CSS_PATH = "app.tcss"
    TITLE = "reader"
    COMMANDS = App.COMMANDS | {ReaderCommands}
    BINDINGS = [
        Binding("q", "quit", "Quit", tooltip="Quit (every change is already saved)"),
        Binding("question_mark", "help", "Help", tooltip="Keys and search syntax"),
        Binding(
            "ctrl+p",
            "command_palette",
            "Palette",
            show=False,
            tooltip="Every action, lists, tags, papers",
        ),
    ]

    def __init__(self, library_path: Path | str) -> None:
        super().__init__()
        self.library_path = Path(library_path)
        # Reads for the screens, on the UI thread (in WAL mode they never wait for writers).
        self.library = Library(self.library_path)
        # Every change goes through one writer thread, in the order the keys were pressed.
        self.writer = LibraryWriter(self.library_path)
        self.wait_notice = WAIT_NOTICE
        # Searches run in a worker thread on a connection of their own, one at a time.
        self._search_library = Library(self.library_path, threads=True)
        self._search_lock = threading.Lock()
        self._scope_totals: dict[tuple[str, str | None, tuple[int, int]], int] = {}
        self._closing = False
        self.search_generation_done = 0

    def on_mount(self) -> None:
        if self.library.count():
            self.show_library()
        else:
            from reader.tui.screens.welcome import WelcomeScreen

            self.push_screen(WelcomeScreen())

    def show_library(self) -> None:
        from reader.tui.screens.library import LibraryScreen

        screen = LibraryScreen()
        if len(self.screen_stack) > 1:
            self.switch_screen(screen)
        else:
            self.push_screen(screen)

    def on_unmount(self) -> None:
        """Close the connections only once no thread uses them (closing one under a running
        statement can crash the process)."""
        self._closing = True
        while not self._search_lock.acquire(timeout=0.01):
            interrupt(self._search_library)  # a long search gives way at once
        try:
            self._search_library.close()
        finally:
            self._search_lock.release()
        self.writer.close()
        self.library.close()

    # -- the one error path ------------------------------------------------------------------

    async def run_action(
        self,
        action: str | ActionParseResult,
        default_namespace: DOMNode | None = None,
        namespaces: Mapping[str, DOMNode] | None = None,
    ) -> bool:
        """Every key, button and palette action passes here: a failure is told, not fatal."""
        with reported(self):
            return await super().run_action(action, default_namespace, namespaces)
        return True  # failed, and said so

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """Every worker belongs to the app (see ``errors.app_work``): one place reports them."""
        error = event.worker.error
        if event.state is not WorkerState.ERROR or error is None:
            return
        if self._closing and describe(error) is not None:
            return  # a search interrupted, a write given up: nobody is left to tell
        report(self, error, event.worker.name)

    # -- writing -----------------------------------------------------------------------------

    async def apply(self, write: Callable[[Library], T]) -> T:
        """Run ``write(library)`` on the writer thread and wait for it without blocking the
        screen. A write that waits (for the lock, or behind an earlier write) more than a
        moment says so until it goes through."""
        if self._closing:
            raise asyncio.CancelledError  # too late: the writer is closed
        job = self.writer.submit(write)
        done = asyncio.wrap_future(job)
        # Should this task be cancelled (the app closing), nobody else will look at the outcome.
        done.add_done_callback(lambda future: future.cancelled() or future.exception())
        notice: Notification | None = None
        timeout = self.wait_notice
        try:
            while True:
                try:
                    # shield: if this task is cancelled (the app closing), the write goes on.
                    return await asyncio.wait_for(asyncio.shield(done), timeout)
                except TimeoutError:
                    pass
                timeout = 0.25
                message = self._waiting_message(job.running())
                if notice is not None and notice.message != message:
                    self._withdraw(notice)
                    notice = None
                if notice is None and message:
                    notice = self._show_waiting(message)
        finally:
            if notice is not None:
                self._withdraw(notice)

    def write(
        self,
        doing: str,
        write: Callable[[Library], T],
        then: Callable[[T], None] | None = None,
        *,
        failed: Callable[[], None] | None = None,
    ) -> Worker[None]:
        """Make a change off the UI thread; ``then(result)`` runs on the UI thread once it is
        saved. A failure is reported by the one handler as "Could not {doing}", after
        ``failed()`` has had a chance to redraw what the failure says is out of date."""

        async def run() -> None:
            try:
                result = await self.apply(write)
            except Exception:
                if failed is not None and not self._closing:
                    failed()
                raise
            if then is not None and not self._closing:  # the screens may be gone
                then(result)

        return self.run_worker(run(), name=doing, group="write", exit_on_error=False)

    def _waiting_message(self, running: bool) -> str:
        if self.writer.waiting_for_lock:
            return "Waiting for the library: another reader is writing to it."
        if not running:
            return "Waiting for an earlier change to be saved."
        return ""  # this write is under way (a long import): nothing to wait for

    def _show_waiting(self, message: str) -> Notification:
        notice = Notification(message, "Saving…", "warning", self.writer.patience, markup=False)
        self.post_message(Notify(notice))
        return notice

    def _withdraw(self, notice: Notification) -> None:
        # Textual has no public call to take back one notification (clicking a toast does
        # this); queued after the Notify, so a notice withdrawn at once is never left over.
        self.call_later(self._unnotify, notice)

    @property
    def waiting_notices(self) -> list[str]:
        """The "still saving" notices on screen."""
        return [n.message for n in self._notifications if n.title == "Saving…"]

    # -- the small API the screens use --------------------------------------------------------

    def load_rows(self, ids) -> list[PaperRow]:  # type: ignore[no-untyped-def]
        return self.library.rows(ids)

    def search(
        self,
        text: str,
        scope_query: str,
        list_name: str | None,
        stale: Callable[[], bool] = lambda: False,
    ) -> tuple[SearchResult, int] | None:
        """Run in a worker thread: the results for text within a scope, and the scope's size.

        Searches queue for one connection; one that a newer keystroke has made ``stale`` by the
        time its turn comes answers None at once instead of holding up the newest.
        """
        with self._search_lock:
            if self._closing or stale():
                return None
            library = self._search_library
            stamp = library.data_version()
            key = (scope_query, list_name, stamp)
            total = self._scope_totals.get(key)
            if total is None:
                total = len(library.search(scope_query, list_name=list_name, fuzzy=False).ids)
                self._scope_totals = {key: total}
            query = f"{scope_query} {text}".strip()
            if not text.strip():
                result = library.search(scope_query, list_name=list_name, fuzzy=False)
            else:
                result = library.search(query, list_name=list_name, typing=True)
            return result, total

    def search_done(self, generation: int) -> None:
        """Hook for tests and benchmarks: the results of ``generation`` are on screen."""
        self.search_generation_done = generation

    def find_titles(self, text: str, limit: int = 15) -> list[tuple[int, str]]:
        ids = self.library.search(text, limit=limit).ids
        return [(row.id, row.title) for row in self.library.rows(ids)]

    def open_paper(self, paper_id: int) -> None:
        from reader.tui.screens.paper import PaperScreen

        self.push_screen(PaperScreen(paper_id))

    async def prompt_import(self) -> ImportSummary | None:
        """Ask for a path, import it, say how it went; None when cancelled.

        Run in a worker: a refused file fails it, and the one handler says why. The import is
        a write like any other (one transaction, on the writer thread), so the screen stays
        live and quitting part-way rolls it back.
        """
        from reader.tui.screens.dialogs import PromptDialog

        answer = await self.push_screen_wait(
            PromptDialog("Import a listing, BibTeX file or backup", "", "Path to a file or folder")
        )
        if not answer:
            return None
        paths = [Path(answer).expanduser()]
        self.notify("Importing…", timeout=2)
        summary = await self.apply(lambda library: import_files(library, collect_files(paths)))
        self.notify(
            f"{summary.parsed} papers read: {summary.added} added, "
            f"{summary.duplicates} already here"
        )
        return summary

    def export_list(self, name: str, path: Path) -> Path:
        from reader.exporting import list_document, render, write_atomic

        document = list_document(self.library, name)
        return write_atomic(path, render(document, "markdown"))

    def action_help(self) -> None:
        from reader.tui.screens.help import HelpScreen
        from reader.tui.widgets.paper_list import PaperList

        screen = self.screen
        sections = [
            ("This screen", list(getattr(type(screen), "BINDINGS", []))),
            ("Everywhere", list(self.BINDINGS)),
        ]
        if screen.query(PaperList):
            sections.append(("Moving in the list", list(PaperList.BINDINGS)))
        self.push_screen(HelpScreen(sections))
