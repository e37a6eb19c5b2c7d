"""One paper, full-screen, with the same keys as in the list."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.reactive import var
from textual.screen import Screen

from reader.models import Paper
from reader.store import Library
from reader.tui.background import Background
from reader.tui.errors import reported
from reader.tui.messages import Apply, LibraryChanged, Write
from reader.tui.screens.paper_actions import PaperActions
from reader.tui.screens.record_actions import RecordActions
from reader.tui.widgets.key_footer import KeyFooter
from reader.tui.widgets.paper_detail import PaperDetail

READABLE_WIDTH = 100  # the paper's lines, however wide the screen


class PaperScreen(PaperActions, RecordActions, Screen):
    BINDINGS = [
        Binding("escape,backspace", "app.pop_screen", "Back", id="back"),
        *PaperActions.PAPER_BINDINGS,
        *RecordActions.RECORD_BINDINGS,
        Binding("j,down", "scroll_down", "Scroll", show=False, tooltip="Scroll down", id="down"),
        Binding("k,up", "scroll_up", "Scroll", show=False, tooltip="Scroll up", id="up"),
    ]

    paper: var[Paper | None] = var(None, init=False)
    """The paper shown, read again whenever it changes."""

    def __init__(
        self, paper_id: int, library: Library, write: Write, apply: Apply, background: Background
    ) -> None:
        super().__init__()
        self.paper_id = paper_id
        self.library = library
        self.write = write
        self.apply = apply
        self.background = background

    def compose(self) -> ComposeResult:
        yield PaperDetail(id="paper-full", max_width=READABLE_WIDTH).data_bind(PaperScreen.paper)
        yield KeyFooter()

    def on_mount(self) -> None:
        self.load()
        self.query_one(PaperDetail).focus()

    @property
    def current_paper_id(self) -> int | None:
        return self.paper_id

    def load(self) -> None:
        papers = self.library.papers([self.paper_id])
        self.paper = papers[0] if papers else None

    def removed(self, paper_ids: list[int]) -> None:
        self.app.pop_screen()  # the paper is gone (u brings it back, in the list)

    @on(LibraryChanged)
    def library_changed(self, message: LibraryChanged) -> None:
        if message.paper_ids is None or self.paper_id in message.paper_ids:
            with reported(self.app, "show the changes"):
                self.load()

    def action_scroll_down(self) -> None:
        self.query_one(PaperDetail).scroll_down()

    def action_scroll_up(self) -> None:
        self.query_one(PaperDetail).scroll_up()
