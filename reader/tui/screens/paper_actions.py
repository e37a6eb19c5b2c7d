"""Actions on the highlighted paper, shared by the library screen and the paper screen.

Each change goes through the ``write`` or ``apply`` the screen was given; the app tells every
screen once it is saved (``LibraryChanged``), so an action only says what it did.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.binding import Binding

from reader.keys import TagEdit
from reader.store import Library
from reader.text import one_line, stars
from reader.tui.errors import app_work
from reader.tui.screens.dialogs import ListPickerDialog, NoteDialog, TagDialog

if TYPE_CHECKING:
    from textual.app import App

    from reader.tui.messages import Apply, Write


class PaperActions:
    """Mixin for screens that have a current paper, a library to read and the app's writes."""

    PAPER_BINDINGS = [
        *[
            Binding(
                str(n),
                f"rate({n})",
                f"{n}★",
                show=False,
                tooltip=f"Rate {n} star{'' if n == 1 else 's'}",
                id=f"rate-{n}",
            )
            for n in range(1, 6)
        ],
        Binding("0", "rate(0)", "Clear rating", show=False, id="clear-rating"),
        Binding("s", "cycle_status", "Status", tooltip="unread → reading → read", id="status"),
        Binding("t", "tag", "Tag", tooltip="Add or remove tags", id="tag"),
        Binding("n", "note", "Note", tooltip="Annotate the paper", id="note"),
        Binding("a", "add_to_list", "To list", tooltip="Add to a reading list", id="add-to-list"),
        Binding(
            "o", "open_link", "Open code", show=False, tooltip="Open the code link", id="open-link"
        ),
        Binding("u", "undo", "Undo", tooltip="Undo the last change", id="undo"),
    ]

    # Given to the screen when it is built (annotations only: a real definition here would
    # come before the Screen's own attributes in the MRO and shadow them).
    library: Library
    write: Write
    apply: Apply

    if TYPE_CHECKING:
        app: App

        @property
        def current_paper_id(self) -> int | None: ...

        def notify(self, message: str, **kwargs) -> None: ...  # type: ignore[no-untyped-def]

    def action_rate(self, rating: int) -> None:
        paper_id = self.current_paper_id
        if paper_id is None:
            return

        def rated(_: None) -> None:
            self.notify(f"Rated {stars(rating)}" if rating else "Rating cleared", timeout=2)

        self.write(
            "rate the paper",
            lambda library: library.rate(paper_id, rating),
            rated,
            paper_ids={paper_id},
            membership=False,
        )

    def action_cycle_status(self) -> None:
        paper_id = self.current_paper_id
        if paper_id is None:
            return

        def marked(status: str) -> None:
            self.notify(f"Marked {status}", timeout=2)

        self.write(
            "change the status",
            lambda library: library.cycle_status(paper_id),
            marked,
            paper_ids={paper_id},
            membership=False,
        )

    @app_work("tag the paper")
    async def action_tag(self) -> None:
        paper_id = self.current_paper_id
        if paper_id is None:
            return
        paper = self.library.papers([paper_id], with_notes=False)[0]
        known = [tag.name for tag in self.library.tags()]
        edit: TagEdit | None = await self.app.push_screen_wait(
            TagDialog(paper.title, list(paper.tags), known)
        )
        if edit is None:
            return

        def retag(library: Library) -> tuple[list[str], list[str]]:
            with library.transaction():  # both or neither
                added = library.tag(paper_id, edit.add) if edit.add else []
                removed = library.untag(paper_id, edit.remove) if edit.remove else []
            return added, removed

        added, removed = await self.apply(retag, paper_ids={paper_id}, membership=False)
        parts = []
        if added:
            parts.append("added " + " ".join(f"#{name}" for name in added))
        if removed:
            parts.append("removed " + " ".join(f"#{name}" for name in removed))
        message = ("Tags " + ", ".join(parts)) if parts else "No change to tags"
        self.notify(one_line(message), timeout=3, markup=False)

    @app_work("save the note")
    async def action_note(self) -> None:
        paper_id = self.current_paper_id
        if paper_id is None:
            return
        paper = self.library.papers([paper_id], with_notes=False)[0]
        draft = await self.app.push_screen_wait(NoteDialog(paper.title, paper.abstract))
        if draft is None:
            return
        await self.apply(
            lambda library: library.add_note(paper_id, draft.body, draft.quote),
            paper_ids={paper_id},
            membership=False,
        )
        self.notify("Note saved", timeout=2)

    @app_work("add the paper to the list")
    async def action_add_to_list(self) -> None:
        paper_id = self.current_paper_id
        if paper_id is None:
            return
        names = [item.name for item in self.library.lists()]
        choice = await self.app.push_screen_wait(ListPickerDialog(names))
        if choice is None:
            return

        def add(library: Library) -> int:
            with library.transaction():  # a new list is only kept with the paper in it
                if choice.create:
                    library.create_list(choice.name)
                return library.add_to_list(choice.name, [paper_id])

        # A list shown is a filter: its search runs again, and the library's does not change.
        added = await self.apply(add, paper_ids={paper_id}, membership=False)
        message = f"Added to {choice.name}." if added else f"Already in {choice.name}."
        self.notify(one_line(message), markup=False)

    def action_open_link(self) -> None:
        paper_id = self.current_paper_id
        if paper_id is None:
            return
        paper = self.library.papers([paper_id], with_notes=False)[0]
        url = paper.code_link or (paper.links[0].url if paper.links else None)
        if url is None:
            self.notify("This paper has no links.", severity="warning")
            return
        self.app.open_url(url)
        self.notify(one_line(f"Opening {url}"), timeout=3, markup=False)

    def action_undo(self) -> None:
        def undone(description: str) -> None:
            self.notify(one_line(f"Undid: {description}"), title="Undo", markup=False)

        self.write("undo", lambda library: library.undo(), undone)
