"""Actions of the reading-list view (move, remove, export), and leaving a list that is gone.

Mixed into the library screen; the keys are enabled only while a list is shown.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from textual.binding import Binding

from reader.store import Library
from reader.summaries import ReadingList
from reader.text import one_line, slugify
from reader.tui.errors import app_work
from reader.tui.messages import LibraryChanged
from reader.tui.screens.dialogs import PromptDialog
from reader.tui.widgets.sidebar import LIBRARY, Scope

if TYPE_CHECKING:
    from textual.app import App
    from textual.message import Message

    from reader.tui.held_frame import HeldFrame
    from reader.tui.messages import Write
    from reader.tui.widgets.paper_list import PaperList


class ReadingListActions:
    """Mixin for the screen that shows a reading list in order."""

    LIST_BINDINGS = [
        Binding("J", "move_down", "Move ↓", tooltip="Move the paper down the list", id="move-down"),
        Binding("K", "move_up", "Move ↑", tooltip="Move the paper up the list", id="move-up"),
        Binding(
            "x",
            "remove_from_list",
            "Remove",
            tooltip="Remove the paper from this list",
            id="remove-from-list",
        ),
        Binding(
            "e",
            "export_list",
            "Export",
            tooltip="Export this list (or the marked papers)",
            id="export",
        ),
    ]
    LIST_ACTIONS = {"move_down", "move_up", "remove_from_list", "export_list"}

    # Given to the screen when it is built (see PaperActions for why only annotated).
    library: Library
    write: Write
    scope: Scope

    if TYPE_CHECKING:
        app: App

        @property
        def current_paper_id(self) -> int | None: ...

        @property
        def list_name(self) -> str | None: ...

        @property
        def paper_list(self) -> PaperList: ...

        def notify(self, message: str, **kwargs) -> None: ...  # type: ignore[no-untyped-def]

        def post_message(self, message: Message) -> bool: ...

        generation: int
        held_frame: HeldFrame

        @property
        def is_attached(self) -> bool: ...

    def _leave_vanished_list(self, lists: list[ReadingList] | None = None) -> bool:
        """Back to the whole library when the list shown was renamed or deleted elsewhere."""
        name = self.list_name
        if name is None:
            return False
        if lists is None:
            lists = self.library.lists()
        if any(item.name.casefold() == name.casefold() for item in lists):
            return False
        self.notify(
            one_line(
                f"The reading list “{name}” no longer exists (renamed or deleted elsewhere): "
                "showing the whole library."
            ),
            severity="warning",
            markup=False,
        )
        self.scope = LIBRARY
        return True

    def _list_gone(self, generation: int, message: str) -> None:
        """A search found the list shown gone: back to the library, said once as a warning
        (``_leave_vanished_list``), not as an error. A list the sidebar still holds was not
        found by another spelling of its name: that is an error to see."""
        if generation != self.generation or not self.is_attached:
            return
        self.held_frame.release()
        if not self._leave_vanished_list():
            self.notify(one_line(message), severity="error", markup=False)

    def _move(self, offset: int) -> None:
        paper_id = self.current_paper_id
        name = self.list_name
        if paper_id is None or name is None or self._leave_vanished_list():
            return

        def move(library: Library) -> bool:
            # From the list as saved, not as drawn: J J pressed faster than the list redraws
            # moves the paper two places.
            order = library.reading_list(name)[1]
            position = order.index(paper_id) + 1 + offset if paper_id in order else 0
            if position < 1 or position > len(order):
                return False
            library.move_in_list(name, paper_id, position)
            return True

        self.write("move the paper", move, failed=self._redraw_list, paper_ids={paper_id})

    def action_move_down(self) -> None:
        self._move(1)

    def action_move_up(self) -> None:
        self._move(-1)

    def action_remove_from_list(self) -> None:
        paper_id = self.current_paper_id
        name = self.list_name
        if paper_id is None or name is None or self._leave_vanished_list():
            return
        index = self.paper_list.cursor
        remaining = [pid for pid in self.paper_list.ids if pid != paper_id]

        def removed(count: int) -> None:
            if count:
                self.notify(one_line(f"Removed from {name} (u undoes)."), markup=False)
            if remaining and self.paper_list.highlighted == paper_id:
                # Put the cursor on the next paper before the screen hears of the change and
                # searches again (it does after this), so the new results keep it there.
                self.paper_list.move_cursor_to(remaining[min(index, len(remaining) - 1)])

        self.write(
            "remove the paper",
            lambda library: library.remove_from_list(name, [paper_id]),
            removed,
            failed=self._redraw_list,
            paper_ids={paper_id},
        )

    def _redraw_list(self) -> None:
        """After a list change failed: the list may have changed elsewhere (or be gone)."""
        self.post_message(LibraryChanged(None, membership=True))

    @app_work("export the list")
    async def action_export_list(self) -> None:
        marked = self.paper_list.marked
        if marked:
            await self._export_marked(marked)
            return
        name = self.list_name
        if name is None:
            return
        answer = await self.app.push_screen_wait(
            PromptDialog(
                f"Export “{name}” to Markdown",
                f"{slugify(name)}.md",
                "File name (relative to the current folder) · Enter writes · Esc cancels",
            )
        )
        if not answer:
            return
        from reader.atomic_file import write_atomic
        from reader.exporting import list_document, render

        document = list_document(self.library, name)
        written = write_atomic(Path(answer), render(document, "markdown"))
        self.notify(one_line(f"Wrote {written}"), title="Exported", markup=False)

    async def _export_marked(self, ids: list[int]) -> None:
        """The marked papers, in list order, to Markdown, BibTeX, CSV or JSON (by extension)."""
        from reader.atomic_file import write_atomic
        from reader.export import EXPORT_FORMATS, ExportDocument
        from reader.exporting import render

        answer = await self.app.push_screen_wait(
            PromptDialog(
                f"Export {len(ids)} marked paper{'' if len(ids) == 1 else 's'}",
                "marked-papers.md",
                "File name: .md, .bib, .csv or .json · Enter writes · Esc cancels",
            )
        )
        if not answer:
            return
        path = Path(answer)
        fmt = next(
            (f.name for f in EXPORT_FORMATS.values() if f.extension == path.suffix.lower()),
            "markdown",
        )
        document = ExportDocument(title="Marked papers", papers=tuple(self.library.papers(ids)))
        written = write_atomic(path, render(document, fmt))
        self.notify(one_line(f"Wrote {written}"), title="Exported", markup=False)
