"""Adding papers from the web (``A``) and finding arXiv entries for the papers shown.

The network part runs in a thread and reports its progress to a line at the bottom of the
screen, which stays live meanwhile; storing what was found is a change like any other (the
app's writer, in order). Finding arXiv entries writes as it goes, batch by batch, on a
connection of its own, as ``reader enrich`` in another process would; the app's check for
outside changes then shows what it filled.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from typing import TYPE_CHECKING

from textual.binding import Binding

from reader.store import Library
from reader.text import one_line, truncate
from reader.tui.errors import app_work
from reader.tui.screens.dialogs import PromptDialog

if TYPE_CHECKING:
    from textual.app import App
    from textual.widgets import Input

    from reader.tui.messages import Apply
    from reader.web.reports import Progress

STAGE_WORDS = {"lookup": "Looking up", "download": "Downloading", "enrich": "Finding arXiv entries"}


class Stopped(Exception):
    """The app is closing: the web operation stops where it is."""


def progress_text(event: Progress) -> str:
    words = STAGE_WORDS.get(event.stage, event.stage)
    amount = f" {event.done} of {event.total}" if event.total else ""
    label = f": {truncate(one_line(event.label), 60)}" if event.label else ""
    return f"{words}{amount}{label}…"


class WebActions:
    """Mixin of the library screen."""

    WEB_BINDINGS = [
        Binding(
            "A", "add_from_web", "Add", show=False, tooltip="Add papers by arXiv id, DOI…", id="add"
        ),
    ]

    library: Library
    apply: Apply

    if TYPE_CHECKING:
        app: App

        @property
        def search_input(self) -> Input: ...

        def scope_query(self) -> str: ...

        def notify(self, message: str, **kwargs) -> None: ...  # type: ignore[no-untyped-def]

        def query_one(self, selector: str) -> object: ...

    def _progress(self, text: str | None) -> None:
        from textual.widgets import Static

        line = self.query_one("#progress")
        assert isinstance(line, Static)
        line.update(text or "")
        line.set_class(bool(text), "shown")

    def _reporter(self):  # type: ignore[no-untyped-def]
        """A Progress callback for the worker thread: shown on the screen's progress line."""

        def report(event: Progress) -> None:
            if getattr(self.app, "_closing", False):
                raise Stopped
            self.app.call_from_thread(self._progress, progress_text(event))

        return report

    @app_work("add papers from the web", group="web")
    async def action_add_from_web(self) -> None:
        from reader.web.add import look_up, store_found

        answer = await self.app.push_screen_wait(
            PromptDialog(
                "Add papers from the web",
                "",
                "arXiv ids or URLs, DOIs, Hugging Face papers URLs, separated by spaces · "
                "Enter adds · Esc cancels",
            )
        )
        if not answer:
            return
        things = answer.split()
        self._progress(f"Looking up {len(things)}…")
        try:
            lookup = await asyncio.to_thread(look_up, things, progress=self._reporter())
            if lookup.found:
                self._progress("Saving…")
                report = await self.apply(lambda library: store_found(library, lookup))
            else:
                report = lookup.report()
        finally:
            self._progress(None)
        counts = Counter(result.status for result in report.results)
        parts = [f"{counts[s]} {s}" for s in ("added", "enriched", "unchanged") if counts[s]]
        failures = [r for r in report.results if r.status == "failed"]
        if failures:
            first = failures[0]
            parts.append(f"{len(failures)} failed ({one_line(first.thing)}: {first.error})")
        self.notify(
            one_line(", ".join(parts) or "Nothing added"),
            title="Add from the web",
            severity="warning" if failures else "information",
            timeout=8,
            markup=False,
        )

    @app_work("find arXiv entries", group="web")
    async def action_enrich(self) -> None:
        """Find arXiv entries (by exact title) for the papers of the current search."""
        from reader.web.enrich import enrich_library

        query = " ".join(part for part in (self.scope_query(), self.search_input.value) if part)
        path = self.library.path
        reporter = self._reporter()

        def run():  # type: ignore[no-untyped-def]
            with Library(path) as library:
                return enrich_library(library, query, progress=reporter)

        self._progress("Finding arXiv entries…")
        try:
            report = await asyncio.to_thread(run)
        finally:
            self._progress(None)
        message = (
            f"{len(report.found)} filled, {len(report.missing)} not on arXiv, "
            f"{len(report.ambiguous)} ambiguous, of {report.candidates} without an arXiv id or DOI"
        )
        if report.not_asked:
            message += f"; {report.not_asked} not on arXiv last time were not asked again"
        if report.error:
            message += f"; stopped: {report.error}"
        self.notify(
            one_line(message),
            title="Find arXiv entries",
            severity="warning" if report.error else "information",
            timeout=10,
            markup=False,
        )
