"""The main screen: sidebar, search box, paper list and detail pane.

The screen owns the state (scope, query, results) and talks to the library through the app's
small API; searches run in a thread worker and stale results are dropped by generation number.
Changes go through the app's writer; failures through the app's one error path.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Footer, Input, Static

from reader.models import ReadingList
from reader.query import QueryError, quote_value
from reader.text import one_line
from reader.tui.errors import app_work, reported
from reader.tui.screens.list_actions import ReadingListActions
from reader.tui.screens.paper_actions import PaperActions
from reader.tui.widgets.paper_detail import PaperDetail
from reader.tui.widgets.paper_list import PaperList
from reader.tui.widgets.sidebar import LIBRARY, Scope, Sidebar

if TYPE_CHECKING:
    from reader.tui.app import ReaderApp

NARROW_WIDTH = 100


class LibraryScreen(PaperActions, ReadingListActions, Screen):
    """Browse, search and curate the library."""

    app: ReaderApp

    BINDINGS = [
        Binding("slash", "focus_search", "Search", tooltip="Focus the search box"),
        Binding("escape", "escape", "Back", show=False),
        *PaperActions.PAPER_BINDINGS,
        *ReadingListActions.LIST_BINDINGS,
        Binding("i", "import_file", "Import", show=False, tooltip="Import a listing file"),
        Binding("ctrl+r", "reload", "Reload", show=False, tooltip="Reload outside changes"),
        Binding(
            "ctrl+b", "toggle_sidebar", "Sidebar", show=False, tooltip="Show or hide the sidebar"
        ),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.scope: Scope = LIBRARY
        self.generation = 0
        self.scope_total = 0
        self._data_version: tuple[int, int] | None = None
        self._detail_wanted: int | None = None
        self._count_width = -1
        self._detail_shown: int | None = -1

    # -- layout ------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        with Horizontal(id="top-bar"):
            yield Static("reader", id="brand")
            yield Input(
                placeholder=(
                    "Search  (try: diffusion  tag:vision  rating:>=4  status:unread  -has:notes)"
                ),
                id="search",
            )
            yield Static("", id="count")
        with Horizontal(id="main"):
            yield Sidebar(id="sidebar")
            with Vertical(id="list-pane"):
                yield Static("", id="scope-title")
                yield PaperList(self.app.load_rows, id="papers")
            yield PaperDetail(id="detail")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.paper_list.focus()
        self.refresh_sidebar()
        self.run_search(keep=None)
        self._data_version = self.app.library.data_version()
        self.set_interval(2.0, self.check_outside_changes)
        self._fit(self.size.width)

    def on_screen_resume(self) -> None:
        # Back from the paper screen or a dialog: show what changed there.
        if self.is_mounted and self._data_version is not None:
            self.after_change()

    def on_resize(self, event) -> None:  # type: ignore[no-untyped-def]
        self._fit(event.size.width)

    def _fit(self, width: int) -> None:
        """Fold the sidebar away on narrow terminals (80x24 stays usable)."""
        self.set_class(width < NARROW_WIDTH, "narrow")

    @property
    def paper_list(self) -> PaperList:
        return self.query_one("#papers", PaperList)

    @property
    def search_input(self) -> Input:
        return self.query_one("#search", Input)

    @property
    def current_paper_id(self) -> int | None:
        return self.paper_list.highlighted

    # -- search ------------------------------------------------------------------------------

    def scope_query(self) -> str:
        if self.scope.kind == "status":
            return f"status:{self.scope.value}"
        if self.scope.kind == "tag":
            return f"tag:{quote_value(self.scope.value)}"
        return ""

    @property
    def list_name(self) -> str | None:
        return self.scope.value if self.scope.kind == "list" else None

    def run_search(self, keep: int | None = None) -> None:
        self.generation += 1
        self._search_worker(
            self.generation, self.search_input.value, self.scope_query(), self.list_name, keep
        )

    @app_work("search", thread=True, exclusive=True, group="search")
    def _search_worker(
        self, generation: int, text: str, scope_query: str, list_name: str | None, keep: int | None
    ) -> None:
        try:
            answer = self.app.search(
                text, scope_query, list_name, stale=lambda: generation != self.generation
            )
        except QueryError as error:  # an answer to what was typed, shown where the count is
            self.app.call_from_thread(self._show_error, generation, str(error))
            return
        if answer is not None:
            self.app.call_from_thread(self._apply_results, generation, answer[0], answer[1], keep)

    def _apply_results(self, generation, result, total: int, keep: int | None) -> None:  # type: ignore[no-untyped-def]
        if generation != self.generation or not self.is_attached:
            return  # a newer keystroke has already asked again, or the app is closing
        self.scope_total = total
        paper_list = self.paper_list
        if not result.ids:  # worded for the situation; costs a count, so only when shown
            paper_list.empty_text = self._empty_text()
        paper_list.set_ids(result.ids, keep=keep)
        label = self.query_one("#count", Static)
        count = Text(f"{len(result.ids):,} of {total:,}")
        label.tooltip = None
        if result.fuzzy and result.ids:
            count = Text(f"~{len(result.ids):,} close", style="italic")
            fixes = ", ".join(f"{w} → {ws[0]}" for w, ws in result.corrections.items())
            label.tooltip = f"No exact match; showing {fixes}"
        self._set_count(count)
        self.app.search_done(generation)

    def _set_count(self, text: Text) -> None:
        """Update the count; a new layout only when its width changes (it rarely does while
        typing, and a layout repaints the whole screen)."""
        label = self.query_one("#count", Static)
        label.update(text, layout=text.cell_len != self._count_width)
        self._count_width = text.cell_len

    def _show_error(self, generation: int, message: str) -> None:
        if generation == self.generation and self.is_attached:
            self._set_count(Text(message.replace("bad query at ", ""), style="bold red"))
            self.app.search_done(generation)

    def _empty_text(self) -> str:
        if self.search_input.value.strip():
            return "No papers match. Esc twice clears the search."
        if self.scope.kind == "list":
            return "This list is empty: highlight a paper in the Library and press a."
        if self.app.library.count() == 0:
            return "The library is empty: press i to import a listing file."
        return "No papers here."

    @on(Input.Changed, "#search")
    def search_changed(self) -> None:
        self.run_search(keep=None)

    @on(Input.Submitted, "#search")
    def search_submitted(self) -> None:
        self.paper_list.focus()
        self.paper_list.action_first()

    def action_focus_search(self) -> None:
        self.search_input.focus()

    def action_escape(self) -> None:
        if self.search_input.has_focus:
            self.paper_list.focus()
        elif self.search_input.value:
            self.search_input.value = ""
        elif self.scope != LIBRARY:
            self.set_scope(LIBRARY)

    # -- scope and sidebar -------------------------------------------------------------------

    @on(Sidebar.ScopeChosen)
    def scope_chosen(self, event: Sidebar.ScopeChosen) -> None:
        self.set_scope(event.scope)

    def set_scope(self, scope: Scope) -> None:
        self.scope = scope
        self._show_scope_title()
        self.refresh_bindings()
        self.run_search(keep=None)

    def _show_scope_title(self, lists: list[ReadingList] | None = None) -> None:
        """The title above the list; a reading list shows its progress too."""
        # List and tag names come from imports too: never draw their control characters.
        title = one_line(self.scope.label)
        if self.scope.kind == "list":
            title = f"≡ {title}"
            for item in self.app.library.lists() if lists is None else lists:
                if item.name.casefold() == self.scope.value.casefold():
                    title = f"≡ {one_line(item.name)}  ·  {item.progress}"
        self.query_one("#scope-title", Static).update(Text(title))

    def refresh_sidebar(self) -> None:
        library = self.app.library
        lists = library.lists()
        self._leave_vanished_list(lists)
        self.query_one(Sidebar).fill(
            library.count(), library.status_counts(), lists, library.tags(), self.scope
        )
        self._show_scope_title(lists)

    def action_toggle_sidebar(self) -> None:
        sidebar = self.query_one(Sidebar)
        sidebar.display = not sidebar.display

    # -- reacting to the list ----------------------------------------------------------------

    @on(PaperList.Highlighted)
    def highlighted(self, event: PaperList.Highlighted) -> None:
        # The list repaints first; the detail pane follows once the cursor is drawn, and only
        # for the paper still highlighted by then (holding j skips the ones in between).
        self._detail_wanted = event.paper_id
        self.call_after_refresh(self._show_wanted_detail)

    @property
    def detail_settled(self) -> bool:
        """True once the detail pane shows the highlighted paper (tests wait on it)."""
        return self._detail_wanted == self._detail_shown

    def _show_wanted_detail(self) -> None:
        if self._detail_wanted != self._detail_shown:
            self.show_detail(self._detail_wanted)

    def show_detail(self, paper_id: int | None) -> None:
        papers = self.app.library.papers([paper_id]) if paper_id is not None else []
        self.query_one(PaperDetail).show(papers[0] if papers else None)
        self._detail_wanted = self._detail_shown = paper_id

    @on(PaperList.Selected)
    def selected(self, event: PaperList.Selected) -> None:
        self.action_open_paper()

    def after_change(self, paper_id: int | None = None, *, research: bool = False) -> None:
        """Redraw what a change can touch; re-run the search when membership may differ."""
        if paper_id is not None:
            self.paper_list.invalidate([paper_id])
        else:
            self.paper_list.invalidate()
        self.refresh_sidebar()
        self.show_detail(self.current_paper_id)
        self._data_version = self.app.library.data_version()
        if research or self.search_input.value or self.scope != LIBRARY:
            self.run_search(keep=self.current_paper_id)

    def check_outside_changes(self) -> None:
        """Every two seconds (a timer, so its failures go to the one error path by hand)."""
        with reported(self.app, "check for changes made elsewhere"):
            version = self.app.library.data_version()
            if version != self._data_version:
                self._data_version = version
                self.after_change(research=True)

    def action_reload(self) -> None:
        self.after_change(research=True)
        self.notify("Reloaded from the library.")

    # -- reading-list view -------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ReadingListActions.LIST_ACTIONS and self.scope.kind != "list":
            return False
        return super().check_action(action, parameters)

    @app_work("import the file")
    async def action_import_file(self) -> None:
        if await self.app.prompt_import():
            self.after_change(research=True)

    # -- palette ---------------------------------------------------------------------------

    def show_scope(self, scope: Scope) -> None:
        """Used by the command palette: jump to a list or tag."""
        self.search_input.value = ""
        self.set_scope(scope)
        self.refresh_sidebar()
        self.paper_list.focus()
