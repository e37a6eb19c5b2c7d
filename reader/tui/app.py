"""The full-screen app: builds the screens and holds the library connections."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from pathlib import Path

from textual.app import App
from textual.binding import Binding

from reader.importers import collect_files, import_files
from reader.models import ImportSummary, PaperRow
from reader.store import Library, SearchResult
from reader.tui.commands import ReaderCommands


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
        self.library = Library(self.library_path)
        # Searches run in a worker thread on a connection of their own, one at a time.
        self._search_library = Library(self.library_path, threads=True)
        self._search_lock = threading.Lock()
        self._scope_totals: dict[tuple[str, str | None, tuple[int, int]], int] = {}
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
        self.library.close()
        self._search_library.close()

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
            if stale():
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

    def import_paths(self, paths: list[Path]) -> ImportSummary:
        """Import on a connection of its own: run from a thread, the screen stays live."""
        with Library(self.library_path) as library:
            return import_files(library, collect_files(paths))

    async def prompt_import(self) -> ImportSummary | None:
        """Ask for a path, import it, say how it went; None when cancelled or refused."""
        from reader.models import ReaderError
        from reader.text import one_line
        from reader.tui.screens.dialogs import PromptDialog

        answer = await self.push_screen_wait(
            PromptDialog("Import a listing, BibTeX file or backup", "", "Path to a file or folder")
        )
        if not answer:
            return None
        try:
            self.notify("Importing…", timeout=2)
            summary = await asyncio.to_thread(self.import_paths, [Path(answer).expanduser()])
        except (ReaderError, OSError) as error:
            self.notify(one_line(str(error)), severity="error", title="Import failed", markup=False)
            return None
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
