"""Actions on the highlighted paper, or on every marked paper, shared by the library screen,
the paper screen and triage.

Each change goes through the ``write`` or ``apply`` the screen was given; the app tells every
screen once it is saved (``LibraryChanged``), so an action only says what it did. A change to
many papers is one change: one transaction, one step of undo.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.binding import Binding

from reader.keys import TagEdit
from reader.models import STATUSES
from reader.store import Library
from reader.text import one_line, stars
from reader.tui.errors import app_work
from reader.tui.screens.dialogs import ListPickerDialog, TagDialog
from reader.tui.screens.note_dialog import NoteDialog, NotePickerDialog

if TYPE_CHECKING:
    from textual.app import App

    from reader.tui.messages import Apply, Write


def papers_word(count: int) -> str:
    return f"{count} paper{'' if count == 1 else 's'}"


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
        Binding(
            "N", "edit_notes", "Notes", show=False, tooltip="Edit or delete a note", id="notes"
        ),
        Binding("a", "add_to_list", "To list", tooltip="Add to a reading list", id="add-to-list"),
        Binding("u", "undo", "Undo", tooltip="Undo the last change", id="undo"),
        Binding("U", "redo", "Redo", show=False, tooltip="Redo what was undone", id="redo"),
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

    def target_ids(self) -> list[int]:
        """The papers an action is for: the marked ones on a screen that marks, else the
        current paper."""
        paper_id = self.current_paper_id
        return [] if paper_id is None else [paper_id]

    def action_rate(self, rating: int) -> None:
        ids = self.target_ids()
        if not ids:
            return

        def rated(_: int) -> None:
            what = f" {papers_word(len(ids))}" if len(ids) > 1 else ""
            self.notify(
                f"Rated{what} {stars(rating)}" if rating else f"Rating cleared{what}", timeout=2
            )

        self.write(
            "rate the paper",
            lambda library: library.rate(ids if len(ids) > 1 else ids[0], rating),
            rated,
            paper_ids=set(ids),
            membership=False,
        )

    def action_cycle_status(self) -> None:
        ids = self.target_ids()
        if not ids:
            return
        if len(ids) == 1:
            paper_id = ids[0]
            self.write(
                "change the status",
                lambda library: library.cycle_status(paper_id),
                lambda status: self.notify(f"Marked {status}", timeout=2),
                paper_ids={paper_id},
                membership=False,
            )
            return
        # Many: all take the status after the first one's, so they end up alike.
        first = self.library.papers([ids[0]], with_notes=False)[0].status
        status = STATUSES[(STATUSES.index(first) + 1) % len(STATUSES)]
        self.write(
            "change the status",
            lambda library: library.set_status(ids, status),
            lambda count: self.notify(f"Marked {papers_word(len(ids))} {status}", timeout=2),
            paper_ids=set(ids),
            membership=False,
        )

    @app_work("tag the paper")
    async def action_tag(self) -> None:
        ids = self.target_ids()
        if not ids:
            return
        papers = self.library.papers(ids, with_notes=False)
        known = [tag.name for tag in self.library.tags()]
        shared = [tag for tag in papers[0].tags if all(tag in p.tags for p in papers)]
        title = papers[0].title if len(ids) == 1 else f"{papers_word(len(ids))} marked"
        edit: TagEdit | None = await self.app.push_screen_wait(TagDialog(title, shared, known))
        if edit is None:
            return

        def retag(library: Library) -> tuple[list[str], list[str]]:
            added, removed = library.retag_many(ids, edit.add, edit.remove)  # one undo step
            return added.names, removed.names

        added, removed = await self.apply(retag, paper_ids=set(ids), membership=False)
        parts = []
        if added:
            parts.append("added " + " ".join(f"#{name}" for name in added))
        if removed:
            parts.append("removed " + " ".join(f"#{name}" for name in removed))
        message = ("Tags " + ", ".join(parts)) if parts else "No change to tags"
        if len(ids) > 1:
            message += f" ({papers_word(len(ids))})"
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

    @app_work("change the note")
    async def action_edit_notes(self) -> None:
        """Pick one of the paper's notes, then edit it or delete it (undoable)."""
        paper_id = self.current_paper_id
        if paper_id is None:
            return
        paper = self.library.paper(paper_id)
        if not paper.annotations:
            self.notify("This paper has no notes yet: n writes one.", timeout=3)
            return
        choice = await self.app.push_screen_wait(
            NotePickerDialog(paper.title, list(paper.annotations))
        )
        if choice is None:
            return
        note = choice.note
        if choice.delete:
            await self.apply(
                lambda library: library.delete_note(note.id),
                paper_ids={paper_id},
                membership=False,
            )
            self.notify("Note deleted (u undoes)", timeout=3)
            return
        draft = await self.app.push_screen_wait(
            NoteDialog(
                paper.title, paper.abstract, body=note.body, quote=note.quote, heading="Edit note"
            )
        )
        if draft is None:
            return
        await self.apply(
            lambda library: library.edit_note(note.id, draft.body, draft.quote),
            paper_ids={paper_id},
            membership=False,
        )
        self.notify("Note saved", timeout=2)

    @app_work("add the paper to the list")
    async def action_add_to_list(self) -> None:
        ids = self.target_ids()
        if not ids:
            return
        names = [item.name for item in self.library.lists()]
        choice = await self.app.push_screen_wait(ListPickerDialog(names))
        if choice is None:
            return

        def add(library: Library) -> int:
            with library.transaction():  # a new list is only kept with the papers in it
                if choice.create:
                    library.create_list(choice.name)
                return library.add_to_list(choice.name, ids)

        # A list shown is a filter: its search runs again, and the library's does not change.
        added = await self.apply(add, paper_ids=set(ids), membership=False)
        if len(ids) > 1:
            message = f"Added {papers_word(added)} to {choice.name}."
        else:
            message = f"Added to {choice.name}." if added else f"Already in {choice.name}."
        self.notify(one_line(message), markup=False)

    def action_undo(self) -> None:
        def undone(description: str) -> None:
            self.notify(one_line(f"Undid: {description} (U redoes)"), title="Undo", markup=False)

        self.write("undo", lambda library: library.undo(), undone)

    def action_redo(self) -> None:
        def redone(description: str) -> None:
            self.notify(one_line(f"Redid: {description}"), title="Redo", markup=False)

        self.write("redo", lambda library: library.redo(), redone)
