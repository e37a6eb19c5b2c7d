"""The full-screen app: holds the library's connections, builds the screens and moves between
them, makes every change on the writer thread and tells the screens when the library changed."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Collection, Mapping
from pathlib import Path
from typing import ClassVar, TypeVar

from textual import on
from textual.actions import ActionParseResult
from textual.app import App
from textual.binding import Binding
from textual.dom import DOMNode
from textual.notifications import Notification, Notify
from textual.worker import Worker, WorkerState

from reader.config import Settings, load_settings_or_defaults
from reader.importers import collect_files, import_files
from reader.store import Library
from reader.tui import collector
from reader.tui.background import Background
from reader.tui.commands import ReaderCommands
from reader.tui.errors import app_work, describe, report, reported
from reader.tui.messages import LibraryChanged, OpenPaper
from reader.tui.preferences import Preferences
from reader.tui.scoped_search import ScopedSearcher
from reader.tui.writer import LibraryWriter

T = TypeVar("T")

# A write still waiting after this many seconds says so.
WAIT_NOTICE = 1.0
# How often to look for changes made by other processes.
POLL_SECONDS = 2.0


class ReaderApp(Preferences, App):
    """``reader`` with no arguments. The library path is passed in, as the CLI and tests do."""

    CSS_PATH = "app.tcss"
    TITLE = "reader"
    start_set_aside: ClassVar[bool] = False  # once a process: see search_done
    # Reader's own commands first: their hits outrank Textual's (see ReaderCommands).
    COMMANDS = {ReaderCommands} | App.COMMANDS
    BINDINGS = [
        Binding("q", "quit", "Quit", tooltip="Quit (every change is already saved)", id="quit"),
        Binding("question_mark", "help", "Help", tooltip="Keys and search syntax", id="help"),
        Binding(
            "ctrl+p",
            "command_palette",
            "Palette",
            show=False,
            tooltip="Every action, lists, tags, papers",
            id="command-palette",
        ),
    ]

    def __init__(
        self,
        library_path: Path | str,
        *,
        settings: Settings | None = None,
        ask_to_create: bool = False,
        start: str = "library",
    ) -> None:
        """``settings`` default to the settings file's (a broken file: the defaults, and a
        notification); ``ask_to_create`` asks before creating a missing library file;
        ``start`` is "library" or "triage"."""
        super().__init__()
        self.settings_problem: str | None = None
        if settings is None:
            settings, self.settings_problem = load_settings_or_defaults()
        self.settings = settings
        self.start = start
        self.wait_notice = WAIT_NOTICE
        self._closing = False
        self._data_version: tuple[int, int] | None = None
        self._writes_in_flight = 0  # the poll waits for them: their commits are ours
        self.search_generation_done = 0
        self.keymap = dict(settings.keys)
        self._demo_folder: object | None = None  # a TemporaryDirectory for the sample
        self.library_path = Path(library_path)
        self._connected = False
        self._ask_to_create = ask_to_create and not self.library_path.exists()
        if not self._ask_to_create:
            self._connect(self.library_path)

    def _connect(self, path: Path) -> None:
        self.library_path = path
        # Reads for the screens, on the UI thread (in WAL mode they never wait for writers).
        self.library = Library(path)
        # Every change goes through one writer thread, in the order the keys were pressed.
        self.writer = LibraryWriter(path)
        # Searches run in worker threads on a connection of their own, one at a time.
        self.searcher = ScopedSearcher(path)
        # Related papers, recommendations and statistics: another, for slow reads.
        self.background = Background(path)
        self._connected = True

    def _disconnect(self) -> None:
        """Close the connections only once no thread uses them (closing one under a running
        statement can crash the process)."""
        if not self._connected:
            return
        self._connected = False
        self.searcher.close()  # a long search gives way at once
        self.background.close()
        self.writer.close()
        self.library.close()

    def on_mount(self) -> None:
        self.apply_settings()
        self.set_interval(POLL_SECONDS, self.check_outside_changes)
        if self._ask_to_create:
            from reader.tui.screens.dialogs import ConfirmDialog

            self.push_screen(
                ConfirmDialog(
                    "Create a new library?",
                    f"There is no library at {self.library_path}. Create an empty one there?",
                    "Create",
                ),
                self._create_answered,
            )
        else:
            self._show_first_screen()

    def _create_answered(self, create: bool | None) -> None:
        if not create:
            self.exit(message="No library created.")
            return
        with reported(self, "create the library"):
            self._connect(self.library_path)
            self._show_first_screen()

    def _show_first_screen(self) -> None:
        self._data_version = self.library.data_version()
        if self.library.has_papers():
            self.show_library()
            if self.start == "triage":
                self.open_triage()
        else:
            from reader.tui.screens.welcome import WelcomeScreen

            self.push_screen(WelcomeScreen())

    def action_open_demo(self) -> None:
        """The bundled sample, as ``reader demo`` opens it: a library of its own in a
        temporary folder, never mixed into the person's own."""
        import tempfile

        from reader.demo import create_demo_library

        folder = tempfile.TemporaryDirectory(prefix="reader-demo-")
        path = create_demo_library(Path(folder.name))
        self._disconnect()
        self._demo_folder = folder
        self._connect(path)
        self.sub_title = "demo library (a throw-away copy of the sample)"
        self.library_changed()
        self.notify("This is the demo library: your own library is untouched.", timeout=6)

    def on_unmount(self) -> None:
        self._closing = True
        self._disconnect()
        if self._demo_folder is not None:
            self._demo_folder.cleanup()  # type: ignore[attr-defined]

    # -- navigation --------------------------------------------------------------------------

    def show_library(self) -> None:
        from reader.tui.screens.library import LibraryScreen

        screen = LibraryScreen(
            self.library,
            self.searcher,
            self.write,
            self.apply,
            self.background,
            self.settings,
            # Looked up at each call: benchmarks and tests wrap ``search_done``.
            searched=lambda generation: self.search_done(generation),
        )
        if len(self.screen_stack) > 1:
            self.switch_screen(screen)
        else:
            self.push_screen(screen)

    def open_paper(self, paper_id: int) -> None:
        """The paper full-screen; from the list (Enter) and from the palette."""
        from reader.tui.screens.paper import PaperScreen

        self.push_screen(
            PaperScreen(paper_id, self.library, self.write, self.apply, self.background)
        )

    def open_triage(self) -> None:
        from reader.tui.screens.triage import TriageScreen

        self.push_screen(TriageScreen(self.library, self.write, self.apply, self.background))

    def action_stats(self) -> None:
        from reader.tui.screens.stats import StatsScreen

        self.push_screen(StatsScreen(self.background))

    @on(OpenPaper)
    def paper_asked_for(self, message: OpenPaper) -> None:
        self.open_paper(message.paper_id)

    def action_help(self) -> None:
        from reader.tui.screens.help import HelpScreen

        self.push_screen(HelpScreen.about(self.screen, self.BINDINGS, self.keymap))

    def search_done(self, generation: int) -> None:
        """The results of ``generation`` are on screen (tests and benchmarks wait on it)."""
        self.search_generation_done = generation
        if not ReaderApp.start_set_aside:
            ReaderApp.start_set_aside = True
            self.call_after_refresh(collector.tune_for_frames)

    # -- the library changed -----------------------------------------------------------------

    def library_changed(
        self, paper_ids: Collection[int] | None = None, *, membership: bool = True
    ) -> None:
        """Tell every screen (each redraws what it shows); a first import leaves the welcome."""
        if self._closing:
            return
        ids = None if paper_ids is None else frozenset(paper_ids)
        for screen in self.screen_stack:
            screen.post_message(LibraryChanged(ids, membership))
        with reported(self, "read the library"):
            self._data_version = self.library.data_version()  # this change is told now
            from reader.tui.screens.welcome import WelcomeScreen

            if isinstance(self.screen, WelcomeScreen) and self.library.has_papers():
                self.show_library()

    def check_outside_changes(self) -> None:
        """Every two seconds (a timer, so its failures go to the one error path by hand)."""
        if not self._connected:
            return  # still asking whether to create the library: nothing to watch yet
        if self._writes_in_flight:
            return  # a commit seen now may be this app's own, told once it is saved
        with reported(self, "check for changes made elsewhere"):
            if self.library.data_version() != self._data_version:
                self.library_changed()

    def action_reload(self) -> None:
        self.library_changed()
        self.notify("Reloaded from the library.")

    @app_work("import the file")
    async def action_import_file(self) -> None:
        """Ask for a path, import it, say how it went.

        A refused file fails the worker, and the one handler says why. The import is a write
        like any other (one transaction, on the writer thread), so the screen stays live and
        quitting part-way rolls it back.
        """
        from reader.tui.screens.dialogs import PromptDialog

        answer = await self.push_screen_wait(
            PromptDialog("Import a listing, BibTeX file or backup", "", "Path to a file or folder")
        )
        if not answer:
            return
        paths = [Path(answer).expanduser()]
        self.notify("Importing…", timeout=2)
        summary = await self.apply(lambda library: import_files(library, collect_files(paths)))
        self.notify(
            f"{summary.parsed} papers read: {summary.added} added, "
            f"{summary.duplicates} already here"
        )

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

    async def apply(
        self,
        write: Callable[[Library], T],
        *,
        paper_ids: Collection[int] | None = None,
        membership: bool = True,
    ) -> T:
        """Run ``write(library)`` on the writer thread and wait for it without blocking the
        screen; once saved, the screens hear of it (``paper_ids`` and ``membership`` say what
        it can have changed: see ``LibraryChanged``). A write that waits (for the lock, or
        behind an earlier write) more than a moment says so until it goes through."""
        if self._closing:
            raise asyncio.CancelledError  # too late: the writer is closed
        job = self.writer.submit(write)
        self._writes_in_flight += 1
        done = asyncio.wrap_future(job)
        # Should this task be cancelled (the app closing), nobody else will look at the outcome.
        done.add_done_callback(lambda future: future.cancelled() or future.exception())
        notice: Notification | None = None
        timeout = self.wait_notice
        try:
            while True:
                try:
                    # shield: if this task is cancelled (the app closing), the write goes on.
                    result = await asyncio.wait_for(asyncio.shield(done), timeout)
                    break
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
            self._writes_in_flight -= 1
            if notice is not None:
                self._withdraw(notice)
        if self.writer.library.take_changed_elsewhere():
            # Another process wrote meanwhile (the poll waits for writes): show everything.
            self.library_changed()
        else:
            self.library_changed(paper_ids, membership=membership)
        return result

    def write(
        self,
        doing: str,
        write: Callable[[Library], T],
        then: Callable[[T], None] | None = None,
        *,
        failed: Callable[[], None] | None = None,
        paper_ids: Collection[int] | None = None,
        membership: bool = True,
    ) -> Worker[None]:
        """Make a change off the UI thread; ``then(result)`` runs on the UI thread once it is
        saved. A failure is reported by the one handler as "Could not {doing}", after
        ``failed()`` has had a chance to redraw what the failure says is out of date."""

        async def run() -> None:
            try:
                result = await self.apply(write, paper_ids=paper_ids, membership=membership)
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
