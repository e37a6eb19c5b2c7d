"""One paper, full-screen, with the same keys as in the list."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Footer

from reader.tui.screens.paper_actions import PaperActions
from reader.tui.widgets.paper_detail import PaperDetail

if TYPE_CHECKING:
    from reader.tui.app import ReaderApp


class PaperScreen(PaperActions, Screen):
    app: ReaderApp

    BINDINGS = [
        Binding("escape,backspace", "app.pop_screen", "Back"),
        *PaperActions.PAPER_BINDINGS,
        Binding("j,down", "scroll_down", "Scroll", show=False),
        Binding("k,up", "scroll_up", "Scroll", show=False),
    ]

    def __init__(self, paper_id: int) -> None:
        super().__init__()
        self.paper_id = paper_id

    def compose(self) -> ComposeResult:
        yield PaperDetail(id="paper-full")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.after_change(self.paper_id)
        self.query_one(PaperDetail).focus()

    @property
    def current_paper_id(self) -> int | None:
        return self.paper_id

    def after_change(self, paper_id: int | None = None, *, research: bool = False) -> None:
        papers = self.app.library.papers([self.paper_id])
        self.query_one(PaperDetail).show(papers[0] if papers else None)

    def action_scroll_down(self) -> None:
        self.query_one(PaperDetail).scroll_down()

    def action_scroll_up(self) -> None:
        self.query_one(PaperDetail).scroll_up()
