"""The paper as a record: edit it in a form, remove it, open it or its code.

Mixed into the screens that have a current paper (see ``PaperActions``); editing and removing
are changes like any other (the writer, one step of undo), and opening hands the file or page
to the system's opener from a worker thread, so the screen never waits for it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.binding import Binding

from reader import launch
from reader.editing import current_text
from reader.models import Paper, ReaderError
from reader.text import one_line, truncate
from reader.tui.errors import app_work
from reader.tui.screens.dialogs import ConfirmDialog
from reader.tui.screens.edit_form import EditDialog
from reader.tui.screens.paper_actions import papers_word

if TYPE_CHECKING:
    from textual.app import App

    from reader.store import Library
    from reader.tui.messages import Apply, Write

# Opening more than this many marked papers at once asks nothing but opens only these.
MAX_OPEN = 10


class RecordActions:
    """Mixin: E, Delete, o and O."""

    RECORD_BINDINGS = [
        Binding("E", "edit_record", "Edit", show=False, tooltip="Edit the record", id="edit"),
        Binding(
            "delete", "remove_papers", "Remove", show=False, tooltip="Remove the paper", id="remove"
        ),
        Binding("o", "open_paper", "Open", tooltip="Open the PDF, else its page", id="open"),
        Binding("O", "open_code", "Code", show=False, tooltip="Open the code link", id="open-code"),
    ]

    library: Library
    write: Write
    apply: Apply

    if TYPE_CHECKING:
        app: App

        @property
        def current_paper_id(self) -> int | None: ...

        def target_ids(self) -> list[int]: ...

        def notify(self, message: str, **kwargs) -> None: ...  # type: ignore[no-untyped-def]

    @app_work("edit the paper")
    async def action_edit_record(self) -> None:
        paper_id = self.current_paper_id
        if paper_id is None:
            return
        paper = self.library.paper(paper_id)
        changes = await self.app.push_screen_wait(EditDialog(paper.title, current_text(paper)))
        if not changes:
            return
        edited = await self.apply(
            lambda library: library.edit(paper_id, changes), paper_ids={paper_id}
        )
        if edited:
            self.notify(one_line(f"Edited {', '.join(edited)} (u undoes)"), markup=False)
        else:
            self.notify("Nothing changed", timeout=2)

    @app_work("remove the papers")
    async def action_remove_papers(self) -> None:
        ids = self.target_ids()
        if not ids:
            return
        if len(ids) == 1:
            title = self.library.papers(ids, with_notes=False)[0].title
            what = f"“{truncate(one_line(title), 80)}”"
        else:
            what = papers_word(len(ids))
        sure = await self.app.push_screen_wait(
            ConfirmDialog(
                "Remove from the library?",
                f"Remove {what} with its notes, tags and list places? u brings it back.",
                "Remove",
            )
        )
        if not sure:
            return
        removed = await self.apply(lambda library: library.remove(ids), paper_ids=set(ids))
        self.notify(f"Removed {papers_word(removed)} (u undoes)", timeout=4)
        self.removed(ids)

    def removed(self, paper_ids: list[int]) -> None:
        """Hook: the screen lets go of papers that are gone (marks, a paper shown)."""

    def action_open_paper(self) -> None:
        ids = self.target_ids()
        if not ids:
            return
        papers = self.library.papers(ids[:MAX_OPEN], with_notes=False)
        resolve = self.library.file_path
        self._launch([(paper, lambda p: launch.target_for(p, resolve)) for paper in papers])
        if len(ids) > MAX_OPEN:
            self.notify(f"Opened the first {MAX_OPEN} of {len(ids)} marked papers.")

    def action_open_code(self) -> None:
        ids = self.target_ids()
        papers = self.library.papers(ids[:MAX_OPEN], with_notes=False) if ids else []
        self._launch([(paper, launch.code_target) for paper in papers])

    def _launch(self, jobs: list) -> None:  # type: ignore[type-arg]
        """Work out each target on the UI thread (cheap), open them in a worker."""
        locations = []
        for paper, target_of in jobs:
            try:
                target = target_of(paper)
            except ReaderError as error:
                self._cannot_open(paper, str(error))
                continue
            if target.missing:
                self.notify(
                    one_line(f"Missing file: {target.missing[0]}; opening its page instead"),
                    severity="warning",
                    markup=False,
                )
            locations.append(target.location)
        if locations:
            self._open_locations(locations)

    def _cannot_open(self, paper: Paper, why: str) -> None:
        self.notify(
            one_line(why.split(";")[0]).capitalize() + ".",
            title=truncate(one_line(paper.title), 50),
            severity="warning",
            markup=False,
        )

    @app_work("open the paper", thread=True)
    def _open_locations(self, locations: list[str]) -> None:
        for location in locations:
            launch.launch(location)
        shown = locations[0] if len(locations) == 1 else f"{len(locations)} papers"
        self.app.call_from_thread(
            self.notify, one_line(f"Opening {shown}"), timeout=3, markup=False
        )
