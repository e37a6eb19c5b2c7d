"""Actions on the highlighted paper, shared by the library screen and the paper screen."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.binding import Binding

from reader.store import Library
from reader.text import one_line, stars
from reader.tui.errors import app_work
from reader.tui.screens.dialogs import ListPickerDialog, NoteDialog, TagDialog

if TYPE_CHECKING:
    from reader.tui.app import ReaderApp


class PaperActions:
    """Mixin for screens that have a current paper and know how to redraw after a change."""

    app: ReaderApp

    PAPER_BINDINGS = [
        *[
            Binding(
                str(n),
                f"rate({n})",
                f"{n}★",
                show=False,
                tooltip=f"Rate {n} star{'' if n == 1 else 's'}",
            )
            for n in range(1, 6)
        ],
        Binding("0", "rate(0)", "Clear rating", show=False),
        Binding("s", "cycle_status", "Status", tooltip="unread → reading → read"),
        Binding("t", "tag", "Tag", tooltip="Add or remove tags"),
        Binding("n", "note", "Note", tooltip="Annotate the paper"),
        Binding("a", "add_to_list", "To list", tooltip="Add to a reading list"),
        Binding("o", "open_link", "Open code", show=False, tooltip="Open the code link"),
        Binding("u", "undo", "Undo", tooltip="Undo the last change"),
    ]

    if TYPE_CHECKING:
        # Provided by the screen this is mixed into. Only declared for type checkers: a real
        # definition here would come before Screen.notify in the MRO and shadow it.

        @property
        def current_paper_id(self) -> int | None: ...

        def after_change(self, paper_id: int | None = None, *, research: bool = False) -> None: ...

        def notify(self, message: str, **kwargs) -> None: ...  # type: ignore[no-untyped-def]

        @property
        def is_attached(self) -> bool: ...

    def _changed(self, paper_id: int | None = None, *, research: bool = False) -> None:
        """Redraw after a saved change, unless this screen has been closed meanwhile (the one
        underneath redraws when it comes back, and notices outside changes anyway)."""
        if self.is_attached:
            self.after_change(paper_id, research=research)

    def action_rate(self, rating: int) -> None:
        paper_id = self.current_paper_id
        if paper_id is None:
            return

        def rated(_: None) -> None:
            self.notify(f"Rated {stars(rating)}" if rating else "Rating cleared", timeout=2)
            self._changed(paper_id)

        self.app.write("rate the paper", lambda library: library.rate(paper_id, rating), rated)

    def action_cycle_status(self) -> None:
        paper_id = self.current_paper_id
        if paper_id is None:
            return

        def marked(status: str) -> None:
            self.notify(f"Marked {status}", timeout=2)
            self._changed(paper_id)

        self.app.write("change the status", lambda library: library.cycle_status(paper_id), marked)

    @app_work("tag the paper")
    async def action_tag(self) -> None:
        paper_id = self.current_paper_id
        if paper_id is None:
            return
        library = self.app.library
        paper = library.papers([paper_id], with_notes=False)[0]
        known = [tag.name for tag in library.tags()]
        edit = await self.app.push_screen_wait(TagDialog(paper.title, list(paper.tags), known))
        if edit is None:
            return

        def retag(library: Library) -> tuple[list[str], list[str]]:
            with library.transaction():  # both or neither
                added = library.tag(paper_id, edit.add) if edit.add else []
                removed = library.untag(paper_id, edit.remove) if edit.remove else []
            return added, removed

        added, removed = await self.app.apply(retag)
        parts = []
        if added:
            parts.append("added " + " ".join(f"#{name}" for name in added))
        if removed:
            parts.append("removed " + " ".join(f"#{name}" for name in removed))
        message = ("Tags " + ", ".join(parts)) if parts else "No change to tags"
        self.notify(one_line(message), timeout=3, markup=False)
        self._changed(paper_id)

    @app_work("save the note")
    async def action_note(self) -> None:
        paper_id = self.current_paper_id
        if paper_id is None:
            return
        paper = self.app.library.papers([paper_id], with_notes=False)[0]
        draft = await self.app.push_screen_wait(NoteDialog(paper.title, paper.abstract))
        if draft is None:
            return
        await self.app.apply(lambda library: library.add_note(paper_id, draft.body, draft.quote))
        self.notify("Note saved", timeout=2)
        self._changed(paper_id)

    @app_work("add the paper to the list")
    async def action_add_to_list(self) -> None:
        paper_id = self.current_paper_id
        if paper_id is None:
            return
        names = [item.name for item in self.app.library.lists()]
        choice = await self.app.push_screen_wait(ListPickerDialog(names))
        if choice is None:
            return

        def add(library: Library) -> int:
            with library.transaction():  # a new list is only kept with the paper in it
                if choice.create:
                    library.create_list(choice.name)
                return library.add_to_list(choice.name, [paper_id])

        added = await self.app.apply(add)
        message = f"Added to {choice.name}." if added else f"Already in {choice.name}."
        self.notify(one_line(message), markup=False)
        self._changed(paper_id)

    def action_open_link(self) -> None:
        paper_id = self.current_paper_id
        if paper_id is None:
            return
        paper = self.app.library.papers([paper_id], with_notes=False)[0]
        url = paper.code_link or (paper.links[0].url if paper.links else None)
        if url is None:
            self.notify("This paper has no links.", severity="warning")
            return
        self.app.open_url(url)
        self.notify(one_line(f"Opening {url}"), timeout=3, markup=False)

    def action_undo(self) -> None:
        def undone(description: str) -> None:
            self.notify(one_line(f"Undid: {description}"), title="Undo", markup=False)
            self._changed(research=True)

        self.app.write("undo", lambda library: library.undo(), undone)

    def action_open_paper(self) -> None:
        from reader.tui.screens.paper import PaperScreen

        paper_id = self.current_paper_id
        if paper_id is not None:
            self.app.push_screen(PaperScreen(paper_id))
