"""Triage: the new papers one at a time, best for you first, each kept, skipped or rated.

The order is worked out once, in a worker, when the screen opens (recommendations when there is
a taste to learn from, else the listing order); after that, moving on reads one paper, so the
next one is on screen at once. Every decision is a change like any other (the writer, in
order; undoable), so leaving at any point keeps what was decided.
"""

from __future__ import annotations

from rich.console import Group
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.reactive import var
from textual.screen import Screen
from textual.widgets import Static

from reader.models import Paper, ReaderError
from reader.store import Library
from reader.text import one_line
from reader.tui.background import Background, Closing
from reader.tui.errors import app_work, reported
from reader.tui.messages import Apply, LibraryChanged, Write
from reader.tui.screens.dialogs import PromptDialog
from reader.tui.screens.paper_actions import PaperActions
from reader.tui.screens.record_actions import RecordActions
from reader.tui.widgets.key_footer import KeyFooter
from reader.tui.widgets.paper_detail import paper_view

DEFAULT_LIST = "To read"
NO_TASTE = "rate or keep a few papers to get recommendations"
# At most this many new papers are ranked by taste when triage opens.
RANKED = 2_000


class TriageScreen(PaperActions, RecordActions, Screen):
    """One new paper at a time: k keeps, x skips, Space passes, b goes back."""

    BINDINGS = [
        Binding(
            "escape,q", "leave", "Done", tooltip="Leave triage (decisions are saved)", id="back"
        ),
        Binding("k", "keep", "Keep", tooltip="Keep it (into the reading list)", id="keep"),
        Binding("x", "skip", "Skip", tooltip="Skip it (out of the default views)", id="skip"),
        Binding("space", "next", "Next", tooltip="Next paper, undecided", id="next"),
        Binding("b", "previous", "Back", tooltip="The previous paper", id="previous"),
        *PaperActions.PAPER_BINDINGS[:6],  # rate 1-5, clear
        Binding("t", "tag", "Tag", tooltip="Add or remove tags", id="tag"),
        Binding("o", "open_paper", "Open", tooltip="Open the PDF, else its page", id="open"),
        Binding("u", "undo", "Undo", tooltip="Undo the last decision", id="undo"),
        Binding(
            "l", "choose_list", "List", show=False, tooltip="Keep into another list", id="list"
        ),
        Binding("j,down", "scroll_down", "Scroll", show=False, tooltip="Scroll", id="down"),
    ]

    paper: var[Paper | None] = var(None, init=False)

    def __init__(
        self, library: Library, write: Write, apply: Apply, background: Background
    ) -> None:
        super().__init__()
        self.library = library
        self.write = write
        self.apply = apply
        self.background = background
        self.order: list[int] | None = None  # worked out once, when the screen opens
        self.reasons: dict[int, str] = {}
        self.index = 0
        self.list_name = DEFAULT_LIST
        self.decided: dict[int, str] = {}  # paper id -> "kept" or "skipped", this session
        self.choices: list[int] = []  # the papers decided, in order (for undo)

    def compose(self) -> ComposeResult:
        yield Static("", id="triage-progress")
        with VerticalScroll(id="triage-paper"):
            yield Static(Text("Working out the order…", style="dim"), id="triage-body")
        yield KeyFooter()

    def on_mount(self) -> None:
        self._work_out_order()

    @property
    def current_paper_id(self) -> int | None:
        if self.order is None or not 0 <= self.index < len(self.order):
            return None
        return self.order[self.index]

    @app_work("work out the order", thread=True, exclusive=True, group="triage")
    def _work_out_order(self) -> None:
        def order(library: Library) -> tuple[list[int], dict[int, str]]:
            ids = library.new_ids()
            try:
                # The newest first are ranked; a huge backlog follows in listing order.
                ranked = library.recommend(ids[:RANKED])
            except ReaderError:
                return ids, dict.fromkeys(ids, NO_TASTE)
            order = [r.paper_id for r in ranked]
            chosen = set(order)
            order += [paper_id for paper_id in ids if paper_id not in chosen]
            return order, {r.paper_id: r.reason for r in ranked}

        try:
            ids, reasons = self.background.read(order)
        except Closing:
            return
        self.app.call_from_thread(self._ordered, ids, reasons)

    def _ordered(self, ids: list[int], reasons: dict[int, str]) -> None:
        self.order, self.reasons = ids, reasons
        self.show()

    # -- showing -----------------------------------------------------------------------------

    def show(self) -> None:
        """Read the one paper to show, and the progress line."""
        paper_id = self.current_paper_id
        papers = self.library.papers([paper_id]) if paper_id is not None else []
        self.paper = papers[0] if papers else None
        self._draw()

    def _draw(self) -> None:
        order = self.order or []
        kept = sum(1 for state in self.decided.values() if state == "kept")
        skipped = len(self.decided) - kept
        position = min(self.index + 1, len(order))
        progress = Text()
        progress.append(f" {position} of {len(order)} new ", style="reverse")
        progress.append(f"  {kept} kept · {skipped} skipped  ·  k keeps into ")
        progress.append(one_line(self.list_name), style="bold")
        progress.append(" (l changes)", style="dim")
        self.query_one("#triage-progress", Static).update(progress)
        body = self.query_one("#triage-body", Static)
        paper = self.paper
        if paper is None:
            done = "Nothing new to triage." if not order else "That was the last new paper."
            body.update(Text(f"{done} Esc goes back to the library.", style="bold"))
            return
        why = Text()
        state = self.decided.get(paper.id)
        if state:
            why.append(f"{state}  ", style="reverse")
        why.append("Why: ", style="bold")
        why.append(one_line(self.reasons.get(paper.id, NO_TASTE)), style="italic")
        why.append("\n")
        body.update(Group(why, paper_view(paper)))
        self.query_one("#triage-paper", VerticalScroll).scroll_home(animate=False)

    # -- deciding ----------------------------------------------------------------------------

    def _advance(self, step: int = 1) -> None:
        if self.order is None:
            return
        self.index = max(0, min(self.index + step, len(self.order)))
        self.show()

    def _decide(self, state: str) -> None:
        paper_id = self.current_paper_id
        if paper_id is None:
            return
        name = self.list_name
        if state == "kept":
            self.write("keep the paper", lambda library: library.keep(paper_id, name))
        else:
            self.write("skip the paper", lambda library: library.skip(paper_id))
        self.decided[paper_id] = state
        self.choices.append(paper_id)
        self._advance()

    def action_keep(self) -> None:
        self._decide("kept")

    def action_skip(self) -> None:
        self._decide("skipped")

    def action_next(self) -> None:
        self._advance()

    def action_previous(self) -> None:
        self._advance(-1)

    def action_undo(self) -> None:
        """Undo the last change; when it was a decision made here, its paper comes back on
        screen, undecided."""

        def undo(library: Library) -> tuple[str, bool]:
            # What is undone is read in the same place the undo happens: after every change
            # asked for before it.
            history = library.undo_history(1)
            last = history[0].description if history else ""
            return library.undo(), last.startswith(("kept '", "skipped '"))

        def undone(outcome: tuple[str, bool]) -> None:
            description, was_decision = outcome
            self.notify(one_line(f"Undid: {description}"), title="Undo", markup=False)
            if was_decision and self.choices and self.order is not None:
                paper_id = self.choices.pop()
                self.decided.pop(paper_id, None)
                self.index = self.order.index(paper_id)
            self.show()

        self.write("undo", undo, undone)

    @app_work("choose the list")
    async def action_choose_list(self) -> None:
        name = await self.app.push_screen_wait(
            PromptDialog("Keep into which reading list?", self.list_name, "A new name creates it")
        )
        if name:
            self.list_name = name
            self._draw()

    def action_leave(self) -> None:
        self.app.pop_screen()

    def action_scroll_down(self) -> None:
        self.query_one("#triage-paper", VerticalScroll).scroll_down()

    def removed(self, paper_ids: list[int]) -> None:
        self._advance()

    @on(LibraryChanged)
    def library_changed(self, message: LibraryChanged) -> None:
        paper_id = self.current_paper_id
        if paper_id is not None and (message.paper_ids is None or paper_id in message.paper_ids):
            with reported(self.app, "show the changes"):
                self.show()
